package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR116(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR116"))

	// An accepted gap whose reason is a drill the schedule does not hold.
	p := cleanPlan(t)
	p.Drills["2026-10-20-failover"].Accept = []plan.Suppression{{Rule: "DR105", Reason: "Fixed; re-drilled in the 2027-01 game day."}}
	wantFinding(t, run(t, p, "DR116"), "drills.2026-10-20-failover.accept.0",
		`the accept of DR105 on drills.2026-10-20-failover cites a drill in January 2027 as its reason, but no game day of runbook "failover" is scheduled or recorded then: the gap has no remedy booked`)
	// ... a game day of another runbook in that month does not count.
	p.GameDays.Schedule = append(p.GameDays.Schedule,
		plan.ScheduledDrill{Date: dr007Date(t, "2027-01-20"), Scenario: "corruption", Runbook: "pitr", Environment: "staging"},
		plan.ScheduledDrill{Date: dr007Date(t, "2027-03-03"), Scenario: "region", Runbook: "failover", Environment: "staging"})
	wantFinding(t, run(t, p, "DR116"), "drills.2026-10-20-failover.accept.0", `cites a drill in January 2027 as its reason, but no game day of runbook "failover" is scheduled or recorded then (its next is on 2027-03-03)`)
	// ... its own does, by runbook or through its scenario.
	p.GameDays.Schedule = append(p.GameDays.Schedule, plan.ScheduledDrill{Date: dr007Date(t, "2027-01-27"), Scenario: "region", Environment: "production"})
	wantNone(t, run(t, p, "DR116"))

	// A day, a month by name, on any node; dates without a drill are not citations.
	p = cleanPlan(t)
	p.Tiers["tier0"].Accept = []plan.Suppression{
		{Rule: "DR101", Reason: "Game day of March 2027 will measure the new path."},
		{Rule: "DR102", Reason: "Proposal due 2027-03-01 to the CFO."},
		{Rule: "DR107", Reason: "Re-drill booked 2026-10-22, recorded."},
	}
	fs := run(t, p, "DR116")
	wantFinding(t, fs, "tiers.tier0.accept.0", "the accept of DR101 on tiers.tier0 cites a drill in March 2027 as its reason, but no game day is scheduled or recorded then")
	if len(fs) != 1 {
		t.Errorf("want one finding, got:\n%s", dump(fs))
	}

	// A staleness alert that fires already.
	p = cleanPlan(t)
	p.Alerts["pitr-stale"].Threshold = dr1Dur(t, "30d")
	wantFinding(t, run(t, p, "DR116"), "alerts.pitr-stale",
		`alert "pitr-stale" is firing as of 2026-11-25: the last successful drill of runbook "pitr" was "2026-10-22-pitr" on 2026-10-22, 34 days ago, beyond its threshold of 30 days`)
	p.Drills["2026-10-22-pitr"].Outcome = "partial"
	wantFinding(t, run(t, p, "DR116"), "alerts.pitr-stale",
		`alert "pitr-stale" is firing as of 2026-11-25: runbook "pitr" has no successful drill on record, and the alert fires on the missing series`)
	fs, _ = Lint(p, Options{Rules: []string{"DR116"}}) // no date, no judgement
	wantNone(t, fs)

	// A restore source no freshness alert watches.
	p = cleanPlan(t)
	delete(p.Alerts, "backup-fresh")
	wantFinding(t, run(t, p, "DR116"), "components.backups",
		`component "backups" is restored from by scenario "ransomware", but no backup-freshness alert watches it`)
	// ... named by a restore step's command.
	p.Scenarios["ransomware"].RestoreFrom = nil
	p.Runbooks["pitr"].Steps[0].Command = "aws s3 cp s3://clean-backups/dump/db.dump . && pg_restore -d clean db.dump"
	wantFinding(t, run(t, p, "DR116"), "components.backups", `restored from by step 1 "restore" of runbook "pitr"`)
	// ... watched through a lag alert on its path from live data.
	p.Replication["db-backups"].Mode = "async"
	p.Alerts["backups-lag"] = &plan.Alert{Kind: "replication-lag", Replication: "db-backups"}
	wantNone(t, run(t, p, "DR116"))
	// ... but not from an unwatched backup upstream.
	p.Components["landing"] = &plan.Component{Kind: "s3", Role: "backup", Region: "us-east-1", AWS: &plan.AWS{Bucket: "clean-landing"}}
	p.Replication["db-backups"].From = "landing"
	wantFinding(t, run(t, p, "DR116"), "components.backups", "no backup-freshness alert watches it")
	p.Alerts["landing-fresh"] = &plan.Alert{Kind: "backup-freshness", Component: "landing"}
	wantNone(t, run(t, p, "DR116"))
	// A bucket whose name only contains the source's is not it.
	p = cleanPlan(t)
	delete(p.Alerts, "backup-fresh")
	p.Scenarios["ransomware"].RestoreFrom = nil
	p.Runbooks["pitr"].Steps[0].Command = "aws s3 cp s3://clean-backups-old/db.dump . && pg_restore -d clean db.dump"
	wantNone(t, run(t, p, "DR116"))
}
