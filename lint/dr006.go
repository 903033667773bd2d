package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR006",
		Severity: report.Error,
		Title:    "Readiness alerts guard every RPO and the freshness of the runbooks",
		Rationale: "An RPO is only as good as the replication or backup behind it, and that degrades silently: " +
			"Aurora Global Database exposes its lag (AuroraGlobalDBReplicationLag, AuroraGlobalDBRPOLag), S3 " +
			"CRR its replication latency, AWS Backup the age of the newest recovery point, and without an alert " +
			"on them the first sign of a broken path is the data lost in the failover. A runbook drifts from the " +
			"system it describes unless it is exercised; an alert on the time since its last successful drill " +
			"makes that drift visible before the incident. An alert needs a threshold: the plan's own, or one " +
			"derived from the RPO of the tiers it guards or the game-day cadence of the runbook.",
		Remediation: "Add a replication-lag alert (replication: PATH) or a backup-freshness alert (component: " +
			"BACKUP) for the data of every tier that states an RPO; its threshold defaults to the strictest " +
			"RPO it guards. Add a runbook-staleness alert (runbook: ID) for every runbook a scenario uses. " +
			"Give an alert that guards no tier with an RPO an explicit threshold, and a standby-capacity " +
			"alert a component whose capacity states floorPercent.",
		Check: checkDR006,
	})
}

func checkDR006(c *Context) {
	p := c.Plan
	alerts := plan.Keys(p.Alerts)

	// Every RPO is guarded by a lag or freshness alert.
	guarded := map[string]bool{}
	for _, id := range alerts {
		if k := p.Alerts[id].Kind; k == plan.AlertReplicationLag || k == plan.AlertBackupFreshness {
			for _, t := range p.AlertTiers(id) {
				guarded[t] = true
			}
		}
	}
	for _, id := range p.TierIDs() {
		if t := p.Tiers[id]; t.RPO != nil && !guarded[id] {
			c.Report(At("tiers", id, "rpo"),
				"tier %q (RPO %s) has no alert guarding it: no replication-lag or backup-freshness alert watches a path or component carrying its data",
				id, t.RPO)
		}
	}

	// Runbook staleness.
	stale := map[string]bool{}
	anyStale := false
	for _, id := range alerts {
		if a := p.Alerts[id]; a.Kind == plan.AlertRunbookStaleness {
			anyStale = true
			stale[a.Runbook] = true
		}
	}
	used := map[string][]string{} // runbook -> scenarios using it
	for _, id := range plan.Keys(p.Scenarios) {
		for _, rb := range p.Scenarios[id].RunbookIDs() {
			used[rb] = append(used[rb], id)
		}
	}
	if !anyStale {
		msg := "the plan has no runbook-staleness alert: a runbook that is never drilled drifts from the system unnoticed"
		if len(used) > 0 {
			msg += fmt.Sprintf(" (runbooks used by scenarios: %s)", strings.Join(plan.Keys(used), ", "))
		}
		c.Report(At("alerts"), "%s", msg)
	} else {
		for _, rb := range plan.Keys(used) {
			if !stale[rb] {
				c.ReportAs(report.Warning, At("runbooks", rb),
					"runbook %q (used by %s) has no runbook-staleness alert", rb, quotedScenarios(used[rb]))
			}
		}
	}

	// Every alert has a threshold, given or derived.
	for _, id := range alerts {
		a := p.Alerts[id]
		if a.Threshold != nil {
			continue
		}
		if why := underivableThreshold(p, id); why != "" {
			c.Report(At("alerts", id, "threshold"), "alert %q (%s) has no threshold and none can be derived: %s", id, a.Kind, why)
		}
	}
}

func quotedScenarios(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	if len(q) == 1 {
		return "scenario " + q[0]
	}
	return "scenarios " + strings.Join(q, ", ")
}

// underivableThreshold says why alert id, which states no threshold, has
// none the plan can derive; "" when it has one.
func underivableThreshold(p *plan.Plan, id string) string {
	a := p.Alerts[id]
	if a.Kind == plan.AlertStandbyCapacity {
		// Its threshold is a share of the primary, not a duration: the
		// standby's capacity floor (or its planned size).
		comp := p.Components[a.Component]
		switch {
		case a.Component == "":
			return "it names no standby component"
		case comp == nil:
			return fmt.Sprintf("component %q is not declared", a.Component)
		case comp.Capacity == nil || (comp.Capacity.FloorPercent <= 0 && comp.Capacity.PercentOfPrimary <= 0):
			return fmt.Sprintf("component %q states no capacity (percentOfPrimary, floorPercent)", a.Component)
		}
		return ""
	}
	if _, ok := p.AlertThreshold(id); ok {
		return ""
	}
	tiers := p.AlertTiers(id)
	switch {
	case a.Replication == "" && a.Component == "":
		return "it watches no replication path or component"
	case len(tiers) == 0:
		what := fmt.Sprintf("replication path %q", a.Replication)
		if a.Replication == "" {
			what = fmt.Sprintf("component %q", a.Component)
		}
		return what + " carries no tier's data"
	case !slices.ContainsFunc(tiers, func(t string) bool { return p.Tiers[t] != nil && p.Tiers[t].RPO != nil }):
		return fmt.Sprintf("the tiers it guards (%s) state no RPO", strings.Join(tiers, ", "))
	}
	return "the plan gives no value for its kind"
}
