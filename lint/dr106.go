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
			"only once more data is at risk than the business accepted. An alert guards the RPO of the tier it " +
			"names (guards: {tier: ...}); one that names none is held to the strictest RPO of the tiers its path " +
			"or component carries, and one that guards readiness ({readiness: ...}) to no RPO. The alert fires " +
			"only after its threshold has held for its `for`, so threshold + for past the RPO is a warning, but " +
			"not where the metric's own period makes a tighter alert impossible: CloudWatch publishes replication " +
			"lag once a minute, so no alert on it can confirm a breach within an RPO of a minute or less. A staleness alert " +
			"looser than the game-day cadence lets the runbook drift past it; a freshness alert that guards " +
			"readiness and fires before the next scheduled recovery point is due pages on every healthy cycle. " +
			"A replication-backlog alert counts late objects and is not judged as a lag. An RPO of 0 is left to " +
			"DR102: no lag threshold can guard it on an asynchronous path.",
		Remediation: "Lower the threshold (or the `for`) so that threshold + for stays within the RPO of the tier " +
			"the alert guards, or within the runbook's game-day cadence; say which tier an alert guards " +
			"(guards: {tier: ...}) where one path carries several; state the metric's period where it is not " +
			"CloudWatch's minute; or drop the explicit threshold and let drplan derive it from the plan.",
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
		switch a.Kind {
		case plan.AlertReplicationLag, plan.AlertBackupFreshness:
			checkRPOAlert(c, id, a)
		case plan.AlertRunbookStaleness:
			// Judged on its threshold alone: a `for` of an hour is
			// nothing against a cadence of months.
			cad, ok := p.RunbookCadence(a.Runbook)
			if ok && a.Threshold.Duration > cad.Duration {
				c.Report(At("alerts", id, "threshold"),
					"alert %q fires after %s without a successful drill, looser than the %s game-day cadence of the tiers runbook %q restores",
					id, a.Threshold.Human(), cad.Human(), a.Runbook)
			}
		}
	}
}

// checkRPOAlert judges a lag or freshness alert against the objective it
// guards.
func checkRPOAlert(c *Context, id string, a *plan.Alert) {
	p := c.Plan
	measure := "of replication lag"
	if a.Kind == plan.AlertBackupFreshness {
		measure = "of backup age"
	}
	th := a.Threshold.Duration
	o := p.Objective(id)
	if o.Tier == "" {
		if o.Readiness != "" && a.Kind == plan.AlertBackupFreshness {
			checkFreshnessCadence(c, id, a, o)
		}
		return
	}
	if o.RPO.Duration <= 0 || p.Tiers[o.Tier] == nil || p.Tiers[o.Tier].RPO == nil {
		return // no RPO, or RPO 0: DR102's
	}
	rpo := o.RPO.Duration
	what := fmt.Sprintf("%s's RPO of %s, %s", o.Tier, o.RPO.Human(), o.Why(p, id))
	var forD time.Duration
	if a.For != nil {
		forD = a.For.Duration
	}
	if th > rpo {
		c.Report(At("alerts", id, "threshold"), "alert %q fires at %s %s%s, looser than %s",
			id, a.Threshold.Human(), measure, heldFor(a.For), what)
		return
	}
	if th+forD <= rpo {
		return
	}
	// A metric sampled every period shows a breach up to one period after
	// it starts: where the RPO is no longer than that, no alert can confirm
	// a breach within it, and one whose threshold is inside the RPO is as
	// tight as its metric allows.
	period, known := p.MetricPeriod(id)
	if known && rpo <= period.Duration {
		return
	}
	room := ""
	if known {
		room = fmt.Sprintf(" (its metric has a sample every %s)", period.Human())
	}
	c.ReportAs(report.Warning, At("alerts", id, "for"), "alert %q fires only after %s %s held for %s (%s in all), later than %s%s",
		id, a.Threshold.Human(), measure, a.For.Human(), plan.Duration{Duration: th + forD}.Human(), what, room)
}

// checkFreshnessCadence judges a backup-freshness alert that guards
// readiness against the schedule of the backups it watches: below the
// interval it fires before each healthy recovery point is due.
func checkFreshnessCadence(c *Context, id string, a *plan.Alert, o plan.AlertObjective) {
	comp := c.Plan.Components[a.Component]
	if comp == nil || comp.AWS == nil || comp.AWS.Frequency == nil {
		return
	}
	if f := comp.AWS.Frequency.Duration; a.Threshold.Duration < f {
		c.ReportAs(report.Warning, At("alerts", id, "threshold"),
			"alert %q fires at %s of backup age, but component %q takes a recovery point only every %s: it fires on every healthy cycle (it guards readiness as stated, %q, so its objective is that schedule, not an RPO)",
			id, a.Threshold.Human(), a.Component, comp.AWS.Frequency.Human(), o.Readiness)
	}
}

func heldFor(d *plan.Duration) string {
	if d == nil || d.Duration == 0 {
		return ""
	}
	return " held for " + d.Human()
}
