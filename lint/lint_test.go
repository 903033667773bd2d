package lint

import (
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
	"github.com/drplan/drplan/schema"
)

// testNow is the date rule tests judge staleness against.
var testNow = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// cleanPlan loads testdata/clean, a plan every rule passes, with current
// sign-off digests. Tests break one thing in the returned plan.
func cleanPlan(t *testing.T) *plan.Plan {
	t.Helper()
	p, err := schema.Load("testdata/clean")
	if err != nil {
		t.Fatal(err)
	}
	for id, tier := range p.Tiers {
		if tier.SignOff != nil {
			for i := range tier.SignOff.Given {
				tier.SignOff.Given[i].Digest = p.TierDigest(id)
			}
		}
	}
	return p
}

// run lints p with one rule and returns its counted findings.
func run(t *testing.T, p *plan.Plan, rule string) []report.Finding {
	t.Helper()
	if Lookup(rule) == nil {
		t.Fatalf("rule %s is not registered", rule)
	}
	fs, _ := Lint(p, Options{Now: testNow, Rules: []string{rule}})
	return fs
}

// wantFinding asserts that fs has a finding whose message contains msg at
// the node path (the path may be "" to skip that check).
func wantFinding(t *testing.T, fs []report.Finding, path, msg string) {
	t.Helper()
	for _, f := range fs {
		if strings.Contains(f.Message, msg) && (path == "" || f.Path == path) {
			if !f.Pos.IsValid() || f.Pos.Line == 0 {
				t.Errorf("finding without a line: %+v", f)
			}
			return
		}
	}
	t.Errorf("no finding at %q containing %q; got:\n%s", path, msg, dump(fs))
}

func wantNone(t *testing.T, fs []report.Finding) {
	t.Helper()
	if len(fs) > 0 {
		t.Errorf("want no findings, got:\n%s", dump(fs))
	}
}

func dump(fs []report.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Pos.String() + " " + f.RuleID + " " + f.Severity.String() + " " + f.Path + ": " + f.Message + "\n")
	}
	return b.String()
}

// The clean fixture must pass every registered rule, or the "does not
// fire" half of each rule's test proves nothing.
func TestCleanPlanPassesEveryRule(t *testing.T) {
	fs, _ := Lint(cleanPlan(t), Options{Now: testNow})
	wantNone(t, fs)
}

func TestRegistry(t *testing.T) {
	rules := Rules()
	if len(rules) == 0 {
		t.Fatal("no rules registered")
	}
	for _, r := range rules {
		if !idRE.MatchString(r.ID) || r.Title == "" || r.Rationale == "" || r.Remediation == "" || r.Check == nil {
			t.Errorf("rule %s is incomplete", r.ID)
		}
		if strings.HasSuffix(r.Title, ".") || strings.Contains(r.Title, "\n") {
			t.Errorf("rule %s: title must be one line without a final period: %q", r.ID, r.Title)
		}
	}
	if err := Register(&Rule{ID: rules[0].ID, Title: "x", Rationale: "x", Remediation: "x", Check: func(*Context) {}}); err == nil {
		t.Error("registry accepted a duplicate ID")
	}
	if err := Register(&Rule{ID: "DR1", Title: "x", Rationale: "x", Remediation: "x", Check: func(*Context) {}}); err == nil {
		t.Error("registry accepted a malformed ID")
	}
	if err := Register(&Rule{ID: "DR999", Title: "x", Check: func(*Context) {}}); err == nil {
		t.Error("registry accepted a rule without rationale or remediation")
	}
}
