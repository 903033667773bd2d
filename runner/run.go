package runner

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/drplan/drplan/generator/bundle"
	"github.com/drplan/drplan/plan"
)

// Run outcomes, as a drill record spells them.
const (
	RunSuccess = "success"
	RunFailed  = "failed"
	RunAborted = "aborted"
)

// Options are how a run behaves; the Run fields of a resumed run come from
// its journal instead.
type Options struct {
	// Yes runs without asking, except at approval gates (unless the gate's
	// standing approval is in force) and before a rollback the operator did
	// not ask for, which always ask.
	Yes bool
	// RollbackOnFailure runs, when a step fails, its rollback and then
	// those of the completed steps in reverse order, without asking.
	RollbackOnFailure bool
	// Approve lists the gated steps whose approval was given beforehand
	// (for a scheduled drill in a pipeline); the journal records it.
	Approve []string
	// Env is added to every script's environment.
	Env []string

	In  io.Reader
	Out io.Writer
	// Err carries the progress lines and prompts.
	Err io.Writer
	// Heartbeat is how often a line says which steps are still running,
	// so a long step is never silent (default 30 s).
	Heartbeat time.Duration
}

// Result is how a run ended.
type Result struct {
	Outcome string
	// Failed names the steps that failed or timed out.
	Failed []string
	// Record is the drill record file written, when there is one.
	Record string
	Drill  *DrillState
	// Note explains an aborted run.
	Note string
}

// ExitCode follows run.sh: 0 done, 1 a step failed, 3 stopped.
func (r *Result) ExitCode() int {
	switch r.Outcome {
	case RunSuccess:
		return 0
	case RunFailed:
		return 1
	}
	return 3
}

// Runner executes one bundle under one journal.
type Runner struct {
	b     *Bundle
	o     Options
	j     *Journal
	info  RunInfo
	state *DrillState

	in       *bufio.Reader
	readOnce sync.Once
	answers  chan string
	// ctx is the run's: cancelled by Ctrl-C.
	ctx   context.Context
	outMu sync.Mutex
	// onRecord writes the drill record; nil when the run has no target.
	onRecord func(*DrillState) (string, error)
}

// New starts a run of b: it creates the journal and writes its start entry.
func New(b *Bundle, info RunInfo, journalPath string, o Options) (*Runner, error) {
	j, err := CreateJournal(journalPath)
	if err != nil {
		return nil, err
	}
	info.Bundle = b.Dir
	info.ManifestSHA256 = b.Digest
	info.Plan = b.Manifest.Plan
	info.Runbook = b.Manifest.Runbook.ID
	if b.Manifest.RTO != nil {
		info.RTOSec = b.Manifest.RTO.Seconds
	}
	now := time.Now().UTC()
	if err := j.Append(Entry{Type: EntryStart, Time: now, Run: &info}); err != nil {
		j.Close()
		return nil, err
	}
	r := newRunner(b, j, info, o)
	r.state = Replay(b, []Entry{{Type: EntryStart, Time: now, Run: &info}})
	return r, nil
}

// Resume reopens the journal at path and the bundle it names (or dir, when
// the bundle moved), refusing a bundle that is not the one the run began
// with.
func Resume(path, dir string, o Options) (*Runner, error) {
	j, entries, err := OpenJournal(path)
	if err != nil {
		return nil, err
	}
	info := *entries[0].Run
	if dir == "" {
		dir = info.Bundle
	}
	b, err := Open(dir)
	if err != nil {
		j.Close()
		return nil, err
	}
	if b.Digest != info.ManifestSHA256 {
		j.Close()
		return nil, fmt.Errorf("%s: this bundle is not the one journal %s started with (manifest SHA-256 %s, journal says %s): a run cannot be resumed on a re-rendered runbook", dir, path, short(b.Digest), short(info.ManifestSHA256))
	}
	r := newRunner(b, j, info, o)
	r.state = Replay(b, entries)
	// A run that succeeded is over (at most its record is still to be
	// written); any other goes on from where it stopped.
	if r.state.Finished != RunSuccess {
		if err := r.journal(Entry{Type: EntryResume}); err != nil {
			j.Close()
			return nil, err
		}
	}
	return r, nil
}

func newRunner(b *Bundle, j *Journal, info RunInfo, o Options) *Runner {
	if o.In == nil {
		o.In = strings.NewReader("")
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Err == nil {
		o.Err = io.Discard
	}
	return &Runner{b: b, o: o, j: j, info: info, in: bufio.NewReader(o.In), ctx: context.Background()}
}

// Info is the run's fixed description.
func (r *Runner) Info() RunInfo { return r.info }

// State is the run as journaled so far.
func (r *Runner) State() *DrillState { return r.state }

// OnRecord sets how the drill record is written when the run ends.
func (r *Runner) OnRecord(f func(*DrillState) (string, error)) { r.onRecord = f }

// JournalPath is the journal's file.
func (r *Runner) JournalPath() string { return r.j.Path }

// Close closes the journal.
func (r *Runner) Close() error { return r.j.Close() }

func (r *Runner) say(format string, a ...any) {
	r.outMu.Lock()
	defer r.outMu.Unlock()
	fmt.Fprintf(r.o.Err, format+"\n", a...)
}

// ask prints a question and reads a yes or no; no answer (end of input)
// is no, so an unattended run never goes further than it was told to.
// Ctrl-C while waiting is no as well: the run stops instead of hanging on
// a question nobody will answer.
func (r *Runner) ask(question string) bool {
	r.outMu.Lock()
	fmt.Fprintf(r.o.Err, "%s [y/N] ", question)
	r.outMu.Unlock()
	r.readOnce.Do(func() {
		// One reader for the whole run, so that an answer typed while a
		// question was being abandoned is not lost to the next one.
		r.answers = make(chan string)
		go func() {
			defer close(r.answers)
			for {
				line, err := r.in.ReadString('\n')
				if line != "" || err == nil {
					r.answers <- line
				}
				if err != nil {
					return
				}
			}
		}()
	})
	var line string
	var ok bool
	select {
	case line, ok = <-r.answers:
	case <-r.ctx.Done():
		r.say("")
		return false
	}
	if !ok {
		r.say("(no answer: standard input is closed)")
		return false
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}

func (r *Runner) journal(e Entry) error {
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	if err := r.j.Append(e); err != nil {
		return err
	}
	r.state.apply(e)
	return nil
}

type stepDone struct {
	id  string
	res execResult
}

// Run executes the remaining steps and ends the run: outcome journaled,
// drill record written. ctx cancelled is Ctrl-C: running steps are
// stopped, the interruption journaled, and the run can be resumed.
func (r *Runner) Run(ctx context.Context) (*Result, error) {
	r.ctx = ctx
	m := &r.b.Manifest
	st := r.state
	if st.Finished != "" && (st.RecordWritten != "" || r.onRecord == nil) {
		r.say("This run already finished (%s); its drill record is %s.", st.Finished, st.RecordWritten)
		return r.result(st.Finished, ""), nil
	}
	if st.Finished == "" {
		r.header()
		if len(st.Done()) == 0 && len(m.Preconditions) > 0 {
			hold, err := r.preconditions(ctx)
			if err != nil {
				return nil, err
			}
			if !hold {
				return r.finish(RunAborted, "pre-conditions not confirmed")
			}
		}
		for _, id := range st.Running() {
			r.say("Step %s was running when the run stopped; what it did is unknown, so it runs again.", id)
		}
		outcome, note, err := r.schedule(ctx)
		if err != nil {
			return nil, err
		}
		return r.finish(outcome, note)
	}
	// Finished but the record was not written (killed in between).
	return r.finish(st.Finished, st.FinishNote)
}

func (r *Runner) header() {
	m := &r.b.Manifest
	r.say("Runbook %s: %s (plan %s)", m.Runbook.ID, m.Runbook.Title, m.Plan)
	if m.RTO != nil {
		r.say("RTO target: %s (tier %s)", m.RTO.Text, m.RTO.Tier)
	}
	r.say("Journal: %s", r.j.Path)
}

// judge turns what a script did into its journal entry: the outcome, and
// why when it is not ok. A script succeeds when it exits 0 in time and its
// output matches expect (when there is one).
func judge(typ, step string, res execResult, timeout time.Duration, expect *regexp.Regexp) Entry {
	code := res.ExitCode
	e := Entry{Type: typ, Step: step, DurationMS: res.Duration.Milliseconds(), Output: tail(res.Output, 2000), ExitCode: &code, Outcome: OutcomeOK}
	switch {
	case res.Interrupted:
		e.Outcome, e.Message = OutcomeFailed, "interrupted by the operator"
	case res.TimedOut:
		e.Outcome, e.Message = OutcomeTimeout, fmt.Sprintf("timed out after %s", plan.Duration{Duration: timeout})
	case res.Err != nil:
		e.Outcome, e.Message = OutcomeFailed, res.Err.Error()
	case res.ExitCode != 0:
		e.Outcome, e.Message = OutcomeFailed, fmt.Sprintf("exit status %d", res.ExitCode)
	case expect != nil && !expect.MatchString(res.Output):
		e.Outcome, e.Message = OutcomeFailed, fmt.Sprintf("output does not match the expected /%s/", expect)
	}
	return e
}

// preconditionTimeout bounds a pre-condition's check: it reads state, it
// does not wait for it.
const preconditionTimeout = time.Minute

// preconditions shows the runbook's pre-conditions and runs the checks the
// plan gives them (read-only commands with an expected output). They hold
// when every check passes and the operator confirms the rest; a failed
// check always asks, even with --yes, because starting a failover on a
// false premise is the mistake the pre-conditions are there to stop.
func (r *Runner) preconditions(ctx context.Context) (bool, error) {
	failed := 0
	for i, pc := range r.b.Manifest.Preconditions {
		r.say("  Pre-condition %d: %s", i+1, oneLine(pc.Check))
		if strings.TrimSpace(pc.Command) == "" {
			continue
		}
		res := runSh(ctx, []string{"-eu", "-c", pc.Command}, preconditionTimeout, r.env(""), r.o.Out, &r.outMu, fmt.Sprintf("  pre %d | ", i+1))
		e := judge(EntryPrecondition, fmt.Sprintf("pre-%d", i+1), res, preconditionTimeout, r.b.preExpect[i])
		if err := r.journal(e); err != nil {
			return false, err
		}
		if e.Outcome == OutcomeOK {
			r.say("     holds (checked).")
		} else {
			failed++
			r.say("     DOES NOT HOLD: %s.", e.Message)
		}
	}
	if ctx.Err() != nil {
		return false, nil
	}
	if failed > 0 {
		return r.ask(fmt.Sprintf("%d pre-condition check(s) failed. Start the runbook anyway?", failed)), nil
	}
	return r.o.Yes || r.ask("Do all pre-conditions hold?"), nil
}

// schedule runs steps as their dependencies allow until all are done, one
// fails, or the run is stopped.
func (r *Runner) schedule(ctx context.Context) (outcome, note string, err error) {
	m := &r.b.Manifest
	st := r.state
	launched := map[string]bool{}
	results := make(chan stepDone)
	running := 0
	started := map[string]time.Time{}
	stopping := ""
	var failed []string
	every := r.o.Heartbeat
	if every <= 0 {
		every = 30 * time.Second
	}
	heartbeat := time.NewTicker(every)
	defer heartbeat.Stop()

	for {
		if stopping == "" && ctx.Err() == nil {
			for i := range m.Steps {
				s := &m.Steps[i]
				if launched[s.ID] || st.IsDone(s.ID) || !st.depsDone(s) {
					continue
				}
				go1, why, err := r.prepare(ctx, s)
				if err != nil {
					return "", "", err
				}
				if !go1 {
					stopping = why
					if ctx.Err() != nil {
						stopping = "interrupted"
						if err := r.journal(Entry{Type: EntryInterrupted, Message: "interrupted by the operator at a question"}); err != nil {
							return "", "", err
						}
					}
					break
				}
				launched[s.ID] = true
				if s.Manual {
					// Confirmed by hand in prepare; nothing to execute.
					continue
				}
				running++
				started[s.ID] = time.Now()
				if err := r.journal(Entry{Type: EntryStepStart, Step: s.ID}); err != nil {
					return "", "", err
				}
				go func(s *bundle.Step) {
					timeout := time.Duration(s.TimeoutSeconds) * time.Second
					res := runScript(ctx, r.b.Dir, s.Script, timeout, r.env(s.ID), r.o.Out, &r.outMu, fmt.Sprintf("  %02d %s | ", s.Number, s.ID))
					results <- stepDone{s.ID, res}
				}(s)
			}
		}
		if running == 0 {
			break
		}
		var d stepDone
	wait:
		for {
			select {
			case d = <-results:
				break wait
			case <-heartbeat.C:
				r.stillRunning(started)
			case <-ctx.Done():
				if stopping == "" {
					stopping = "interrupted"
					r.say("Interrupted: stopping the running steps (their state is journaled; resume with `drplan run --resume %s`).", r.j.Path)
					if err := r.journal(Entry{Type: EntryInterrupted, Message: "interrupted by the operator"}); err != nil {
						return "", "", err
					}
				}
				d = <-results
				break wait
			}
		}
		running--
		delete(started, d.id)
		ok, err := r.stepEnded(d)
		if err != nil {
			return "", "", err
		}
		if !ok && !d.res.Interrupted {
			failed = append(failed, d.id)
			if stopping == "" {
				stopping = "failed"
			}
		}
	}
	if ctx.Err() != nil && stopping == "" {
		stopping = "interrupted"
		if err := r.journal(Entry{Type: EntryInterrupted, Message: "interrupted by the operator"}); err != nil {
			return "", "", err
		}
	}
	switch {
	case len(failed) > 0:
		if err := r.afterFailure(ctx, failed); err != nil {
			return "", "", err
		}
		return RunFailed, "", nil
	case stopping == "interrupted":
		return RunAborted, "interrupted by the operator", nil
	case stopping != "":
		return RunAborted, stopping, nil
	}
	return RunSuccess, "", nil
}

// prepare shows a step and gets the go-ahead it needs.
func (r *Runner) prepare(ctx context.Context, s *bundle.Step) (bool, string, error) {
	m := &r.b.Manifest
	r.say("")
	r.say("== Step %d of %d: %s [%s]", s.Number, len(m.Steps), s.Title, s.ID)
	if len(s.After) > 0 {
		r.say("   After: %s", strings.Join(s.After, ", "))
	}
	if s.Script != "" {
		r.say("   Command:")
		for _, line := range r.commandLines(s.Script) {
			r.say("   | %s", line)
		}
	}
	if s.Expect != "" {
		r.say("   Expect: /%s/", s.Expect)
	}
	switch {
	case s.Rollback != "":
		r.say("   Rollback:")
		for _, line := range r.commandLines(s.Rollback) {
			r.say("   | %s", line)
		}
	case s.Irreversible != "":
		r.say("   Irreversible: %s", s.Irreversible)
	}
	if s.TimeoutSeconds > 0 {
		r.say("   Timeout: %s", plan.Duration{Duration: time.Duration(s.TimeoutSeconds) * time.Second})
	}
	if s.Approval != nil {
		r.say("   Approval gate: %s must approve. %s", s.Approval.Role, s.Approval.Reason)
		by := ""
		// The same decision lint's DR110 makes: a standing approval passes
		// the gate of an automated run while it is in force, never otherwise.
		standing := s.Approval.Standing
		inForce := standing.InForce(time.Now())
		if r.o.Yes && standing != nil && !inForce && !contains(r.o.Approve, s.ID) {
			r.say("   Standing approval %s is not in force today: it counts as none.", standing)
		}
		switch {
		case contains(r.o.Approve, s.ID):
			by = r.info.Operator + " (approved beforehand with --approve)"
		case r.o.Yes && inForce:
			by = standing.String() + " (standing approval for automated runs)"
			r.say("   Standing approval: %s.", standing)
		case r.ask(fmt.Sprintf("Has %s approved step %d?", s.Approval.Role, s.Number)):
			by = r.info.Operator
		default:
			return false, fmt.Sprintf("step %d (%s) not approved", s.Number, s.ID), nil
		}
		if err := r.journal(Entry{Type: EntryApproval, Step: s.ID, By: by, Message: s.Approval.Role}); err != nil {
			return false, "", err
		}
	}
	if s.Manual {
		r.say("   No command: this step is done by hand (see the runbook).")
		if r.o.Yes {
			// Not confirmed by anyone: the record must not claim it was done.
			return true, "", r.journal(Entry{Type: EntryStepEnd, Step: s.ID, Outcome: OutcomeSkipped, Message: "manual step, not confirmed (--yes)"})
		}
		t := time.Now()
		if !r.ask(fmt.Sprintf("Is step %d done?", s.Number)) {
			return false, fmt.Sprintf("step %d (%s) not done", s.Number, s.ID), nil
		}
		return true, "", r.journal(Entry{Type: EntryStepEnd, Step: s.ID, Outcome: OutcomeOK, DurationMS: time.Since(t).Milliseconds(), Message: "done by hand, confirmed by " + r.info.Operator})
	}
	if !r.o.Yes && s.Approval == nil && !r.ask(fmt.Sprintf("Run step %d?", s.Number)) {
		return false, fmt.Sprintf("step %d (%s) not run", s.Number, s.ID), nil
	}
	return true, "", nil
}

// stepEnded checks a step's result and journals it.
func (r *Runner) stepEnded(d stepDone) (bool, error) {
	s := r.b.Step(d.id)
	res := d.res
	e := judge(EntryStepEnd, d.id, res, time.Duration(s.TimeoutSeconds)*time.Second, r.b.expect[d.id])
	if e.Outcome == OutcomeOK && len(s.Measures) > 0 {
		e.Measures = map[string]string{}
		got := parseMeasures(res.Output)
		for _, k := range s.Measures {
			if v, ok := got[k]; ok {
				e.Measures[k] = v
			} else {
				r.say("   Step %s was to measure %s but printed no `%s %s=...` line.", d.id, k, measureLine, k)
			}
		}
	}
	if err := r.journal(e); err != nil {
		return false, err
	}
	done, total := len(r.state.Done()), len(r.b.Manifest.Steps)
	if e.Outcome == OutcomeOK {
		r.say("   Step %d done in %s. [%d of %d steps; %s]", s.Number, round(res.Duration), done, total, r.elapsed())
	} else {
		r.say("   Step %d FAILED: %s. [%d of %d steps; %s]", s.Number, e.Message, done, total, r.elapsed())
	}
	return e.Outcome == OutcomeOK, nil
}

// stillRunning says which steps are running, for how long against their
// timeouts, and where the run stands against the RTO.
func (r *Runner) stillRunning(started map[string]time.Time) {
	var parts []string
	for _, id := range r.state.Order() {
		t, ok := started[id]
		if !ok {
			continue
		}
		s := r.b.Step(id)
		part := fmt.Sprintf("step %d %s for %s", s.Number, id, time.Since(t).Round(time.Second))
		if s.TimeoutSeconds > 0 {
			part += fmt.Sprintf(" (timeout %s)", plan.Duration{Duration: time.Duration(s.TimeoutSeconds) * time.Second})
		}
		parts = append(parts, part)
	}
	if len(parts) > 0 {
		r.say("   ... still running: %s. [%s]", strings.Join(parts, "; "), r.elapsed())
	}
}

// elapsed is the run's time since declaration against the RTO.
func (r *Runner) elapsed() string {
	el := time.Since(r.state.Started).Round(time.Second)
	if r.info.RTOSec > 0 {
		rto := time.Duration(r.info.RTOSec) * time.Second
		s := fmt.Sprintf("elapsed %s of RTO %s", el, plan.Duration{Duration: rto})
		if el > rto {
			s += " (RTO exceeded)"
		}
		return s
	}
	return "elapsed " + el.String()
}

// afterFailure offers the failed steps' rollbacks, or with
// --rollback-on-failure runs them and then the completed steps' rollbacks
// in reverse order of completion.
func (r *Runner) afterFailure(ctx context.Context, failed []string) error {
	if !r.o.RollbackOnFailure {
		for _, id := range failed {
			s := r.b.Step(id)
			switch {
			case s.Rollback != "":
				r.say("")
				r.say("Step %d (%s) failed. Its rollback:", s.Number, s.ID)
				for _, line := range r.commandLines(s.Rollback) {
					r.say("   | %s", line)
				}
				if r.ask(fmt.Sprintf("Run the rollback of step %d?", s.Number)) {
					if _, err := r.rollback(ctx, s); err != nil {
						return err
					}
				}
			case s.Irreversible != "":
				r.say("Step %d (%s) failed and has no rollback: irreversible: %s", s.Number, s.ID, s.Irreversible)
			default:
				r.say("Step %d (%s) failed and the plan gives it no rollback.", s.Number, s.ID)
			}
		}
		return nil
	}
	order := append([]string{}, failed...)
	order = append(order, r.state.CompletionOrder(true)...)
	r.say("")
	r.say("Rolling back (--rollback-on-failure): %s", strings.Join(order, ", "))
	for _, id := range order {
		s := r.b.Step(id)
		if s.Rollback == "" {
			if s.Irreversible != "" {
				r.say("   %s: no rollback (irreversible: %s)", id, s.Irreversible)
			} else if !s.Manual {
				r.say("   %s: no rollback in the plan", id)
			}
			continue
		}
		ok, err := r.rollback(ctx, s)
		if err != nil {
			return err
		}
		if !ok {
			r.say("Rollback of step %d failed: the remaining rollbacks are not run, because each undoes a state the later ones assume undone.", s.Number)
			return nil
		}
	}
	return nil
}

func (r *Runner) rollback(ctx context.Context, s *bundle.Step) (bool, error) {
	if err := r.journal(Entry{Type: EntryRollStart, Step: s.ID}); err != nil {
		return false, err
	}
	timeout := time.Duration(s.TimeoutSeconds) * time.Second
	res := runScript(ctx, r.b.Dir, s.Rollback, timeout, r.env(s.ID), r.o.Out, &r.outMu, fmt.Sprintf("  %02d %s (rollback) | ", s.Number, s.ID))
	e := judge(EntryRollEnd, s.ID, res, timeout, r.b.rollbackExpect[s.ID])
	if err := r.journal(e); err != nil {
		return false, err
	}
	if e.Outcome == OutcomeOK {
		r.say("   Rollback of step %d done in %s.", s.Number, round(res.Duration))
	} else {
		r.say("   Rollback of step %d FAILED: %s.", s.Number, e.Message)
	}
	return e.Outcome == OutcomeOK, nil
}

// finish journals the outcome, then writes the drill record once and
// journals that it did.
func (r *Runner) finish(outcome, note string) (*Result, error) {
	st := r.state
	if st.Finished == "" || st.Finished != outcome {
		if err := r.journal(Entry{Type: EntryFinish, Outcome: outcome, Message: note, Stats: &RunTotals{Done: len(st.Done()), Failed: len(st.FailedSteps()), Total: len(r.b.Manifest.Steps)}}); err != nil {
			return nil, err
		}
	}
	res := r.result(outcome, note)
	if r.onRecord != nil {
		path, err := r.onRecord(st)
		if err != nil {
			return nil, fmt.Errorf("writing the drill record: %w (the journal %s keeps the run; `drplan run --resume` writes it again)", err, r.j.Path)
		}
		if err := r.journal(Entry{Type: EntryRecord, Path: path}); err != nil {
			return nil, err
		}
		res.Record = path
	}
	r.say("")
	switch outcome {
	case RunSuccess:
		r.say("Runbook %s done: %s, %s.", r.b.Manifest.Runbook.ID, plural(len(st.Done()), "step"), r.elapsed())
	case RunFailed:
		r.say("Runbook %s FAILED at %s.", r.b.Manifest.Runbook.ID, strings.Join(res.Failed, ", "))
	default:
		r.say("Runbook %s stopped: %s. Resume with `drplan run --resume %s`.", r.b.Manifest.Runbook.ID, note, r.j.Path)
	}
	if rto, ok := st.MeasuredRTO(); ok {
		r.say("Measured RTO: %s.", round(rto))
	}
	if res.Record != "" {
		r.say("Drill record: %s", res.Record)
	}
	return res, nil
}

func (r *Runner) result(outcome, note string) *Result {
	return &Result{Outcome: outcome, Failed: r.state.FailedSteps(), Drill: r.state, Note: note, Record: r.state.RecordWritten}
}

// env tells a script which run and step it belongs to.
func (r *Runner) env(step string) []string {
	env := append([]string{}, r.o.Env...)
	return append(env,
		"DRPLAN_PLAN="+r.info.Plan,
		"DRPLAN_RUNBOOK="+r.info.Runbook,
		"DRPLAN_STEP="+step,
		"DRPLAN_JOURNAL="+r.j.Path,
	)
}

// commandLines is a script's command as the plan wrote it, line by line.
func (r *Runner) commandLines(script string) []string {
	return strings.Split(strings.TrimRight(r.command(script), "\n"), "\n")
}

// command is a script's command as the plan wrote it.
func (r *Runner) command(script string) string {
	data, err := os.ReadFile(filepath.Join(r.b.Dir, filepath.FromSlash(script)))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	s := string(data)
	if _, after, ok := strings.Cut(s, "# --- command (verbatim from the plan) ---\n"); ok {
		return after
	}
	return s
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	if d < 10*time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}
