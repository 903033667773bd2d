package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR115(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR115"))

	// Detection and decision count before the first step: 3m wait + 12m of
	// steps fit tier0's 30m, 15m more do not.
	p := cleanPlan(t)
	p.Scenarios["region"].DetectTime = dr1Dur(t, "5m")
	wantNone(t, run(t, p, "DR115"))
	p.Scenarios["region"].DecideTime = dr1Dur(t, "11m")
	wantFinding(t, run(t, p, "DR115"), "scenarios.region.detectionTime",
		`scenario "region" spends 5 min to detect and 11 min to decide before runbook "failover" starts; with the runbook's 15m (from the estimates) that is 31m from the outage, beyond tier0's RTO of 30 min`)

	// A runbook that misses alone is DR101's finding, not this rule's.
	p.Runbooks["failover"].Steps[0].Estimate = dr1Dur(t, "40m")
	wantNone(t, run(t, p, "DR115"))

	// A scenario's own RTO, and the drill's measured steps where the estimates fit.
	p = cleanPlan(t)
	p.Scenarios["corruption"].RTO = dr1Dur(t, "1h")
	p.Scenarios["corruption"].DecideTime = dr1Dur(t, "35m")
	wantNone(t, run(t, p, "DR115"))
	p.Drills["2026-10-22-pitr"].Steps = []plan.DrillStep{{ID: "restore", Duration: *dr1Dur(t, "28m"), Outcome: "ok"}}
	wantFinding(t, run(t, p, "DR115"), "scenarios.corruption.decisionTime",
		`scenario "corruption" spends 35 min to decide before runbook "pitr" starts; with the runbook's 28m (as drill "2026-10-22-pitr" measured it) that is 1h3m from the outage, beyond the scenario's RTO of 1 h`)

	// A restore that brings back no tier needs an objective of its own.
	p = cleanPlan(t)
	p.Runbooks["pitr"].Tiers = nil
	p.Runbooks["pitr"].Steps[0].Recovers = nil
	wantFinding(t, run(t, p, "DR115"), "scenarios.corruption",
		`scenario "corruption" is answered by runbook "pitr", restoring no tier, and states no rto of its own`)
	p.Scenarios["corruption"].RTO = dr1Dur(t, "4h")
	p.Scenarios["ransomware"].RTO = dr1Dur(t, "12h")
	wantNone(t, run(t, p, "DR115"))

	// Estimates well below the latest drill's measurement.
	p = cleanPlan(t)
	p.Drills["2026-10-20-failover"].Steps = []plan.DrillStep{
		{ID: "promote", Duration: *dr1Dur(t, "16m"), Outcome: "ok"}, // 10m estimate: 1.6 times
		{ID: "dns", Duration: *dr1Dur(t, "2m50s"), Outcome: "ok"},   // 2m: under a minute more
	}
	fs := run(t, p, "DR115")
	wantFinding(t, fs, "runbooks.failover.steps.0.estimate",
		`step 1 "promote" of runbook "failover" is estimated at 10m, but drill "2026-10-20-failover" (2026-10-20) measured 16m: the critical path and the RTO checks count the lower figure`)
	if len(fs) != 1 {
		t.Errorf("want only the promote estimate flagged, got:\n%s", dump(fs))
	}
	p.Drills["2026-10-20-failover"].Steps[0].Duration = *dr1Dur(t, "14m")
	wantNone(t, run(t, p, "DR115"))
	p.Drills["2026-10-20-failover"].Steps[0].Outcome = "skipped"
	p.Drills["2026-10-20-failover"].Steps[0].Duration = *dr1Dur(t, "1h")
	wantNone(t, run(t, p, "DR115"))
}
