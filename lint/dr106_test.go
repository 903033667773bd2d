package lint

import "testing"

func TestDR106(t *testing.T) {
	// Thresholds derived from the plan are never looser than it.
	wantNone(t, run(t, cleanPlan(t), "DR106"))

	p := cleanPlan(t)
	p.Alerts["db-lag"].Threshold = dr1Dur(t, "10m")
	wantFinding(t, run(t, p, "DR106"), "alerts.db-lag.threshold",
		`alert "db-lag" fires at 10m of replication lag held for 1m, looser than tier0's RPO of 5 min`)

	// Within the RPO alone, beyond it with `for`.
	p.Alerts["db-lag"].Threshold = dr1Dur(t, "4m30s")
	wantFinding(t, run(t, p, "DR106"), "alerts.db-lag.for",
		`alert "db-lag" fires only after 4m30s of replication lag held for 1m (5m30s in all), later than tier0's RPO of 5 min`)
	p.Alerts["db-lag"].Threshold = dr1Dur(t, "4m")
	wantNone(t, run(t, p, "DR106"))

	p = cleanPlan(t)
	p.Alerts["backup-fresh"].Threshold = dr1Dur(t, "2h")
	wantFinding(t, run(t, p, "DR106"), "alerts.backup-fresh.threshold",
		`alert "backup-fresh" fires at 2h of backup age, looser than tier0's RPO of 5 min`)

	p = cleanPlan(t)
	p.Alerts["failover-stale"].Threshold = dr1Dur(t, "120d")
	wantFinding(t, run(t, p, "DR106"), "alerts.failover-stale.threshold",
		`alert "failover-stale" fires at 120d without a successful drill, looser than the 90 days game-day cadence of the tiers runbook "failover" restores`)

	// An RPO of 0 is DR102's: no lag threshold can guard it.
	p = cleanPlan(t)
	p.Tiers["tier0"].RPO = dr1Dur(t, "0s")
	p.Alerts["db-lag"].Threshold = dr1Dur(t, "10s")
	wantNone(t, run(t, p, "DR106"))
}
