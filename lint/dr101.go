package lint

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR101",
		Severity: report.Error,
		Title:    "Each runbook's critical path fits within the RTO of what it restores",
		Rationale: "An RTO runs from the outage (or its declaration) to service restored: it has to hold the " +
			"runbook's pre-condition waits (\"SLO-breaching for more than 3 consecutive minutes\") plus every " +
			"step on the path to the step that brings the tier back, including the slow ones: an Aurora " +
			"promotion, a Karpenter scale-up that takes minutes, a restore whose time grows with the data. " +
			"A runbook whose own estimates already add up to more than the objective cannot meet it at 3 AM; " +
			"measured drill step times are a second, harder witness. A step without an estimate makes the " +
			"sum impossible to check.",
		Remediation: "Shorten the critical path (run independent steps in parallel with `after`, automate or " +
			"pre-scale the slow steps, drop waits that the tier's failover need not make), or restate the " +
			"objective with the business. Give every step an estimate from what drills measured. Where a " +
			"scenario has objectives of its own (a restore takes hours), state its rto on the scenario.",
		Check: checkDR101,
	})
}

// rtoTarget is one objective a runbook's critical path is measured against.
type rtoTarget struct {
	tier string // the tier restored; "" for the whole runbook
	rto  time.Duration
	// scenario is set when the objective is a scenario's own RTO.
	scenario string
	// what names the objective: tier0's RTO of 60 s.
	what string
}

// runbookTargets returns what a runbook must meet. A scenario's own RTO
// replaces the tiers' when every in-scope scenario the runbook answers
// states one (a restore is held to the restore objective, not to the
// failover one).
func runbookTargets(p *plan.Plan, id string) []rtoTarget {
	tiers := p.RunbookTiers(id)
	scens := p.RunbookScenarios(id)
	own := len(scens) > 0
	var best string
	for _, sid := range scens {
		s := p.Scenarios[sid]
		if s.RTO == nil {
			own = false
			break
		}
		if best == "" || s.RTO.Duration < p.Scenarios[best].RTO.Duration {
			best = sid
		}
	}
	var out []rtoTarget
	if own {
		what := fmt.Sprintf("scenario %q's own RTO of %s", best, p.Scenarios[best].RTO.Human())
		rto := p.Scenarios[best].RTO.Duration
		if len(tiers) == 0 {
			return []rtoTarget{{"", rto, best, what}}
		}
		for _, t := range tiers {
			out = append(out, rtoTarget{t, rto, best, what})
		}
		return out
	}
	for _, t := range tiers {
		if r := p.Tiers[t].RTO; r != nil {
			out = append(out, rtoTarget{t, r.Duration, "", fmt.Sprintf("%s's RTO of %s", t, r.Human())})
		}
	}
	return out
}

func checkDR101(c *Context) {
	p := c.Plan
	for _, id := range plan.Keys(p.Runbooks) {
		rb := p.Runbooks[id]
		targets := runbookTargets(p, id)
		if len(rb.Steps) == 0 || len(targets) == 0 {
			continue
		}
		// Steps without an estimate, where they count.
		warned := map[int]bool{}
		for _, t := range targets {
			for _, i := range rb.StepsBefore(t.tier) {
				if rb.Steps[i].Estimate == nil && !warned[i] {
					warned[i] = true
					c.ReportAs(report.Warning, At("runbooks", id, "steps", i, "estimate"),
						"%s of runbook %q has no estimate, so the time the runbook takes to restore %s cannot be checked against %s",
						stepRef(rb, i), id, targetTier(t), t.what)
				}
			}
		}
		var plans, drilled []overrun
		drill, measured := latestDrillSteps(p, id)
		for _, t := range targets {
			cp := criticalPathOf(rb, t.tier, rb.EstimateOf)
			if total := rb.Waits() + cp.length; total > t.rto {
				plans = append(plans, overrun{t, cp, total})
			}
			if drill == "" {
				continue
			}
			dcp := criticalPathOf(rb, t.tier, func(i int) time.Duration {
				if d, ok := measured[rb.Steps[i].ID]; ok {
					return d
				}
				return rb.EstimateOf(i)
			})
			if total := rb.Waits() + dcp.length; total > t.rto {
				drilled = append(drilled, overrun{t, dcp, total})
			}
		}
		for _, g := range groupOverruns(plans) {
			o := g[0]
			c.Report(o.cp.node(id), "runbook %q %s after %s%s%s, beyond %s",
				id, overrunRestores(g), atLeast(rb, o.t.tier, warned), durText(o.total), pathBreakdown(rb, o.cp, nil), overrunBeyond(p, g))
		}
		for _, g := range groupOverruns(drilled) {
			o := g[0]
			var fallback []string
			for _, i := range o.cp.chain {
				if _, ok := measured[rb.Steps[i].ID]; !ok {
					fallback = append(fallback, rb.Steps[i].ID)
				}
			}
			c.Report(o.cp.node(id), "drill %q (%s) measured steps that put %s at %s%s, beyond %s",
				drill, p.Drills[drill].Date, overrunRecovery(g, id), durText(o.total), pathBreakdown(rb, o.cp, fallback), overrunBeyond(p, g))
		}
	}
}

// overrun is a target that a critical path misses.
type overrun struct {
	t     rtoTarget
	cp    critPath
	total time.Duration
}

// groupOverruns merges the overruns that share a critical path (tier0 and
// tier1 both back at the same smoke test), so one finding names them all.
func groupOverruns(list []overrun) [][]overrun {
	var out [][]overrun
	idx := map[string]int{}
	for _, o := range list {
		key := fmt.Sprint(o.cp.chain, o.total)
		if k, ok := idx[key]; ok && o.t.tier != "" && out[k][0].t.tier != "" {
			out[k] = append(out[k], o)
			continue
		}
		idx[key] = len(out)
		out = append(out, []overrun{o})
	}
	return out
}

func overrunTiers(g []overrun) []string {
	var ts []string
	for _, o := range g {
		ts = append(ts, o.t.tier)
	}
	return ts
}

func overrunRestores(g []overrun) string {
	if g[0].t.tier == "" {
		return "completes"
	}
	return "restores " + andList(overrunTiers(g))
}

func overrunRecovery(g []overrun, rb string) string {
	if g[0].t.tier == "" {
		return fmt.Sprintf("the end of runbook %q", rb)
	}
	return andList(overrunTiers(g)) + " back"
}

// overrunBeyond names the objectives missed: the tiers' RTOs, or the scenario's.
func overrunBeyond(p *plan.Plan, g []overrun) string {
	if g[0].t.tier == "" || g[0].t.scenario != "" {
		return g[0].t.what
	}
	return tierRTOs(p, overrunTiers(g))
}

func targetTier(t rtoTarget) string {
	if t.tier == "" {
		return "its scenario"
	}
	return t.tier
}

// atLeast formats the total, marking it as a lower bound when steps
// that count have no estimate (they were counted as zero).
func atLeast(rb *plan.Runbook, tier string, missing map[int]bool) string {
	for _, i := range rb.StepsBefore(tier) {
		if missing[i] {
			return "at least "
		}
	}
	return ""
}

// critPath is a runbook's critical path to a tier: its length from the start
// of step 1 and the chain of steps that sets it.
type critPath struct {
	length time.Duration
	chain  []int
	// recovering is whether the last step of the chain says it recovers the tier.
	recovering bool
}

func (cp critPath) node(rb string) []any {
	if cp.recovering {
		return At("runbooks", rb, "steps", cp.chain[len(cp.chain)-1])
	}
	return At("runbooks", rb)
}

// criticalPathOf finds the critical path to tier: plan.CriticalPath's
// figure, with the chain of steps behind it (from the last recovering step,
// or the last step to finish, back through the dependency that finished
// last).
func criticalPathOf(rb *plan.Runbook, tier string, d func(int) time.Duration) critPath {
	done := rb.Finish(d)
	end, recovering := -1, false
	for i, s := range rb.Steps {
		if slices.Contains(s.Recovers, tier) && (end < 0 || done[i] >= done[end]) {
			end, recovering = i, true
		}
	}
	if end < 0 {
		for i := range rb.Steps {
			if end < 0 || done[i] >= done[end] {
				end = i
			}
		}
	}
	chain := []int{end}
	for i := end; ; {
		prev := -1
		for _, j := range rb.StepDeps(i) {
			if prev < 0 || done[j] >= done[prev] {
				prev = j
			}
		}
		if prev < 0 {
			break
		}
		chain = append(chain, prev)
		i = prev
	}
	slices.Reverse(chain)
	return critPath{length: rb.CriticalPath(tier, d), chain: chain, recovering: recovering}
}

// pathBreakdown explains a total: " (3m pre-condition wait + 10m30s of steps
// on the critical path a -> b -> c)".
func pathBreakdown(rb *plan.Runbook, cp critPath, estimated []string) string {
	ids := make([]string, len(cp.chain))
	for k, i := range cp.chain {
		ids[k] = rb.Steps[i].ID
	}
	steps := fmt.Sprintf("%s of steps on the critical path %s", durText(cp.length), strings.Join(ids, " -> "))
	if len(estimated) > 0 {
		steps += fmt.Sprintf(", using the estimate for %s", andList(quoteIDs(estimated)))
	}
	if w := rb.Waits(); w > 0 {
		return fmt.Sprintf(" (%s pre-condition wait + %s)", durText(w), steps)
	}
	return " (" + steps + ")"
}

func quoteIDs(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// latestDrillSteps returns the most recent drill of runbook rb that
// recorded step durations, and those durations by step id. A skipped step
// measured nothing, so it is left out (its estimate stands in).
func latestDrillSteps(p *plan.Plan, rb string) (string, map[string]time.Duration) {
	best := ""
	for _, id := range plan.Keys(p.Drills) {
		d := p.Drills[id]
		if d.Runbook != rb || len(d.Steps) == 0 {
			continue
		}
		if best == "" || !d.Date.Before(p.Drills[best].Date.Time) {
			best = id
		}
	}
	if best == "" {
		return "", nil
	}
	m := map[string]time.Duration{}
	for _, s := range p.Drills[best].Steps {
		if s.Outcome != "skipped" {
			m[s.ID] = s.Duration.Duration
		}
	}
	return best, m
}
