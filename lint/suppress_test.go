package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func TestSuppressions(t *testing.T) {
	expired := func(p *plan.Plan) {
		p.Review.LastReviewed.Time = p.Review.LastReviewed.AddDate(-1, 0, 0)
	}
	p := cleanPlan(t)
	expired(p)
	if fs := run(t, p, "DR010"); len(fs) != 1 {
		t.Fatalf("want the DR010 finding, got:\n%s", dump(fs))
	}

	// Suppressed on the plan: counted apart, with its reason.
	p.Suppress = []plan.Suppression{{Rule: "dr010", Reason: "migrating owners"}}
	fs, sup := Lint(p, Options{Now: testNow, Rules: []string{"DR010"}})
	if len(fs) != 0 || len(sup) != 1 || sup[0].Suppressed.Reason != "migrating owners" {
		t.Fatalf("suppression not applied: findings %v, suppressed %v", fs, sup)
	}

	// An expired suppression no longer suppresses.
	d, _ := plan.ParseDate("2026-11-01")
	p.Suppress[0].Expires = &d
	if fs := run(t, p, "DR010"); len(fs) != 1 {
		t.Fatalf("expired suppression still applied:\n%s", dump(fs))
	}

	// A suppression for another rule, or on another node, does not apply.
	p.Suppress = nil
	p.Tiers["tier0"].Suppress = []plan.Suppression{{Rule: "DR010", Reason: "wrong node"}}
	if fs := run(t, p, "DR010"); len(fs) != 1 {
		t.Fatalf("suppression on an unrelated node applied:\n%s", dump(fs))
	}

	// Accepted: still reported, as a warning carrying the reason.
	p.Tiers["tier0"].Suppress = nil
	p.Accept = []plan.Suppression{{Rule: "DR010", Reason: "review moved to Q1"}}
	fs = run(t, p, "DR010")
	if len(fs) != 1 || fs[0].Severity != report.Warning || fs[0].Message == "" {
		t.Fatalf("acceptance not applied:\n%s", dump(fs))
	}
	wantFinding(t, fs, "", "(accepted: review moved to Q1)")
}
