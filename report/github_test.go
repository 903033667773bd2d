package report

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestGitHubEscaping(t *testing.T) {
	r := &Result{Rules: fixtureRules(), Plans: []PlanResult{{
		Name: "odd",
		Findings: []Finding{
			{RuleID: "DR001", Severity: Error, Pos: pos("plans/a,b:c/plan.cue", 7, 3),
				Message: "100% sure: rpo is missing,\nreally\r\n::error::injected"},
			{RuleID: "DR002", Severity: Warning, Pos: pos("plans/x/plan.cue", 9, 0), Message: "no column"},
			{RuleID: "DR003", Severity: Info, Pos: pos("plans/x/plan.cue", 0, 0), Message: "no line"},
			{RuleID: "DR00,1:x", Severity: Info, Message: "no file"},
		},
		Suppressed: []Finding{
			{RuleID: "DR002", Severity: Warning, Pos: pos("plans/x/plan.cue", 1, 1), Message: "not annotated",
				Suppressed: &Suppression{Reason: "ok"}},
		},
	}, {
		Path:       "plans/broken",
		LoadErrors: []Finding{{Message: "expected '}', found EOF", Pos: pos("plans/broken/plan.cue", 31, 1)}},
	}}}
	got := string(render(t, "github", r, Options{}))
	want := strings.Join([]string{
		"::error file=plans/a%2Cb%3Ac/plan.cue,line=7,col=3,title=DR001::100%25 sure: rpo is missing,%0Areally%0D%0A::error::injected",
		"::warning file=plans/x/plan.cue,line=9,title=DR002::no column",
		"::notice file=plans/x/plan.cue,title=DR003::no line",
		"::notice title=DR00%2C1%3Ax::no file",
		"::error file=plans/broken/plan.cue,line=31,col=1,title=load-error::expected '}', found EOF",
	}, "\n") + "\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestGitHubBaseDir(t *testing.T) {
	base := t.TempDir()
	r := &Result{Plans: []PlanResult{{Findings: []Finding{
		{RuleID: "DR001", Severity: Error, Pos: pos(filepath.Join(base, "plans", "p", "plan.cue"), 1, 2), Message: "m"},
	}}}}
	got := string(render(t, "github", r, Options{BaseDir: base}))
	want := "::error file=plans/p/plan.cue,line=1,col=2,title=DR001::m\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestGitHubClean(t *testing.T) {
	if out := render(t, "github", cleanResult(), Options{}); len(out) != 0 {
		t.Errorf("clean result annotated: %q", out)
	}
}
