package lint

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR004",
		Severity: report.Error,
		Title:    "Every runbook is numbered, with a command, an expected output and a rollback for each step",
		Rationale: "A runbook is read at 3 AM by someone who did not write it. Steps numbered in order can be " +
			"followed and referred to on the incident bridge; a real command can be run (and `drplan run` " +
			"runs it); an expected output, a regular expression the output must match, tells the operator and " +
			"the drill runner whether the step worked; a rollback says how to back out when it did not. A step " +
			"that cannot be undone (promoting an Aurora secondary, rotating stolen credentials) must say so and " +
			"why, so nobody looks for an undo in the middle of an incident.",
		Remediation: "Number the steps 1, 2, 3... in order. Give every step a command and an expect (an RE2 " +
			"regular expression matched against the command's output, e.g. \"available\" or " +
			"\"Phase:[[:space:]]+Succeeded\"), and either a rollback (command, and expect) or an irreversible " +
			"reason that says why the step cannot be undone and what is done instead; never both.",
		Check: checkDR004,
	})
}

// minIrreversibleReason is the shortest text accepted as a reason a step
// cannot be undone; "n/a" or "irreversible" explains nothing.
const minIrreversibleReason = 15

func checkDR004(c *Context) {
	p := c.Plan
	for _, id := range plan.Keys(p.Runbooks) {
		rb := p.Runbooks[id]
		if len(rb.Steps) == 0 {
			c.Report(At("runbooks", id, "steps"), "runbook %q has no steps", id)
			continue
		}
		for i, pc := range rb.Preconditions {
			if err := expectError(c, pc.Expect); err != "" {
				c.Report(At("runbooks", id, "preconditions", i, "expect"),
					"expect of pre-condition %d of runbook %q is not a valid RE2 regular expression: %s", i+1, id, err)
			}
		}
		for i, s := range rb.Steps {
			if s.Number != i+1 {
				c.Report(At("runbooks", id, "steps", i, "number"),
					"step %q of runbook %q is numbered %d where %d is expected: steps are numbered 1 to %d in order",
					s.ID, id, s.Number, i+1, len(rb.Steps))
				break
			}
		}
		for i, s := range rb.Steps {
			checkStep(c, id, i, s)
		}
	}
}

func checkStep(c *Context, rbID string, i int, s *plan.Step) {
	at := func(elems ...any) []any { return append([]any{"runbooks", rbID, "steps", i}, elems...) }
	name := fmt.Sprintf("step %d (%q) of runbook %q", i+1, s.ID, rbID)

	switch {
	case strings.TrimSpace(s.Command) == "":
		c.Report(at("command"), "%s has no command", name)
	case isPlaceholder(s.Command):
		c.Report(at("command"), "%s has a placeholder instead of a command: %q", name, strings.TrimSpace(s.Command))
	}
	if strings.TrimSpace(s.Expect) == "" {
		c.Report(at("expect"), "%s has no expected output (expect)", name)
	} else if err := expectError(c, s.Expect); err != "" {
		c.Report(at("expect"), "expect of %s is not a valid RE2 regular expression: %s", name, err)
	}

	reason := strings.TrimSpace(s.Irreversible)
	switch {
	case s.Rollback == nil && reason == "":
		c.Report(at("rollback"), "%s has neither a rollback nor an irreversible reason", name)
	case s.Rollback != nil && reason != "":
		c.Report(at("irreversible"), "%s has both a rollback and an irreversible reason: either it can be undone or it cannot", name)
	case reason != "" && utf8.RuneCountInString(reason) < minIrreversibleReason:
		c.Report(at("irreversible"), "the irreversible reason of %s is too short to be a reason: %q (%d characters, at least %d)",
			name, reason, utf8.RuneCountInString(reason), minIrreversibleReason)
	}
	if rb := s.Rollback; rb != nil {
		switch {
		case strings.TrimSpace(rb.Command) == "":
			c.Report(at("rollback", "command"), "the rollback of %s has no command", name)
		case isPlaceholder(rb.Command):
			c.Report(at("rollback", "command"), "the rollback of %s has a placeholder instead of a command: %q", name, strings.TrimSpace(rb.Command))
		}
		if err := expectError(c, rb.Expect); err != "" {
			c.Report(at("rollback", "expect"), "expect of the rollback of %s is not a valid RE2 regular expression: %s", name, err)
		}
	}
}

// expectError returns why expect is not a valid RE2 expression, "" when
// it is (or is empty).
func expectError(c *Context, expect string) string {
	if expect == "" {
		return ""
	}
	if _, err := c.Regexp(expect); err != nil {
		return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
	}
	return ""
}

// placeholders are texts written where a command or a message belongs
// before anyone wrote it.
var placeholders = map[string]bool{
	"todo": true, "tbd": true, "tba": true, "fixme": true, "xxx": true, "...": true, "…": true,
	"n/a": true, "na": true, "-": true, "none": true, "placeholder": true, "echo todo": true, "true": true, ":": true,
}

// isPlaceholder reports whether s is a stand-in rather than content: TODO,
// TBD, "...", or text starting with "TODO:".
func isPlaceholder(s string) bool {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimRight(t, ".!")
	if t == "" && strings.TrimSpace(s) != "" {
		t = "..." // only dots
	}
	if placeholders[t] {
		return true
	}
	for _, p := range []string{"todo:", "tbd:", "fixme:", "todo ", "tbd "} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}
