package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR005(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR005"))

	// No corruption scenario at all.
	p := cleanPlan(t)
	delete(p.Scenarios, "corruption")
	fs := run(t, p, "DR005")
	wantFinding(t, fs, "scenarios", "no in-scope data-corruption scenario has a runbook: the plan has no point-in-time recovery procedure")
	if len(fs) != 1 {
		t.Errorf("the ransomware runbook still restores; want one finding, got:\n%s", dump(fs))
	}

	// Declared, in scope, without a runbook.
	p = cleanPlan(t)
	p.Scenarios["corruption"].Runbook = ""
	wantFinding(t, run(t, p, "DR005"), "scenarios.corruption.runbook",
		`data-corruption scenario "corruption" has no runbook: the plan has no point-in-time recovery procedure`)

	// Declared out of scope.
	p = cleanPlan(t)
	p.Scenarios["corruption"].InScope = false
	wantFinding(t, run(t, p, "DR005"), "scenarios.corruption.inScope",
		`data corruption is out of scope (scenario "corruption"): the plan has no point-in-time recovery procedure`)

	// Handled by the region-failover runbook.
	p = cleanPlan(t)
	p.Scenarios["corruption"].Runbook = "failover"
	wantFinding(t, run(t, p, "DR005"), "scenarios.corruption.runbook",
		`data-corruption scenario "corruption" uses runbook "failover", which is the region-failover runbook of scenario "region"`)

	// Every runbook of a scenario counts: one of several is the failover's.
	p = cleanPlan(t)
	p.Scenarios["corruption"].Runbooks = []string{"failover"}
	wantFinding(t, run(t, p, "DR005"), "scenarios.corruption.runbooks.0",
		`data-corruption scenario "corruption" uses runbook "failover", which is the region-failover runbook of scenario "region"`)
	// A scenario named only in runbooks, and a region failure answered by
	// several runbooks, are read the same way.
	p = cleanPlan(t)
	p.Scenarios["corruption"].Runbook, p.Scenarios["corruption"].Runbooks = "", []string{"pitr"}
	wantNone(t, run(t, p, "DR005"))
	p.Scenarios["region"].Runbooks = []string{"pitr"}
	wantFinding(t, run(t, p, "DR005"), "scenarios.corruption.runbooks.0",
		`data-corruption scenario "corruption" uses runbook "pitr", which is the region-failover runbook of scenario "region"`)

	// Answered by a failover: DR104 says so, and only DR104, once.
	p = cleanPlan(t)
	p.Scenarios["corruption"].Response = "failover"
	wantNone(t, run(t, p, "DR005"))
	fs, _ = Lint(p, Options{Now: testNow, Rules: []string{"DR005", "DR104"}})
	if len(fs) != 1 || fs[0].RuleID != "DR104" || fs[0].Path != "scenarios.corruption.response" {
		t.Errorf("want one DR104 finding at scenarios.corruption.response, got:\n%s", dump(fs))
	}

	// No runbook restores anything.
	p = cleanPlan(t)
	delete(p.Scenarios, "corruption")
	delete(p.Scenarios, "ransomware")
	delete(p.Runbooks, "pitr")
	delete(p.Runbooks, "failback")
	fs = run(t, p, "DR005")
	wantFinding(t, fs, "runbooks", `the plan's only runbook (failover) performs no restore`)
	wantFinding(t, fs, "scenarios", "no in-scope data-corruption scenario has a runbook")

	p.Runbooks["again"] = p.Runbooks["failover"]
	wantFinding(t, run(t, p, "DR005"), "runbooks", `none of the 2 runbooks (again, failover) performs a restore`)

	p = cleanPlan(t)
	p.Scenarios, p.Runbooks = nil, nil
	wantFinding(t, run(t, p, "DR005"), "runbooks", "the plan has no runbooks, so none restores data")

	// A runbook that runs a restore command counts, scenario or not.
	p = cleanPlan(t)
	delete(p.Scenarios, "corruption")
	delete(p.Scenarios, "ransomware")
	p.Runbooks["failover"].Steps[0].Command = "aws rds restore-db-cluster-to-point-in-time --source-db-cluster-identifier db --db-cluster-identifier db-pitr --restore-to-time \"$T\""
	fs = run(t, p, "DR005")
	if len(fs) != 1 {
		t.Errorf("want only the missing scenario, got:\n%s", dump(fs))
	}
	p.Runbooks["failover"].Steps[0].Command = "pg_restore -d orders /dumps/latest"
	if fs := run(t, p, "DR005"); len(fs) != 1 {
		t.Errorf("pg_restore restores; want only the missing scenario, got:\n%s", dump(fs))
	}

	// An in-scope corruption scenario with its own runbook is enough,
	// even beside an out-of-scope one.
	p = cleanPlan(t)
	p.Scenarios["old-corruption"] = &plan.Scenario{Class: plan.ClassDataCorruption, Title: "Old", InScope: false, Reason: "Superseded."}
	wantNone(t, run(t, p, "DR005"))
}
