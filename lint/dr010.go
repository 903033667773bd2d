package lint

import "github.com/drplan/drplan/report"

func init() {
	mustRegister(&Rule{
		ID:       "DR010",
		Severity: report.Error,
		Title:    "The plan has an owner and is within its review date",
		Rationale: "A DR document nobody owns, or that nobody has re-read within its review cadence, " +
			"describes a system that may no longer exist; that is found at 3 AM, not before.",
		Remediation: "Set owner (team, person, contact) and review (cadence, lastReviewed); after reviewing the " +
			"plan against production, update review.lastReviewed.",
		Check: func(c *Context) {
			p := c.Plan
			if p.Owner == nil {
				c.Report(At(), "the plan has no owner: nobody is accountable for keeping it current")
			}
			if p.Review == nil {
				c.Report(At(), "the plan has no review cadence, so it never expires")
				return
			}
			if p.Review.Cadence.Duration <= 0 {
				c.Report(At("review", "cadence"), "the review cadence is zero")
				return
			}
			if due := p.Review.Due(); !c.Now.IsZero() && c.Now.After(due.Time) {
				c.Report(At("review", "lastReviewed"), "the plan expired on %s: last reviewed %s, review cadence %s",
					due, p.Review.LastReviewed, p.Review.Cadence.Human())
			}
		},
	})
}
