package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
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
		`component "cluster" serves tier0 (Tier 0) but no replication path copies it to or from another component, and it does not say whether it holds data`)
	// The standby cluster is the copy; it needs no standby of its own.
	if len(fs) != 1 {
		t.Errorf("want only the primary cluster reported, got:\n%s", dump(fs))
	}
	// A data store's kind says it holds data.
	p.Replication["cluster-gitops"] = p.Replication["db-cross-region"]
	delete(p.Replication, "db-cross-region")
	p.Replication["cluster-gitops"].From, p.Replication["cluster-gitops"].To = "cluster", "cluster-standby"
	p.Replication["cluster-gitops"].Mechanism = "gitops"
	p.Components["db-standby"].Role = ""
	fs = run(t, p, "DR002")
	wantFinding(t, fs, "components.db-standby",
		`component "db-standby" serves tier0 (Tier 0) but no replication path copies it to or from another component: it has no copy in the standby region`)
	if len(fs) != 1 {
		t.Errorf("want only the unreplicated database reported, got:\n%s", dump(fs))
	}
	// A component that states it is stateful is judged as a data store.
	p = cleanPlan(t)
	delete(p.Replication, "cluster-gitops")
	p.Components["cluster"].State = plan.Stateful
	wantFinding(t, run(t, p, "DR002"), "components.cluster", `component "cluster" serves tier0 (Tier 0) but no replication path copies it to or from another component: it has no copy in the standby region`)

	// A standby is never asked for a standby: not by role, not as the
	// secondary of a DNS failover.
	p = cleanPlan(t)
	delete(p.Replication, "cluster-gitops")
	p.Components["cluster"].State = plan.Stateless
	p.Components["cluster"].Rebuild = &plan.Rebuild{Method: "gitops", Source: "git@example.com:clean/deploy.git"}
	wantNone(t, run(t, p, "DR002"))
	p.Components["cluster-standby"].Role = ""
	p.DNS["api"].Secondary.Component = "cluster-standby"
	wantNone(t, run(t, p, "DR002"))

	// A stateless component is asked for its rebuild, not for a copy.
	p = cleanPlan(t)
	delete(p.Replication, "cluster-gitops")
	p.Components["cluster"].State = plan.Stateless
	fs = run(t, p, "DR002")
	wantFinding(t, fs, "components.cluster.state",
		`component "cluster" serves tier0 (Tier 0) and is stateless but states no rebuild: nothing says from what source, or by what, it is recreated in the standby region`)
	if len(fs) != 1 {
		t.Errorf("want only the missing rebuild, got:\n%s", dump(fs))
	}
	// The rebuilder must be a rebuilder, and outside the region that fails.
	p.Components["argo"] = &plan.Component{Kind: "argocd", Region: "us-west-2", Role: "tooling"}
	p.Components["cluster"].Rebuild = &plan.Rebuild{Method: "gitops", Source: "git@example.com:clean/deploy.git", By: "argo"}
	wantNone(t, run(t, p, "DR002"))
	p.Components["argo"].Region = "us-east-1"
	fs = run(t, p, "DR002")
	wantFinding(t, fs, "components.cluster.rebuild.by",
		`component "cluster" is rebuilt by "argo", which runs in the primary region us-east-1: a failure of that region takes the rebuilder with it, and nothing named can rebuild cluster from git@example.com:clean/deploy.git`)
	if fs[0].Severity != report.Warning {
		t.Errorf("rebuilder in the primary region reported as %v, want a warning", fs[0].Severity)
	}
	p.Components["cluster"].Rebuild.By = "db"
	wantFinding(t, run(t, p, "DR002"), "components.cluster.rebuild.by",
		`component "cluster" is rebuilt by "db", a rds-postgres component: a rebuild is performed by an argocd or terraform component`)
	// A stated rebuild on compute whose state is unstated says enough.
	p.Components["cluster"].State = ""
	p.Components["cluster"].Rebuild = &plan.Rebuild{Method: "iac", Source: "infra/clusters"}
	wantNone(t, run(t, p, "DR002"))
	// But a rebuild does not make a data store stateless.
	p = cleanPlan(t)
	delete(p.Replication, "db-cross-region")
	p.Components["db-standby"].Role = ""
	p.Components["db-standby"].Rebuild = &plan.Rebuild{Method: "iac", Source: "infra/db"}
	wantFinding(t, run(t, p, "DR002"), "components.db-standby", "it has no copy in the standby region")

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

	// A convenience copy that carries no tier and that no restore reads
	// from loses nothing the plan promised: its lag is not asked for.
	p = cleanPlan(t)
	p.Replication["db-cross-region"].ExpectedLag = nil
	p.Replication["db-cross-region"].Carries = []string{}
	wantNone(t, run(t, p, "DR002"))

	// ... unless a restore reads from it: then its delay bounds the
	// scenario's RPO.
	p = cleanPlan(t)
	p.Replication["db-backups"].Interval = nil
	p.Replication["db-backups"].Carries = []string{}
	wantFinding(t, run(t, p, "DR002"), "replication.db-backups.interval",
		`replication path "db-backups" is a backup copy but states no interval`)

	// A stated lag of 0 is wrong whatever the path carries.
	p = cleanPlan(t)
	p.Replication["db-cross-region"].ExpectedLag = &plan.Duration{}
	p.Replication["db-cross-region"].Carries = []string{}
	wantFinding(t, run(t, p, "DR002"), "replication.db-cross-region.expectedLag",
		`replication path "db-cross-region" is asynchronous but states an expectedLag of 0s`)

	// A synchronous path needs neither.
	p = cleanPlan(t)
	p.Replication["db-cross-region"].Mode = plan.ModeSync
	p.Replication["db-cross-region"].ExpectedLag = nil
	wantNone(t, run(t, p, "DR002"))
}
