package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR002(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR002"))

	p := cleanPlan(t)
	p.Regions = nil
	wantFinding(t, run(t, p, "DR002"), "regions", "the plan declares no regions")

	p = cleanPlan(t)
	p.Components, p.Replication, p.Services = nil, nil, nil
	wantFinding(t, run(t, p, "DR002"), "components", "the plan declares no components")

	p = cleanPlan(t)
	p.DNS = nil
	wantFinding(t, run(t, p, "DR002"), "dns", "the plan declares no DNS failover record")

	p = cleanPlan(t)
	p.Promotion = nil
	wantFinding(t, run(t, p, "DR002"), "promotion", "the plan has no promotion boundary")

	p = cleanPlan(t)
	p.Promotion.Components = nil
	wantFinding(t, run(t, p, "DR002"), "promotion.components", "the promotion boundary lists no components")

	// A Tier 0 component that nothing replicates.
	p = cleanPlan(t)
	delete(p.Replication, "cluster-gitops")
	fs := run(t, p, "DR002")
	wantFinding(t, fs, "components.cluster",
		`component "cluster" serves tier0 (Tier 0) but no replication path copies it to or from another component`)
	wantFinding(t, fs, "components.cluster-standby", `component "cluster-standby" serves tier0 (Tier 0)`)

	// Tier 1 counts too; Tier 2 does not.
	p = cleanPlan(t)
	delete(p.Replication, "cluster-gitops")
	p.Tiers["tier0"].Level = 1
	wantFinding(t, run(t, p, "DR002"), "components.cluster", "serves tier0 (Tier 1)")
	p.Tiers["tier0"].Level = 2
	wantNone(t, run(t, p, "DR002"))

	// Route 53 is global: there is no region to lose and nothing to replicate.
	p = cleanPlan(t)
	p.Components["zone"] = &plan.Component{Kind: plan.KindRoute53, Role: "global"}
	p.Services["api"].DependsOn = append(p.Services["api"].DependsOn, "zone")
	wantNone(t, run(t, p, "DR002"))

	// A component no service depends on is not judged here.
	p = cleanPlan(t)
	p.Components["spare"] = &plan.Component{Kind: "other", Region: "us-east-1"}
	wantNone(t, run(t, p, "DR002"))

	// Replication paths must say how far behind they run.
	p = cleanPlan(t)
	p.Replication["db-cross-region"].ExpectedLag = nil
	wantFinding(t, run(t, p, "DR002"), "replication.db-cross-region.expectedLag",
		`replication path "db-cross-region" is asynchronous but states no expectedLag`)

	p = cleanPlan(t)
	p.Replication["db-cross-region"].ExpectedLag = &plan.Duration{}
	wantFinding(t, run(t, p, "DR002"), "replication.db-cross-region.expectedLag",
		`replication path "db-cross-region" is asynchronous but states an expectedLag of 0s`)

	p = cleanPlan(t)
	p.Replication["db-backups"].Interval = nil
	wantFinding(t, run(t, p, "DR002"), "replication.db-backups.interval",
		`replication path "db-backups" is a backup copy but states no interval`)

	p = cleanPlan(t)
	p.Replication["db-backups"].Interval = &plan.Duration{}
	wantFinding(t, run(t, p, "DR002"), "replication.db-backups.interval",
		`replication path "db-backups" is a backup copy with an interval of 0s`)

	// A synchronous path needs neither.
	p = cleanPlan(t)
	p.Replication["db-cross-region"].Mode = plan.ModeSync
	p.Replication["db-cross-region"].ExpectedLag = nil
	wantNone(t, run(t, p, "DR002"))
}
