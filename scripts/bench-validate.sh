#!/usr/bin/env bash
# Whole-process timings of `drplan validate` against `cue vet` of the same
# generated plan files, on this machine, in the same run.
#
#   scripts/bench-validate.sh [SIZES...]     SIZES like 1000x5000 (services x steps)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000x5000 10000x50000)
. scripts/bench-lib.sh
cue=$(cue_cli)

for size in "${sizes[@]}"; do
	services=${size%x*} steps=${size#*x}
	plan="$work/plan-$size"
	"$GOBIN/plangen" -services "$services" -steps "$steps" -seed 1 -o "$plan" >/dev/null
	vet_dir "$work/vet-$size" "$plan"
	echo "== $services services, $steps steps ($(du -sh "$plan" | cut -f1) of CUE; best of $runs runs, max RSS)"
	measure "drplan validate" "$GOBIN/drplan" validate -q "$plan"
	measure "cue vet" sh -c "cd '$work/vet-$size' && exec '$cue' vet -c ."
done
