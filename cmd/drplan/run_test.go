package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/drplan/drplan/internal/bundletest"
	"github.com/drplan/drplan/internal/testtool"
	"github.com/drplan/drplan/runner"
	"github.com/drplan/drplan/schema"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// drplanBinary builds drplan once per test process: the tests that kill it
// need a real process, not Main in this one.
func drplanBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "drplan-run-test-")
		if buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", buildDir, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "drplan")
}

// runLab is a plan with one runbook of local commands, rendered into a
// bundle; its steps log each execution to $W/ran.
type runLab struct {
	plan, bundle, work, journal string
}

func newRunLab(t *testing.T, steps string) *runLab {
	t.Helper()
	t.Setenv("DRPLAN_CACHE", "off")
	dir := t.TempDir()
	l := &runLab{plan: filepath.Join(dir, "plan"), bundle: filepath.Join(dir, "bundle"), work: filepath.Join(dir, "work"), journal: filepath.Join(dir, "work", "journal.jsonl")}
	if err := os.MkdirAll(l.work, 0o755); err != nil {
		t.Fatal(err)
	}
	bundletest.WritePlan(t, l.plan, steps)
	bundletest.Render(t, l.plan, "restore", l.bundle)
	return l
}

// records counts the drill-record entries of a journal.
func records(t *testing.T, journal string) int {
	t.Helper()
	entries, _, err := runner.ReadJournal(journal)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Type == runner.EntryRecord {
			n++
		}
	}
	return n
}

func (l *runLab) command(t *testing.T, args ...string) *exec.Cmd {
	cmd := exec.Command(drplanBinary(t), args...)
	cmd.Env = append(os.Environ(), "W="+l.work, "DRPLAN_CACHE=off", "DRPLAN_OPERATOR=Test Operator")
	return cmd
}

func (l *runLab) start(t *testing.T) *exec.Cmd {
	return l.command(t, "run", l.bundle, "--plan", l.plan, "--environment", "local", "--yes", "--journal", l.journal)
}

func (l *runLab) resume(t *testing.T) ([]byte, error) {
	return l.command(t, "run", "--resume", l.journal, "--yes").CombinedOutput()
}

func (l *runLab) ran(t *testing.T) map[string]int {
	data, err := os.ReadFile(filepath.Join(l.work, "ran"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, s := range strings.Fields(string(data)) {
		n[s]++
	}
	return n
}

func waitFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// slowStep runs long the first time only; exec makes sleep the step's own
// process, so it dies with drplan (parent-death signal) when drplan is killed.
const slowSteps = `
	{number: 1, id: "a", title: "A", command: "echo a >> \"$W/ran\"", timeout: "20s", irreversible: "test"},
	{number: 2, id: "slow", title: "Slow", command: "echo slow >> \"$W/ran\"; if [ ! -e \"$W/slow-once\" ]; then touch \"$W/slow-once\"; exec sleep 60; fi", timeout: "2m", irreversible: "test"},
	{number: 3, id: "c", title: "C", command: "echo c >> \"$W/ran\"", timeout: "20s", recovers: ["t1"], irreversible: "test"},
`

func TestRunKilledMidStepResumes(t *testing.T) {
	l := newRunLab(t, slowSteps)
	cmd := l.start(t)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFile(t, filepath.Join(l.work, "slow-once"))
	cmd.Process.Kill()
	cmd.Wait()

	entries, _, err := runner.ReadJournal(l.journal)
	if err != nil {
		t.Fatalf("journal after kill -9: %v", err)
	}
	last := entries[len(entries)-1]
	if last.Type != runner.EntryStepStart || last.Step != "slow" {
		t.Fatalf("last entry %+v, want slow's start", last)
	}
	out, err := l.resume(t)
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Step slow was running when the run stopped") {
		t.Errorf("resume did not say it re-runs slow:\n%s", out)
	}
	if n := l.ran(t); n["a"] != 1 || n["c"] != 1 || n["slow"] != 2 {
		t.Fatalf("executions %v: a completed step ran twice, or a step never ran", n)
	}
	if n := records(t, l.journal); n != 1 {
		t.Errorf("%d record entries, want 1", n)
	}
	p, err := schema.Load(l.plan)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Drills) != 1 {
		t.Fatalf("%d drill records", len(p.Drills))
	}
	for _, d := range p.Drills {
		if d.Outcome != "success" || d.Measured == nil || d.Measured.RTO == nil {
			t.Errorf("drill %+v", d)
		}
	}
}

// TestRunKilledAtAnyMomentResumes kills drplan at spread-out moments of a
// quick runbook, then resumes: whatever the moment, the journal reads, no
// step the journal saw complete runs again, and one record is written.
func TestRunKilledAtAnyMomentResumes(t *testing.T) {
	steps := ""
	for i := 1; i <= 4; i++ {
		steps += fmt.Sprintf(`{number: %d, id: "s%d", title: "S%d", command: "echo s%d >> \"$W/ran\"; sleep 0.03", timeout: "20s", irreversible: "test"},`, i, i, i, i)
	}
	for _, delay := range []time.Duration{0, 30, 45, 60, 80, 100, 130, 170, 220, 280} {
		t.Run(fmt.Sprint(delay*time.Millisecond), func(t *testing.T) {
			drplanBinary(t)
			l := newRunLab(t, steps)
			cmd := l.start(t)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay * time.Millisecond)
			cmd.Process.Kill()
			cmd.Wait()
			entries, _, err := runner.ReadJournal(l.journal)
			if err != nil {
				if n := l.ran(t); len(n) > 0 {
					t.Fatalf("steps ran %v but the journal is unreadable: %v", n, err)
				}
				return // killed before the run began
			}
			done := map[string]bool{}
			for _, e := range entries {
				if e.Type == runner.EntryStepEnd && e.Outcome == runner.OutcomeOK {
					done[e.Step] = true
				}
			}
			t.Logf("killed with %d journal entries, %d steps done", len(entries), len(done))
			if out, err := l.resume(t); err != nil {
				t.Fatalf("resume: %v\n%s", err, out)
			}
			n := l.ran(t)
			for i := 1; i <= 4; i++ {
				id := fmt.Sprintf("s%d", i)
				if n[id] == 0 || (done[id] && n[id] != 1) {
					t.Errorf("%s ran %d times (completed before the kill: %v)", id, n[id], done[id])
				}
			}
			if n := records(t, l.journal); n != 1 {
				t.Errorf("%d record entries", n)
			}
			if p, err := schema.Load(l.plan); err != nil || len(p.Drills) != 1 {
				t.Errorf("plan after resume: %v", err)
			}
		})
	}
}

func TestRunInterruptStopsCleanly(t *testing.T) {
	l := newRunLab(t, slowSteps)
	cmd := l.start(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFile(t, filepath.Join(l.work, "slow-once"))
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if code := exitCode(err); code != 3 {
		t.Fatalf("exit %d after Ctrl-C, want 3\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "Interrupted") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	entries, _, err := runner.ReadJournal(l.journal)
	if err != nil {
		t.Fatal(err)
	}
	kinds := ""
	for _, e := range entries {
		kinds += e.Type + " "
	}
	if !strings.Contains(kinds, "interrupted step-end finish record") {
		t.Errorf("journal: %s", kinds)
	}
	p, _ := schema.Load(l.plan)
	for _, d := range p.Drills {
		if d.Outcome != "aborted" {
			t.Errorf("record outcome %s, want aborted", d.Outcome)
		}
	}
	if out, err := l.resume(t); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	p, _ = schema.Load(l.plan)
	if len(p.Drills) != 1 {
		t.Fatalf("%d records", len(p.Drills))
	}
	for _, d := range p.Drills {
		if d.Outcome != "success" {
			t.Errorf("record outcome %s after resume", d.Outcome)
		}
	}
}

func TestRunPushesDrillMetrics(t *testing.T) {
	url := testtool.Pushgateway(t)
	quick := `{number: 1, id: "a", title: "A", command: "echo a", timeout: "20s", recovers: ["t1"], irreversible: "test"}`
	l := newRunLab(t, quick)
	var out, errb bytes.Buffer
	code := Main([]string{"run", l.bundle, "--plan", l.plan, "--environment", "local", "--yes", "--journal", l.journal, "--operator", "T", "--pushgateway", url}, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errb})
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	body := testtool.Metrics(t, url)
	if !strings.Contains(body, `drplan_drill_last_success_timestamp_seconds{instance="",job="drplan_lab",plan="lab",runbook="restore"}`) {
		t.Errorf("metric not on the gateway:\n%s", body)
	}

	// A gateway that is down: a clear error, a non-zero exit, and the
	// record is written all the same.
	l = newRunLab(t, quick)
	errb.Reset()
	code = Main([]string{"run", l.bundle, "--plan", l.plan, "--environment", "local", "--yes", "--journal", l.journal, "--operator", "T", "--pushgateway", "http://127.0.0.1:1"}, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errb})
	if code == ExitOK || !strings.Contains(errb.String(), "pushing drill metrics to http://127.0.0.1:1") || !strings.Contains(errb.String(), "the drill record") {
		t.Errorf("exit %d, stderr:\n%s", code, errb.String())
	}
	if p, err := schema.Load(l.plan); err != nil || len(p.Drills) != 1 {
		t.Errorf("record not written when the gateway is down: %v", err)
	}
}
