package lint

import (
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

// checklistSeverity returns the severity of the finding at path whose
// message contains msg, failing the test when there is none.
func checklistSeverity(t *testing.T, fs []report.Finding, path, msg string) report.Severity {
	t.Helper()
	for _, f := range fs {
		if f.Path == path && strings.Contains(f.Message, msg) {
			return f.Severity
		}
	}
	t.Fatalf("no finding at %q containing %q; got:\n%s", path, msg, dump(fs))
	return 0
}

func TestDR001(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR001"))

	p := cleanPlan(t)
	p.Tiers["tier0"].RTO = nil
	p.Tiers["tier0"].SignOff.Given[0].Digest = p.TierDigest("tier0")
	p.Tiers["tier0"].SignOff.Given[1].Digest = p.TierDigest("tier0")
	fs := run(t, p, "DR001")
	wantFinding(t, fs, "tiers.tier0.rto", `tier "tier0" has no RTO`)
	if len(fs) != 1 {
		t.Errorf("want only the missing RTO, got:\n%s", dump(fs))
	}

	p = cleanPlan(t)
	p.Tiers["tier0"].RPO = nil
	wantFinding(t, run(t, p, "DR001"), "tiers.tier0.rpo", `tier "tier0" has no RPO`)

	// No required role: nobody has to approve.
	p = cleanPlan(t)
	p.Tiers["tier0"].SignOff.Required = nil
	wantFinding(t, run(t, p, "DR001"), "tiers.tier0.signoff.required",
		`tier "tier0" names no business role whose sign-off it requires`)
	p = cleanPlan(t)
	p.Tiers["tier0"].SignOff = nil
	wantFinding(t, run(t, p, "DR001"), "tiers.tier0.signoff.required",
		`tier "tier0" names no business role whose sign-off it requires`)

	// A required role that never signed.
	p = cleanPlan(t)
	p.Tiers["tier0"].SignOff.Given = p.Tiers["tier0"].SignOff.Given[:1]
	fs = run(t, p, "DR001")
	wantFinding(t, fs, "tiers.tier0.signoff.required.1", `tier "tier0" has no sign-off by CFO, a role it requires`)
	if len(fs) != 1 {
		t.Errorf("want one finding, got:\n%s", dump(fs))
	}

	// A sign-off of other objectives is stale.
	p = cleanPlan(t)
	p.Tiers["tier0"].SignOff.Given[1].Digest = "sha256:" + strings.Repeat("0", 64)
	fs = run(t, p, "DR001")
	wantFinding(t, fs, "tiers.tier0.signoff.given.1.digest",
		`sign-off by CFO (Cat, 2026-09-02) approved other objectives: RTO, RPO, strategy or services of tier0 changed since`)
	if len(fs) != 1 {
		t.Errorf("want only the stale CFO sign-off, got:\n%s", dump(fs))
	}

	// Changing an objective after the sign-offs makes every one stale.
	p = cleanPlan(t)
	p.Tiers["tier0"].RPO = &plan.Duration{Duration: time.Minute}
	fs = run(t, p, "DR001")
	wantFinding(t, fs, "tiers.tier0.signoff.given.0.digest", "sign-off by VP Engineering (Vic, 2026-09-01) approved other objectives")
	wantFinding(t, fs, "tiers.tier0.signoff.given.1.digest", "sign-off by CFO (Cat, 2026-09-02) approved other objectives")

	// So does moving a service into or out of the tier.
	p = cleanPlan(t)
	p.Services["batch"] = &plan.Service{Title: "Batch", Tier: "tier0"}
	wantFinding(t, run(t, p, "DR001"), "tiers.tier0.signoff.given.1.digest", "sign-off by CFO (Cat, 2026-09-02) approved other objectives")

	// Reformatting a duration is not a change of substance.
	p = cleanPlan(t)
	p.Tiers["tier0"].RTO = &plan.Duration{Duration: 1800 * time.Second}
	wantNone(t, run(t, p, "DR001"))

	// A sign-off by a role that is not required is fine, and an older
	// stale sign-off by a role that has since signed again is history.
	p = cleanPlan(t)
	tier := p.Tiers["tier0"]
	old, _ := plan.ParseDate("2026-03-01")
	tier.SignOff.Given = append(tier.SignOff.Given,
		plan.SignOff{Role: "CTO", Name: "Tom", Date: tier.SignOff.Given[0].Date, Digest: p.TierDigest("tier0")},
		plan.SignOff{Role: "cfo", Name: "Cat", Date: old, Digest: "sha256:" + strings.Repeat("1", 64)})
	wantNone(t, run(t, p, "DR001"))

	// A stale sign-off by a role that is not required does not fail the
	// tier, but it is not left unsaid either.
	p = cleanPlan(t)
	tier = p.Tiers["tier0"]
	tier.SignOff.Given = append(tier.SignOff.Given,
		plan.SignOff{Role: "CTO", Name: "Tom", Date: old, Digest: "sha256:" + strings.Repeat("1", 64)})
	fs = run(t, p, "DR001")
	if sev := checklistSeverity(t, fs, "tiers.tier0.signoff.given.2.digest", "sign-off by CTO (Tom, 2026-03-01) approved other objectives"); sev != report.Warning {
		t.Errorf("stale sign-off by a role that is not required: severity %s, want warning", sev)
	}
}

// With the plan's history, a stale sign-off names what changed since the
// version it signed.
func TestDR001NamesChanges(t *testing.T) {
	signed := cleanPlan(t)
	p := cleanPlan(t)
	p.Tiers["tier0"].RTO = dr1Dur(t, "10m")
	p.Tiers["tier0"].Strategy = "pilot-light"
	p.Services["search"] = &plan.Service{Title: "Search", Tier: "tier0"}
	history := func(tier, digest string) *plan.Plan {
		if tier == "tier0" && digest == signed.TierDigest("tier0") {
			return signed
		}
		return nil
	}
	fs, _ := Lint(p, Options{Now: testNow, Rules: []string{"DR001"}, SignedVersion: history})
	wantFinding(t, fs, "tiers.tier0.signoff.given.1.digest",
		"sign-off by CFO (Cat, 2026-09-02) approved other objectives: since the version of the plan it signed, tier0's RTO 30 min → 10 min, strategy warm-standby → pilot-light and services added: search")

	// No version with that digest in the history: today's message.
	fs, _ = Lint(p, Options{Now: testNow, Rules: []string{"DR001"}, SignedVersion: func(string, string) *plan.Plan { return nil }})
	wantFinding(t, fs, "tiers.tier0.signoff.given.1.digest",
		"approved other objectives: RTO, RPO, strategy or services of tier0 changed since")
}
