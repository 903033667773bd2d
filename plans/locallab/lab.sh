#!/bin/sh
# The lab of plans/locallab: a PostgreSQL primary (pg-a) taking continuous
# writes and a hot standby (pg-b) fed by streaming replication, both on
# 127.0.0.1, everything inside one folder. The failover runbook of the plan
# runs against it.
#
# Usage: sh lab.sh up|down|status|writer [DIR]    (DIR defaults to $DRPLAN_LAB)
#
#   up      creates DIR (it must not exist, or be empty), starts pg-a, clones
#           pg-b from it with pg_basebackup -R, starts pg-b as a hot standby,
#           and starts the writer in the background. Prints the line to
#           export DRPLAN_LAB.
#   down    stops the writer and both servers; no process is left behind.
#   status  prints each server's role and the writer's progress.
#   writer  runs the writer in the foreground (up starts it for you).
#
# PostgreSQL refuses to run as root: run the lab as the user who will own
# the servers (as root: su postgres -c 'sh lab.sh up /tmp/lab').
#
# Environment:
#   LAB_PGBIN         the server binaries (initdb, pg_ctl, ...); default: the
#                     newest /usr/lib/postgresql/*/bin (Debian keeps them off
#                     PATH), else the folder of pg_ctl on PATH
#   LAB_PRIMARY_PORT  port of pg-a; LAB_STANDBY_PORT: of pg-b. Default: free
#                     ports picked at random (up retries on a taken port).
#
# What DIR holds:
#   lab.env           the lab's facts (ports, folders), as sh assignments
#   pg_service.conf   connection services pg-a and pg-b (psql service=pg-a)
#   bin/              links to the PostgreSQL binaries, for PATH
#   pg-a/ pg-b/       the data folders; pg-a.log, pg-b.log their server logs
#   target            the connection the writer uses (service=pg-a); the
#                     runbook repoints the client by rewriting it
#   acked.log         one line per write the client saw committed:
#                     id|commit time (microseconds since 1970, UTC)|node
#   writer.log, writer.pid
#
# The writer feeds INSERTs with increasing ids to one psql session and logs
# each row psql prints back: RETURNING output only arrives once the INSERT
# has committed, so every line of acked.log is an acknowledged write. When
# the session breaks it reconnects to whatever target names, skipping the
# id that was in flight (it may have committed unacknowledged). It writes
# as fast as one session commits, thousands of rows a second: acked.log
# grows by about 100 kB a second while the lab is up.
set -eu

die() {
	echo "lab.sh: $*" >&2
	exit 1
}

usage() {
	sed -n '2,/^set -eu$/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

# quote prints $1 as one sh word.
quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# pgbin finds the PostgreSQL server binaries.
pgbin() {
	if [ -n "${LAB_PGBIN:-}" ]; then
		[ -x "$LAB_PGBIN/pg_ctl" ] || die "LAB_PGBIN=$LAB_PGBIN has no pg_ctl"
		echo "$LAB_PGBIN"
		return
	fi
	best=
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/pg_ctl" ] || continue
		best=$d
	done
	# The glob sorts 9.6 after 17; prefer the highest major number.
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/pg_ctl" ] || continue
		v=${d#/usr/lib/postgresql/}
		v=${v%/bin}
		b=${best#/usr/lib/postgresql/}
		b=${b%/bin}
		if [ "${v%%.*}" -gt "${b%%.*}" ] 2>/dev/null; then
			best=$d
		fi
	done
	if [ -z "$best" ] && command -v pg_ctl >/dev/null 2>&1; then
		best=$(dirname "$(command -v pg_ctl)")
	fi
	[ -n "$best" ] || die "no PostgreSQL server binaries (pg_ctl) found under /usr/lib/postgresql/*/bin or on PATH; install the postgresql package, or set LAB_PGBIN"
	echo "$best"
}

# random_port prints a port number from 20000-49999.
random_port() {
	n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	echo $((20000 + n % 30000))
}

# lab_dir sets dir from $1 or DRPLAN_LAB, as an absolute path.
lab_dir() {
	d=${1:-${DRPLAN_LAB:-}}
	[ -n "$d" ] || die "name the lab folder: sh lab.sh $cmd DIR (or set DRPLAN_LAB)"
	case $d in
	/*) dir=$d ;;
	*) dir=$(pwd)/$d ;;
	esac
}

# load reads lab.env of an existing lab.
load() {
	[ -f "$dir/lab.env" ] || die "$dir is not a lab folder (no lab.env); make one with: sh lab.sh up $dir"
	# shellcheck source=/dev/null
	. "$dir/lab.env"
}

# start_node starts node $1 from data folder $2 on port $3; on a port
# already taken (and no port forced by the environment) it tries another.
# Sets port to the port the node listens on.
start_node() {
	node=$1 data=$2 port=$3 forced=$4
	tries=0
	while :; do
		{
			echo "# lab.sh: $node"
			echo "listen_addresses = '127.0.0.1'"
			echo "port = $port"
			echo "cluster_name = '$node'"
		} >"$data/lab.conf"
		if "$bin/pg_ctl" -D "$data" -l "$dir/$node.log" -w -t 30 start >/dev/null; then
			return 0
		fi
		tries=$((tries + 1))
		if [ "$forced" = 1 ] || [ "$tries" -ge 10 ] || ! grep -Eq 'could not bind|could not create any TCP/IP sockets' "$dir/$node.log"; then
			tail -n 20 "$dir/$node.log" >&2
			die "$node did not start (log: $dir/$node.log)"
		fi
		port=$(random_port)
	done
}

# configure writes the settings both nodes share into data folder $1.
configure() {
	cat >>"$1/postgresql.conf" <<'EOF'

# lab.sh: a small lab server, reachable on 127.0.0.1 only (no Unix socket:
# its path would depend on the lab folder and has a length limit).
unix_socket_directories = ''
max_connections = 20
shared_buffers = 16MB
max_wal_senders = 4
wal_keep_size = 64MB
hot_standby = on
# pg-b retries a lost pg-a every second, not every 5 (the default), so that
# it follows a restarted pg-a within a drill's time.
wal_retrieve_retry_interval = '1s'
# The node's own port and name, rewritten at each start.
include_if_exists = 'lab.conf'
EOF
}

up() {
	if [ "$(id -u)" -eq 0 ]; then
		die "PostgreSQL refuses to run as root: run the lab as the user who will own it, e.g. su postgres -c 'sh $0 up $dir'"
	fi
	if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
		die "$dir exists and is not empty; name a new folder"
	fi
	mkdir -p "$dir"
	bin=$(pgbin)
	# A failed up stops the servers it started: nothing runs half-made.
	made=0
	trap 'if [ "$made" = 0 ]; then stop_nodes immediate; fi' EXIT
	script=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

	mkdir "$dir/bin"
	for tool in pg_ctl psql pg_basebackup pg_isready; do
		ln -s "$bin/$tool" "$dir/bin/$tool"
	done

	# pg-a: the primary. trust on 127.0.0.1 only: the lab has no secrets
	# and listens nowhere else. --no-sync: a lab that dies with its machine
	# is made again, so its first files need not wait for the disk.
	"$bin/initdb" -D "$dir/pg-a" -U lab --auth=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
	configure "$dir/pg-a"
	forced=0
	port=${LAB_PRIMARY_PORT:-}
	if [ -n "$port" ]; then forced=1; else port=$(random_port); fi
	start_node pg-a "$dir/pg-a" "$port" "$forced"
	primary_port=$port

	# The writes go to the postgres database: creating one more would cost
	# a copy of template1 and its fsyncs, for nothing.
	"$bin/psql" -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$primary_port user=lab dbname=postgres" <<'EOF'
-- node is the server that ran the INSERT: a row replicated from pg-a
-- keeps 'pg-a' on pg-b, so writes made after a failover are told apart.
CREATE TABLE writes (
	id   bigint PRIMARY KEY,
	at   timestamptz NOT NULL DEFAULT clock_timestamp(),
	node text NOT NULL DEFAULT current_setting('cluster_name')
);
EOF

	# pg-b: the hot standby, cloned from pg-a; -R writes primary_conninfo
	# and standby.signal.
	"$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U lab -D "$dir/pg-b" -R -X stream -c fast --no-sync >"$dir/basebackup.log" 2>&1 ||
		{ cat "$dir/basebackup.log" >&2; die "pg_basebackup failed"; }
	forced=0
	port=${LAB_STANDBY_PORT:-}
	if [ -n "$port" ]; then forced=1; else
		port=$(random_port)
		[ "$port" != "$primary_port" ] || port=$((port + 1))
	fi
	start_node pg-b "$dir/pg-b" "$port" "$forced"
	standby_port=$port

	cat >"$dir/pg_service.conf" <<EOF
[pg-a]
host=127.0.0.1
port=$primary_port
user=lab
dbname=postgres
connect_timeout=5

[pg-b]
host=127.0.0.1
port=$standby_port
user=lab
dbname=postgres
connect_timeout=5
EOF
	{
		echo "# The lab made by lab.sh up; sh assignments."
		echo "LAB_DIR=$(quote "$dir")"
		echo "LAB_SCRIPT=$(quote "$script")"
		echo "LAB_PGBIN=$(quote "$bin")"
		echo "LAB_PRIMARY=pg-a"
		echo "LAB_PRIMARY_PORT=$primary_port"
		echo "LAB_PRIMARY_DATA=$(quote "$dir/pg-a")"
		echo "LAB_STANDBY=pg-b"
		echo "LAB_STANDBY_PORT=$standby_port"
		echo "LAB_STANDBY_DATA=$(quote "$dir/pg-b")"
	} >"$dir/lab.env"
	echo "service=pg-a" >"$dir/target"
	: >"$dir/acked.log"

	# The writer must not hold this shell's output open: whoever ran up
	# (a test, a pipe) waits for it to close.
	nohup sh "$script" writer "$dir" </dev/null >>"$dir/writer.log" 2>&1 &
	echo $! >"$dir/writer.pid"

	made=1
	echo "lab up in $dir: pg-a (primary) on 127.0.0.1:$primary_port, pg-b (hot standby) on 127.0.0.1:$standby_port, writer pid $(cat "$dir/writer.pid")"
	echo "export DRPLAN_LAB=$(quote "$dir")"
}

# gen prints INSERTs with ids from $1 up, for as long as its reader reads.
gen() {
	n=$1
	while :; do
		printf "INSERT INTO writes (id) VALUES (%d) RETURNING id, (extract(epoch FROM at) * 1000000)::bigint, node;\n" "$n"
		n=$((n + 1))
	done
}

writer() {
	load
	cd "$dir"
	export PGSERVICEFILE="$dir/pg_service.conf"
	# psql's output is a file, so stdio would hold acknowledgements in a
	# buffer; stdbuf makes it write each line as it comes.
	line=
	if command -v stdbuf >/dev/null 2>&1; then
		line="stdbuf -oL"
	else
		echo "writer: no stdbuf: acknowledgements reach acked.log in batches"
	fi
	child=
	# On the way out, stop psql and wait for it and for gen, whom its
	# closed pipe ends: down waits for the writer alone.
	trap 'if [ -n "$child" ]; then kill "$child" 2>/dev/null || true; fi; wait; exit 0' TERM INT HUP
	last=$(tail -n 1 acked.log | cut -d'|' -f1)
	next=1
	if [ -n "$last" ]; then next=$((last + 2)); fi
	while :; do
		target=$(cat target)
		echo "writer: $(date -u '+%H:%M:%S') writing from id $next to $target"
		# shellcheck disable=SC2086 # $line is a command prefix, or nothing
		gen "$next" | $line "$LAB_PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$target" >>acked.log &
		child=$!
		rc=0
		wait "$child" || rc=$?
		child=
		echo "writer: $(date -u '+%H:%M:%S') session to $target ended (exit $rc)"
		last=$(tail -n 1 acked.log | cut -d'|' -f1)
		if [ -n "$last" ] && [ $((last + 2)) -gt "$next" ]; then
			next=$((last + 2))
		fi
		sleep 0.1 2>/dev/null || sleep 1
	done
}

# stop_nodes stops whichever of the lab's servers is running, in mode $1
# (fast, falling back to immediate, or immediate).
# pg_ctl returns once postmaster.pid is gone; the postmaster exits just
# after removing it, so this waits for the process too.
stop_nodes() {
	for node in pg-b pg-a; do
		[ -f "$dir/$node/postmaster.pid" ] || continue
		pid=$(head -n 1 "$dir/$node/postmaster.pid")
		if [ "$1" = fast ]; then
			"$bin/pg_ctl" -D "$dir/$node" -m fast -w -t 20 stop >/dev/null 2>&1 || true
		fi
		if [ -f "$dir/$node/postmaster.pid" ]; then
			"$bin/pg_ctl" -D "$dir/$node" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
		fi
		wait_gone "$pid" || true
	done
}

# alive succeeds when process $1 runs: exists and is not a zombie (the
# servers and the writer outlive their parents, and init may take its
# time to reap them).
alive() {
	kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/stat" ]; then
		[ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" != Z ] || return 1
	fi
	return 0
}

# running succeeds when the process in pid file $1 is alive.
running() {
	[ -f "$1" ] && alive "$(cat "$1")"
}

# wait_gone waits up to 10 s for process $1 to end.
wait_gone() {
	i=0
	while alive "$1" && [ "$i" -lt 50 ]; do
		sleep 0.2 2>/dev/null || sleep 1
		i=$((i + 1))
	done
	! alive "$1"
}

down() {
	load
	if running "$dir/writer.pid"; then
		pid=$(cat "$dir/writer.pid")
		kill "$pid" 2>/dev/null || true
		if ! wait_gone "$pid"; then
			kill -9 "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$dir/writer.pid"
	bin=$LAB_PGBIN
	stop_nodes fast
	for node in pg-a pg-b; do
		if [ -f "$dir/$node/postmaster.pid" ]; then
			die "$node did not stop (see $dir/$node.log)"
		fi
	done
	echo "lab down: $dir"
}

status() {
	load
	export PGSERVICEFILE="$dir/pg_service.conf"
	for node in pg-a pg-b; do
		if ! "$LAB_PGBIN/pg_ctl" -D "$dir/$node" status >/dev/null 2>&1; then
			echo "$node: stopped"
			continue
		fi
		role=$("$LAB_PGBIN/psql" -X -A -t "service=$node" -c "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END" 2>/dev/null) || role=unreachable
		port=$(sed -n 's/^port = //p' "$dir/$node/lab.conf")
		extra=
		if [ "$role" = primary ]; then
			extra=$("$LAB_PGBIN/psql" -X -A -t "service=$node" -c "SELECT string_agg(application_name || ' ' || state, ', ') FROM pg_stat_replication" 2>/dev/null) || true
			[ -z "$extra" ] || extra=" (replicas: $extra)"
		fi
		echo "$node: $role on 127.0.0.1:$port$extra"
	done
	if running "$dir/writer.pid"; then
		w="running (pid $(cat "$dir/writer.pid"))"
	else
		w=stopped
	fi
	echo "writer: $w, target $(cat "$dir/target"), $(wc -l <"$dir/acked.log" | tr -d ' ') writes acknowledged, last: $(tail -n 1 "$dir/acked.log")"
}

cmd=${1:-}
case $cmd in
up | down | status | writer)
	lab_dir "${2:-}"
	"$cmd"
	;;
-h | --help | help)
	usage
	;;
*)
	usage >&2
	exit 2
	;;
esac
