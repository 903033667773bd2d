#!/bin/sh
# pre-commit hook: lint the plans that the changed files belong to.
#
# pre-commit passes changed files, but a plan is a directory: files named
# together would be read as one plan. So each file stands for its plan
# directory (a drill record in drills/ for the plan above it), and the
# plans are linted together, each once. Arguments that start with "-" are
# drplan lint flags (write them as --fail-on=warning).
#
# drplan is $DRPLAN when set; otherwise it is built once from the checkout
# this script is in (pre-commit clones one per hook rev), so the hook runs
# the version it is pinned to; without Go, drplan on PATH.
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
drplan=${DRPLAN:-}
if [ -z "$drplan" ]; then
	if [ -x "$here/bin/drplan" ]; then
		drplan=$here/bin/drplan
	elif command -v go >/dev/null 2>&1 && [ -f "$here/cmd/drplan/main.go" ]; then
		echo "drplan pre-commit: building drplan in $here (once)" >&2
		(cd "$here" && go build -o bin/drplan ./cmd/drplan)
		drplan=$here/bin/drplan
	elif command -v drplan >/dev/null 2>&1; then
		drplan=drplan
	else
		echo "drplan pre-commit: drplan not found; install Go (to build it), put drplan on PATH, or set DRPLAN" >&2
		exit 2
	fi
fi

dirs=$(mktemp)
trap 'rm -f "$dirs"' EXIT
# Keep the flags in "$@" and write each file's plan directory to $dirs.
n=$#
while [ "$n" -gt 0 ]; do
	arg=$1
	shift
	n=$((n - 1))
	case $arg in
	-*)
		set -- "$@" "$arg"
		continue
		;;
	esac
	dir=$(dirname -- "$arg")
	case $dir in
	drills) dir=. ;;
	*/drills) dir=${dir%/drills} ;;
	esac
	# A plan deleted in this commit has nothing left to lint.
	if [ -d "$dir" ]; then
		printf '%s\n' "$dir" >>"$dirs"
	fi
done
if [ ! -s "$dirs" ]; then
	exit 0
fi
while IFS= read -r dir; do
	set -- "$@" "$dir"
done <<EOF_DIRS
$(sort -u "$dirs")
EOF_DIRS
exec "$drplan" lint "$@"
