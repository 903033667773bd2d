package verify

import (
	"strings"

	"github.com/drplan/drplan/report"
)

// Rule IDs of verify's findings. They are part of the public interface, as
// lint's are: users look them up and filter on them, so they never change
// meaning.
const (
	RuleUnverified    = "DR201"
	RuleMissing       = "DR202"
	RuleNotServing    = "DR203"
	RuleTopology      = "DR204"
	RuleRetention     = "DR205"
	RuleProtection    = "DR206"
	RuleConfiguration = "DR207"
	RuleCapacity      = "DR208"
	RuleRPO           = "DR209"
	RuleDNSFailover   = "DR210"
)

// docBase is where the rule reference lives; each rule has an anchor.
const docBase = "https://github.com/drplan/drplan/blob/main/docs/verify.md#"

var rules = []report.Rule{
	{
		ID: RuleUnverified, Severity: report.Warning,
		Title:       "Could not verify: AWS did not answer the question",
		Rationale:   "A claim that cannot be checked is not known to hold. The call was denied (AccessDenied), throttled past every retry, timed out, or the region did not answer, or the resource's account could not be reached (its role not assumable, its profile without credentials); the finding carries AWS's reason. Other resources, regions and accounts are still checked; when none could be, verify exits 2 instead.",
		Remediation: "Grant the actions `drplan verify --iam-policy` prints to the identity verify runs as in each account (and, for an account reached through a role, the role's trust policy it prints), check the region is enabled for the account, or raise `--timeout`. Run with `--fail-on warning` where an unverifiable plan must fail the build.",
	},
	{
		ID: RuleMissing, Severity: report.Error,
		Title:       "A resource the plan declares does not exist in AWS",
		Rationale:   "The plan promises a cluster, bucket, record or backup plan under this identifier in this region; AWS says there is none. A failover or restore that depends on it cannot happen.",
		Remediation: "Create the resource, or correct the identifier or region in the plan's aws block if the resource exists under another name.",
	},
	{
		ID: RuleNotServing, Severity: report.Error,
		Title:       "A resource exists but is not in a serving state",
		Rationale:   "A standby that is stopped, failed, or being modified, or a health check that currently fails, will not carry traffic when the plan needs it.",
		Remediation: "Bring the resource back to its available/ACTIVE state (or the endpoint behind the health check to health) before relying on it; if the state is expected (maintenance), re-run verify once it is over.",
	},
	{
		ID: RuleTopology, Severity: report.Error,
		Title:       "A replica, secondary or copy the plan declares is not there",
		Rationale:   "The plan's replication topology (an Aurora secondary in the standby region, read replicas, S3 replication to the declared region, an ElastiCache global datastore member, an MSK replication path, an AWS Backup copy to the standby region) is what makes its RPO possible. Where AWS lacks it, the data is not where the plan says it is.",
		Remediation: "Add the missing replica, rule or copy action in AWS, or correct the plan to the topology that really exists and review the tier's RPO with it.",
	},
	{
		ID: RuleRetention, Severity: report.Error,
		Title:       "A retention window is shorter than the plan claims",
		Rationale:   "Point-in-time recovery and restores reach back only as far as AWS keeps the data: backup retention on Aurora and RDS, Object Lock default retention on S3. Slow-burn corruption found after the window cannot be undone.",
		Remediation: "Raise the retention in AWS (Aurora and RDS keep at most 35 days), or state the real window in the plan and review the data-corruption scenario with it.",
	},
	{
		ID: RuleProtection, Severity: report.Error,
		Title:       "A protection the plan relies on is off or weaker",
		Rationale:   "Deletion protection, S3 versioning, Object Lock in COMPLIANCE mode and Backup Vault Lock in compliance mode are what keep backups and databases from being deleted or altered by an operator's mistake or an intruder. Governance mode and an unlocked vault can be bypassed.",
		Remediation: "Enable the protection as the plan declares it (for Vault Lock compliance mode, wait out the cooling-off period), or correct the plan and review the ransomware scenario with the weaker protection.",
	},
	{
		ID: RuleConfiguration, Severity: report.Error,
		Title:       "A declared setting differs from AWS",
		Rationale:   "The plan states a setting that its estimates and runbooks depend on (Kubernetes version, automatic failover, Multi-AZ, MSK replication mechanism, backup frequency, cluster ARN); AWS has another.",
		Remediation: "Change AWS to match the plan, or update the plan (and any runbook step that assumed the old setting).",
	},
	{
		ID: RuleCapacity, Severity: report.Error,
		Title:       "The standby is smaller than the capacity the plan declares",
		Rationale:   "A warm standby's scale-up time is measured from its declared size; a standby that has drifted below it (node groups scaled in, consolidation) takes longer to serve full load than the runbook and the RTO assume.",
		Remediation: "Scale the standby's node groups back to the declared share of the primary, or lower the plan's percentOfPrimary and re-measure the scale-up time.",
	},
	{
		ID: RuleRPO, Severity: report.Error,
		Title:       "Observed data-loss exposure exceeds the tier's RPO",
		Rationale:   "The current replication lag (CloudWatch) of a path, or the interval between scheduled backups, is data that a failover or restore now would lose. When it is above the RPO of a tier the path serves, that tier's objective does not hold right now.",
		Remediation: "Find why the lag is high (write bursts, an undersized secondary, a stalled replication) or shorten the backup schedule; if the RPO cannot be met by this mechanism, take it back to the business.",
	},
	{
		ID: RuleDNSFailover, Severity: report.Error,
		Title:       "Route 53 failover records or health check do not match the plan",
		Rationale:   "Failover routing needs a PRIMARY and a SECONDARY record for the name, pointing where the plan says, with a health check on the primary configured as the plan's detection time assumes. Without them traffic does not move, or moves later than the RTO allows.",
		Remediation: "Create or fix the failover record pair and the primary's health check (protocol, path, interval, failure threshold), or correct the plan's dns entry.",
	},
}

func init() {
	for i := range rules {
		rules[i].HelpURI = docBase + strings.ToLower(rules[i].ID)
	}
}

// Rules returns verify's rules, for reports that explain their findings.
func Rules() []report.Rule {
	return append([]report.Rule(nil), rules...)
}

// RuleByID returns the rule with id.
func RuleByID(id string) (report.Rule, bool) {
	for _, r := range rules {
		if strings.EqualFold(r.ID, id) {
			return r, true
		}
	}
	return report.Rule{}, false
}
