package lint

import (
	"slices"
	"testing"

	"github.com/drplan/drplan/report"
)

func TestDR107(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR107"))

	p := cleanPlan(t)
	cp := p.Components["cluster-standby"].Capacity
	cp.PercentOfPrimary, cp.ScaleUpTime = 30, dr1Dur(t, "40m")
	wantFinding(t, run(t, p, "DR107"), "components.cluster-standby.capacity.scaleUpTime",
		`standby "cluster-standby" runs at 30% of primary and needs 40m to reach full size: for 40m after failover it serves ~300 of 1,000 req/s, beyond tier0's RTO of 30 min`)
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
		`standby "cluster-standby" runs at 50% of primary and needs 45m to reach full size: for 45m after failover it serves ~50% of peak, beyond tier0's RTO of 30 min`)
}
