// Package pglab runs the PostgreSQL lab of plans/locallab in tests: a
// primary (pg-a) taking continuous writes and a hot standby (pg-b) on
// 127.0.0.1, made by plans/locallab/lab.sh in a temporary folder, so that
// the plan's failover runbook can be drilled for real.
//
// Start brings the lab up and registers its teardown with t.Cleanup: the
// servers and the writer are stopped even when the test fails, and the
// test fails if any process of the lab is left behind. Every wait is
// bounded. The lab's folder is made in /dev/shm when that has room (see
// labParent), else in the temporary folder.
//
// PostgreSQL refuses to run as root. When the test runs as root, the lab
// and every command run through the Lab are run as the postgres system
// user (created by Debian's postgresql package), and the lab's folders
// belong to it; otherwise they run as the current user.
//
// What a test uses:
//
//	lab := pglab.Start(t)             // up, with acknowledged writes flowing on pg-a
//	lab := pglab.Prepare(t)           // ready, not up: for testing lab.sh up itself
//	lab.Dir                           // the lab folder: DRPLAN_LAB
//	lab.Env()                         // DRPLAN_LAB=..., to add to a runner's environment
//	lab.Command(ctx, "sh", "run.sh")  // an exec.Cmd run as the lab's user, with Env() set
//	lab.Cred()                        // that user's credential (nil when not root)
//	lab.TempDir(t), lab.Chown(path)   // folders and files the lab's user can use
//	lab.Query(ctx, pglab.Standby, "SELECT ...")
//	lab.InRecovery(ctx, node), lab.Running(node)
//	lab.Acked(), lab.Loss(ctx)        // the client's acknowledged writes; what pg-b lacks
//
// A runbook run against the lab must run as the lab's user (pg_ctl
// refuses root): run it with lab.Command.
package pglab

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/drplan/drplan/internal/testtool"
)

// The lab's two servers, as named in plans/locallab: their cluster_name,
// connection service and data folder.
const (
	Primary = "pg-a"
	Standby = "pg-b"
)

// Lab is a running lab.
type Lab struct {
	// Dir is the lab folder (DRPLAN_LAB).
	Dir string
	// Script is the lab.sh that made it.
	Script string
	// Bin is the folder of the PostgreSQL server binaries.
	Bin string
	// PrimaryPort and StandbyPort are pg-a's and pg-b's ports on 127.0.0.1.
	PrimaryPort, StandbyPort int

	base string // holds Dir, the lab user's HOME and TMPDIR
	cred *syscall.Credential
	down bool
}

// Start brings the lab up in a new temporary folder and waits until the
// writer has had writes acknowledged by pg-a. It fails the test when the
// lab cannot start, and skips it (fails under CI=true) when PostgreSQL is
// not installed.
func Start(t testing.TB) *Lab {
	t.Helper()
	l := Prepare(t)
	ports, err := freePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := l.Command(ctx, "sh", l.Script, "up", l.Dir)
	cmd.Env = append(cmd.Env, "LAB_PRIMARY_PORT="+strconv.Itoa(ports[0]), "LAB_STANDBY_PORT="+strconv.Itoa(ports[1]))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("lab.sh up: %v\n%s%s", err, out, l.logs())
	}
	if err := l.readEnv(); err != nil {
		t.Fatal(err)
	}
	if err := l.waitAcked(Primary, 100, 20*time.Second); err != nil {
		t.Fatalf("%v%s", err, l.logs())
	}
	return l
}

// Prepare readies a lab without bringing it up: its folders (Dir does not
// exist yet), the lab's user and a copy of lab.sh. Start is Prepare, then
// lab.sh up; Prepare alone is for testing lab.sh up itself. The cleanup is
// the same.
func Prepare(t testing.TB) *Lab {
	t.Helper()
	bin := testtool.PostgresBin(t)
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cred, err := labCred()
	if err != nil {
		// Like a missing tool: the postgres user comes with the package.
		testtool.Unavailable(t, err.Error())
	}
	base, err := os.MkdirTemp(labParent(), "drplan-pglab-")
	if err != nil {
		base, err = os.MkdirTemp("", "drplan-pglab-")
	}
	if err != nil {
		t.Fatal(err)
	}
	l := &Lab{Dir: filepath.Join(base, "lab"), Bin: bin, base: base, cred: cred}
	t.Cleanup(func() { l.cleanup(t) })

	// The lab's user may not be able to read the checkout (a root-only
	// home), so lab.sh runs from a copy beside the lab.
	script, err := os.ReadFile(filepath.Join(root, "plans", "locallab", "lab.sh"))
	if err != nil {
		t.Fatal(err)
	}
	l.Script = filepath.Join(base, "lab.sh")
	if err := os.WriteFile(l.Script, script, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"home", "tmp"} {
		if err := os.Mkdir(filepath.Join(base, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Chown(base); err != nil {
		t.Fatal(err)
	}
	return l
}

// labParent returns where labs are made: in /dev/shm when that tmpfs has
// room, else in the temporary folder. Making the lab is fsync-bound
// (initdb, a checkpoint, a base backup, a commit per write), and on a busy
// disk it takes several times longer; PostgreSQL behaves the same on
// either, fsync included.
func labParent() string {
	var st syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &st); err == nil && st.Bavail*uint64(st.Bsize) >= 2<<30 {
		return "/dev/shm"
	}
	return os.TempDir()
}

// RepoRoot returns the root of the drplan checkout the test runs in: the
// nearest folder up from the working directory holding plans/locallab.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "plans", "locallab", "lab.sh")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("pglab: no plans/locallab/lab.sh in the working directory or above it")
		}
		dir = parent
	}
}

// labCred returns the credential of the postgres system user when the
// test runs as root, nil otherwise.
func labCred() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pglab: the test runs as root, which PostgreSQL refuses, and there is no postgres user to run the lab as (Debian's postgresql package creates it): %v", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// Cred returns the credential commands run with to run as the lab's user:
// the postgres user when the test runs as root, nil (the current user)
// otherwise.
func (l *Lab) Cred() *syscall.Credential { return l.cred }

// Env returns what a runbook run against the lab needs in its environment.
func (l *Lab) Env() []string { return []string{"DRPLAN_LAB=" + l.Dir} }

// Command returns a command run as the lab's user, in the lab folder, with
// the test's environment plus Env(), LAB_PGBIN (lab.sh's server binaries)
// and a HOME and TMPDIR the user can write to. It is killed when ctx ends, and does not wait more than 5 s
// after that for its output to close.
func (l *Lab) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = l.base
	if _, err := os.Stat(l.Dir); err == nil {
		cmd.Dir = l.Dir
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOME" || k == "TMPDIR" || k == "DRPLAN_LAB" || k == "LAB_PGBIN":
		case strings.HasPrefix(k, "PG") || strings.HasPrefix(k, "DRPLAN_RUN_"):
			// A PGHOST, PGSERVICEFILE or run.sh setting of the caller's
			// must not steer the lab's clients.
		default:
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "HOME="+filepath.Join(l.base, "home"), "TMPDIR="+filepath.Join(l.base, "tmp"), "LAB_PGBIN="+l.Bin)
	cmd.Env = append(cmd.Env, l.Env()...)
	if l.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: l.cred}
	}
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// TempDir returns a new empty folder the lab's user owns, removed with the
// lab: t.TempDir's folders are private to the test's user.
func (l *Lab) TempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp(l.base, "tmp-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := l.Chown(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Chown gives path, and everything below it, to the lab's user; it does
// nothing when the lab runs as the current user.
func (l *Lab) Chown(path string) error {
	if l.cred == nil {
		return nil
	}
	return filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(l.cred.Uid), int(l.cred.Gid))
	})
}

// readEnv reads the ports lab.sh chose from lab.env.
func (l *Lab) readEnv() error {
	data, err := os.ReadFile(filepath.Join(l.Dir, "lab.env"))
	if err != nil {
		return err
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		k, v, _ := strings.Cut(line, "=")
		var err error
		switch k {
		case "LAB_PRIMARY_PORT":
			l.PrimaryPort, err = strconv.Atoi(v)
		case "LAB_STANDBY_PORT":
			l.StandbyPort, err = strconv.Atoi(v)
		}
		if err != nil {
			return fmt.Errorf("lab.env: %s: %v", line, err)
		}
	}
	if l.PrimaryPort == 0 || l.StandbyPort == 0 {
		return fmt.Errorf("lab.env has no LAB_PRIMARY_PORT or LAB_STANDBY_PORT:\n%s", data)
	}
	return nil
}

// Query runs sql on node (Primary or Standby) with psql and returns its
// unaligned, tuples-only output without the final newline.
func (l *Lab) Query(ctx context.Context, node, sql string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	cmd := l.Command(ctx, filepath.Join(l.Bin, "psql"), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "service="+node, "-c", sql)
	cmd.Env = append(cmd.Env, "PGSERVICEFILE="+filepath.Join(l.Dir, "pg_service.conf"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("psql on %s: %q: %v: %s", node, sql, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSuffix(string(out), "\n"), nil
}

// InRecovery reports whether node is a standby (pg_is_in_recovery()).
func (l *Lab) InRecovery(ctx context.Context, node string) (bool, error) {
	out, err := l.Query(ctx, node, "SELECT pg_is_in_recovery()")
	if err != nil {
		return false, err
	}
	switch out {
	case "t":
		return true, nil
	case "f":
		return false, nil
	}
	return false, fmt.Errorf("pg_is_in_recovery() on %s: unexpected %q", node, out)
}

// Running reports whether node's server is running: its postmaster.pid
// exists, as pg_ctl status reads it.
func (l *Lab) Running(node string) bool {
	_, err := os.Stat(filepath.Join(l.Dir, node, "postmaster.pid"))
	return err == nil
}

// Ack is one write the client saw committed: a line of acked.log.
type Ack struct {
	ID int64
	// At is the row's commit time, as the server stamped it.
	At time.Time
	// Node is the server that committed it (Primary or Standby).
	Node string
}

// Acked returns the writes the lab's client has seen acknowledged, in the
// order it saw them. A last line still being written is left out.
func (l *Lab) Acked() ([]Ack, error) {
	data, err := os.ReadFile(filepath.Join(l.Dir, "acked.log"))
	if err != nil {
		return nil, err
	}
	// The writer may be mid-line.
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	var acks []Ack
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		f := strings.Split(line, "|")
		if len(f) != 3 {
			return nil, fmt.Errorf("acked.log:%d: %q is not id|commit time|node", n, line)
		}
		id, err1 := strconv.ParseInt(f[0], 10, 64)
		us, err2 := strconv.ParseInt(f[1], 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("acked.log:%d: %q: %v", n, line, err)
		}
		acks = append(acks, Ack{ID: id, At: time.UnixMicro(us).UTC(), Node: f[2]})
	}
	return acks, sc.Err()
}

// waitAcked waits until node has acknowledged at least n writes.
func (l *Lab) waitAcked(node string, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		acks, err := l.Acked()
		got := 0
		for _, a := range acks {
			if a.Node == node {
				got++
			}
		}
		if err == nil && got >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pglab: %d writes acknowledged by %s after %s, want %d (err: %v)", got, node, timeout, n, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Loss is what a failover from pg-a to pg-b lost, seen from the client.
type Loss struct {
	// Acked counts the writes pg-a acknowledged; Kept, those of them pg-b
	// has; Lost, those it lacks.
	Acked, Kept, Lost int
	// RPO is the commit-time span from the newest write pg-a acknowledged
	// that pg-b has to the newest pg-a acknowledged, rounded up to the
	// millisecond (from the oldest when pg-b has none).
	RPO time.Duration
}

// Loss compares the writes pg-a acknowledged with those pg-b has. It is
// final once pg-a is down and pg-b promoted, which is when the failover
// runbook measures the same thing.
func (l *Lab) Loss(ctx context.Context) (Loss, error) {
	out, err := l.Query(ctx, Standby, "SELECT id FROM writes WHERE node = '"+Primary+"'")
	if err != nil {
		return Loss{}, err
	}
	kept := map[int64]bool{}
	for line := range strings.FieldsSeq(out) {
		id, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			return Loss{}, fmt.Errorf("id from %s: %q: %v", Standby, line, err)
		}
		kept[id] = true
	}
	acks, err := l.Acked()
	if err != nil {
		return Loss{}, err
	}
	var loss Loss
	var newest, oldest, latest time.Time
	for _, a := range acks {
		if a.Node != Primary {
			continue
		}
		loss.Acked++
		if newest.IsZero() || a.At.After(newest) {
			newest = a.At
		}
		if oldest.IsZero() || a.At.Before(oldest) {
			oldest = a.At
		}
		if kept[a.ID] {
			loss.Kept++
			if latest.IsZero() || a.At.After(latest) {
				latest = a.At
			}
		} else {
			loss.Lost++
		}
	}
	if loss.Acked == 0 {
		return Loss{}, fmt.Errorf("acked.log holds no write acknowledged by %s", Primary)
	}
	if loss.Kept == 0 {
		latest = oldest
	}
	span := newest.Sub(latest)
	loss.RPO = (span + time.Millisecond - time.Microsecond).Truncate(time.Millisecond)
	return loss, nil
}

// Down stops the writer and both servers (lab.sh down). The lab's cleanup
// calls it; calling it before is harmless.
func (l *Lab) Down() error {
	if l.down {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out, err := l.Command(ctx, "sh", l.Script, "down", l.Dir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("lab.sh down: %v\n%s", err, out)
	}
	l.down = true
	return nil
}

// cleanup tears the lab down, fails the test if a process of the lab
// outlives that (and kills it), and removes the lab's folders.
func (l *Lab) cleanup(t testing.TB) {
	if _, err := os.Stat(filepath.Join(l.Dir, "lab.env")); err == nil {
		if err := l.Down(); err != nil {
			t.Error(err)
		}
	}
	var left []Process
	for deadline := time.Now().Add(10 * time.Second); ; {
		left = Processes(l.base)
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(left) > 0 {
		t.Errorf("processes of the lab left after lab.sh down: %v", left)
		for _, p := range left {
			syscall.Kill(p.PID, syscall.SIGKILL)
		}
	}
	if err := os.RemoveAll(l.base); err != nil {
		t.Error(err)
	}
}

// logs returns the lab's logs, for a failure message.
func (l *Lab) logs() string {
	var b strings.Builder
	for _, name := range []string{"initdb.log", "basebackup.log", "pg-a.log", "pg-b.log", "writer.log"} {
		data, err := os.ReadFile(filepath.Join(l.Dir, name))
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		if len(lines) > 20 {
			lines = lines[len(lines)-20:]
		}
		fmt.Fprintf(&b, "\n--- %s (last %d lines)\n%s", name, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

// Process is a running process.
type Process struct {
	PID     int
	Command string
}

func (p Process) String() string { return fmt.Sprintf("%d %s", p.PID, p.Command) }

// Processes returns the processes whose working directory is dir or below
// it, from /proc (nil where there is no /proc). Every process of the lab
// works in it: the servers in their data folders, the writer and its psql
// in the lab folder.
func Processes(dir string) []Process {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []Process
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil || (cwd != dir && !strings.HasPrefix(cwd, dir+"/")) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		out = append(out, Process{PID: pid, Command: strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " "))})
	}
	return out
}
