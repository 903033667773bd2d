package lint

import (
	"reflect"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR120",
		Severity: report.Warning,
		Title:    "Where a plan declares its accounts, every AWS component names its own",
		Rationale: "A plan that declares accounts has said its resources live in more than one. A component with " +
			"AWS resources that names none is read by `drplan verify` with the caller's own credentials, in " +
			"whichever account those reach: a resource that is really elsewhere reads as missing, a finding about " +
			"production that is only about the plan. DR118 and DR119 do not guess where it lives either, so a " +
			"restore source or a hosted zone left unplaced escapes them.",
		Remediation: "Name the account on the component (`account: \"prod\"`), one of the plan's `accounts`.",
		Check:       checkDR120,
	})
}

func checkDR120(c *Context) {
	p := c.Plan
	if len(p.Accounts) == 0 {
		return
	}
	names := quoteIDs(plan.Keys(p.Accounts))
	for _, id := range plan.Keys(p.Components) {
		comp := p.Components[id]
		// An empty aws: {} names nothing for verify to read.
		if comp.AWS == nil || reflect.ValueOf(*comp.AWS).IsZero() || comp.Account != "" {
			continue
		}
		c.Report(At("components", id),
			"component %q has AWS resources but names no account, while the plan declares %s: verify reads it with the caller's own credentials, and DR118 and DR119 cannot tell where it lives",
			id, andList(names))
	}
}
