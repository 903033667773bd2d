# Shared by the bench-*.sh scripts: a work directory, the binaries, the
# peers, and a timer. Source it from the repository root.
runs=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOBIN="$work/bin"
go build -o "$GOBIN/drplan" ./cmd/drplan
go build -o "$GOBIN/plangen" ./internal/cmd/plangen
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (Debian package time)" >&2; exit 1; }

# cue_cli prints the path of cue v0.17.1, installing it when missing.
cue_cli() {
	local cue
	cue=$(command -v cue || true)
	if [ -z "$cue" ] || ! "$cue" version 2>/dev/null | grep -q 'v0.17.1'; then
		go install cuelang.org/go/cmd/cue@v0.17.1
		cue="$GOBIN/cue"
	fi
	echo "$cue"
}

# vet_dir DIR PLAN: DIR gets PLAN's CUE files, the schema with the plan's
# package clause, and a file embedding #Plan, as a CUE user would vet it.
vet_dir() {
	mkdir -p "$1"
	cp "$2"/*.cue "$1"/
	sed 's/^package drplan$/package synthetic/' schema/plan.cue >"$1/zz_schema.cue"
	printf 'package synthetic\n\n#Plan\n' >"$1/zz_plan.cue"
}

# measure LABEL COMMAND...: best wall time and max RSS over $runs runs. The
# exit status is ignored (lint exits 1 on findings); time's own note about
# it is skipped by reading the last line.
measure() {
	local label=$1
	shift
	local best="" rss="" s kb
	for _ in $(seq "$runs"); do
		/usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" || true
		read -r s kb < <(tail -n 1 "$work/t")
		if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; fi
		if [ -z "$rss" ] || [ "$kb" -gt "$rss" ]; then rss=$kb; fi
	done
	printf '%-44s %8.2f s %8d MB\n' "$label" "$best" $((rss / 1024))
}
