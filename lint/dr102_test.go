package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR102(t *testing.T) {
	// The hourly backup copy of db is not its best copy (the replica is),
	// so tier0's 5 min RPO is judged against the replica only.
	wantNone(t, run(t, cleanPlan(t), "DR102"))

	// RPO 0 on an asynchronous path.
	p := cleanPlan(t)
	p.Tiers["tier0"].RPO = dr1Dur(t, "0s")
	fs := run(t, p, "DR102")
	wantFinding(t, fs, "replication.db-cross-region.mode",
		`tier0's RPO is 0 but replication path "db-cross-region" (db -> db-standby, rds-read-replica) is asynchronous, expected lag 5 s: RDS cross-region read replicas are asynchronous`)
	wantFinding(t, fs, "replication.cluster-gitops.mode",
		`tier0's RPO is 0 but replication path "cluster-gitops" (cluster -> cluster-standby, gitops) is asynchronous, expected lag 60 s: an asynchronous path loses what is in flight`)

	// Aurora Global Database: write forwarding does not make it synchronous.
	p.Replication["db-cross-region"].Mechanism = "aurora-global-database"
	p.Replication["db-cross-region"].ExpectedLag = dr1Dur(t, "1s")
	wantFinding(t, run(t, p, "DR102"), "replication.db-cross-region.mode",
		`tier0's RPO is 0 but replication path "db-cross-region" (db -> db-standby, aurora-global-database) is asynchronous, expected lag 1 s: Aurora Global Database replicates asynchronously and write forwarding does not make it synchronous, so an unplanned failover loses the in-flight lag`)

	// A synchronous path can give RPO 0.
	p.Replication["db-cross-region"].Mode = plan.ModeSync
	p.Replication["cluster-gitops"].Mode = plan.ModeSync
	wantNone(t, run(t, p, "DR102"))

	// An RPO shorter than the expected lag.
	p = cleanPlan(t)
	p.Replication["db-cross-region"].ExpectedLag = dr1Dur(t, "10m")
	wantFinding(t, run(t, p, "DR102"), "replication.db-cross-region.expectedLag",
		`tier0's RPO of 5 min is shorter than the 10 min expected lag of replication path "db-cross-region" (db -> db-standby, rds-read-replica): an asynchronous path loses what is in flight`)

	// A backup copy as the only copy: its interval is the RPO.
	p = cleanPlan(t)
	delete(p.Replication, "db-cross-region")
	wantFinding(t, run(t, p, "DR102"), "replication.db-backups.interval",
		`tier0's RPO of 5 min is shorter than the 1 h interval of replication path "db-backups" (db -> backups, aws-backup-copy): the RPO of a scheduled backup is its interval`)

	// A slower second copy (an archive) does not bound the tier's RPO.
	p = cleanPlan(t)
	p.Replication["db-archive"] = &plan.ReplicationPath{From: "db", To: "backups", Mode: plan.ModeAsync, Mechanism: "wal-archive", ExpectedLag: dr1Dur(t, "1h")}
	wantNone(t, run(t, p, "DR102"))

	// A scenario's own RPO against the copy it restores from.
	p = cleanPlan(t)
	p.Scenarios["ransomware"].RPO = dr1Dur(t, "30m")
	wantFinding(t, run(t, p, "DR102"), "scenarios.ransomware.rpo",
		`scenario "ransomware" restores from "backups", which replication path "db-backups" (backup-copy, from db) fills with a delay of 1 h: longer than the scenario's own RPO of 30 min`)
	p.Scenarios["ransomware"].RPO = dr1Dur(t, "2h")
	wantNone(t, run(t, p, "DR102"))

	// ... and against a backup plan's own schedule.
	p = cleanPlan(t)
	p.Components["vault"] = &plan.Component{Kind: plan.KindAWSBackup, AWS: &plan.AWS{PlanName: "p", VaultName: "v", Frequency: dr1Dur(t, "12h"), VaultLock: "compliance"}}
	p.Scenarios["ransomware"].RestoreFrom = plan.IDList{"vault"}
	p.Scenarios["ransomware"].RPO = dr1Dur(t, "1h")
	wantFinding(t, run(t, p, "DR102"), "scenarios.ransomware.rpo",
		`scenario "ransomware" restores from "vault", which takes a recovery point every 12 h: longer than the scenario's own RPO of 1 h (the RPO of a scheduled backup is its interval)`)
}

// A path states which tiers' RPO it carries; the rule follows the
// statement, and infers only when the plan is silent.
func TestDR102Carries(t *testing.T) {
	// A backup bucket a tier0 service lists among its dependencies, with a
	// 15-minute copy of its own: inferred, it is judged against tier0.
	p := cleanPlan(t)
	p.Components["backups-copy"] = &plan.Component{Kind: plan.KindS3, Region: "us-east-1", Role: "backup"}
	p.Replication["backups-crr"] = &plan.ReplicationPath{From: "backups", To: "backups-copy", Mode: plan.ModeAsync, Mechanism: "s3-crr", ExpectedLag: dr1Dur(t, "15m")}
	wantFinding(t, run(t, p, "DR102"), "replication.backups-crr.expectedLag",
		`tier0's RPO of 5 min is shorter than the 15 min expected lag of replication path "backups-crr" (backups -> backups-copy, s3-crr): an asynchronous path loses what is in flight when its source is lost (tier0's RPO, as the path does not say which tiers it carries and backups holds tier0's data; state `+"`carries`"+` if it is not relied on for it)`)

	// A convenience copy: no tier's RPO is judged.
	p.Replication["backups-crr"].Carries = []string{}
	wantNone(t, run(t, p, "DR102"))

	// Stated, the message says so.
	p.Replication["backups-crr"].Carries = []string{"tier0"}
	wantFinding(t, run(t, p, "DR102"), "replication.backups-crr.expectedLag", "(the path carries tier0's RPO as stated)")
}
