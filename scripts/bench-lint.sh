#!/usr/bin/env bash
# Whole-process timings of `drplan lint` (all rules) against its peers on the
# same generated plans, in the same run:
#   - cue vet of the plan's CUE files with the schema embedded;
#   - conftest with lint/testdata/bench/policy.rego (a Rego policy equivalent
#     to a small CUE schema's checks) on the plan exported as one JSON file;
#   - drplan lint on the CUE directory and on that same JSON file.
#
#   scripts/bench-lint.sh [SIZES...]     SIZES like 1000x5000 (services x steps)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000x5000 10000x50000)
runs=${RUNS:-3}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOBIN="$work/bin"
go build -o "$GOBIN/drplan" ./cmd/drplan
go build -o "$GOBIN/plangen" ./internal/cmd/plangen
cue=$(command -v cue || true)
if [ -z "$cue" ] || ! "$cue" version 2>/dev/null | grep -q 'v0.17.1'; then
	go install cuelang.org/go/cmd/cue@v0.17.1
	cue="$GOBIN/cue"
fi
conftest=$(command -v conftest || true)
if [ -z "$conftest" ]; then
	go install github.com/open-policy-agent/conftest@v0.71.1
	conftest="$GOBIN/conftest"
fi

measure() { # label, command...: best wall time and max RSS over $runs runs
	local label=$1; shift
	local best="" rss=""
	for _ in $(seq "$runs"); do
		/usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" || true
		read -r s kb <"$work/t"
		if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; fi
		if [ -z "$rss" ] || [ "$kb" -gt "$rss" ]; then rss=$kb; fi
	done
	printf '%-44s %8.2f s %8d MB\n' "$label" "$best" $((rss / 1024))
}

for size in "${sizes[@]}"; do
	services=${size%x*} steps=${size#*x}
	plan="$work/plan-$size" vet="$work/vet-$size" json="$work/plan-$size.json"
	"$GOBIN/plangen" -services "$services" -steps "$steps" -seed 1 -o "$plan" -json "$json" >/dev/null
	mkdir -p "$vet"
	cp "$plan"/*.cue "$vet"/
	sed 's/^package drplan$/package synthetic/' schema/plan.cue >"$vet/zz_schema.cue"
	printf 'package synthetic\n\n#Plan\n' >"$vet/zz_plan.cue"
	echo "== $services services, $steps steps (best of $runs runs, max RSS)"
	measure "drplan lint (CUE files)" "$GOBIN/drplan" lint --now 2026-11-25 --format json "$plan"
	measure "drplan lint (JSON file)" "$GOBIN/drplan" lint --now 2026-11-25 --format json "$json"
	measure "cue vet (CUE files, schema embedded)" sh -c "cd '$vet' && exec '$cue' vet -c ."
	measure "conftest test (JSON file, Rego policy)" "$conftest" test --no-color -p lint/testdata/bench "$json"
done
