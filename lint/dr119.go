package lint

import (
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR119",
		Severity: report.Error,
		Title:    "DNS failover records live in the account traffic is failed away from",
		Rationale: "Moving traffic is a change to the hosted zone's records. When the zone is in the production " +
			"account that a failover or an isolate-and-restore is moving away from, the change depends on that " +
			"account: quarantined by a deny-all SCP during a compromise, or held by the attacker, it cannot be used " +
			"to switch DNS, and an attacker holding it can point the records anywhere. A plan that declares a DNS " +
			"account has decided the zone belongs there; a failover whose zone is in the workload account instead " +
			"contradicts it. Plans that declare no accounts, or no DNS account, are not judged.",
		Remediation: "Move the hosted zone (or delegate the failover records' subdomain) to the DNS account and " +
			"name that account on the route53 component; give the runbook's DNS step that account's profile or " +
			"role.",
		Check: checkDR119,
	})
}

func checkDR119(c *Context) {
	p := c.Plan
	dnsAccounts := p.AccountsFor(plan.PurposeDNS)
	if len(dnsAccounts) == 0 {
		return
	}
	var refs []string
	for _, n := range dnsAccounts {
		refs = append(refs, accountRef(n, p.Accounts[n]))
	}
	for _, id := range plan.Keys(p.DNS) {
		d := p.DNS[id]
		zname, zone := p.AccountOf(d.HostedZone)
		if zone == nil || zone.Purpose == plan.PurposeDNS {
			continue
		}
		// The account failed away from is the primary's; where the plan
		// does not say, the zone in a workload account is in it.
		_, primary := p.AccountOf(d.Primary.Component)
		if primary != nil && primary.ID != zone.ID || primary == nil && zone.Purpose != plan.PurposeWorkload {
			continue
		}
		from := "the production account"
		if primary != nil {
			from = "the account its primary " + d.Primary.Component + " runs in"
		}
		c.Report(At("dns", id, "hostedZone"),
			"DNS failover %q (%s) is switched in hosted zone %q in account %s, %s: the records cannot be changed when that account is quarantined or compromised; the plan's DNS account is %s",
			id, d.Record, d.HostedZone, accountRef(zname, zone), from, andList(refs))
	}
}
