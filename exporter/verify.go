package exporter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/drplan/drplan/atomicfile"
	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
	"github.com/drplan/drplan/verify"
)

// VerifyOptions turn on continuous verification: the exporter compares the
// plans with AWS on a schedule and exports what it found.
type VerifyOptions struct {
	// Interval is the time between the starts of two runs; zero turns
	// continuous verification off.
	Interval time.Duration
	// Timeout bounds each run; it must not exceed Interval, so that runs
	// never overlap. Interval when zero.
	Timeout time.Duration
	// Config is how verify reaches AWS.
	Config verify.Config
	// RecordDir, when set, receives after each run the evidence record of
	// each plan (<plan>.verify.json, as `drplan verify --record` writes
	// it), replaced atomically. Nothing else is written, anywhere.
	RecordDir string
	// Version is the tool version recorded in the evidence.
	Version string
}

// maxBackoff is how far the time between runs stretches while AWS
// throttles them: twice the interval, so a throttled run is followed by a
// pause long enough for the API's rate to recover, and yet a verify-stale
// alert (three intervals) never fires on back-off alone.
const maxBackoff = 2

// verifyStats is one plan's continuous verification: the counts of its
// last successful run, and when runs last ended and last succeeded.
type verifyStats struct {
	lastRun, lastSuccess time.Time
	// findings counts open findings by rule and severity; checks counts
	// checks by result (ok, mismatch, unverified). Both are those of the
	// last successful run: a run that saw nothing does not clear them.
	findings map[ruleSeverity]int
	checks   map[string]int
}

type ruleSeverity struct {
	rule string
	sev  report.Severity
}

// verifyLoop runs verify every Interval (stretched while AWS throttles)
// until ctx is done. One run at a time: the next is scheduled when the
// previous has ended.
func (e *Exporter) verifyLoop(ctx context.Context) {
	vo := e.opts.Verify
	backoff := 1
	for {
		start := time.Now()
		throttled := e.VerifyOnce(ctx)
		backoff = nextBackoff(backoff, throttled)
		wait := time.Duration(backoff)*vo.Interval - time.Since(start)
		if throttled > 0 {
			fmt.Fprintf(e.opts.Log, "verify: AWS throttled %d reads; next run in %s\n", throttled, plan.Duration{Duration: wait.Round(time.Second)}.Human())
		}
		t := time.NewTimer(max(wait, 0))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// nextBackoff is the next gap between runs, in intervals, after a run in
// which AWS throttled that many reads: doubled while AWS throttles, up to
// maxBackoff, back to one interval after a run it did not.
func nextBackoff(backoff, throttled int) int {
	if throttled > 0 {
		return min(backoff*2, maxBackoff)
	}
	return 1
}

// VerifyOnce compares every loaded plan with AWS once, bounded by the
// timeout, and updates the verify metrics. It returns how many resources
// AWS throttled past every retry.
func (e *Exporter) VerifyOnce(ctx context.Context) int {
	vo := e.opts.Verify
	e.verifyMu.Lock()
	defer e.verifyMu.Unlock()

	// The plans as last loaded; two paths with plans of the same name are
	// exported once, the first (as the other metrics are).
	e.mu.Lock()
	var plans []*plan.Plan
	var states []*planState
	seen := map[string]bool{}
	for _, ps := range e.plans {
		if ps.plan != nil && !seen[ps.plan.Name] {
			seen[ps.plan.Name] = true
			plans = append(plans, ps.plan)
			states = append(states, ps)
		}
	}
	e.mu.Unlock()
	if len(plans) == 0 {
		return 0
	}

	rctx, cancel := context.WithTimeout(ctx, vo.Timeout)
	defer cancel()
	began := time.Now()
	obs, err := verify.Live(rctx, plans, vo.Config)
	ended := time.Now()
	if ctx.Err() != nil {
		return 0 // the exporter is stopping: this run is no run
	}
	if err != nil {
		// A run that could check nothing (every read failed) is not a
		// success, and leaves the last good counts in place.
		throttled := 0
		var nv *verify.NothingVerifiedError
		if errors.As(err, &nv) {
			throttled = nv.Throttled
			fmt.Fprintf(e.opts.Log, "verify: nothing could be checked, keeping the last good counts: %v\n", err)
		} else {
			fmt.Fprintf(e.opts.Log, "verify: %v\n", err)
		}
		e.mu.Lock()
		for _, ps := range states {
			ps.verify().lastRun = ended
		}
		e.mu.Unlock()
		return throttled
	}
	took := plan.Duration{Duration: ended.Sub(began).Round(time.Millisecond)}.Human()
	for i, p := range plans {
		out := verify.Verify(p, obs)
		checks := map[string]int{}
		for _, ch := range out.Checks {
			checks[string(ch.Status)]++
		}
		findings := map[ruleSeverity]int{}
		for _, f := range out.Findings {
			findings[ruleSeverity{f.RuleID, f.Severity}]++
		}
		// The record first: once the metrics say a run ended, its record
		// is there.
		if vo.RecordDir != "" {
			if err := e.writeRecord(p, states[i].label, obs, out); err != nil {
				fmt.Fprintf(e.opts.Log, "verify: plan %q: record: %v\n", p.Name, err)
			}
		}
		// A run that could check nothing (every read failed) is not a
		// success, and leaves the last good counts in place.
		ok := len(out.Checks) == 0 || checks[string(evidence.Unverified)] < len(out.Checks)
		e.mu.Lock()
		vs := states[i].verify()
		vs.lastRun = ended
		if ok {
			vs.lastSuccess, vs.findings, vs.checks = ended, findings, checks
		}
		e.mu.Unlock()
		status := fmt.Sprintf("%d checks: %d ok, %d mismatches, %d could not be verified; %d findings",
			len(out.Checks), checks[string(evidence.OK)], checks[string(evidence.Mismatch)], checks[string(evidence.Unverified)], len(out.Findings))
		if !ok {
			status += "; nothing could be checked, keeping the last good counts"
		}
		fmt.Fprintf(e.opts.Log, "verify: plan %q: %s (%s)\n", p.Name, status, took)
	}
	return obs.Throttled()
}

// writeRecord replaces the plan's evidence record in the record directory.
func (e *Exporter) writeRecord(p *plan.Plan, path string, obs *verify.Observed, out verify.Outcome) error {
	vo := e.opts.Verify
	rec := &evidence.Record{Tool: "drplan", Version: vo.Version, TakenAt: obs.TakenAt,
		Plans: []evidence.Plan{{Name: p.Name, Path: path, Checks: out.Checks}}}
	var err error
	if rec.Observed, err = json.Marshal(obs); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := evidence.Write(&b, rec); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(vo.RecordDir, p.Name+".verify.json"), b.Bytes(), 0o644)
}

// verify returns the plan's verify stats, creating them at its first run.
// The caller holds e.mu.
func (ps *planState) verify() *verifyStats {
	if ps.verified == nil {
		ps.verified = &verifyStats{}
	}
	return ps.verified
}
