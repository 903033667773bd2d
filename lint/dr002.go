package lint

import (
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
	"slices"
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
			"replication path has no copy in the standby region at all, unless it holds no state and is rebuilt " +
			"(compute recreated by ArgoCD from Git, by Terraform, from an image): then what must survive the " +
			"region is the source it is rebuilt from and the tool that rebuilds it. A standby needs no standby " +
			"of its own.",
		Remediation: "Declare regions (primary and standby), components, a dns failover record pair with its " +
			"health check, and promotion.components (what is made primary in a failover). Give every " +
			"asynchronous replication path its expectedLag and every backup-copy path its interval (a " +
			"convenience copy, `carries: []`, that no restore reads from needs neither). For a " +
			"Tier 0/1 component without a replication path, add the path that copies its data or state to " +
			"the standby; if it holds no data, state `state: \"stateless\"` and its `rebuild` (method, source, and " +
			"`by` naming the argocd or terraform component that performs it, run from outside the primary region).",
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
	standby := standbys(p)
	for _, id := range plan.Keys(p.Components) {
		comp := p.Components[id]
		tier := mostCriticalTier(p, p.ComponentTiers(id))
		critical := tier != "" && p.Tiers[tier].Level <= 1
		if rebuilt(comp) {
			checkRebuild(c, id, comp, tier, critical && !standby[id])
			continue
		}
		if touched[id] || isGlobalComponent(comp) || standby[id] || !critical {
			continue
		}
		if comp.State == "" && !dataStoreKinds[comp.Kind] {
			c.Report(At("components", id),
				"component %q serves %s (Tier %d) but no replication path copies it to or from another component, and it does not say whether it holds data: "+
					"if it is rebuilt (from Git, IaC or an image), state `state: \"stateless\"` and its rebuild; if it holds data, add the path that copies it to the standby region",
				id, tier, p.Tiers[tier].Level)
			continue
		}
		c.Report(At("components", id),
			"component %q serves %s (Tier %d) but no replication path copies it to or from another component: it has no copy in the standby region",
			id, tier, p.Tiers[tier].Level)
	}

	for _, id := range plan.Keys(p.Replication) {
		r := p.Replication[id]
		// A convenience copy (carries: []) that no restore reads from bounds
		// no objective, so how far behind it runs loses nothing the plan
		// promised: its lag or interval is not asked for.
		bounds := r.Carries == nil || len(r.Carries) > 0 || isRestoreSource(p, r.To)
		switch r.Mode {
		case plan.ModeAsync:
			if r.ExpectedLag == nil && !bounds {
				continue
			}
			if r.ExpectedLag == nil {
				c.Report(At("replication", id, "expectedLag"),
					"replication path %q is asynchronous but states no expectedLag: the data it can lose in a failover is unknown", id)
			} else if r.ExpectedLag.Duration <= 0 {
				c.Report(At("replication", id, "expectedLag"),
					"replication path %q is asynchronous but states an expectedLag of %s: an asynchronous path always lags", id, r.ExpectedLag)
			}
		case plan.ModeBackupCopy:
			if r.Interval == nil && !bounds {
				continue
			}
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

// dataStoreKinds are the kinds that hold data by nature; a component of
// another kind that does not state its state may be either.
var dataStoreKinds = map[string]bool{
	plan.KindAuroraGlobal: true, plan.KindAuroraCluster: true, plan.KindRDSPostgres: true,
	plan.KindMSK: true, plan.KindElastiCacheRedis: true, plan.KindS3: true, plan.KindAWSBackup: true,
}

// rebuilt reports whether a component is recovered by rebuilding rather than
// by copying its data: it says it is stateless, or (for a kind that is not a
// data store and a plan silent on its state) it says how it is rebuilt.
func rebuilt(comp *plan.Component) bool {
	return comp.IsStateless() || (comp.State == "" && comp.Rebuild != nil && !dataStoreKinds[comp.Kind])
}

// standbys returns the components that are themselves the copy in the
// standby region: by their role, as the target of a replication path, or as
// the secondary of a DNS failover. Such a component needs no standby of its
// own.
func standbys(p *plan.Plan) map[string]bool {
	out := map[string]bool{}
	for id, c := range p.Components {
		if c.Role == "standby" || c.Role == "replica" {
			out[id] = true
		}
	}
	for _, r := range p.Replication {
		out[r.To] = true
	}
	for _, d := range p.DNS {
		if d.Secondary.Component != "" {
			out[d.Secondary.Component] = true
		}
	}
	return out
}

// rebuilders are the component kinds that recreate others from a stated
// source: ArgoCD from Git, Terraform from code.
var rebuilders = map[string]bool{"argocd": true, "terraform": true}

// checkRebuild asks a rebuilt component for a rebuilder that is one and, when
// it serves a Tier 0/1 service and is not itself the standby (critical), for
// what a copy would otherwise give: the source it is rebuilt from, and a
// rebuilder that survives the region it is rebuilt away from.
func checkRebuild(c *Context, id string, comp *plan.Component, tier string, critical bool) {
	p := c.Plan
	rb := comp.Rebuild
	if rb == nil {
		if critical {
			c.Report(At("components", id, "state"),
				"component %q serves %s (Tier %d) and is stateless but states no rebuild: nothing says from what source, or by what, it is recreated in the standby region",
				id, tier, p.Tiers[tier].Level)
		}
		return
	}
	by := p.Components[rb.By]
	if by == nil {
		return // an unknown reference is reported when the plan loads
	}
	if !rebuilders[by.Kind] {
		c.Report(At("components", id, "rebuild", "by"),
			"component %q is rebuilt by %q, a %s component: a rebuild is performed by an argocd or terraform component",
			id, rb.By, by.Kind)
		return
	}
	if r := p.Regions[by.Region]; critical && r != nil && r.Role == "primary" {
		c.ReportAs(report.Warning, At("components", id, "rebuild", "by"),
			"component %q is rebuilt by %q, which runs in the primary region %s: a failure of that region takes the rebuilder with it, and nothing named can rebuild %s from %s",
			id, rb.By, by.Region, id, rb.Source)
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

// isRestoreSource reports whether an in-scope scenario restores from
// component id: the path that fills it bounds that scenario's RPO.
func isRestoreSource(p *plan.Plan, id string) bool {
	for _, s := range p.Scenarios {
		if s.InScope && slices.Contains(s.RestoreFrom, id) {
			return true
		}
	}
	return false
}
