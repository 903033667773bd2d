package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR003(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR003"))

	for id, class := range map[string]string{"az": "az-failure", "region": "region-failure", "corruption": "data-corruption"} {
		p := cleanPlan(t)
		delete(p.Scenarios, id)
		fs := run(t, p, "DR003")
		wantFinding(t, fs, "scenarios", "no scenario declares the "+class+" class: the plan does not say whether it is in scope")
		if len(fs) != 1 {
			t.Errorf("without %s: want one finding, got:\n%s", id, dump(fs))
		}
	}
	p := cleanPlan(t)
	delete(p.Scenarios, "ransomware")
	wantFinding(t, run(t, p, "DR003"), "scenarios", "no scenario declares the ransomware class (or security-incident)")

	// A security incident covers ransomware.
	p = cleanPlan(t)
	p.Scenarios["ransomware"].Class = "security-incident"
	wantNone(t, run(t, p, "DR003"))

	// Out of scope is a decision, and needs its reason.
	p = cleanPlan(t)
	p.Scenarios["az"].InScope = false
	wantNone(t, run(t, p, "DR003"))
	p.Scenarios["az"].Reason = "  "
	wantFinding(t, run(t, p, "DR003"), "scenarios.az.reason", `scenario "az" (az-failure) is out of scope without a reason`)

	p = cleanPlan(t)
	p.Scenarios["region"].Response = ""
	wantFinding(t, run(t, p, "DR003"), "scenarios.region.response",
		`scenario "region" (region-failure) is in scope but has no response`)

	for _, id := range []string{"region", "corruption", "ransomware"} {
		p = cleanPlan(t)
		s := p.Scenarios[id]
		s.Runbook = ""
		wantFinding(t, run(t, p, "DR003"), "scenarios."+id+".runbook",
			`scenario "`+id+`" (`+s.Class+`) is answered by `+s.Response+` but names no runbook`)
		// Runbooks named in the list carry it out as well.
		s.Runbooks = []string{"pitr"}
		wantNone(t, run(t, p, "DR003"))
	}

	// No failover needs no runbook, and neither does an out-of-scope class.
	p = cleanPlan(t)
	p.Scenarios["dep"] = &plan.Scenario{Class: "dependency-outage", Title: "Vendor", InScope: false, Reason: "Vendor's own plan.", Response: "failover"}
	wantNone(t, run(t, p, "DR003"))
}
