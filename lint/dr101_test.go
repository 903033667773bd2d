package lint

import (
	"strings"
	"testing"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

// dr1Dur parses a plan duration for the DR1xx tests.
func dr1Dur(t *testing.T, s string) *plan.Duration {
	t.Helper()
	d, err := plan.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

// dr1Severity returns the severity of the finding at path containing msg.
func dr1Severity(t *testing.T, fs []report.Finding, path, msg string) report.Severity {
	t.Helper()
	wantFinding(t, fs, path, msg)
	for _, f := range fs {
		if f.Path == path && strings.Contains(f.Message, msg) {
			return f.Severity
		}
	}
	return -1
}

func TestDR101(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR101"))

	// The estimates outgrow the RTO: 3m wait + 30m + 2m.
	p := cleanPlan(t)
	p.Runbooks["failover"].Steps[0].Estimate = dr1Dur(t, "30m")
	wantFinding(t, run(t, p, "DR101"), "runbooks.failover.steps.1",
		`runbook "failover" restores tier0 after 35m (3m pre-condition wait + 32m of steps on the critical path promote -> dns), beyond tier0's RTO of 30 min`)

	// No pre-condition wait: the steps alone.
	p = cleanPlan(t)
	p.Runbooks["pitr"].Steps[0].Estimate = dr1Dur(t, "40m")
	wantFinding(t, run(t, p, "DR101"), "runbooks.pitr.steps.0",
		`runbook "pitr" restores tier0 after 40m (40m of steps on the critical path restore), beyond tier0's RTO of 30 min`)

	// Parallel steps: the longer branch is the critical path.
	p = cleanPlan(t)
	rb := p.Runbooks["failover"]
	rb.Steps[1].After = []string{}
	rb.Steps = append(rb.Steps, &plan.Step{Number: 3, ID: "scale", Title: "Scale", Estimate: dr1Dur(t, "25m"), After: []string{}})
	rb.Steps = append(rb.Steps, &plan.Step{Number: 4, ID: "smoke", Title: "Smoke", Estimate: dr1Dur(t, "5m"), After: []string{"promote", "scale"}, Recovers: []string{"tier0"}})
	wantFinding(t, run(t, p, "DR101"), "runbooks.failover.steps.3",
		`runbook "failover" restores tier0 after 33m (3m pre-condition wait + 30m of steps on the critical path scale -> smoke), beyond tier0's RTO of 30 min`)

	// No step says it recovers the tier: the whole runbook counts, reported on the runbook.
	p = cleanPlan(t)
	p.Runbooks["failover"].Steps[1].Recovers = nil
	p.Tiers["tier0"].RTO = dr1Dur(t, "14m")
	fs := run(t, p, "DR101")
	wantFinding(t, fs, "runbooks.failover",
		`runbook "failover" restores tier0 after 15m (3m pre-condition wait + 12m of steps on the critical path promote -> dns), beyond tier0's RTO of 14 min`)

	// Two tiers back at the same step: one finding names both.
	p = cleanPlan(t)
	p.Tiers["tier1"] = &plan.Tier{Level: 1, Title: "Reads", RTO: dr1Dur(t, "10m")}
	p.Runbooks["failover"].Tiers = []string{"tier0", "tier1"}
	p.Runbooks["failover"].Steps[1].Recovers = []string{"tier0", "tier1"}
	p.Runbooks["failover"].Steps[0].Estimate = dr1Dur(t, "30m")
	fs = run(t, p, "DR101")
	wantFinding(t, fs, "runbooks.failover.steps.1",
		`runbook "failover" restores tier0 and tier1 after 35m (3m pre-condition wait + 32m of steps on the critical path promote -> dns), beyond the RTOs of tier0 (30 min) and tier1 (10 min)`)
	if len(fs) != 1 {
		t.Errorf("want one merged finding, got:\n%s", dump(fs))
	}

	// A step without an estimate: a warning, and the total is a lower bound.
	p = cleanPlan(t)
	p.Runbooks["failover"].Steps[1].Estimate = nil
	p.Runbooks["failover"].Steps[0].Estimate = dr1Dur(t, "40m")
	fs = run(t, p, "DR101")
	if sev := dr1Severity(t, fs, "runbooks.failover.steps.1.estimate",
		`step 2 "dns" of runbook "failover" has no estimate, so the time the runbook takes to restore tier0 cannot be checked against tier0's RTO of 30 min`); sev != report.Warning {
		t.Errorf("missing estimate reported as %v, want a warning", sev)
	}
	wantFinding(t, fs, "runbooks.failover.steps.1", `restores tier0 after at least 43m (3m pre-condition wait + 40m of steps`)

	// A step after the tier is back does not need an estimate for this rule.
	p = cleanPlan(t)
	p.Runbooks["failover"].Steps = append(p.Runbooks["failover"].Steps, &plan.Step{Number: 3, ID: "cleanup", Title: "Clean up"})
	wantNone(t, run(t, p, "DR101"))

	// The latest drill's measured steps, with the estimate for a step it did not time.
	p = cleanPlan(t)
	p.Drills["2026-10-20-failover"].Steps = []plan.DrillStep{{ID: "promote", Duration: *dr1Dur(t, "26m"), Outcome: "ok"}}
	wantFinding(t, run(t, p, "DR101"), "runbooks.failover.steps.1",
		`drill "2026-10-20-failover" (2026-10-20) measured steps that put tier0 back at 31m (3m pre-condition wait + 28m of steps on the critical path promote -> dns, using the estimate for "dns"), beyond tier0's RTO of 30 min`)

	// An older drill's slow steps are history once a newer drill timed them; skipped steps measured nothing.
	p = cleanPlan(t)
	p.Drills["2026-10-20-failover"].Steps = []plan.DrillStep{{ID: "promote", Duration: *dr1Dur(t, "1h"), Outcome: "ok"}}
	p.Drills["2026-11-01-failover"] = &plan.Drill{Date: plan.Date{Time: testNow.AddDate(0, 0, -24)}, Runbook: "failover", Environment: "staging", Operator: "Ada", Outcome: "success",
		Steps: []plan.DrillStep{{ID: "promote", Duration: *dr1Dur(t, "9m"), Outcome: "ok"}, {ID: "dns", Duration: *dr1Dur(t, "0s"), Outcome: "skipped"}}}
	wantNone(t, run(t, p, "DR101"))

	// A scenario's own RTO replaces the tier's when every scenario using the runbook states one.
	p = cleanPlan(t)
	p.Tiers["tier0"].RTO = dr1Dur(t, "10m")
	p.Scenarios["corruption"].RTO = dr1Dur(t, "4h")
	p.Scenarios["ransomware"].RTO = dr1Dur(t, "12h")
	fs = run(t, p, "DR101")
	for _, f := range fs {
		if f.Path == "runbooks.pitr.steps.0" {
			t.Errorf("pitr judged against the tier's RTO despite its scenarios' own: %s", f.Message)
		}
	}
	p.Scenarios["corruption"].RTO = dr1Dur(t, "15m")
	wantFinding(t, run(t, p, "DR101"), "runbooks.pitr.steps.0",
		`runbook "pitr" restores tier0 after 20m (20m of steps on the critical path restore), beyond scenario "corruption"'s own RTO of 15 min`)
	// ... but not when one of them leaves it to the tiers.
	p.Scenarios["ransomware"].RTO = nil
	p.Tiers["tier0"].RTO = dr1Dur(t, "30m")
	wantNone(t, run(t, p, "DR101"))

	// A runbook without tiers is held to its scenario's own RTO, to its end.
	p = cleanPlan(t)
	p.Runbooks["pitr"].Tiers = nil
	p.Runbooks["pitr"].Steps[0].Recovers = nil
	p.Scenarios["corruption"].RTO = dr1Dur(t, "10m")
	p.Scenarios["ransomware"].RTO = dr1Dur(t, "1h")
	wantFinding(t, run(t, p, "DR101"), "runbooks.pitr",
		`runbook "pitr" completes after 20m (20m of steps on the critical path restore), beyond scenario "corruption"'s own RTO of 10 min`)

	// A runbook named in a scenario's runbooks list is held to that
	// scenario's RTO just the same.
	p = cleanPlan(t)
	p.Runbooks["pitr"].Tiers = nil
	p.Runbooks["pitr"].Steps[0].Recovers = nil
	p.Scenarios["corruption"].Runbook, p.Scenarios["corruption"].Runbooks = "failover", []string{"pitr"}
	p.Scenarios["ransomware"].Runbook = ""
	p.Scenarios["corruption"].RTO = dr1Dur(t, "10m")
	wantFinding(t, run(t, p, "DR101"), "runbooks.pitr",
		`runbook "pitr" completes after 20m (20m of steps on the critical path restore), beyond scenario "corruption"'s own RTO of 10 min`)
}
