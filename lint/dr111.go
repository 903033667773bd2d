package lint

import (
	"strings"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR111",
		Severity: report.Error,
		Title:    "Each step's sample, timeout and rollback agree with its command",
		Rationale: "The runner checks a step's output against its expect regular expression (RE2) and fails the " +
			"step when it does not match: a sample output, which shows the operator what success looks like, " +
			"that the expect does not match means either the sample or the check is wrong, and the runner would " +
			"fail the step on the very output the runbook documents. A timeout shorter than the step's estimate " +
			"kills the step on an ordinary run. A rollback that repeats the command does the step again instead " +
			"of undoing it.",
		Remediation: "Make expect match the documented sample (test it: the sample is the fixture), set the " +
			"timeout above the estimate with room for a bad day, and write a rollback that undoes the step, or " +
			"mark the step irreversible with the reason.",
		Check: checkDR111,
	})
}

func checkDR111(c *Context) {
	p := c.Plan
	for _, id := range plan.Keys(p.Runbooks) {
		rb := p.Runbooks[id]
		for i, s := range rb.Steps {
			at := func(field ...any) []any { return append(At("runbooks", id, "steps", i), field...) }
			if s.Expect != "" {
				// An invalid expect is DR004's finding; here it only
				// means there is nothing to match the sample against.
				re, err := c.Regexp(s.Expect)
				switch {
				case err != nil:
				case s.Sample != "" && !re.MatchString(s.Sample):
					c.Report(at("sample"), "%s of runbook %q: its sample output does not match its expect %q, so the runner would fail the step on the output the runbook documents",
						stepRef(rb, i), id, s.Expect)
				}
			}
			if s.Timeout != nil && s.Estimate != nil && s.Timeout.Duration < s.Estimate.Duration {
				c.Report(at("timeout"), "%s of runbook %q times out after %s, before its estimate of %s: the runner would kill it on an ordinary run",
					stepRef(rb, i), id, s.Timeout, s.Estimate)
			}
			if s.Rollback != nil && s.Command != "" && strings.TrimSpace(s.Rollback.Command) == strings.TrimSpace(s.Command) {
				c.Report(at("rollback", "command"), "%s of runbook %q has a rollback identical to its command: running the step again does not undo it",
					stepRef(rb, i), id)
			}
		}
	}
}
