package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

// twoTierPlan is the clean plan with a second tier on the same database
// path: tier0 (RPO 5 s) and tier1 (RPO 1 min) both carried by
// db-cross-region, a CloudWatch-measured RDS replica.
func twoTierPlan(t *testing.T) *plan.Plan {
	t.Helper()
	p := cleanPlan(t)
	p.Tiers["tier0"].RPO = dr1Dur(t, "5s")
	p.Tiers["tier1"] = &plan.Tier{Level: 1, Title: "Reports", RTO: dr1Dur(t, "1h"), RPO: dr1Dur(t, "1m")}
	p.Services["reports"] = &plan.Service{Title: "Reports", Tier: "tier1", DependsOn: []string{"db"}}
	delete(p.Alerts, "db-lag")
	return p
}

func TestDR106(t *testing.T) {
	// Thresholds derived from the plan are never looser than it.
	wantNone(t, run(t, cleanPlan(t), "DR106"))

	p := cleanPlan(t)
	p.Alerts["db-lag"].Threshold = dr1Dur(t, "10m")
	wantFinding(t, run(t, p, "DR106"), "alerts.db-lag.threshold",
		`alert "db-lag" fires at 10 min of replication lag held for 60 s, looser than tier0's RPO of 5 min, the strictest RPO of the tiers replication path "db-cross-region" carries (tier0), as the alert does not say which it guards`)

	// Within the RPO alone, beyond it with `for`: a warning, naming the
	// metric's one-minute period.
	p.Alerts["db-lag"].Threshold = dr1Dur(t, "4m30s")
	p.Alerts["db-lag"].For = dr1Dur(t, "2m")
	fs := run(t, p, "DR106")
	msg := `alert "db-lag" fires only after 4 min 30 s of replication lag held for 2 min (6 min 30 s in all), later than tier0's RPO of 5 min, the strictest RPO`
	if sev := checklistSeverity(t, fs, "alerts.db-lag.for", msg); sev != report.Warning {
		t.Errorf("severity %s, want warning", sev)
	}
	wantFinding(t, fs, "alerts.db-lag.for", "(its metric has a sample every 60 s)")
	p.Alerts["db-lag"].Threshold = dr1Dur(t, "3m")
	wantNone(t, run(t, p, "DR106"))

	p = cleanPlan(t)
	p.Alerts["backup-fresh"].Threshold = dr1Dur(t, "2h")
	wantFinding(t, run(t, p, "DR106"), "alerts.backup-fresh.threshold",
		`alert "backup-fresh" fires at 2 h of backup age, looser than tier0's RPO of 5 min, the strictest RPO of the tiers component "backups" carries (tier0)`)

	// Staleness: the threshold against the cadence; a `for` of an hour on
	// a 90-day cadence is nothing.
	p = cleanPlan(t)
	p.Alerts["failover-stale"].Threshold = dr1Dur(t, "90d")
	p.Alerts["failover-stale"].For = dr1Dur(t, "1h")
	wantNone(t, run(t, p, "DR106"))
	p.Alerts["failover-stale"].Threshold = dr1Dur(t, "120d")
	wantFinding(t, run(t, p, "DR106"), "alerts.failover-stale.threshold",
		`alert "failover-stale" fires after 120 days without a successful drill, looser than the 90 days game-day cadence of the tiers runbook "failover" restores`)

	// An RPO of 0 is DR102's: no lag threshold can guard it.
	p = cleanPlan(t)
	p.Tiers["tier0"].RPO = dr1Dur(t, "0s")
	p.Alerts["db-lag"].Threshold = dr1Dur(t, "10s")
	wantNone(t, run(t, p, "DR106"))
}

// One path, two tiers, an alert for each: each is judged against the tier
// it guards, not the strictest on the path.
func TestDR106AlertPerTier(t *testing.T) {
	p := twoTierPlan(t)
	p.Alerts["t0-lag"] = &plan.Alert{Kind: plan.AlertReplicationLag, Replication: "db-cross-region",
		Guards: &plan.AlertGuard{Tier: "tier0"}, Threshold: dr1Dur(t, "4s")}
	p.Alerts["t1-lag"] = &plan.Alert{Kind: plan.AlertReplicationLag, Replication: "db-cross-region",
		Guards: &plan.AlertGuard{Tier: "tier1"}, Threshold: dr1Dur(t, "30s"), For: dr1Dur(t, "2m")}
	// 30 s + 2 min is past tier1's minute, but a one-minute CloudWatch
	// metric cannot confirm a breach within a minute: no tighter alert
	// exists.
	wantNone(t, run(t, p, "DR106"))

	// A metric sampled every 10 s could: a warning naming tier1's RPO as
	// the one it guards as stated.
	p.Alerts["t1-lag"].Metric = &plan.Metric{Name: "pg_replication_lag_seconds", Period: dr1Dur(t, "10s")}
	fs := run(t, p, "DR106")
	msg := `alert "t1-lag" fires only after 30 s of replication lag held for 2 min (2 min 30 s in all), later than tier1's RPO of 60 s, which it guards as stated (its metric has a sample every 10 s)`
	if sev := checklistSeverity(t, fs, "alerts.t1-lag.for", msg); sev != report.Warning {
		t.Errorf("severity %s, want warning", sev)
	}
	if len(fs) != 1 {
		t.Errorf("want one finding, got:\n%s", dump(fs))
	}
	// No period known (a Prometheus-native metric that states none): the
	// same warning, without the period.
	p.Alerts["t1-lag"].Metric = &plan.Metric{Name: "pg_replication_lag_seconds"}
	wantFinding(t, run(t, p, "DR106"), "alerts.t1-lag.for", "which it guards as stated")

	// Beyond the tier it guards is an error.
	p.Alerts["t1-lag"].Threshold = dr1Dur(t, "90s")
	wantFinding(t, run(t, p, "DR106"), "alerts.t1-lag.threshold",
		`alert "t1-lag" fires at 90 s of replication lag held for 2 min, looser than tier1's RPO of 60 s, which it guards as stated`)

	// Silent about what it guards: held to the strictest RPO on the path,
	// and the message says so.
	p = twoTierPlan(t)
	p.Alerts["t1-lag"] = &plan.Alert{Kind: plan.AlertReplicationLag, Replication: "db-cross-region", Threshold: dr1Dur(t, "30s")}
	wantFinding(t, run(t, p, "DR106"), "alerts.t1-lag.threshold",
		`looser than tier0's RPO of 5 s, the strictest RPO of the tiers replication path "db-cross-region" carries (tier0, tier1), as the alert does not say which it guards`)
}

// Alerts that guard readiness are judged against no RPO; a freshness one
// against the schedule it watches.
func TestDR106Readiness(t *testing.T) {
	p := twoTierPlan(t)
	p.Alerts["warmth"] = &plan.Alert{Kind: plan.AlertReplicationLag, Replication: "db-cross-region",
		Guards: &plan.AlertGuard{Readiness: "replica warm enough to take reads"}, Threshold: dr1Dur(t, "10m"), For: dr1Dur(t, "10m")}
	p.Alerts["backup-fresh"].Guards = &plan.AlertGuard{Readiness: "a nightly restore source exists"}
	p.Alerts["backup-fresh"].Threshold = dr1Dur(t, "26h")
	p.Components["backups"].AWS.Frequency = dr1Dur(t, "24h")
	wantNone(t, run(t, p, "DR106"))

	p.Alerts["backup-fresh"].Threshold = dr1Dur(t, "20h")
	fs := run(t, p, "DR106")
	msg := `alert "backup-fresh" fires at 20 h of backup age, but component "backups" takes a recovery point only every 1 day: it fires on every healthy cycle`
	if sev := checklistSeverity(t, fs, "alerts.backup-fresh.threshold", msg); sev != report.Warning {
		t.Errorf("severity %s, want warning", sev)
	}

	// A backlog alert counts late objects: not judged as a lag.
	p = twoTierPlan(t)
	n := int64(0)
	p.Alerts["late"] = &plan.Alert{Kind: plan.AlertReplicationBacklog, Replication: "db-cross-region", ThresholdCount: &n, Threshold: dr1Dur(t, "15m")}
	wantNone(t, run(t, p, "DR106"))
}
