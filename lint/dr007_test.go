package lint

import (
	"testing"
	"time"

	"github.com/drplan/drplan/plan"
)

func TestDR007(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR007"))

	p := cleanPlan(t)
	p.GameDays = nil
	fs := run(t, p, "DR007")
	wantFinding(t, fs, "gamedays", "the plan has no game-day schedule: no tier has a drill cadence")
	if len(fs) != 1 {
		t.Errorf("want one finding, got:\n%s", dump(fs))
	}

	p = cleanPlan(t)
	p.Drills = nil
	fs = run(t, p, "DR007")
	wantFinding(t, fs, "drills", "no drill results are recorded")
	if len(fs) != 1 {
		t.Errorf("want one finding, got:\n%s", dump(fs))
	}

	p = cleanPlan(t)
	delete(p.GameDays.Cadence, "tier0")
	wantFinding(t, run(t, p, "DR007"), "gamedays.cadence.tier0", `tier "tier0" has no game-day cadence`)

	p = cleanPlan(t)
	p.GameDays.Cadence["tier0"] = plan.Duration{}
	wantFinding(t, run(t, p, "DR007"), "gamedays.cadence.tier0", `tier "tier0" has a game-day cadence of 0s, which is no cadence`)

	// Tier 0 is drilled at least quarterly; other tiers may be looser.
	p = cleanPlan(t)
	p.GameDays.Cadence["tier0"] = plan.Duration{Duration: 180 * 24 * time.Hour}
	wantFinding(t, run(t, p, "DR007"), "gamedays.cadence.tier0",
		`tier "tier0" (Tier 0) is drilled every 180 days; Tier 0 needs a game day at least quarterly (every 90 days)`)
	p.Tiers["tier0"].Level = 1
	wantNone(t, run(t, p, "DR007"))

	// The last drill of a runbook restoring the tier is older than the cadence.
	p = cleanPlan(t)
	p.Drills["2026-10-20-failover"].Date = dr007Date(t, "2026-05-01")
	p.Drills["2026-10-22-pitr"].Date = dr007Date(t, "2026-08-22")
	wantFinding(t, run(t, p, "DR007"), "gamedays.cadence.tier0",
		`tier "tier0" was last drilled on 2026-08-22 (drill "2026-10-22-pitr" of runbook "pitr"), 95 days ago: longer than its cadence of 90 days`)

	// Any environment and any outcome counts as the last drill.
	p.Drills["2026-10-20-failover"].Date = dr007Date(t, "2026-11-01")
	p.Drills["2026-10-20-failover"].Environment = "local"
	p.Drills["2026-10-20-failover"].Outcome = "failed"
	wantNone(t, run(t, p, "DR007"))

	// Drills of runbooks that do not restore the tier do not count.
	p = cleanPlan(t)
	p.Runbooks["failover"].Tiers = nil
	p.Runbooks["pitr"].Tiers = nil
	wantFinding(t, run(t, p, "DR007"), "gamedays.cadence.tier0",
		`tier "tier0" has no recorded drill of a runbook that restores it (cadence 90 days)`)
}

func dr007Date(t *testing.T, s string) plan.Date {
	t.Helper()
	d, err := plan.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
