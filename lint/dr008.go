package lint

import (
	"strings"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR008",
		Severity: report.Error,
		Title:    "Status page, exec channel and customer email templates are pre-written and reviewed",
		Rationale: "During a disaster the people who could write a careful customer message are busy recovering " +
			"the system, and what is said first (on the status page, to the executives, to customers) is what is " +
			"remembered. Messages written and reviewed in calm, by communications and by the accountable " +
			"executive, say what the plan can actually promise instead of what the on-call engineer guesses at " +
			"3 AM; an unreviewed template is a draft.",
		Remediation: "Add comms templates for the status-page, exec-channel and customer-email audiences (at least " +
			"the declared phase; ideally declared, update and resolved), with a body that uses {{placeholders}} " +
			"for incident-time facts, and record review: {by, date} once communications (and legal, for " +
			"security incidents) have approved the text.",
		Check: checkDR008,
	})
}

// dr008Audiences must each have a template.
var dr008Audiences = []string{"status-page", "exec-channel", "customer-email"}

func checkDR008(c *Context) {
	p := c.Plan
	have := map[string]bool{}
	for _, t := range p.Comms {
		have[t.Audience] = true
	}
	for _, a := range dr008Audiences {
		if !have[a] {
			c.Report(At("comms"), "no communication template for the %s audience: its first message would be written during the incident", a)
		}
	}
	for _, id := range plan.Keys(p.Comms) {
		t := p.Comms[id]
		if isPlaceholder(t.Body) {
			c.Report(At("comms", id, "body"), "template %q (%s, %s) has a placeholder instead of a message: %q",
				id, t.Audience, t.Phase, strings.TrimSpace(t.Body))
		}
		switch r := t.Review; {
		case r == nil:
			c.Report(At("comms", id, "review"), "template %q (%s, %s) has not been reviewed", id, t.Audience, t.Phase)
		case strings.TrimSpace(r.By) == "" || r.Date.IsZero():
			c.Report(At("comms", id, "review"), "template %q (%s, %s) has an incomplete review: it needs who reviewed it and when", id, t.Audience, t.Phase)
		case !c.Now.IsZero() && r.Date.After(c.Now):
			c.Report(At("comms", id, "review", "date"), "template %q (%s, %s) is dated as reviewed on %s, which has not happened yet",
				id, t.Audience, t.Phase, r.Date)
		}
	}
}
