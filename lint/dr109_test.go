package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR109(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR109"))

	// Fast checks: 10 s x 3 + 60 s TTL.
	p := cleanPlan(t)
	p.Tiers["tier0"].RTO = dr1Dur(t, "80s")
	wantFinding(t, run(t, p, "DR109"), "dns.api",
		`DNS failover "api" (api.example.com) moves traffic after ~1m30s, beyond tier0's RTO of 80 s: a health check every 10s failing 3 times takes 30s to detect, then resolvers keep the old answer for the record's TTL of 60 s`)

	// Route 53 defaults: 30 s x 3.
	p = cleanPlan(t)
	p.Tiers["tier0"].RTO = dr1Dur(t, "2m")
	p.DNS["api"].HealthCheck.Interval = "30s"
	wantFinding(t, run(t, p, "DR109"), "dns.api",
		`moves traffic after ~2m30s, beyond tier0's RTO of 2 min: a health check every 30s failing 3 times takes 1m30s to detect`)
	p.DNS["api"].TTL = *dr1Dur(t, "10s")
	p.DNS["api"].HealthCheck.FailureThreshold = 1
	wantNone(t, run(t, p, "DR109"))

	// A region-failure scenario's own RTO.
	p = cleanPlan(t)
	p.Scenarios["region"].RTO = dr1Dur(t, "60s")
	wantFinding(t, run(t, p, "DR109"), "dns.api", `beyond scenario "region"'s own RTO of 60 s`)

	// The tiers the failover restores come from every runbook of the
	// scenario, wherever it is named.
	p = cleanPlan(t)
	p.Tiers["tier0"].RTO = dr1Dur(t, "80s")
	p.Runbooks["failover"].Tiers, p.Runbooks["failover"].Steps[1].Recovers = nil, nil
	wantNone(t, run(t, p, "DR109"))
	p.Scenarios["region"].Runbooks = []string{"pitr"}
	wantFinding(t, run(t, p, "DR109"), "dns.api", `beyond tier0's RTO of 80 s`)

	// No in-scope region failover: nothing moves traffic through the record.
	p = cleanPlan(t)
	p.Tiers["tier0"].RTO = dr1Dur(t, "30s")
	p.Scenarios["region"].InScope = false
	wantNone(t, run(t, p, "DR109"))

	// A record in front of components that serve no tier the failover restores.
	p = cleanPlan(t)
	p.Tiers["tier0"].RTO = dr1Dur(t, "30s")
	p.Components["docs"] = &plan.Component{Kind: plan.KindS3, Region: "us-east-1"}
	p.DNS["api"].Primary.Component = "docs"
	wantNone(t, run(t, p, "DR109"))
}
