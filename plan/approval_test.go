package plan

import (
	"testing"
	"time"
)

// A standing approval is in force from its date through its expiry date.
func TestStandingAt(t *testing.T) {
	day := func(s string) time.Time {
		d, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Time
	}
	exp := Date{day("2027-06-30")}
	a := &Approval{Role: "IC", Standing: &StandingApproval{ApprovedBy: "VP", Date: Date{day("2026-11-01")}, Expires: &exp, Reference: "CAB-118"}}
	for _, c := range []struct {
		now  time.Time
		want bool
	}{
		{day("2026-10-31"), false},
		{day("2026-11-01"), true},
		{day("2027-06-30").Add(23 * time.Hour), true},
		{day("2027-07-01"), false},
		{time.Time{}, true},
	} {
		if _, got := a.StandingAt(c.now); got != c.want {
			t.Errorf("StandingAt(%v) = %v, want %v", c.now, got, c.want)
		}
	}
	if _, ok := (&Approval{Role: "IC"}).StandingAt(day("2026-12-01")); ok {
		t.Error("an approval without a standing one is in force")
	}
	if got := a.Standing.String(); got != "VP on 2026-11-01 (CAB-118), until 2027-06-30" {
		t.Errorf("String() = %q", got)
	}
}
