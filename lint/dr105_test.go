package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func TestDR105(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR105"))

	// Measured RTO and RPO beyond the tier's.
	p := cleanPlan(t)
	m := p.Drills["2026-10-20-failover"].Measured
	m.RTO, m.RPO = dr1Dur(t, "42m30s"), dr1Dur(t, "6m")
	fs := run(t, p, "DR105")
	wantFinding(t, fs, "drills.2026-10-20-failover.measured.rto",
		`drill "2026-10-20-failover" on 2026-10-20 measured an RTO of 42m30s for runbook "failover", beyond tier0's RTO of 30 min`)
	wantFinding(t, fs, "drills.2026-10-20-failover.measured.rpo",
		`drill "2026-10-20-failover" on 2026-10-20 measured an RPO of 6m for runbook "failover", beyond tier0's RPO of 5 min`)

	// Several tiers missed: all are named.
	p.Tiers["tier1"] = &plan.Tier{Level: 1, Title: "Reads", RTO: dr1Dur(t, "40m"), RPO: dr1Dur(t, "1h")}
	p.Runbooks["failover"].Tiers = append(p.Runbooks["failover"].Tiers, "tier1")
	wantFinding(t, run(t, p, "DR105"), "drills.2026-10-20-failover.measured.rto",
		`measured an RTO of 42m30s for runbook "failover", beyond the RTOs of tier0 (30 min) and tier1 (40 min)`)

	// A scenario's own objectives replace the tiers'.
	p = cleanPlan(t)
	p.Scenarios["corruption"].RTO = dr1Dur(t, "4h")
	p.Scenarios["corruption"].RPO = dr1Dur(t, "30s")
	p.Drills["2026-10-22-pitr"].Measured.RTO = dr1Dur(t, "3h")
	fs = run(t, p, "DR105")
	wantFinding(t, fs, "drills.2026-10-22-pitr.measured.rpo",
		`drill "2026-10-22-pitr" on 2026-10-22 measured an RPO of 1m, beyond scenario "corruption"'s own RPO of 30 s`)
	if len(fs) != 1 {
		t.Errorf("3h is within the scenario's own 4 h RTO; got:\n%s", dump(fs))
	}
	p.Drills["2026-10-22-pitr"].Measured.RTO = dr1Dur(t, "4h10m")
	wantFinding(t, run(t, p, "DR105"), "drills.2026-10-22-pitr.measured.rto",
		`drill "2026-10-22-pitr" on 2026-10-22 measured an RTO of 4h10m, beyond scenario "corruption"'s own RTO of 4 h`)

	// A drill that did not succeed: a warning.
	p = cleanPlan(t)
	p.Drills["2026-10-20-failover"].Outcome = "partial"
	p.Drills["2026-10-20-failover"].FailedSteps = []string{"dns"}
	fs = run(t, p, "DR105")
	if sev := dr1Severity(t, fs, "drills.2026-10-20-failover.outcome",
		`drill "2026-10-20-failover" on 2026-10-20 of runbook "failover" has outcome "partial" (failed steps: dns)`); sev != report.Warning {
		t.Errorf("outcome reported as %v, want a warning", sev)
	}

	// A later drill of the same runbook and scenario supersedes the old one.
	p = cleanPlan(t)
	old := p.Drills["2026-10-20-failover"]
	old.Outcome, old.Measured.RTO = "failed", dr1Dur(t, "2h")
	p.Drills["2026-11-10-failover"] = &plan.Drill{Date: plan.Date{Time: testNow.AddDate(0, 0, -15)}, Scenario: "region", Runbook: "failover",
		Environment: "staging", Operator: "Ada", Outcome: "success", Measured: &plan.Measured{RTO: dr1Dur(t, "25m")}}
	wantNone(t, run(t, p, "DR105"))
}
