package plan

import (
	"fmt"
	"time"
)

// StandingAt returns the approval's standing approval when it is in force
// at now, so that an automated run need not stop for the role. Lint (is an
// "automated" tier really automated?) and `drplan run --yes` (may this gate
// pass unattended?) both decide with it, so they cannot disagree. A zero now
// judges no dates.
func (a *Approval) StandingAt(now time.Time) (*StandingApproval, bool) {
	if a == nil || a.Standing == nil {
		return nil, false
	}
	return a.Standing, a.Standing.InForce(now)
}

// InForce reports whether the standing approval holds at now: given on or
// before now's date and not expired. A zero now judges no dates.
func (s *StandingApproval) InForce(now time.Time) bool {
	if s == nil {
		return false
	}
	return now.IsZero() || (!now.Before(s.Date.Time) && !s.Expired(now))
}

// Expired reports whether the standing approval has lapsed by now: it holds
// through its expiry date, as an accepted finding does.
func (s *StandingApproval) Expired(now time.Time) bool {
	return s.Expires != nil && !now.Before(s.Expires.Time.Add(24*time.Hour))
}

// String says who approved it, when, and where it is recorded, for a
// journal or a document: "VP Engineering on 2026-11-01 (CAB-118), until
// 2027-06-30".
func (s *StandingApproval) String() string {
	out := fmt.Sprintf("%s on %s", s.ApprovedBy, s.Date)
	if s.Reference != "" {
		out += " (" + s.Reference + ")"
	}
	if s.Expires != nil {
		out += ", until " + s.Expires.String()
	}
	return out
}
