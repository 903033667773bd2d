package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR110(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR110"))

	// Automated, but the failover runbook waits 3 minutes first.
	p := cleanPlan(t)
	p.Tiers["tier0"].Trigger = "automated"
	wantFinding(t, run(t, p, "DR110"), "tiers.tier0.trigger",
		`tier0's failover is "automated", but runbook "failover" waits 3m on pre-conditions before tier0 is back: the failover is not automated as stated`)

	// ... and stops for a person.
	p.Runbooks["failover"].Steps[0].Approval = &plan.Approval{Role: "Incident Commander", Reason: "data loss"}
	wantFinding(t, run(t, p, "DR110"), "tiers.tier0.trigger",
		`runbook "failover" waits 3m on pre-conditions and stops for approval at step 1 "promote" (Incident Commander) before tier0 is back`)

	// An approval after the tier is back does not hold its failover.
	p = cleanPlan(t)
	p.Tiers["tier0"].Trigger = "automated"
	rb := p.Runbooks["failover"]
	rb.Preconditions[0].Wait = nil
	rb.Steps = append(rb.Steps, &plan.Step{Number: 3, ID: "failback-plan", Title: "Plan failback", Approval: &plan.Approval{Role: "VP", Reason: "cost"}})
	wantNone(t, run(t, p, "DR110"))

	// A restore runbook (pitr answers corruption and ransomware only) is not the tier's failover.
	p.Runbooks["pitr"].Preconditions = []plan.Precondition{{Check: "Corruption confirmed.", Wait: dr1Dur(t, "10m")}}
	p.Runbooks["pitr"].Steps[0].Approval = &plan.Approval{Role: "DBA", Reason: "restore point"}
	wantNone(t, run(t, p, "DR110"))
}
