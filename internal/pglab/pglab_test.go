package pglab_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/generator/bundle"
	"github.com/drplan/drplan/internal/pglab"
	"github.com/drplan/drplan/internal/testtool"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
)

// TestFailoverDrill renders plans/locallab with the drplan binary and runs
// its failover bundle's run.sh --yes against a live lab: pg-a is really
// crashed, pg-b really promoted, and the client's writes land on pg-b.
// Then lab.sh down leaves nothing running.
func TestFailoverDrill(t *testing.T) {
	t.Parallel()
	root, err := pglab.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	// Building drplan takes as long as starting the lab: do both at once.
	goBin, err := exec.LookPath("go")
	if err != nil {
		testtool.Unavailable(t, fmt.Sprintf("no go command to build drplan with: %v", err))
	}
	binDir := t.TempDir()
	built := make(chan error, 1)
	go func() { built <- buildDrplan(goBin, root, binDir) }()
	lab := pglab.Start(t)
	if err := <-built; err != nil {
		t.Fatal(err)
	}
	work := lab.TempDir(t)
	render := exec.Command(filepath.Join(binDir, "drplan"), "render", filepath.Join(root, "plans", "locallab"), "-o", filepath.Join(work, "out"))
	if out, err := render.CombinedOutput(); err != nil {
		t.Fatalf("drplan render: %v\n%s", err, out)
	}
	if err := lab.Chown(work); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := lab.Command(ctx, "sh", filepath.Join(work, "out", "locallab", "bundle", "failover", "run.sh"), "--yes")
	// No approval gate may ask: an empty stdin would answer no and stop it.
	run.Env = append(run.Env, "DRPLAN_RUN_NO_TTY=1", "DRPLAN_RUN_LOG="+filepath.Join(work, "run.log"))
	run.Stdin = strings.NewReader("")
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("run.sh --yes: %v\n%s", err, out)
	}
	output := string(out)
	for n := 1; n <= 7; n++ {
		if !regexp.MustCompile(`(?m)^   Step ` + strconv.Itoa(n) + ` done in \d+s\.$`).MatchString(output) {
			t.Errorf("run.sh did not report step %d done:\n%s", n, output)
		}
	}

	if lab.Running(pglab.Primary) {
		t.Errorf("%s still running after the failover", pglab.Primary)
	}
	if rec, err := lab.InRecovery(ctx, pglab.Standby); err != nil || rec {
		t.Errorf("%s in recovery after the failover: %v, %v", pglab.Standby, rec, err)
	}
	n, err := lab.Query(ctx, pglab.Standby, "SELECT count(*) FROM writes WHERE node = '"+pglab.Standby+"'")
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := strconv.Atoi(n); c == 0 {
		t.Errorf("no write committed on %s after the failover (count %q)", pglab.Standby, n)
	}
	acks, err := lab.Acked()
	if err != nil {
		t.Fatal(err)
	}
	// The client moved for good: once pg-b acknowledges, pg-a never does.
	moved := false
	for _, a := range acks {
		switch {
		case a.Node == pglab.Standby:
			moved = true
		case moved:
			t.Fatalf("write %d acknowledged by %s after the client moved to %s", a.ID, a.Node, pglab.Standby)
		}
	}
	if !moved {
		t.Errorf("the client saw no write acknowledged by %s", pglab.Standby)
	}

	// The measure lines, checked against the loss computed here from the
	// same evidence: the client's log and what pg-b holds.
	rpos := regexp.MustCompile(`(?m)^drplan-measure: rpo=(.*)$`).FindAllStringSubmatch(output, -1)
	losts := regexp.MustCompile(`(?m)^drplan-measure: lost-writes=(.*)$`).FindAllStringSubmatch(output, -1)
	if len(rpos) != 1 || len(losts) != 1 {
		t.Fatalf("want one rpo and one lost-writes measure line, got %q and %q:\n%s", rpos, losts, output)
	}
	rpo, err := time.ParseDuration(rpos[0][1])
	if err != nil {
		t.Errorf("rpo=%s is not a Go duration: %v", rpos[0][1], err)
	}
	if _, err := plan.ParseDuration(rpos[0][1]); err != nil {
		t.Errorf("rpo=%s is not a plan duration, so a drill record could not hold it: %v", rpos[0][1], err)
	}
	lost, err := strconv.Atoi(losts[0][1])
	if err != nil {
		t.Errorf("lost-writes=%s is not a count: %v", losts[0][1], err)
	}
	want, err := lab.Loss(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rpo != want.RPO || lost != want.Lost {
		t.Errorf("measured rpo=%s lost-writes=%d; from acked.log and %s: rpo=%s lost-writes=%d (%+v)",
			rpo, lost, pglab.Standby, want.RPO, want.Lost, want)
	}
	if want.Acked < 100 || want.Kept+want.Lost != want.Acked {
		t.Errorf("implausible loss %+v: the lab starts only after 100 acknowledged writes", want)
	}
	// Streaming on one machine lags by far less than the tier's 5 s RPO.
	if rpo > 5*time.Second {
		t.Errorf("rpo=%s beyond orders-db's RPO of 5s (lost %d of %d writes)", rpo, want.Lost, want.Acked)
	}
	t.Logf("pg-a acknowledged %d writes, pg-b lacks %d; rpo %s", want.Acked, want.Lost, rpo)

	checkDown(t, lab)
}

// checkDown runs lab.sh down and checks that no process of the lab is
// left and neither port answers.
func checkDown(t *testing.T, lab *pglab.Lab) {
	t.Helper()
	if len(pglab.Processes(lab.Dir)) == 0 {
		t.Fatal("no process of the running lab found: the check below could not fail")
	}
	if err := lab.Down(); err != nil {
		t.Fatal(err)
	}
	if left := pglab.Processes(lab.Dir); len(left) > 0 {
		t.Errorf("left after lab.sh down: %v", left)
	}
	for _, port := range []int{lab.PrimaryPort, lab.StandbyPort} {
		if c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second); err == nil {
			c.Close()
			t.Errorf("port %d still answers after lab.sh down", port)
		}
	}
	for _, node := range []string{pglab.Primary, pglab.Standby} {
		if lab.Running(node) {
			t.Errorf("%s has a postmaster.pid after lab.sh down", node)
		}
	}
}

// buildDrplan builds drplan and, next to it, the diagram helper render
// needs, into dir.
func buildDrplan(goBin, root, dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", dir+string(filepath.Separator), "./cmd/drplan", "./cmd/drplan-diagram")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	return nil
}

// TestMeasureLoss cuts pg-b off from pg-a while the client keeps writing,
// so that the failover must lose the writes pg-a acknowledged since, and
// runs the bundle's crash, promote and measure steps: the measure step
// must count every one of them and span their commit times.
func TestMeasureLoss(t *testing.T) {
	t.Parallel()
	lab := pglab.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := writeBundle(t, lab)
	step := func(script string) string {
		t.Helper()
		out, err := lab.Command(ctx, "sh", filepath.Join(dir, "steps", script)).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", script, err, out)
		}
		return string(out)
	}

	// Without a primary_conninfo pg-b's WAL receiver stops, and pg-a,
	// asynchronous, goes on acknowledging.
	for _, sql := range []string{"ALTER SYSTEM SET primary_conninfo = ''", "SELECT pg_reload_conf()"} {
		if _, err := lab.Query(ctx, pglab.Standby, sql); err != nil {
			t.Fatal(err)
		}
	}
	var cut time.Time
	for deadline := time.Now().Add(20 * time.Second); ; {
		n, err := lab.Query(ctx, pglab.Standby, "SELECT count(*) FROM pg_stat_wal_receiver")
		if err != nil {
			t.Fatal(err)
		}
		if n == "0" {
			cut = time.Now()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("pg-b's WAL receiver still running 20 s after primary_conninfo was cleared")
		}
		time.Sleep(50 * time.Millisecond)
	}
	var after int
	for deadline := time.Now().Add(20 * time.Second); after < 200; {
		acks, err := lab.Acked()
		if err != nil {
			t.Fatal(err)
		}
		after = 0
		for _, a := range acks {
			if a.Node == pglab.Primary && a.At.After(cut) {
				after++
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes acknowledged by pg-a in 20 s", after)
		}
		time.Sleep(50 * time.Millisecond)
	}

	step("03-crash-primary.sh")
	step("04-promote-standby.sh")
	out := step("06-measure-loss.sh")

	// Every write pg-a acknowledged after the cut is lost, and the RPO
	// spans at least from the cut to the newest of them.
	acks, err := lab.Acked()
	if err != nil {
		t.Fatal(err)
	}
	lostAtLeast, newest := 0, time.Time{}
	for _, a := range acks {
		if a.Node != pglab.Primary {
			continue
		}
		if a.At.After(cut) {
			lostAtLeast++
		}
		if a.At.After(newest) {
			newest = a.At
		}
	}
	m := regexp.MustCompile(`(?m)^drplan-measure: rpo=(.+)\ndrplan-measure: lost-writes=(\d+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no measure lines in:\n%s", out)
	}
	rpo, err := time.ParseDuration(m[1])
	if err != nil {
		t.Fatal(err)
	}
	lost, _ := strconv.Atoi(m[2])
	if lost < lostAtLeast {
		t.Errorf("lost-writes=%d, but pg-a acknowledged %d writes after pg-b was cut off", lost, lostAtLeast)
	}
	if span := newest.Sub(cut); rpo < span {
		t.Errorf("rpo=%s, but pg-a acknowledged writes for %s after pg-b was cut off", rpo, span)
	}
	want, err := lab.Loss(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rpo != want.RPO || lost != want.Lost {
		t.Errorf("measured rpo=%s lost-writes=%d; from acked.log and pg-b: rpo=%s lost-writes=%d", rpo, lost, want.RPO, want.Lost)
	}
	t.Logf("cut off pg-b, then pg-a acknowledged %d writes: measured rpo=%s lost-writes=%d", lostAtLeast, rpo, lost)
}

// TestCrashRollback: the rollback of the crash step (before any promotion)
// restarts pg-a, and the pair is back as it was: pg-b streams from it and
// the client's writes are acknowledged by it again.
func TestCrashRollback(t *testing.T) {
	t.Parallel()
	lab := pglab.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := writeBundle(t, lab)
	run := func(script string) string {
		t.Helper()
		out, err := lab.Command(ctx, "sh", filepath.Join(dir, "steps", script)).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", script, err, out)
		}
		return string(out)
	}
	run("03-crash-primary.sh")
	if lab.Running(pglab.Primary) {
		t.Fatalf("%s still running after the crash step", pglab.Primary)
	}
	if out := run("03-crash-primary.rollback.sh"); !strings.Contains(out, "server started") {
		t.Errorf("rollback output lacks its expected %q:\n%s", "server started", out)
	}
	// pg-b reconnects on its own; the writer retries every 0.1 s.
	var out string
	for deadline := time.Now().Add(30 * time.Second); ; {
		out = run("01-check-replication.sh")
		if strings.Contains(out, "pg-a -> pg-b: streaming; pg-b in recovery: t") || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(out, "pg-a -> pg-b: streaming; pg-b in recovery: t") {
		t.Errorf("pg-b not streaming from pg-a 30 s after the rollback: %s", out)
	}
	if out := run("02-check-writer.sh"); !regexp.MustCompile(`acknowledged in 1s: [1-9][0-9]*; last by: pg-a`).MatchString(out) {
		t.Errorf("the client's writes are not acknowledged by pg-a after the rollback: %s", out)
	}
}

// writeBundle writes the failover bundle of plans/locallab into a folder
// the lab's user can read, and returns it.
func writeBundle(t *testing.T, lab *pglab.Lab) string {
	t.Helper()
	dir := lab.TempDir(t)
	for name, data := range failoverBundle(t) {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestFailedUpStopsItsServers: when lab.sh up fails half-way (pg-b's
// port is taken), it stops pg-a, which it had started.
func TestFailedUpStopsItsServers(t *testing.T) {
	t.Parallel()
	lab := pglab.Prepare(t)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	freePort := free.Addr().(*net.TCPAddr).Port
	free.Close()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := lab.Command(ctx, "sh", lab.Script, "up", lab.Dir)
	cmd.Env = append(cmd.Env, "LAB_PRIMARY_PORT="+strconv.Itoa(freePort),
		"LAB_STANDBY_PORT="+strconv.Itoa(taken.Addr().(*net.TCPAddr).Port))
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "lab.sh: pg-b did not start") {
		t.Fatalf("lab.sh up with pg-b's port taken: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(lab.Dir, "pg-a", "PG_VERSION")); err != nil {
		t.Fatalf("pg-a was never made, so its stopping proves nothing: %v", err)
	}
	if left := pglab.Processes(lab.Dir); len(left) > 0 {
		t.Errorf("left after a failed lab.sh up: %v", left)
	}
	if lab.Running(pglab.Primary) {
		t.Errorf("%s still has a postmaster.pid", pglab.Primary)
	}
}

// failoverBundle renders the failover bundle of plans/locallab in-process.
func failoverBundle(t *testing.T) map[string][]byte {
	t.Helper()
	root, err := pglab.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	p, err := schema.Load(filepath.Join(root, "plans", "locallab"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := bundle.Files(p, "failover")
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestStepsNeedTheLab: every step and rollback stops at once, saying what
// to set, when DRPLAN_LAB is unset.
func TestStepsNeedTheLab(t *testing.T) {
	dir := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DRPLAN_LAB=") {
			env = append(env, kv)
		}
	}
	checked := 0
	for name, data := range failoverBundle(t) {
		if !strings.HasPrefix(name, "steps/") || !strings.Contains(string(data), "DRPLAN_LAB") {
			continue
		}
		checked++
		path := filepath.Join(dir, filepath.Base(name))
		if err := os.WriteFile(path, data, 0o755); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		cmd := exec.CommandContext(ctx, "sh", path)
		cmd.Env = env
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		cancel()
		if err == nil || !strings.Contains(string(out), "set DRPLAN_LAB to the lab folder") {
			t.Errorf("%s without DRPLAN_LAB: %v\n%s", name, err, out)
		}
	}
	if checked < 7 {
		t.Errorf("only %d scripts of the bundle read DRPLAN_LAB; every step does", checked)
	}
}

// TestShellcheck: lab.sh and every script of the failover bundle pass
// shellcheck with no exceptions.
func TestShellcheck(t *testing.T) {
	bin := testtool.Need(t, "shellcheck", "shellcheck")
	root, err := pglab.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	args := []string{"-s", "sh", filepath.Join(root, "plans", "locallab", "lab.sh")}
	for name, data := range failoverBundle(t) {
		if !strings.HasSuffix(name, ".sh") {
			continue
		}
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o755); err != nil {
			t.Fatal(err)
		}
		args = append(args, path)
	}
	if len(args) < 3+7 {
		t.Fatalf("only %d scripts to check", len(args)-2)
	}
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}
