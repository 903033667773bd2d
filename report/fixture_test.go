package report

import (
	"bytes"
	"testing"

	"github.com/drplan/drplan/plan"
)

// fixtureRules are three rules, one of each default severity.
func fixtureRules() []Rule {
	const docs = "https://github.com/drplan/drplan/blob/main/docs/rules.md#"
	return []Rule{
		{ID: "DR001", Title: "Tier 0 services need an RPO", Severity: Error,
			Rationale:   "Without a recovery point objective nobody knows how much data loss is acceptable.",
			Remediation: "Set `rpo` on every tier-0 service.", HelpURI: docs + "dr001"},
		{ID: "DR002", Title: "Runbook steps need owners", Severity: Warning,
			Rationale:   "A step nobody owns is a step nobody runs at 3am.",
			Remediation: "Give each step an `owner`.", HelpURI: docs + "dr002"},
		{ID: "DR003", Title: "Backups should be restore-tested", Severity: Info,
			Rationale:   "An untested backup is a hope, not a backup.",
			Remediation: "Record the last restore test in `backups.tested`.", HelpURI: docs + "dr003"},
	}
}

func pos(file string, line, col int) plan.Pos { return plan.Pos{File: file, Line: line, Col: col} }

// fixtureResult has a plan with findings of every severity and a
// suppressed one, a plan with a warning and an info, and a plan that
// failed to load.
func fixtureResult() *Result {
	const of = "plans/orderflow/plan.cue"
	const bf = "plans/billing/plan.cue"
	return &Result{
		Tool:    "drplan",
		Version: "1.2.3",
		Rules:   fixtureRules(),
		Plans: []PlanResult{
			{
				Name: "orderflow",
				Path: "plans/orderflow",
				Findings: []Finding{
					{RuleID: "DR001", Severity: Error, Message: "service orders is tier 0 but has no rpo", Pos: pos(of, 12, 5), Path: "services.orders"},
					{RuleID: "DR001", Severity: Error, Message: "service payments-gw is tier 0 but has no rpo", Pos: pos(of, 15, 5), Path: "services.payments-gw"},
					{RuleID: "DR002", Severity: Warning, Message: "step 3 of region-failover has no owner", Pos: pos(of, 40, 9), Path: "runbooks.region-failover.steps.3"},
					{RuleID: "DR003", Severity: Info, Message: "backup <orders-db> & friends never restore-tested", Pos: pos(of, 52, 3), Path: "backups.orders-db"},
				},
				Suppressed: []Finding{
					{RuleID: "DR002", Severity: Warning, Message: "step 4 of region-failover has no owner", Pos: pos(of, 44, 9), Path: "runbooks.region-failover.steps.4",
						Suppressed: &Suppression{Reason: "owned by the vendor until migration", Expires: "2026-09-30", Pos: pos(of, 43, 9)}},
				},
			},
			{
				Name: "billing",
				Path: "plans/billing",
				Findings: []Finding{
					{RuleID: "DR002", Severity: Warning, Message: "step 1 of restore-db has no owner", Pos: pos(bf, 8, 7), Path: "runbooks.restore-db.steps.1"},
					{RuleID: "DR003", Severity: Info, Message: "backup ledger never restore-tested", Pos: pos(bf, 20, 3), Path: "backups.ledger"},
				},
			},
			{
				Name: "",
				Path: "plans/payments",
				LoadErrors: []Finding{
					{RuleID: "load", Severity: Error, Message: "expected '}', found EOF", Pos: pos("plans/payments/plan.cue", 31, 1)},
				},
			},
		},
	}
}

// cleanResult is a run that found nothing.
func cleanResult() *Result {
	return &Result{
		Tool:    "drplan",
		Version: "1.2.3",
		Rules:   fixtureRules(),
		Plans:   []PlanResult{{Name: "clean", Path: "plans/clean"}},
	}
}

func render(t *testing.T, format string, r *Result, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, r, o); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.Bytes()
}
