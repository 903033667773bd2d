package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func TestDR108(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR108"))

	p := cleanPlan(t)
	p.Services["api"].Tier = ""
	fs := run(t, p, "DR108")
	wantFinding(t, fs, "services.api", `service "api" has no tier: no RTO or RPO says when it must be back`)
	// ... which leaves tier0 classifying nothing.
	wantFinding(t, fs, "tiers.tier0", `tier "tier0" has no service: its objectives protect nothing the plan names`)

	// A component nothing names: a warning.
	p = cleanPlan(t)
	p.Components["cache"] = &plan.Component{Kind: plan.KindElastiCacheRedis, Region: "us-east-1"}
	p.Source.Set("components.cache", plan.Pos{File: "plan.cue", Line: 1, Col: 1})
	fs = run(t, p, "DR108")
	if sev := dr1Severity(t, fs, "components.cache",
		`component "cache" (elasticache-redis) is referenced nowhere: no service depends on it`); sev != report.Warning {
		t.Errorf("unreferenced component reported as %v, want a warning", sev)
	}

	// Named only as a restore source, in a cost line, or being tooling: fine.
	p = cleanPlan(t)
	p.Components["vault"] = &plan.Component{Kind: plan.KindAWSBackup}
	p.Scenarios["ransomware"].RestoreFrom = plan.IDList{"vault"}
	p.Components["spare"] = &plan.Component{Kind: plan.KindEKS}
	p.Cost.DRState = append(p.Cost.DRState, plan.DRCost{Item: "spare", Component: "spare", PerHour: 1})
	p.Components["iac"] = &plan.Component{Kind: "terraform"}
	wantNone(t, run(t, p, "DR108"))
}
