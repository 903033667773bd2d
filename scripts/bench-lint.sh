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
. scripts/bench-lib.sh
cue=$(cue_cli)
conftest=$(command -v conftest || true)
if [ -z "$conftest" ]; then
	go install github.com/open-policy-agent/conftest@v0.71.1
	conftest="$GOBIN/conftest"
fi

for size in "${sizes[@]}"; do
	services=${size%x*} steps=${size#*x}
	plan="$work/plan-$size" json="$work/plan-$size.json"
	"$GOBIN/plangen" -services "$services" -steps "$steps" -seed 1 -o "$plan" -json "$json" >/dev/null
	vet_dir "$work/vet-$size" "$plan"
	echo "== $services services, $steps steps (best of $runs runs, max RSS)"
	measure "drplan lint (CUE files)" "$GOBIN/drplan" lint --now 2026-11-25 --format json "$plan"
	measure "drplan lint (JSON file)" "$GOBIN/drplan" lint --now 2026-11-25 --format json "$json"
	measure "cue vet (CUE files, schema embedded)" sh -c "cd '$work/vet-$size' && exec '$cue' vet -c ."
	measure "conftest test (JSON file, Rego policy)" "$conftest" test --no-color -p lint/testdata/bench "$json"
done
