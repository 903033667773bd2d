package lint

import (
	"testing"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func TestDR006(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR006"))

	// The backup-freshness alert alone still guards tier0's data.
	p := cleanPlan(t)
	delete(p.Alerts, "db-lag")
	wantNone(t, run(t, p, "DR006"))

	p = cleanPlan(t)
	delete(p.Alerts, "db-lag")
	delete(p.Alerts, "backup-fresh")
	wantFinding(t, run(t, p, "DR006"), "tiers.tier0.rpo", `tier "tier0" (RPO 5 min) has no alert guarding it: no alert guards it on the replication paths that carry its data ("cluster-gitops", "db-backups", "db-cross-region")`)

	// An alert of another kind does not guard an RPO.
	p.Alerts["capacity"] = &plan.Alert{Kind: plan.AlertStandbyCapacity, Component: "cluster-standby"}
	wantFinding(t, run(t, p, "DR006"), "tiers.tier0.rpo", `tier "tier0" (RPO 5 min) has no alert guarding it: no alert guards it on the replication paths that carry its data ("cluster-gitops", "db-backups", "db-cross-region")`)

	// Runbook staleness: at least one alert, and one per runbook in use.
	p = cleanPlan(t)
	delete(p.Alerts, "failover-stale")
	delete(p.Alerts, "pitr-stale")
	fs := run(t, p, "DR006")
	wantFinding(t, fs, "alerts", "the plan has no runbook-staleness alert: a runbook that is never drilled drifts from the system unnoticed (runbooks used by scenarios: failover, pitr)")
	if len(fs) != 1 {
		t.Errorf("want one finding, got:\n%s", dump(fs))
	}

	p = cleanPlan(t)
	delete(p.Alerts, "pitr-stale")
	fs = run(t, p, "DR006")
	msg := `runbook "pitr" (used by scenarios "corruption", "ransomware") has no runbook-staleness alert`
	if sev := checklistSeverity(t, fs, "runbooks.pitr", msg); sev != report.Warning {
		t.Errorf("%s: severity %s, want warning", msg, sev)
	}
	p = cleanPlan(t)
	delete(p.Alerts, "failover-stale")
	wantFinding(t, run(t, p, "DR006"), "runbooks.failover", `runbook "failover" (used by scenario "region") has no runbook-staleness alert`)

	// A runbook no scenario uses does not need one.
	p = cleanPlan(t)
	p.Runbooks["spare"] = p.Runbooks["pitr"]
	wantNone(t, run(t, p, "DR006"))
	// One listed among a scenario's runbooks does.
	p.Scenarios["region"].Runbooks = []string{"spare"}
	wantFinding(t, run(t, p, "DR006"), "runbooks.spare", `runbook "spare" (used by scenario "region") has no runbook-staleness alert`)

	// Thresholds that cannot be derived.
	p = cleanPlan(t)
	p.Tiers["tier0"].RPO = nil
	fs = run(t, p, "DR006")
	wantFinding(t, fs, "alerts.db-lag.threshold",
		`alert "db-lag" (replication-lag) has no threshold and none can be derived: the tiers it guards (tier0) state no RPO`)
	wantFinding(t, fs, "alerts.backup-fresh.threshold",
		`alert "backup-fresh" (backup-freshness) has no threshold and none can be derived: the tiers it guards (tier0) state no RPO`)

	p = cleanPlan(t)
	p.Alerts["lag"] = &plan.Alert{Kind: plan.AlertReplicationLag}
	wantFinding(t, run(t, p, "DR006"), "alerts.lag.threshold",
		`alert "lag" (replication-lag) has no threshold and none can be derived: it watches no replication path or component`)

	p = cleanPlan(t)
	p.Components["scratch"] = &plan.Component{Kind: plan.KindS3, Region: "us-east-1"}
	p.Replication["scratch-copy"] = &plan.ReplicationPath{From: "scratch", To: "backups", Mode: plan.ModeAsync, Mechanism: "s3-crr"}
	p.Alerts["scratch-lag"] = &plan.Alert{Kind: plan.AlertReplicationLag, Replication: "scratch-copy"}
	wantFinding(t, run(t, p, "DR006"), "alerts.scratch-lag.threshold",
		`alert "scratch-lag" (replication-lag) has no threshold and none can be derived: replication path "scratch-copy" carries no tier's data`)
	p.Alerts["scratch-lag"].Threshold = &plan.Duration{Duration: 15 * time.Minute}
	wantNone(t, run(t, p, "DR006"))

	// A standby-capacity threshold is the standby's capacity floor.
	p = cleanPlan(t)
	p.Alerts["capacity"] = &plan.Alert{Kind: plan.AlertStandbyCapacity, Component: "cluster-standby"}
	wantNone(t, run(t, p, "DR006"))
	p.Alerts["capacity"].Component = "db-standby"
	wantFinding(t, run(t, p, "DR006"), "alerts.capacity.threshold",
		`alert "capacity" (standby-capacity) has no threshold and none can be derived: component "db-standby" states no capacity (percentOfPrimary, floorPercent)`)
	p.Alerts["capacity"].Component = ""
	wantFinding(t, run(t, p, "DR006"), "alerts.capacity.threshold", "it names no standby component")
}

// A tier lacks its own alert while another tier's sits on the same path.
func TestDR006AlertPerTier(t *testing.T) {
	p := twoTierPlan(t)
	delete(p.Alerts, "backup-fresh")
	p.Alerts["t0-lag"] = &plan.Alert{Kind: plan.AlertReplicationLag, Replication: "db-cross-region",
		Guards: &plan.AlertGuard{Tier: "tier0"}, Threshold: dr1Dur(t, "4s")}
	fs := run(t, p, "DR006")
	wantFinding(t, fs, "tiers.tier1.rpo",
		`tier "tier1" (RPO 60 s) has no alert guarding it: no alert guards it on the replication paths that carry its data ("db-backups", "db-cross-region"): alert "t0-lag" on "db-cross-region" guards tier0 as stated`)
	if len(fs) != 1 {
		t.Errorf("want one finding, got:\n%s", dump(fs))
	}

	// An alert for tier1 on the same path covers it.
	p.Alerts["t1-lag"] = &plan.Alert{Kind: plan.AlertReplicationLag, Replication: "db-cross-region",
		Guards: &plan.AlertGuard{Tier: "tier1"}, Threshold: dr1Dur(t, "30s"), For: dr1Dur(t, "2m")}
	wantNone(t, run(t, p, "DR006"))

	// One alert that says nothing guards every tier it watches (it is held
	// to the strictest RPO), so a silent alert covers both.
	p = twoTierPlan(t)
	p.Alerts["lag"] = &plan.Alert{Kind: plan.AlertReplicationLag, Replication: "db-cross-region"}
	wantNone(t, run(t, p, "DR006"))

	// A readiness alert guards no RPO.
	p = twoTierPlan(t)
	delete(p.Alerts, "backup-fresh")
	p.Alerts["warmth"] = &plan.Alert{Kind: plan.AlertReplicationLag, Replication: "db-cross-region",
		Guards: &plan.AlertGuard{Readiness: "replica warm"}, Threshold: dr1Dur(t, "10m")}
	fs = run(t, p, "DR006")
	wantFinding(t, fs, "tiers.tier0.rpo", `alert "warmth" on "db-cross-region" guards readiness as stated`)
	wantFinding(t, fs, "tiers.tier1.rpo", `tier "tier1" (RPO 60 s) has no alert guarding it`)

	// ... and one without a threshold has none to derive.
	p.Alerts["warmth"].Threshold = nil
	wantFinding(t, run(t, p, "DR006"), "alerts.warmth.threshold",
		`alert "warmth" (replication-lag) has no threshold and none can be derived: it guards readiness, which no objective bounds: give it a threshold`)

	// A backlog alert guards the tier it names, with a count as threshold.
	p = twoTierPlan(t)
	p.Alerts["t1-late"] = &plan.Alert{Kind: plan.AlertReplicationBacklog, Replication: "db-cross-region", Guards: &plan.AlertGuard{Tier: "tier1"}}
	p.Alerts["backup-fresh"].Guards = &plan.AlertGuard{Tier: "tier0"}
	wantNone(t, run(t, p, "DR006"))

	// A tier named as guarded that states no RPO gives no threshold.
	p.Tiers["tier1"].RPO = nil
	p.Alerts["t1-lag"] = &plan.Alert{Kind: plan.AlertReplicationLag, Replication: "db-cross-region", Guards: &plan.AlertGuard{Tier: "tier1"}}
	wantFinding(t, run(t, p, "DR006"), "alerts.t1-lag.threshold", `tier "tier1", which it guards as stated, states no RPO`)
}

// A path that states it carries no tier (a convenience copy) asks for no
// alert; one that states its tiers is judged for them only.
func TestDR006Carries(t *testing.T) {
	p := twoTierPlan(t)
	p.Alerts["t0-lag"] = &plan.Alert{Kind: plan.AlertReplicationLag, Replication: "db-cross-region",
		Guards: &plan.AlertGuard{Tier: "tier0"}, Threshold: dr1Dur(t, "4s")}
	p.Alerts["backup-fresh"].Guards = &plan.AlertGuard{Tier: "tier0"}
	p.Replication["db-cross-region"].Carries = []string{"tier0"}
	p.Replication["db-backups"].Carries = []string{}
	// tier1's data now flows on no path the plan relies on for its RPO,
	// so no alert on a path could guard it: it is reported as unguarded
	// without naming paths.
	wantFinding(t, run(t, p, "DR006"), "tiers.tier1.rpo",
		`tier "tier1" (RPO 60 s) has no alert guarding it: no replication-lag, replication-backlog or backup-freshness alert watches a path or component carrying its data`)
}
