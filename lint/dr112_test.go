package lint

import (
	"strings"
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR112(t *testing.T) {
	// Templates without scenarios are sent for every scenario: covered.
	wantNone(t, run(t, cleanPlan(t), "DR112"))

	// A template limited to other scenarios leaves ransomware without one.
	p := cleanPlan(t)
	p.Comms["exec"].Scenarios = []string{"region", "az", "corruption"}
	fs := run(t, p, "DR112")
	wantFinding(t, fs, "scenarios.ransomware", `scenario "ransomware" has no declared-phase exec-channel template written for it`)
	if len(fs) != 1 {
		t.Errorf("want one finding, got:\n%s", dump(fs))
	}
	// ... and a template of its own covers it.
	p.Comms["exec-ransomware"] = &plan.CommTemplate{Audience: "exec-channel", Phase: "declared", Scenarios: []string{"ransomware"},
		Body: "Security incident: {{system}} isolated; restore from immutable backups, RTO {{rto}}, RPO {{rpo}}."}
	wantNone(t, run(t, p, "DR112"))

	// Only a resolution written for it is not enough: its first message
	// would still be another scenario's.
	p.Comms["exec-ransomware"].Phase = "resolved"
	wantFinding(t, run(t, p, "DR112"), "scenarios.ransomware", `scenario "ransomware" has no declared-phase exec-channel template`)

	// An out-of-scope scenario needs no messages.
	p = cleanPlan(t)
	p.Comms["exec"].Scenarios = []string{"region", "az", "corruption"}
	p.Scenarios["ransomware"].InScope = false
	wantNone(t, run(t, p, "DR112"))

	// An audience with no template at all is DR008's finding, not DR112's.
	p = cleanPlan(t)
	delete(p.Comms, "exec")
	wantNone(t, run(t, p, "DR112"))

	// {{rpo}} where the scenario has no RPO: the message would carry a blank.
	p = cleanPlan(t)
	p.Tiers["tier0"].RPO = nil
	p.Comms["status"].Body = "Data written in the last {{rpo}} may need to be re-entered."
	wantFinding(t, run(t, p, "DR112"), "comms.status.body", `template "status" quotes {{rpo}}, but scenario "region" has no RPO`)

	// A literal objective the scenario does not have: the failover's
	// 60 s promised for a ransomware rebuild held to 12 h.
	p = cleanPlan(t)
	d := func(s string) *plan.Duration { v, _ := plan.ParseDuration(s); return &v }
	p.Scenarios["ransomware"].RTO, p.Scenarios["ransomware"].RPO = d("12h"), d("24h")
	p.Tiers["tier0"].RTO = d("60s")
	p.Scenarios["az"].RTO = d("60s")
	p.Comms["exec"].Body = "DR declared for {{system}}. Our RTO is 60 s; drills take 11 minutes, plan on that."
	fs = run(t, p, "DR112")
	wantFinding(t, fs, "comms.exec.body", `template "exec" states an objective of 60 s ("Our RTO is 60 s"), which scenario "ransomware" does not have (its objectives: RTO 12 h, RPO 1 day)`)
	// The scenarios whose objective it is are fine, and a duration that is
	// not an objective (a drill time, an update interval) is not one.
	for _, f := range fs {
		if f.Path == "comms.exec.body" && !strings.Contains(f.Message, `"ransomware"`) {
			t.Errorf("fired for a scenario with a 60 s RTO: %s", f.Message)
		}
	}
	p.Comms["exec"].Scenarios = []string{"region", "az", "corruption"}
	p.Comms["exec-ransomware"] = &plan.CommTemplate{Audience: "exec-channel", Phase: "declared", Scenarios: []string{"ransomware"},
		Body: "Rebuild in the recovery account; recovery time objective 12 h. Next update within 30 minutes."}
	wantNone(t, run(t, p, "DR112"))
}
