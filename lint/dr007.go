package lint

import (
	"slices"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR007",
		Severity: report.Error,
		Title:    "Game days exercise every tier within its cadence, at least quarterly for Tier 0, and the results are recorded",
		Rationale: "A recovery that has not been exercised recently is a hypothesis: drills are what find the " +
			"NodePool limit that blocks a scale-up, the health check on the slow interval, the consumer group " +
			"without offset sync. Each tier needs a cadence, Tier 0 at least quarterly (90 days), and the drill " +
			"results must be recorded so that measured RTO and RPO can be compared with the objectives and with " +
			"the previous drill. A tier whose last drill is older than its cadence is running on trust.",
		Remediation: "Add gamedays.cadence with an entry per tier (Tier 0 at most 90d), schedule the game days, " +
			"and record each drill under drills (`drplan run` writes the record) with the runbook it exercised; " +
			"list in each runbook's tiers the tiers it restores, so its drills count for them. When a tier is " +
			"overdue, run a drill of a runbook that restores it.",
		Check: checkDR007,
	})
}

// tier0MaxCadence is the loosest game-day cadence accepted for Tier 0: quarterly.
const tier0MaxCadence = 90 * 24 * time.Hour

func checkDR007(c *Context) {
	p := c.Plan
	if len(p.Drills) == 0 {
		c.Report(At("drills"), "no drill results are recorded: nothing shows that any runbook has ever worked")
	}
	if p.GameDays == nil {
		c.Report(At("gamedays"), "the plan has no game-day schedule: no tier has a drill cadence")
		return
	}
	for _, id := range p.TierIDs() {
		t := p.Tiers[id]
		cad, ok := p.GameDays.Cadence[id]
		at := At("gamedays", "cadence", id)
		switch {
		case !ok:
			c.Report(at, "tier %q has no game-day cadence: nothing says how often its recovery is drilled", id)
			continue
		case cad.Duration <= 0:
			c.Report(at, "tier %q has a game-day cadence of %s, which is no cadence", id, cad)
			continue
		case t.Level == 0 && cad.Duration > tier0MaxCadence:
			c.Report(at, "tier %q (Tier 0) is drilled every %s; Tier 0 needs a game day at least quarterly (every 90 days)", id, cad.Human())
		}

		last := lastDrill(p, id)
		if last == "" {
			if len(p.Drills) > 0 {
				c.Report(at, "tier %q has no recorded drill of a runbook that restores it (cadence %s)", id, cad.Human())
			}
			continue
		}
		d := p.Drills[last]
		if c.Now.IsZero() {
			continue
		}
		if age := c.Now.Sub(d.Date.Time); age > cad.Duration {
			c.Report(at, "tier %q was last drilled on %s (drill %q of runbook %q), %s ago: longer than its cadence of %s",
				id, d.Date, last, d.Runbook, ageHuman(age), cad.Human())
		}
	}
}

// lastDrill returns the most recent drill (any environment, any outcome)
// of a runbook that restores tier, "" when there is none.
func lastDrill(p *plan.Plan, tier string) string {
	best := ""
	for _, id := range plan.Keys(p.Drills) {
		d := p.Drills[id]
		rb := p.Runbooks[d.Runbook]
		if rb == nil || !slices.Contains(rb.Tiers, tier) {
			continue
		}
		if best == "" || d.Date.After(p.Drills[best].Date.Time) {
			best = id
		}
	}
	return best
}

// ageHuman formats an age in whole days ("1 day", "252 days"), or as a
// duration when it is under a day.
func ageHuman(d time.Duration) string {
	if d >= 24*time.Hour {
		d = d.Truncate(24 * time.Hour)
	}
	return plan.Duration{Duration: d}.Human()
}
