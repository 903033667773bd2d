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

	// A gate approved in advance for automated runs does not stop one...
	p = cleanPlan(t)
	p.Tiers["tier0"].Trigger = "automated"
	rb = p.Runbooks["failover"]
	rb.Preconditions[0].Wait = nil
	date := func(s string) plan.Date {
		d, err := plan.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	exp := date("2027-06-30")
	standing := &plan.StandingApproval{ApprovedBy: "VP Engineering", Date: date("2026-11-01"), Expires: &exp, Reference: "CAB-118"}
	rb.Steps[0].Approval = &plan.Approval{Role: "Incident Commander", Reason: "data loss", Standing: standing}
	wantNone(t, run(t, p, "DR110"))
	// ...until it expires: then it is a gate again, and the message says why.
	exp = date("2026-11-20")
	wantFinding(t, run(t, p, "DR110"), "tiers.tier0.trigger",
		`runbook "failover" stops for approval at step 1 "promote" (Incident Commander; its standing approval by VP Engineering expired on 2026-11-20) before tier0 is back`)
	// An approval dated after now is not given yet.
	exp = date("2027-06-30")
	standing.Date = date("2026-12-01")
	wantFinding(t, run(t, p, "DR110"), "tiers.tier0.trigger",
		`(Incident Commander; its standing approval by VP Engineering is dated 2026-12-01, not yet given)`)
}
