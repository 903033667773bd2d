package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR103(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR103"))

	p := cleanPlan(t)
	p.Scenarios["ransomware"].Response = "failover"
	wantFinding(t, run(t, p, "DR103"), "scenarios.ransomware.response",
		`scenario "ransomware" (ransomware) is answered by failover: the standby replicates the attacker's encryption`)

	p = cleanPlan(t)
	p.Scenarios["ransomware"].RestoreFrom = nil
	wantFinding(t, run(t, p, "DR103"), "scenarios.ransomware",
		`scenario "ransomware" (ransomware) names no restoreFrom`)

	// A security incident restoring from the live replica.
	p = cleanPlan(t)
	p.Scenarios["ransomware"].Class = "security-incident"
	p.Scenarios["ransomware"].RestoreFrom = plan.IDList{"db-standby"}
	wantFinding(t, run(t, p, "DR103"), "scenarios.ransomware.restoreFrom",
		`scenario "ransomware" (security-incident) restores from "db-standby", a live replica of "db" (replication path "db-cross-region", async): a replica faithfully replicates corruption and encryption`)

	// A bucket whose lock can be bypassed.
	p = cleanPlan(t)
	b := p.Components["backups"]
	b.Immutable = false
	b.AWS.ObjectLock.Mode = "GOVERNANCE"
	wantFinding(t, run(t, p, "DR103"), "scenarios.ransomware.restoreFrom",
		`scenario "ransomware" (ransomware) restores from "backups", which is not immutable: its Object Lock is in GOVERNANCE mode, which a privileged principal can bypass`)
	// COMPLIANCE mode is enough without the immutable flag.
	b.AWS.ObjectLock.Mode = "COMPLIANCE"
	wantNone(t, run(t, p, "DR103"))

	// A backup vault without a compliance lock, and a plain copy.
	p = cleanPlan(t)
	p.Components["vault"] = &plan.Component{Kind: plan.KindAWSBackup, AWS: &plan.AWS{PlanName: "p", VaultName: "v", VaultLock: "governance"}}
	p.Scenarios["ransomware"].RestoreFrom = plan.IDList{"vault"}
	wantFinding(t, run(t, p, "DR103"), "scenarios.ransomware.restoreFrom",
		`restores from "vault", which is not immutable: its Vault Lock is in governance mode, which can be removed`)
	p.Scenarios["ransomware"].RestoreFrom = plan.IDList{"db"}
	wantFinding(t, run(t, p, "DR103"), "scenarios.ransomware.restoreFrom",
		`restores from "db", which is not immutable: it is not marked immutable and has no compliance-mode lock`)

	// An immutable replica (an Object Lock bucket fed by CRR) keeps its history: fine.
	p = cleanPlan(t)
	p.Replication["backups-crr"] = &plan.ReplicationPath{From: "db", To: "backups", Mode: plan.ModeAsync, Mechanism: "s3-crr", ExpectedLag: dr1Dur(t, "15m")}
	wantNone(t, run(t, p, "DR103"))

	// Out of scope: not judged.
	p = cleanPlan(t)
	p.Scenarios["ransomware"].InScope = false
	p.Scenarios["ransomware"].Response = "failover"
	wantNone(t, run(t, p, "DR103"))
}
