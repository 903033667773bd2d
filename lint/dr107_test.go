package lint

import (
	"slices"
	"testing"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func TestDR107(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR107"))

	p := cleanPlan(t)
	cp := p.Components["cluster-standby"].Capacity
	cp.PercentOfPrimary, cp.ScaleUpTime = 30, dr1Dur(t, "40m")
	wantFinding(t, run(t, p, "DR107"), "components.cluster-standby.capacity.scaleUpTime",
		`standby "cluster-standby" runs at 30% of primary and needs 40 min to reach full size: for 40 min after failover it serves ~300 of 1,000 req/s, beyond tier0's RTO of 30 min`)
	cp.ScaleUpTime = dr1Dur(t, "10m")
	wantNone(t, run(t, p, "DR107"))

	// No scale-up time: the window is unknown.
	cp.ScaleUpTime = nil
	fs := run(t, p, "DR107")
	if sev := dr1Severity(t, fs, "components.cluster-standby.capacity",
		`standby "cluster-standby" runs at 30% of primary but states no scaleUpTime: how long it serves only ~300 of 1,000 req/s after failover is unknown, against tier0's RTO of 30 min`); sev != report.Warning {
		t.Errorf("missing scaleUpTime reported as %v, want a warning", sev)
	}

	// A standby that no service names serves the tiers of the primary whose
	// traffic DNS fails over to it; without a peak load, the share is a percentage.
	p = cleanPlan(t)
	p.Business.PeakLoad = nil
	api := p.Services["api"]
	api.DependsOn = slices.DeleteFunc(api.DependsOn, func(s string) bool { return s == "cluster-standby" })
	delete(p.Replication, "cluster-gitops")
	cp = p.Components["cluster-standby"].Capacity
	cp.PercentOfPrimary, cp.ScaleUpTime = 50, dr1Dur(t, "45m")
	wantNone(t, run(t, p, "DR107"))
	p.DNS["api"].Primary.Component = "cluster"
	p.DNS["api"].Secondary.Component = "cluster-standby"
	wantFinding(t, run(t, p, "DR107"), "components.cluster-standby.capacity.scaleUpTime",
		`standby "cluster-standby" runs at 50% of primary and needs 45 min to reach full size: for 45 min after failover it serves ~50% of peak, beyond tier0's RTO of 30 min`)

}

// With the tiers' load stated, a standby is judged against what the tiers
// that must be back inside its scale-up window need, not the primary's
// whole capacity.
func TestDR107Load(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	p := cleanPlan(t)
	p.Business.PeakLoad.Value = 12000
	cp := p.Components["cluster-standby"].Capacity
	cp.PercentOfPrimary, cp.ScaleUpTime = 50, dr1Dur(t, "40m")
	// tier0 must be back within 30 min and needs 5,500: 6,000 carries it.
	p.Tiers["tier0"].PeakLoad = f(5500)
	wantNone(t, run(t, p, "DR107"))
	// A tier whose RTO outlasts the scale-up is served at full size.
	p.Tiers["tier1"] = &plan.Tier{Level: 1, Title: "Reads", RTO: dr1Dur(t, "1h"), PeakLoad: f(6000)}
	p.Services["reads"] = &plan.Service{Tier: "tier1", DependsOn: []string{"cluster-standby"}}
	wantNone(t, run(t, p, "DR107"))
	// Both inside the window: 11,500 is more than 6,000.
	p.Tiers["tier1"].RTO = dr1Dur(t, "35m")
	wantFinding(t, run(t, p, "DR107"), "components.cluster-standby.capacity.scaleUpTime",
		`standby "cluster-standby" runs at 50% of primary and needs 40 min to reach full size: until then it serves ~6,000 of 12,000 req/s, but tier0 (5,500 req/s, RTO 30 min) and tier1 (6,000 req/s, RTO 35 min) need 11,500 req/s within their RTOs`)

	// A tier's load is the sum of its services' when it states none; with
	// one service silent the sum is a lower bound, enough to report...
	p.Tiers["tier1"].RTO = dr1Dur(t, "1h")
	p.Tiers["tier0"].PeakLoad = nil
	p.Services["api"].PeakLoad = f(7000)
	p.Services["payments"] = &plan.Service{Tier: "tier0"}
	wantFinding(t, run(t, p, "DR107"), "components.cluster-standby.capacity.scaleUpTime",
		`until then it serves ~6,000 of 12,000 req/s, but tier0 needs at least 7,000 req/s within its RTO of 30 min`)
	// ...but not to clear the standby: then the primary's capacity decides.
	p.Services["api"].PeakLoad = f(3000)
	wantFinding(t, run(t, p, "DR107"), "components.cluster-standby.capacity.scaleUpTime",
		`for 40 min after failover it serves ~6,000 of 12,000 req/s, beyond tier0's RTO of 30 min`)
	p.Services["payments"].PeakLoad = f(2000)
	wantNone(t, run(t, p, "DR107"))

	// Without a scale-up time, a standby that already serves every tier it
	// carries has no window to state.
	cp.ScaleUpTime = nil
	p.Tiers["tier1"].PeakLoad = f(1000)
	wantNone(t, run(t, p, "DR107"))
	p.Tiers["tier1"].PeakLoad = f(1500)
	wantFinding(t, run(t, p, "DR107"), "components.cluster-standby.capacity",
		`standby "cluster-standby" runs at 50% of primary but states no scaleUpTime`)
}

// A standby whose readiness floor is above its own steady share is never
// ready by its own definition.
func TestDR107Floor(t *testing.T) {
	p := cleanPlan(t)
	cp := p.Components["cluster-standby"].Capacity
	cp.PercentOfPrimary, cp.ScaleUpTime, cp.FloorPercent = 10, dr1Dur(t, "5m"), 50
	fs := run(t, p, "DR107")
	wantFinding(t, fs, "components.cluster-standby.capacity.floorPercent",
		`standby "cluster-standby" is not ready below 50% of primary (floorPercent) but runs at 10% (percentOfPrimary): by its own definition it is never ready`)
	if len(fs) != 1 {
		t.Errorf("want only the floor reported, got:\n%s", dump(fs))
	}
	cp.FloorPercent = 10
	wantNone(t, run(t, p, "DR107"))
}
