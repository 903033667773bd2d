package lint

import (
	"fmt"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR118",
		Severity: report.Error,
		Title:    "A ransomware restore source, or an immutable copy without a compliance lock, lives in the production account",
		Rationale: "Ransomware and account compromise are incidents in which the attacker holds administrator " +
			"access to the production (workload) account. Whatever recovery depends on must survive that: AWS's " +
			"guidance keeps backups in a separate account, because in the production account the attacker can " +
			"schedule deletion of the KMS key the backups are encrypted with, close or quarantine the account, or " +
			"change its policies, and a GOVERNANCE-mode Object Lock or a governance-mode Vault Lock there can be " +
			"lifted by any principal with the bypass permission, which an administrator has. A restore source in " +
			"the account being attacked is no restore source. The rule applies only to accounts the plan declares; " +
			"it does not guess where a component lives.",
		Remediation: "Restore from a copy in a separate backup account (S3 replication or an AWS Backup copy to a " +
			"vault there, encrypted with that account's key), locked in COMPLIANCE mode, and name it in " +
			"restoreFrom; for a copy kept in production and declared immutable, use a compliance-mode lock, or stop " +
			"declaring it immutable.",
		Check: checkDR118,
	})
}

func checkDR118(c *Context) {
	p := c.Plan
	for _, id := range plan.Keys(p.Scenarios) {
		s := p.Scenarios[id]
		if !s.InScope || !attackClasses[s.Class] {
			continue
		}
		// Each source counts: a restore that reads one copy from the
		// attacked account is only as safe as that copy.
		for i, src := range s.RestoreFrom {
			if name, a := p.AccountOf(src); a != nil && a.Purpose == plan.PurposeWorkload {
				c.Report(restoreFromAt(id, i, len(s.RestoreFrom)),
					"scenario %q (%s) restores from %q, which lives in the production account %s: an attacker who holds that account can delete its key, its policies or the account itself%s",
					id, s.Class, src, accountRef(name, a), elsewhere(p))
			}
		}
	}
	for _, id := range plan.Keys(p.Components) {
		comp := p.Components[id]
		// Only copies the plan calls immutable, or a vault it locks: a
		// governance-mode landing bucket kept for speed claims nothing.
		if !comp.Immutable && (comp.AWS == nil || comp.AWS.VaultLock == "") {
			continue
		}
		name, a := p.AccountOf(id)
		if a == nil || a.Purpose != plan.PurposeWorkload || comp.ComplianceLocked() {
			continue
		}
		c.Report(At("components", id, "account"),
			"%q is a backup copy in the production account %s without a compliance-mode lock (%s): an administrator of that account, an attacker included, can lift the lock and delete it",
			id, accountRef(name, a), lockText(comp))
	}
}

func accountRef(name string, a *plan.Account) string {
	return fmt.Sprintf("%q (%s)", name, a.ID)
}

// elsewhere names the plan's backup accounts, where the source belongs.
func elsewhere(p *plan.Plan) string {
	names := p.AccountsFor(plan.PurposeBackup)
	if len(names) == 0 {
		return ""
	}
	var refs []string
	for _, n := range names {
		refs = append(refs, accountRef(n, p.Accounts[n]))
	}
	return "; the plan's backup account is " + andList(refs)
}

func lockText(comp *plan.Component) string {
	switch a := comp.AWS; {
	case a != nil && a.ObjectLock != nil:
		return "Object Lock in " + a.ObjectLock.Mode + " mode"
	case a != nil && a.VaultLock != "":
		return "Vault Lock in " + a.VaultLock + " mode"
	}
	return "declared immutable, with no lock"
}
