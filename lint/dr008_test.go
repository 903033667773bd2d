package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR008(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR008"))

	for id, audience := range map[string]string{"status": "status-page", "exec": "exec-channel", "customer": "customer-email"} {
		p := cleanPlan(t)
		delete(p.Comms, id)
		fs := run(t, p, "DR008")
		wantFinding(t, fs, "comms", "no communication template for the "+audience+" audience")
		if len(fs) != 1 {
			t.Errorf("without %s: want one finding, got:\n%s", id, dump(fs))
		}
	}

	// Another audience does not stand in for a required one.
	p := cleanPlan(t)
	p.Comms["customer"].Audience = "internal"
	wantFinding(t, run(t, p, "DR008"), "comms", "no communication template for the customer-email audience")

	p = cleanPlan(t)
	p.Comms["exec"].Review = nil
	wantFinding(t, run(t, p, "DR008"), "comms.exec.review", `template "exec" (exec-channel, declared) has not been reviewed`)

	p = cleanPlan(t)
	p.Comms["exec"].Review = &plan.CommReview{By: " ", Date: p.Comms["status"].Review.Date}
	wantFinding(t, run(t, p, "DR008"), "comms.exec.review", `template "exec" (exec-channel, declared) has an incomplete review`)
	p.Comms["exec"].Review = &plan.CommReview{By: "Comms"}
	wantFinding(t, run(t, p, "DR008"), "comms.exec.review", `template "exec" (exec-channel, declared) has an incomplete review`)

	p = cleanPlan(t)
	p.Comms["exec"].Review.Date = dr007Date(t, "2026-12-01")
	wantFinding(t, run(t, p, "DR008"), "comms.exec.review.date",
		`template "exec" (exec-channel, declared) is dated as reviewed on 2026-12-01, which has not happened yet`)

	p = cleanPlan(t)
	p.Comms["status"].Body = "TBD"
	wantFinding(t, run(t, p, "DR008"), "comms.status.body", `template "status" (status-page, declared) has a placeholder instead of a message: "TBD"`)
}
