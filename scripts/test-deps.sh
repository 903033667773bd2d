#!/usr/bin/env bash
# Installs the tools drplan's tests drive for real, when they are missing.
# Debian packages only; apt-get runs once, and only if something is missing.
set -euo pipefail

# tool -> Debian package. Tests that need a tool skip outside CI when it is
# missing (naming it); under CI=true they fail instead, so it must be here.
declare -A packages=(
	[git]=git
	# generator/alerts: promtool check rules / test rules on the rendered alerts.
	[promtool]=prometheus
	# exporter: a real Prometheus scrapes it and fires the verify-drift alert.
	[prometheus]=prometheus
	# metrics, drill push: drill results pushed to a real Pushgateway.
	[prometheus-pushgateway]=prometheus-pushgateway
	# generator/bundle: shellcheck -s sh on the rendered runbook bundles.
	[shellcheck]=shellcheck
	# site: the auditor site loaded in headless Chromium (chromedp).
	[chromium]=chromium
)

missing=()
# plans/locallab: a real PostgreSQL primary/standby pair for the failover
# drill. Debian keeps the server binaries off PATH, under
# /usr/lib/postgresql/<major>/bin.
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
	missing+=(postgresql)
fi
for tool in "${!packages[@]}"; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("${packages[$tool]}")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "test-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
		echo "test-deps: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
