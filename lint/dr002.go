package lint

import (
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR002",
		Severity: report.Error,
		Title:    "The architecture states regions, components, replication, DNS failover and the promotion boundary",
		Rationale: "Whether a plan can meet its objectives depends on how data reaches the standby and how " +
			"traffic follows it. The replication mode decides the RPO a path can honestly give (Aurora Global " +
			"Database, RDS read replicas, S3 CRR, MirrorMaker 2 and ElastiCache Global Datastore are all " +
			"asynchronous, so their lag is data lost in a failover; a scheduled backup copy loses up to its " +
			"interval plus the copy's delay), Route 53 failover records and health checks decide how traffic " +
			"moves, and the promotion boundary says what becomes primary. A Tier 0 or Tier 1 component with no " +
			"replication path has no copy in the standby region at all.",
		Remediation: "Declare regions (primary and standby), components, a dns failover record pair with its " +
			"health check, and promotion.components (what is made primary in a failover). Give every " +
			"asynchronous replication path its expectedLag and every backup-copy path its interval. For a " +
			"Tier 0/1 component without a replication path, add the path that copies its data or state to " +
			"the standby, or state why none is needed with an accept entry for DR002 on the component.",
		Check: checkDR002,
	})
}

func checkDR002(c *Context) {
	p := c.Plan
	if len(p.Regions) == 0 {
		c.Report(At("regions"), "the plan declares no regions: there is no primary or standby to fail over between")
	}
	if len(p.Components) == 0 {
		c.Report(At("components"), "the plan declares no components: nothing says what runs where")
	}
	if len(p.DNS) == 0 {
		c.Report(At("dns"), "the plan declares no DNS failover record: nothing says how traffic moves to the standby region")
	}
	switch {
	case p.Promotion == nil:
		c.Report(At("promotion"), "the plan has no promotion boundary: nothing says what is made primary in a failover")
	case len(p.Promotion.Components) == 0:
		c.Report(At("promotion", "components"), "the promotion boundary lists no components: nothing is made primary in a failover")
	}

	// Components of Tier 0/1 services that no replication path touches.
	touched := map[string]bool{}
	for _, r := range p.Replication {
		touched[r.From], touched[r.To] = true, true
	}
	for _, id := range plan.Keys(p.Components) {
		comp := p.Components[id]
		if touched[id] || isGlobalComponent(comp) {
			continue
		}
		tier := mostCriticalTier(p, p.ComponentTiers(id))
		if tier == "" || p.Tiers[tier].Level > 1 {
			continue
		}
		c.Report(At("components", id),
			"component %q serves %s (Tier %d) but no replication path copies it to or from another component: it has no copy in the standby region",
			id, tier, p.Tiers[tier].Level)
	}

	for _, id := range plan.Keys(p.Replication) {
		r := p.Replication[id]
		switch r.Mode {
		case plan.ModeAsync:
			if r.ExpectedLag == nil {
				c.Report(At("replication", id, "expectedLag"),
					"replication path %q is asynchronous but states no expectedLag: the data it can lose in a failover is unknown", id)
			} else if r.ExpectedLag.Duration <= 0 {
				c.Report(At("replication", id, "expectedLag"),
					"replication path %q is asynchronous but states an expectedLag of %s: an asynchronous path always lags", id, r.ExpectedLag)
			}
		case plan.ModeBackupCopy:
			if r.Interval == nil {
				c.Report(At("replication", id, "interval"),
					"replication path %q is a backup copy but states no interval: the data it can lose is unknown", id)
			} else if r.Interval.Duration <= 0 {
				c.Report(At("replication", id, "interval"),
					"replication path %q is a backup copy with an interval of %s: a scheduled copy has a period", id, r.Interval)
			}
		}
	}
}

// isGlobalComponent reports whether a component lives in no region (Route
// 53's data plane is global), so that a regional failure cannot take it and
// there is nothing to replicate across regions.
func isGlobalComponent(comp *plan.Component) bool {
	return comp.Role == "global" || comp.Kind == plan.KindRoute53
}

// mostCriticalTier returns the tier of tiers with the lowest level ("" for none).
func mostCriticalTier(p *plan.Plan, tiers []string) string {
	best := ""
	for _, t := range tiers {
		if tt := p.Tiers[t]; tt != nil && (best == "" || tt.Level < p.Tiers[best].Level) {
			best = t
		}
	}
	return best
}
