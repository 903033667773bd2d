package lint

import (
	"fmt"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR106",
		Severity: report.Error,
		Title:    "Alert thresholds fire within the objective they guard",
		Rationale: "A readiness alert exists to say that an objective is at risk while there is still time to act. " +
			"A replication-lag or backup-freshness alert whose threshold is looser than the RPO it guards fires " +
			"only once more data is at risk than the business accepted; a staleness alert looser than the " +
			"game-day cadence lets the runbook drift past it. The alert fires only after its threshold has held " +
			"for its `for` duration, so a stalled replication or a missed backup is threshold + for old when it " +
			"pages. An RPO of 0 is left to DR102: no lag threshold can guard it on an asynchronous path.",
		Remediation: "Lower the threshold (or the `for`) so that threshold + for stays within the strictest RPO of " +
			"the tiers the path or component carries, or within the runbook's game-day cadence; or drop the " +
			"explicit threshold and let drplan derive it from the plan.",
		Check: checkDR106,
	})
}

func checkDR106(c *Context) {
	p := c.Plan
	for _, id := range plan.Keys(p.Alerts) {
		a := p.Alerts[id]
		if a.Threshold == nil {
			continue // derived from the objective it guards
		}
		th := a.Threshold.Duration
		var forD time.Duration
		if a.For != nil {
			forD = a.For.Duration
		}
		var limit time.Duration
		var what, measure string
		switch a.Kind {
		case plan.AlertReplicationLag, plan.AlertBackupFreshness:
			tier := ""
			for _, t := range p.AlertTiers(id) {
				r := p.Tiers[t].RPO
				if r != nil && r.Duration > 0 && (tier == "" || r.Duration < limit) {
					tier, limit = t, r.Duration
				}
			}
			if tier == "" {
				continue
			}
			what = fmt.Sprintf("%s's RPO of %s", tier, p.Tiers[tier].RPO.Human())
			measure = "of replication lag"
			if a.Kind == plan.AlertBackupFreshness {
				measure = "of backup age"
			}
		case plan.AlertRunbookStaleness:
			cad, ok := p.RunbookCadence(a.Runbook)
			if !ok {
				continue
			}
			limit = cad.Duration
			what = fmt.Sprintf("the %s game-day cadence of the tiers runbook %q restores", cad.Human(), a.Runbook)
			measure = "without a successful drill"
		default:
			continue
		}
		switch {
		case th > limit:
			c.Report(At("alerts", id, "threshold"), "alert %q fires at %s %s%s, looser than %s",
				id, a.Threshold, measure, forText(a.For), what)
		case th+forD > limit:
			c.Report(At("alerts", id, "for"), "alert %q fires only after %s %s held for %s (%s in all), later than %s",
				id, a.Threshold, measure, a.For, durText(th+forD), what)
		}
	}
}

func forText(d *plan.Duration) string {
	if d == nil || d.Duration == 0 {
		return ""
	}
	return fmt.Sprintf(" held for %s", d)
}
