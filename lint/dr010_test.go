package lint

import "testing"

func TestDR010(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR010"))

	p := cleanPlan(t)
	p.Owner = nil
	wantFinding(t, run(t, p, "DR010"), "", "no owner")

	p = cleanPlan(t)
	p.Review.LastReviewed.Time = p.Review.LastReviewed.AddDate(0, -6, 0)
	wantFinding(t, run(t, p, "DR010"), "review.lastReviewed", "the plan expired on 2026-06-30: last reviewed 2026-04-01")

	p = cleanPlan(t)
	p.Review = nil
	wantFinding(t, run(t, p, "DR010"), "", "no review cadence")
}
