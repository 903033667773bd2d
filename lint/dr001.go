package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR001",
		Severity: report.Error,
		Title:    "Every tier has an RTO and an RPO, signed off by the business roles it requires",
		Rationale: "Recovery objectives are a business decision: they trade the cost of downtime and data loss " +
			"against the cost of the DR posture, so engineering cannot set them alone. An objective nobody " +
			"accountable approved is not an objective, and an approval of objectives that have since changed " +
			"approves nothing: each sign-off carries a digest of the tier's RTO, RPO, strategy and services " +
			"(the same digest `drplan signoff` writes), so any change of substance makes it stale.",
		Remediation: "Give every tier an rto and an rpo, list in signoff.required the business roles that must " +
			"approve them (e.g. \"VP Engineering\", \"CFO\"), and record each approval with " +
			"`drplan signoff PLAN --tier TIER --role ROLE --name NAME`, which writes the current digest. When a " +
			"sign-off is stale, have the role review the changed objectives and sign again.",
		Check: checkDR001,
	})
}

func checkDR001(c *Context) {
	p := c.Plan
	for _, id := range p.TierIDs() {
		t := p.Tiers[id]
		if t.RTO == nil {
			c.Report(At("tiers", id, "rto"), "tier %q has no RTO", id)
		}
		if t.RPO == nil {
			c.Report(At("tiers", id, "rpo"), "tier %q has no RPO", id)
		}
		var given []plan.SignOff
		if t.SignOff != nil {
			given = t.SignOff.Given
		}
		required := requiredRoles(t)
		if len(required) == 0 {
			c.Report(At("tiers", id, "signoff", "required"),
				"tier %q names no business role whose sign-off it requires: nobody accountable has to approve its objectives", id)
		}
		digest := p.TierDigest(id)
		// A role is satisfied by one current sign-off; older ones by the
		// same role are history. A role whose every sign-off is stale is
		// reported once, on its latest sign-off.
		for _, i := range required {
			role := t.SignOff.Required[i]
			if !hasSignOff(given, role) {
				c.Report(At("tiers", id, "signoff", "required", i),
					"tier %q has no sign-off by %s, a role it requires", id, role)
			}
		}
		for _, role := range signOffRoles(given) {
			latest, current := -1, false
			for i, s := range given {
				if !sameRole(s.Role, role) {
					continue
				}
				if s.Digest == digest {
					current = true
				}
				if latest < 0 || !s.Date.Before(given[latest].Date.Time) {
					latest = i
				}
			}
			if current {
				continue
			}
			s := given[latest]
			sev := report.Error
			if !isRequiredRole(t, role) {
				// Not a required approval, so the tier does not fail
				// on it; but a stale approval still claims too much.
				sev = report.Warning
			}
			var changed []string
			if c.SignedVersion != nil {
				if old := c.SignedVersion(id, s.Digest); old != nil {
					changed = tierChanges(old, p, id)
				}
			}
			if len(changed) == 0 {
				c.ReportAs(sev, At("tiers", id, "signoff", "given", latest, "digest"),
					"sign-off by %s (%s, %s) approved other objectives: RTO, RPO, strategy or services of %s changed since",
					s.Role, s.Name, s.Date, id)
				continue
			}
			c.ReportAs(sev, At("tiers", id, "signoff", "given", latest, "digest"),
				"sign-off by %s (%s, %s) approved other objectives: since the version of the plan it signed, %s's %s",
				s.Role, s.Name, s.Date, id, andList(changed))
		}
	}
}

// requiredRoles returns the indexes of the non-blank required roles of t.
func requiredRoles(t *plan.Tier) []int {
	if t.SignOff == nil {
		return nil
	}
	var out []int
	for i, r := range t.SignOff.Required {
		if strings.TrimSpace(r) != "" {
			out = append(out, i)
		}
	}
	return out
}

func isRequiredRole(t *plan.Tier, role string) bool {
	for _, i := range requiredRoles(t) {
		if sameRole(t.SignOff.Required[i], role) {
			return true
		}
	}
	return false
}

func hasSignOff(given []plan.SignOff, role string) bool {
	for _, s := range given {
		if sameRole(s.Role, role) {
			return true
		}
	}
	return false
}

// signOffRoles lists the distinct roles that signed, in order of first sign-off.
func signOffRoles(given []plan.SignOff) []string {
	var out []string
	for _, s := range given {
		if !containsRole(out, s.Role) {
			out = append(out, s.Role)
		}
	}
	return out
}

func containsRole(roles []string, role string) bool {
	for _, r := range roles {
		if sameRole(r, role) {
			return true
		}
	}
	return false
}

// sameRole compares role names as people write them: "CFO" and "cfo " are
// the same role.
func sameRole(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// tierChanges names what changed in tier id between the signed version of
// the plan and the current one, among the facts its digest covers: "RTO 15
// min → 10 min", "services added: search".
func tierChanges(old, cur *plan.Plan, id string) []string {
	a, b := old.Tiers[id], cur.Tiers[id]
	if a == nil || b == nil {
		return nil
	}
	var out []string
	dur := func(d *plan.Duration) string {
		if d == nil {
			return "none"
		}
		return d.Human()
	}
	for _, o := range []struct {
		name string
		a, b *plan.Duration
	}{{"RTO", a.RTO, b.RTO}, {"RPO", a.RPO, b.RPO}} {
		if (o.a == nil) != (o.b == nil) || (o.a != nil && o.a.Duration != o.b.Duration) {
			out = append(out, fmt.Sprintf("%s %s → %s", o.name, dur(o.a), dur(o.b)))
		}
	}
	if a.Strategy != b.Strategy {
		out = append(out, fmt.Sprintf("strategy %s → %s", orNone(a.Strategy), orNone(b.Strategy)))
	}
	was, now := old.TierServices(id), cur.TierServices(id)
	var added, removed []string
	for _, s := range now {
		if !slices.Contains(was, s) {
			added = append(added, s)
		}
	}
	for _, s := range was {
		if !slices.Contains(now, s) {
			removed = append(removed, s)
		}
	}
	if len(added) > 0 {
		out = append(out, "services added: "+strings.Join(added, ", "))
	}
	if len(removed) > 0 {
		out = append(out, "services removed: "+strings.Join(removed, ", "))
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
