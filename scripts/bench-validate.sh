#!/usr/bin/env bash
# Whole-process timings of `drplan validate` against `cue vet` of the same
# generated plan files, on this machine, in the same run.
#
#   scripts/bench-validate.sh [SIZES...]     SIZES like 1000x5000 (services x steps)
#
# cue vet gets the plan files plus the schema (package clause rewritten) and
# a file that embeds #Plan, which is how a CUE user would vet a plan.
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
command -v /usr/bin/time >/dev/null || { echo "bench-validate: needs /usr/bin/time (Debian package time)" >&2; exit 1; }

measure() { # label, command...: best wall time and max RSS over $runs runs
	local label=$1; shift
	local best="" rss=""
	for _ in $(seq "$runs"); do
		/usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
		read -r s kb <"$work/t"
		if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; fi
		if [ -z "$rss" ] || [ "$kb" -gt "$rss" ]; then rss=$kb; fi
	done
	printf '%-40s %8.2f s %8d MB\n' "$label" "$best" $((rss / 1024))
}

for size in "${sizes[@]}"; do
	services=${size%x*} steps=${size#*x}
	plan="$work/plan-$size" vet="$work/vet-$size"
	"$GOBIN/plangen" -services "$services" -steps "$steps" -seed 1 -o "$plan" >/dev/null
	mkdir -p "$vet"
	cp "$plan"/*.cue "$vet"/
	sed 's/^package drplan$/package synthetic/' schema/plan.cue >"$vet/zz_schema.cue"
	printf 'package synthetic\n\n#Plan\n' >"$vet/zz_plan.cue"
	echo "== $services services, $steps steps ($(du -sh "$plan" | cut -f1) of CUE; best of $runs runs, max RSS)"
	measure "drplan validate" "$GOBIN/drplan" validate -q "$plan"
	measure "cue vet" sh -c "cd '$vet' && exec '$cue' vet -c ."
done
