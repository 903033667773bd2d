package plan

import "testing"

func TestJudgeDrill(t *testing.T) {
	d := func(s string) *Duration {
		v, err := ParseDuration(s)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	p := &Plan{
		Tiers: map[string]*Tier{
			"tier0": {Level: 0, RTO: d("60s"), RPO: d("0s")},
			"tier1": {Level: 1, RTO: d("5m"), RPO: d("30s")},
		},
		Scenarios: map[string]*Scenario{
			"region": {Class: ClassRegionFailure, InScope: true, Runbook: "fo"},
			"ransom": {Class: ClassRansomware, InScope: true, Runbook: "fo", RTO: d("12h"), RPO: d("24h")},
		},
		Runbooks: map[string]*Runbook{"fo": {Tiers: []string{"tier0", "tier1"}}},
		Drills: map[string]*Drill{
			"ok-but-slow": {Runbook: "fo", Scenario: "region", Outcome: "success", Measured: &Measured{RTO: d("11m40s"), RPO: d("0s")}},
			"partial":     {Runbook: "fo", Scenario: "region", Outcome: "partial", Measured: &Measured{RTO: d("50s"), RPO: d("0s")}},
			"own":         {Runbook: "fo", Scenario: "ransom", Outcome: "success", Measured: &Measured{RTO: d("11h"), RPO: d("25h")}},
			"clean":       {Runbook: "fo", Scenario: "region", Outcome: "success", Measured: &Measured{RTO: d("40s")}},
		},
	}
	for id, want := range map[string]struct {
		rto, rpo Verdict
		of       string
		outcome  string
	}{
		"ok-but-slow": {Missed, Met, "tier0", "RTO missed: 11 min 40 s against 60 s (recorded as success)"},
		"partial":     {NotShown, NotShown, "tier0", "partial"},
		"own":         {Met, Missed, "scenario ransom", "RPO missed: 25 h against 1 day (recorded as success)"},
		"clean":       {Met, NotMeasured, "tier0", "success"},
	} {
		j := p.JudgeDrill(id)
		if j.RTO.Verdict != want.rto || j.RPO.Verdict != want.rpo || j.RTO.Of != want.of {
			t.Errorf("%s: RTO %s (of %s), RPO %s; want %s (of %s), %s", id, j.RTO.Verdict, j.RTO.Of, j.RPO.Verdict, want.rto, want.of, want.rpo)
		}
		if got := j.Outcome(p.Drills[id].Outcome); got != want.outcome {
			t.Errorf("%s: outcome %q, want %q", id, got, want.outcome)
		}
	}
	if got := p.LatestDrill("fo"); got == "" {
		t.Error("no latest drill")
	}
	p.Tiers["tier0"].SignOff = &SignOffs{Required: []string{"CFO", "VP"}, Given: []SignOff{{Role: "CFO", Digest: p.TierDigest("tier0")}}}
	st := p.SignOffStates("tier0")
	if len(st) != 2 || st[0].State != "current" || st[1].State != "missing" || st[1].Role != "VP" {
		t.Errorf("sign-offs: %+v", st)
	}
	p.Tiers["tier0"].RTO = d("2m")
	if st := p.SignOffStates("tier0"); st[0].State != "stale" {
		t.Errorf("changed objective: %+v", st[0])
	}
}
