package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func TestDR114(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR114"))

	// A region failover without a failback runbook, relying on one in a post-action.
	p := cleanPlan(t)
	delete(p.Runbooks, "failback")
	p.GameDays.Schedule = p.GameDays.Schedule[:1]
	wantFinding(t, run(t, p, "DR114"), "runbooks.failover",
		`runbook "failover" fails tier0 over to the standby region (scenario "region") and relies on a failback (post-action 1 "Schedule failback."), but no runbook states failbackFor: "failover": the way back has no commands, expected output, rollbacks or drill`)

	// ... or not saying so at all.
	p.Runbooks["failover"].PostActions = nil
	wantFinding(t, run(t, p, "DR114"), "runbooks.failover", `runbook "failover" fails tier0 over to the standby region (scenario "region"), but no runbook states failbackFor`)

	// Any runbook whose rollbacks or irreversible reasons rely on one.
	p = cleanPlan(t)
	p.Runbooks["pitr"].Steps[0].Rollback.Command = "# only during the fail-back: the restored instance is the primary then\naws rds delete-db-instance --db-instance-identifier clean-db-pitr"
	p.Runbooks["pitr"].Steps = append(p.Runbooks["pitr"].Steps, &plan.Step{Number: 2, ID: "cut-over", Title: "Cut over",
		Irreversible: "The old instance is gone; switching back means a new restore."})
	wantFinding(t, run(t, p, "DR114"), "runbooks.pitr",
		`runbook "pitr" relies on a failback (the rollback of step 1 "restore" and the irreversible reason of step 2 "cut-over"), but no runbook states failbackFor: "pitr"`)

	// Words that only look alike do not count.
	p = cleanPlan(t)
	p.Runbooks["pitr"].Steps[0].Rollback = nil
	p.Runbooks["pitr"].Steps[0].Irreversible = "A restored cluster cannot be reversed into the source; feedback from the owners decides."
	p.Runbooks["pitr"].PostActions = []plan.PostAction{{Title: "Go back over the timeline with the owners"}}
	wantNone(t, run(t, p, "DR114"))

	// An AZ failover swaps roles in place: no failback is asked for.
	p = cleanPlan(t)
	delete(p.Runbooks, "failback")
	p.Runbooks["failover"].PostActions = nil
	p.Scenarios["region"].Runbook = ""
	p.Scenarios["az"].Response, p.Scenarios["az"].Runbook = "failover", "failover"
	wantNone(t, run(t, p, "DR114"))

	// A failback nobody has drilled or scheduled: a warning.
	p = cleanPlan(t)
	p.GameDays.Schedule = p.GameDays.Schedule[:1]
	fs := run(t, p, "DR114")
	if sev := dr1Severity(t, fs, "runbooks.failback",
		`failback runbook "failback" (for "failover") has no recorded drill and no scheduled game day`); sev != report.Warning {
		t.Errorf("undrilled failback reported at severity %v, want a warning", sev)
	}
	p.Drills["2026-10-23-failback"] = &plan.Drill{Runbook: "failback", Environment: "staging", Operator: "Ada", Outcome: "success"}
	wantNone(t, run(t, p, "DR114"))
}
