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
			"makes that drift visible before the incident. Each tier's RPO needs an alert of its own: one that " +
			"names the tier (guards: {tier: ...}), or names none and watches a path or component carrying the " +
			"tier's data (held to the strictest RPO there, it guards them all); an alert that guards another " +
			"tier, or readiness only, leaves it unwatched. An alert needs a threshold: the plan's own, or one " +
			"derived from the RPO of the tier it guards or the game-day cadence of the runbook.",
		Remediation: "Add a replication-lag alert (replication: PATH), a replication-backlog alert (a count of " +
			"late objects) or a backup-freshness alert (component: BACKUP) for the data of every tier that states " +
			"an RPO, saying which tier it guards (guards: {tier: ...}) where a path carries several; its threshold " +
			"defaults to that tier's RPO. Add a runbook-staleness alert (runbook: ID) for every runbook a scenario uses. " +
			"Give an alert that guards no tier with an RPO an explicit threshold, and a standby-capacity " +
			"alert a component whose capacity states floorPercent.",
		Check: checkDR006,
	})
}

func checkDR006(c *Context) {
	p := c.Plan
	alerts := plan.Keys(p.Alerts)

	// Every RPO is guarded by an alert that guards it: one that names the
	// tier, or names none and watches data of the tier.
	guarded := map[string]bool{}
	for _, id := range alerts {
		if guardsRPO(p.Alerts[id].Kind) {
			for _, t := range p.AlertTiers(id) {
				guarded[t] = true
			}
		}
	}
	for _, id := range p.TierIDs() {
		if t := p.Tiers[id]; t.RPO != nil && !guarded[id] {
			c.Report(At("tiers", id, "rpo"), "tier %q (RPO %s) has no alert guarding it: %s",
				id, t.RPO.Human(), unguardedWhy(p, id))
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

// guardsRPO reports whether alerts of kind can guard an RPO.
func guardsRPO(kind string) bool {
	return kind == plan.AlertReplicationLag || kind == plan.AlertReplicationBacklog || kind == plan.AlertBackupFreshness
}

// unguardedWhy says where tier's data flows and what the alerts there
// guard instead, so that a missing tier1 alert beside a tier0 one is
// plain.
func unguardedWhy(p *plan.Plan, tier string) string {
	var paths, others []string
	for _, pid := range plan.Keys(p.Replication) {
		if !slices.Contains(p.PathTiers(pid), tier) {
			continue
		}
		paths = append(paths, fmt.Sprintf("%q", pid))
		for _, aid := range plan.Keys(p.Alerts) {
			a := p.Alerts[aid]
			if a.Replication != pid || !guardsRPO(a.Kind) {
				continue
			}
			if g := a.Guards; g != nil && g.Tier != "" {
				others = append(others, fmt.Sprintf("alert %q on %q guards %s as stated", aid, pid, g.Tier))
			} else if g != nil {
				others = append(others, fmt.Sprintf("alert %q on %q guards readiness as stated", aid, pid))
			}
		}
	}
	if len(paths) == 0 {
		return "no replication-lag, replication-backlog or backup-freshness alert watches a path or component carrying its data"
	}
	msg := "no alert guards it on the replication paths that carry its data (" + strings.Join(paths, ", ") + ")"
	if len(others) > 0 {
		msg += ": " + andList(others)
	}
	return msg
}

func quotedScenarios(ids []string) string {
	q := quoteIDs(ids)
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
	if a.Kind == plan.AlertReplicationBacklog {
		return "" // a count: thresholdCount, or any late object
	}
	if _, ok := p.AlertThreshold(id); ok {
		return ""
	}
	tiers := p.AlertTiers(id)
	switch {
	case a.Guards != nil && a.Guards.Readiness != "":
		return "it guards readiness, which no objective bounds: give it a threshold"
	case a.Guards != nil && a.Guards.Tier != "":
		return fmt.Sprintf("tier %q, which it guards as stated, states no RPO", a.Guards.Tier)
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
