package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

// withAccounts gives the clean plan a production and a backup account,
// with every component in production and the backups in the backup one.
func withAccounts(t *testing.T) *plan.Plan {
	t.Helper()
	p := cleanPlan(t)
	p.Accounts = map[string]*plan.Account{
		"prod":   {ID: "111122223333", Purpose: plan.PurposeWorkload},
		"vault":  {ID: "444455556666", Purpose: plan.PurposeBackup},
		"edge":   {ID: "222233334444", Purpose: plan.PurposeDNS},
		"rescue": {ID: "555566667777", Purpose: plan.PurposeRecovery},
	}
	for _, id := range plan.Keys(p.Components) {
		p.Components[id].Account = "prod"
	}
	p.Components["backups"].Account = "vault"
	return p
}

func TestDR118(t *testing.T) {
	// No accounts declared: nothing to judge, wherever the backups are.
	wantNone(t, run(t, cleanPlan(t), "DR118"))
	// The ransomware restore source in the backup account, compliance-locked.
	wantNone(t, run(t, withAccounts(t), "DR118"))
	// A restore source the plan does not place is not guessed at.
	p := withAccounts(t)
	p.Components["backups"].Account = ""
	wantNone(t, run(t, p, "DR118"))

	// The restore source in production: even COMPLIANCE mode does not
	// keep the account's key or the account itself.
	p = withAccounts(t)
	p.Components["backups"].Account = "prod"
	wantFinding(t, run(t, p, "DR118"), "scenarios.ransomware.restoreFrom",
		`scenario "ransomware" (ransomware) restores from "backups", which lives in the production account "prod" (111122223333): an attacker who holds that account can delete its key, its policies or the account itself; the plan's backup account is "vault" (444455556666)`)

	// An out-of-scope scenario is not judged.
	p.Scenarios["ransomware"].InScope = false
	wantNone(t, run(t, p, "DR118"))

	// A governance-locked landing bucket in production that claims no
	// immutability is not a backup copy the plan relies on.
	p = withAccounts(t)
	p.Components["db"].AWS.ObjectLock = &plan.ObjectLock{Mode: "GOVERNANCE"}
	wantNone(t, run(t, p, "DR118"))

	// A copy declared immutable in production under GOVERNANCE mode.
	p = withAccounts(t)
	p.Components["db"].Immutable = true
	p.Components["db"].AWS.ObjectLock = &plan.ObjectLock{Mode: "GOVERNANCE"}
	fs := run(t, p, "DR118")
	wantFinding(t, fs, "components.db.account",
		`"db" is a backup copy in the production account "prod" (111122223333) without a compliance-mode lock (Object Lock in GOVERNANCE mode): an administrator of that account, an attacker included, can lift the lock and delete it`)
	if len(fs) != 1 {
		t.Errorf("%d findings, want 1", len(fs))
	}
	// ... a vault in governance mode likewise; compliance mode is the fix.
	p.Components["db"].AWS.ObjectLock = nil
	p.Components["db"].AWS.VaultLock = "governance"
	wantFinding(t, run(t, p, "DR118"), "components.db.account", "(Vault Lock in governance mode)")
	p.Components["db"].AWS.VaultLock = "compliance"
	wantNone(t, run(t, p, "DR118"))
}

func TestDR119(t *testing.T) {
	zoned := func(zoneAccount string) *plan.Plan {
		p := withAccounts(t)
		p.Components["zone"] = &plan.Component{Kind: plan.KindRoute53, Role: "global", Account: zoneAccount, AWS: &plan.AWS{HostedZoneID: "Z1"}}
		p.DNS["api"].HostedZone = "zone"
		p.DNS["api"].Primary.Component = "cluster"
		return p
	}
	// No accounts declared; a DNS account holding the zone.
	p := cleanPlan(t)
	p.Components["zone"] = &plan.Component{Kind: plan.KindRoute53, AWS: &plan.AWS{HostedZoneID: "Z1"}}
	p.DNS["api"].HostedZone = "zone"
	wantNone(t, run(t, p, "DR119"))
	wantNone(t, run(t, zoned("edge"), "DR119"))

	// The zone in the account the primary runs in.
	wantFinding(t, run(t, zoned("prod"), "DR119"), "dns.api.hostedZone",
		`DNS failover "api" (api.example.com) is switched in hosted zone "zone" in account "prod" (111122223333), the account its primary cluster runs in: the records cannot be changed when that account is quarantined or compromised; the plan's DNS account is "edge" (222233334444)`)

	// Without a DNS account the plan has not said where DNS belongs.
	p = zoned("prod")
	delete(p.Accounts, "edge")
	wantNone(t, run(t, p, "DR119"))

	// A zone in another account than the primary's is not failed away from.
	wantNone(t, run(t, zoned("rescue"), "DR119"))

	// A primary the plan does not place: a zone in a workload account is.
	p = zoned("prod")
	p.DNS["api"].Primary.Component = ""
	wantFinding(t, run(t, p, "DR119"), "dns.api.hostedZone", `in account "prod" (111122223333), the production account:`)
}

func TestDR120(t *testing.T) {
	// No accounts declared: components need not name one.
	wantNone(t, run(t, cleanPlan(t), "DR120"))
	// Every component placed.
	p := withAccounts(t)
	wantNone(t, run(t, p, "DR120"))
	// One with AWS resources left unplaced.
	var id string
	for _, cid := range plan.Keys(p.Components) {
		if p.Components[cid].AWS != nil {
			id = cid
			break
		}
	}
	if id == "" {
		t.Fatal("the clean plan has no component with AWS resources")
	}
	p.Components[id].Account = ""
	fs := run(t, p, "DR120")
	wantFinding(t, fs, "components."+id, `component "`+id+`" has AWS resources but names no account, while the plan declares "edge", "prod", "rescue" and "vault"`)
	if len(fs) != 1 {
		t.Errorf("want one finding, got:\n%s", dump(fs))
	}
	// A component without AWS resources, or with an empty aws: {}, is
	// not read by verify.
	p.Components[id].AWS = &plan.AWS{}
	wantNone(t, run(t, p, "DR120"))
	p.Components[id].AWS = nil
	wantNone(t, run(t, p, "DR120"))
}
