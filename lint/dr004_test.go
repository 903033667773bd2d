package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR004(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR004"))

	p := cleanPlan(t)
	p.Runbooks["pitr"].Steps = nil
	wantFinding(t, run(t, p, "DR004"), "runbooks.pitr.steps", `runbook "pitr" has no steps`)

	// Numbering: the first step out of order is reported, once.
	p = cleanPlan(t)
	p.Runbooks["failover"].Steps[1].Number = 3
	fs := run(t, p, "DR004")
	wantFinding(t, fs, "runbooks.failover.steps.1.number",
		`step "dns" of runbook "failover" is numbered 3 where 2 is expected: steps are numbered 1 to 2 in order`)
	p = cleanPlan(t)
	steps := p.Runbooks["failover"].Steps
	steps[0], steps[1] = steps[1], steps[0]
	fs = run(t, p, "DR004")
	wantFinding(t, fs, "runbooks.failover.steps.0.number", `step "dns" of runbook "failover" is numbered 2 where 1 is expected`)
	if len(fs) != 1 {
		t.Errorf("want one numbering finding, got:\n%s", dump(fs))
	}

	p = cleanPlan(t)
	p.Runbooks["failover"].Steps[1].Command = " "
	wantFinding(t, run(t, p, "DR004"), "runbooks.failover.steps.1.command", `step 2 ("dns") of runbook "failover" has no command`)
	p.Runbooks["failover"].Steps[1].Command = "TODO"
	wantFinding(t, run(t, p, "DR004"), "runbooks.failover.steps.1.command",
		`step 2 ("dns") of runbook "failover" has a placeholder instead of a command: "TODO"`)

	p = cleanPlan(t)
	p.Runbooks["failover"].Steps[0].Expect = ""
	wantFinding(t, run(t, p, "DR004"), "runbooks.failover.steps.0.expect",
		`step 1 ("promote") of runbook "failover" has no expected output (expect)`)

	p = cleanPlan(t)
	p.Runbooks["failover"].Steps[0].Expect = "available ("
	wantFinding(t, run(t, p, "DR004"), "runbooks.failover.steps.0.expect",
		`expect of step 1 ("promote") of runbook "failover" is not a valid RE2 regular expression: missing closing ): `+"`available (`")
	// Perl look-ahead is not RE2.
	p.Runbooks["failover"].Steps[0].Expect = "modifying(?=.*ok)"
	wantFinding(t, run(t, p, "DR004"), "runbooks.failover.steps.0.expect", "is not a valid RE2 regular expression")

	p = cleanPlan(t)
	p.Runbooks["failover"].Preconditions[0].Expect = "[a-"
	wantFinding(t, run(t, p, "DR004"), "runbooks.failover.preconditions.0.expect",
		`expect of pre-condition 1 of runbook "failover" is not a valid RE2 regular expression`)

	// Rollback or irreversible, exactly one, with a real reason.
	p = cleanPlan(t)
	p.Runbooks["pitr"].Steps[0].Rollback = nil
	wantFinding(t, run(t, p, "DR004"), "runbooks.pitr.steps.0.rollback",
		`step 1 ("restore") of runbook "pitr" has neither a rollback nor an irreversible reason`)

	p = cleanPlan(t)
	p.Runbooks["failover"].Steps[0].Rollback = &plan.Rollback{Command: "aws rds delete-db-instance --db-instance-identifier clean-db-replica"}
	wantFinding(t, run(t, p, "DR004"), "runbooks.failover.steps.0.irreversible",
		`step 1 ("promote") of runbook "failover" has both a rollback and an irreversible reason: either it can be undone or it cannot`)

	p = cleanPlan(t)
	p.Runbooks["failover"].Steps[0].Irreversible = "n/a"
	wantFinding(t, run(t, p, "DR004"), "runbooks.failover.steps.0.irreversible",
		`the irreversible reason of step 1 ("promote") of runbook "failover" is too short to be a reason: "n/a" (3 characters, at least 15)`)
	p.Runbooks["failover"].Steps[0].Irreversible = "Cannot demote." // 14 characters
	wantFinding(t, run(t, p, "DR004"), "runbooks.failover.steps.0.irreversible", "is too short to be a reason")
	p.Runbooks["failover"].Steps[0].Irreversible = "Cannot demote it."
	wantNone(t, run(t, p, "DR004"))

	// The rollback itself must be runnable and checkable.
	p = cleanPlan(t)
	p.Runbooks["pitr"].Steps[0].Rollback = &plan.Rollback{Command: "tbd", Expect: "deleting("}
	fs = run(t, p, "DR004")
	wantFinding(t, fs, "runbooks.pitr.steps.0.rollback.command",
		`the rollback of step 1 ("restore") of runbook "pitr" has a placeholder instead of a command: "tbd"`)
	wantFinding(t, fs, "runbooks.pitr.steps.0.rollback.expect",
		`expect of the rollback of step 1 ("restore") of runbook "pitr" is not a valid RE2 regular expression`)
}

func TestDR004Placeholder(t *testing.T) {
	for s, want := range map[string]bool{
		"TODO": true, " tbd ": true, "...": true, "TODO: write the failover": true, "FIXME.": true, "true": true,
		"aws rds promote-read-replica --db-instance-identifier x": false, "todos-cli sync": false, "": false,
		"Nothing to undo: this step only reads.": false,
	} {
		if got := isPlaceholder(s); got != want {
			t.Errorf("isPlaceholder(%q) = %v, want %v", s, got, want)
		}
	}
}
