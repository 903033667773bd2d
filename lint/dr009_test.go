package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR009(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR009"))

	p := cleanPlan(t)
	p.Cost = nil
	wantFinding(t, run(t, p, "DR009"), "cost", "the plan has no cost model")

	p = cleanPlan(t)
	p.Cost.SteadyState = nil
	fs := run(t, p, "DR009")
	wantFinding(t, fs, "cost.steadyState", "the cost model has no steady-state items")
	if len(fs) != 1 {
		t.Errorf("want one finding, got:\n%s", dump(fs))
	}

	p = cleanPlan(t)
	p.Cost.SteadyState = []plan.SteadyCost{{Item: "Standby", Monthly: 0}, {Item: "Transfer", Monthly: 0}}
	wantFinding(t, run(t, p, "DR009"), "cost.steadyState", "the cost model's steady-state items (2) total 0 USD a month")

	p = cleanPlan(t)
	p.Cost.DRState = nil
	wantFinding(t, run(t, p, "DR009"), "cost.drState", "the cost model has no drState items")

	p = cleanPlan(t)
	p.Cost.Currency = "EUR"
	p.Cost.DRState[0].PerHour = 0
	wantFinding(t, run(t, p, "DR009"), "cost.drState", "the cost model's drState items (1) total 0 EUR per hour")
}
