package lint

import (
	"fmt"
	"strings"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR105",
		Severity: report.Error,
		Title:    "The latest drill of each runbook met the objectives it was run against",
		Rationale: "A drill is the only measurement of an RTO and RPO that includes detection, decisions, people and " +
			"the slow parts of the platform (promotion, scale-up, restores whose time grows with the data); when the " +
			"latest one measured more than the objective, the objective is a wish. A scenario with its own " +
			"objectives (a restore takes hours, not the failover's minutes) is held to those. A drill that failed, " +
			"was aborted or only partly succeeded has not shown that the runbook works end to end. Older drills " +
			"are history that the latest drill of the same runbook and scenario supersedes.",
		Remediation: "Fix what the drill found and run it again, or restate the objective with the business (and " +
			"have it signed off again). Record measured.rto and measured.rpo for every drill.",
		Check: checkDR105,
	})
}

// latestDrills returns, for each runbook and scenario pair, its most recent
// drill.
func latestDrills(p *plan.Plan) []string {
	latest := map[string]string{}
	var keys []string
	for _, id := range plan.Keys(p.Drills) {
		d := p.Drills[id]
		k := d.Runbook + "\x00" + d.Scenario
		cur, ok := latest[k]
		if !ok {
			keys = append(keys, k)
		}
		if !ok || !d.Date.Before(p.Drills[cur].Date.Time) {
			latest[k] = id
		}
	}
	var out []string
	for _, k := range keys {
		out = append(out, latest[k])
	}
	return out
}

func checkDR105(c *Context) {
	p := c.Plan
	for _, id := range latestDrills(p) {
		d := p.Drills[id]
		what := fmt.Sprintf("drill %q on %s", id, d.Date)
		switch d.Outcome {
		case "failed", "partial", "aborted":
			failed := ""
			if len(d.FailedSteps) > 0 {
				failed = " (failed steps: " + strings.Join(d.FailedSteps, ", ") + ")"
			}
			c.ReportAs(report.Warning, At("drills", id, "outcome"),
				"%s of runbook %q has outcome %q%s: the runbook has not been shown to work end to end since", what, d.Runbook, d.Outcome, failed)
		}
		if d.Measured == nil {
			continue
		}
		var scen *plan.Scenario
		if d.Scenario != "" {
			scen = p.Scenarios[d.Scenario]
		}
		tiers := p.RunbookTiers(d.Runbook)
		if m := d.Measured.RTO; m != nil {
			if scen != nil && scen.RTO != nil {
				if m.Duration > scen.RTO.Duration {
					c.Report(At("drills", id, "measured", "rto"), "%s measured an RTO of %s, beyond scenario %q's own RTO of %s",
						what, m, d.Scenario, scen.RTO.Human())
				}
			} else if over := tiersOver(tiers, func(t string) *plan.Duration { return p.Tiers[t].RTO }, *m); len(over) > 0 {
				c.Report(At("drills", id, "measured", "rto"), "%s measured an RTO of %s for runbook %q, beyond %s",
					what, m, d.Runbook, tierRTOs(p, over))
			}
		}
		if m := d.Measured.RPO; m != nil {
			if scen != nil && scen.RPO != nil {
				if m.Duration > scen.RPO.Duration {
					c.Report(At("drills", id, "measured", "rpo"), "%s measured an RPO of %s, beyond scenario %q's own RPO of %s",
						what, m, d.Scenario, scen.RPO.Human())
				}
			} else if over := tiersOver(tiers, func(t string) *plan.Duration { return p.Tiers[t].RPO }, *m); len(over) > 0 {
				c.Report(At("drills", id, "measured", "rpo"), "%s measured an RPO of %s for runbook %q, beyond %s",
					what, m, d.Runbook, tierRPOs(p, over))
			}
		}
	}
}

// tiersOver returns the tiers whose objective (from get) is below measured.
func tiersOver(tiers []string, get func(string) *plan.Duration, measured plan.Duration) []string {
	var out []string
	for _, t := range tiers {
		if o := get(t); o != nil && measured.Duration > o.Duration {
			out = append(out, t)
		}
	}
	return out
}
