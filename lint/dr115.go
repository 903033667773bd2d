package lint

import (
	"fmt"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR115",
		Severity: report.Error,
		Title:    "Restores are held to their scenario's objective, counted from the outage, with estimates no lower than drills measured",
		Rationale: "An RTO runs from the moment the outage starts to service restored: detection (alerts, paging), " +
			"decision (incident command, evidence review before a ransomware restore, the Security IC's go) and " +
			"only then the runbook's critical path. A plan that counts only the runbook meets on paper an " +
			"objective the drill misses by hours. A restore that brings back no tier of its own (a point-in-time " +
			"restore, a rebuild from immutable backups) is only held to an objective if its scenario states one. " +
			"And a step estimated well below what the latest drill measured (a pg_restore estimated at 5 h that " +
			"took 7h40m, secret rotation at 20 min that took 1h05m) makes the critical path, DR101's sum and " +
			"the cost of downtime look better than the evidence: restore time grows with the data, and an " +
			"expected speed-up is a hypothesis until a drill measures it.",
		Remediation: "State the scenario's detectionTime and decisionTime from incidents and drills, and its rto " +
			"(a restore takes hours, not the failover's minutes); shorten the path or restate the objective when " +
			"they do not fit. Set each step's estimate from the latest drill's measured duration; when a change " +
			"should make it faster, keep the measured figure until a drill confirms it.",
		Check: checkDR115,
	})
}

// estimateSlack is how far a measured step may exceed its estimate before
// the estimate is called well below it: half as long again, and a minute.
const (
	estimateSlackFactor = 1.5
	estimateSlackMin    = time.Minute
)

func checkDR115(c *Context) {
	p := c.Plan
	for _, sid := range plan.Keys(p.Scenarios) {
		s := p.Scenarios[sid]
		if !s.InScope || len(s.RunbookIDs()) == 0 {
			continue
		}
		if s.RTO == nil && len(p.ScenarioTiers(sid)) == 0 {
			c.Report(At("scenarios", sid), "scenario %q is answered by %s, restoring no tier, and states no rto of its own: nothing holds the recovery to an objective",
				sid, runbookList(s.RunbookIDs()))
			continue
		}
		for _, rbID := range s.RunbookIDs() {
			if p.Runbooks[rbID] != nil {
				checkPreStepTime(c, sid, rbID)
			}
		}
	}
	for _, id := range plan.Keys(p.Runbooks) {
		rb := p.Runbooks[id]
		drill, measured := latestDrillSteps(p, id)
		if drill == "" {
			continue
		}
		for i, st := range rb.Steps {
			m, ok := measured[st.ID]
			if !ok || st.Estimate == nil {
				continue
			}
			e := st.Estimate.Duration
			if float64(m) > float64(e)*estimateSlackFactor && m-e >= estimateSlackMin {
				c.Report(At("runbooks", id, "steps", i, "estimate"),
					"%s of runbook %q is estimated at %s, but drill %q (%s) measured %s: the critical path and the RTO checks count the lower figure",
					stepRef(rb, i), id, durText(e), drill, p.Drills[drill].Date, durText(m))
			}
		}
	}
}

// checkPreStepTime holds a scenario's detection and decision time plus its
// runbook rbID against the objective: the scenario's own RTO, or else the RTO of
// each tier the runbook restores. It reports only what the time before
// the first step tips over; DR101 reports a runbook that misses alone.
func checkPreStepTime(c *Context, sid, rbID string) {
	p := c.Plan
	s := p.Scenarios[sid]
	var pre time.Duration
	var parts []string
	at := At("scenarios", sid)
	if s.DetectTime != nil && s.DetectTime.Duration > 0 {
		pre += s.DetectTime.Duration
		parts = append(parts, s.DetectTime.Human()+" to detect")
		at = At("scenarios", sid, "detectionTime")
	}
	if s.DecideTime != nil && s.DecideTime.Duration > 0 {
		pre += s.DecideTime.Duration
		parts = append(parts, s.DecideTime.Human()+" to decide")
		if len(parts) == 1 {
			at = At("scenarios", sid, "decisionTime")
		}
	}
	if pre == 0 {
		return
	}
	rb := p.Runbooks[rbID]
	type target struct {
		tiers []string
		rto   time.Duration
		what  string
	}
	var targets []target
	if s.RTO != nil {
		targets = append(targets, target{p.RunbookTiers(rbID), s.RTO.Duration, fmt.Sprintf("the scenario's RTO of %s", s.RTO.Human())})
	} else {
		for _, t := range p.RunbookTiers(rbID) {
			if r := p.Tiers[t].RTO; r != nil {
				targets = append(targets, target{[]string{t}, r.Duration, fmt.Sprintf("%s's RTO of %s", t, r.Human())})
			}
		}
	}
	drill, measured := latestDrillSteps(p, rbID)
	drilled := func(i int) time.Duration {
		if d, ok := measured[rb.Steps[i].ID]; ok {
			return d
		}
		return rb.EstimateOf(i)
	}
	for _, t := range targets {
		for _, src := range []struct {
			d    func(int) time.Duration
			what string
		}{{rb.EstimateOf, "from the estimates"}, {drilled, fmt.Sprintf("as drill %q measured it", drill)}} {
			if src.what != "from the estimates" && drill == "" {
				continue
			}
			path := rb.Waits() + longestPath(rb, t.tiers, src.d)
			if path > t.rto || pre+path <= t.rto {
				continue // within it, or DR101's finding
			}
			c.Report(at, "scenario %q spends %s before runbook %q starts; with the runbook's %s (%s) that is %s from the outage, beyond %s",
				sid, andList(parts), rbID, durText(path), src.what, durText(pre+path), t.what)
			break
		}
	}
}

// longestPath is the critical path to the last of tiers back (the whole
// runbook when tiers is empty).
func longestPath(rb *plan.Runbook, tiers []string, d func(int) time.Duration) time.Duration {
	if len(tiers) == 0 {
		return rb.CriticalPath("", d)
	}
	var out time.Duration
	for _, t := range tiers {
		out = max(out, rb.CriticalPath(t, d))
	}
	return out
}

// runbookList words runbook IDs: `runbook "a"` or `runbooks "a" and "b"`.
func runbookList(ids []string) string {
	q := quoteIDs(ids)
	if len(q) == 1 {
		return "runbook " + q[0]
	}
	return "runbooks " + andList(q)
}
