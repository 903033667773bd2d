package lint

import (
	"fmt"
	"slices"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR103",
		Severity: report.Error,
		Title:    "Ransomware and security incidents restore from immutable backups, never fail over",
		Rationale: "A replica faithfully replicates corruption and encryption, and the standby is usually reached " +
			"with the same credentials as production: failing over to it during ransomware or a compromise hands " +
			"the attacker a second environment and burns the one clean copy. The answer is a restore to a point " +
			"before the intrusion from copies the attacker cannot alter: S3 Object Lock in COMPLIANCE mode cannot " +
			"be shortened or removed, even by root, and AWS Backup Vault Lock in compliance mode makes recovery " +
			"points immutable; GOVERNANCE mode can be bypassed by a sufficiently privileged principal.",
		Remediation: "Answer the scenario with isolate-and-restore (or restore), name the restore source in " +
			"restoreFrom, and make that source immutable: an S3 bucket with Object Lock in COMPLIANCE mode or an " +
			"AWS Backup vault with Vault Lock in compliance mode, ideally in a separate account, and mark it " +
			"immutable: true. Never restore from a live replica.",
		Check: checkDR103,
	})
}

// attackClasses are the scenario classes where an attacker may control
// what production, and so every live replica, contains.
var attackClasses = map[string]bool{
	plan.ClassRansomware: true,
	"security-incident":  true,
	"account-compromise": true,
}

func checkDR103(c *Context) {
	p := c.Plan
	for _, id := range plan.Keys(p.Scenarios) {
		s := p.Scenarios[id]
		if !s.InScope || !attackClasses[s.Class] {
			continue
		}
		if s.Response == "failover" {
			c.Report(At("scenarios", id, "response"),
				"scenario %q (%s) is answered by failover: the standby replicates the attacker's encryption and shares production's credentials; restore from immutable backups instead",
				id, s.Class)
		}
		if len(s.RestoreFrom) == 0 {
			c.Report(At("scenarios", id),
				"scenario %q (%s) names no restoreFrom: nothing says which immutable copy the restore starts from", id, s.Class)
			continue
		}
		for i, src := range s.RestoreFrom {
			if msg := unsafeRestoreSource(p, src); msg != "" {
				c.Report(restoreFromAt(id, i, len(s.RestoreFrom)), "scenario %q (%s) restores from %s", id, s.Class, msg)
			}
		}
	}
}

// unsafeRestoreSource says why a component is no safe restore source, or ""
// when it is: a live replica that is not immutable copies what the attacker
// or the bug wrote; a plain copy can be deleted or re-encrypted.
func unsafeRestoreSource(p *plan.Plan, id string) string {
	comp := p.Components[id]
	if comp == nil || comp.IsImmutable() {
		return ""
	}
	if rid, ok := p.ReplicaOf(id); ok {
		r := p.Replication[rid]
		return fmt.Sprintf("%q, a live replica of %q (replication path %q, %s): a replica faithfully replicates corruption and encryption",
			id, r.From, rid, r.Mode)
	}
	why := "it is not marked immutable and has no compliance-mode lock"
	if a := comp.AWS; a != nil {
		switch {
		case a.ObjectLock != nil:
			why = fmt.Sprintf("its Object Lock is in %s mode, which a privileged principal can bypass; only COMPLIANCE mode cannot be shortened, even by root", a.ObjectLock.Mode)
		case a.VaultLock != "":
			why = fmt.Sprintf("its Vault Lock is in %s mode, which can be removed; only compliance mode makes recovery points immutable", a.VaultLock)
		}
	}
	return fmt.Sprintf("%q, which is not immutable: %s", id, why)
}

// restoreFromAt locates the i-th of n restore sources of a scenario: the
// field itself when it names one, the list element when it names several.
// scenarioRunbookAt is where scenario s names runbook rb: its runbook field
// or its place in runbooks.
func scenarioRunbookAt(id string, s *plan.Scenario, rb string) []any {
	if i := slices.Index(s.Runbooks, rb); s.Runbook != rb && i >= 0 {
		return At("scenarios", id, "runbooks", i)
	}
	return At("scenarios", id, "runbook")
}

func restoreFromAt(scenario string, i, n int) []any {
	if n == 1 {
		return At("scenarios", scenario, "restoreFrom")
	}
	return At("scenarios", scenario, "restoreFrom", i)
}
