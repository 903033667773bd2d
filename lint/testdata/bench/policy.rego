# A Rego policy for conftest equivalent to a small CUE schema's checks of a
# drplan plan exported as JSON: closed enums, duration and ID patterns,
# required fields, and references between sections. It is the benchmark
# peer of `drplan lint` (scripts/bench-lint.sh); drplan does all of this in
# its schema and loader, and its rules on top.
package main

import rego.v1

id_re := `^[a-z0-9][a-z0-9-]{0,62}$`

duration_re := `^([0-9]+(ms|s|m|h|d|w))+$`

date_re := `^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`

strategies := {"active-active", "active-passive", "warm-standby", "pilot-light", "backup-restore", "multi-az"}

triggers := {"automated", "on-alert", "manual"}

kinds := {"aurora-global", "aurora-cluster", "rds-postgres", "msk", "elasticache-redis", "eks", "s3", "route53", "aws-backup", "argocd", "terraform", "other"}

modes := {"sync", "async", "backup-copy"}

classes := {"az-failure", "region-failure", "data-corruption", "ransomware", "security-incident", "dependency-outage", "account-compromise"}

outcomes := {"success", "partial", "failed", "aborted"}

deny contains msg if {
	input.apiVersion != "drplan/v1"
	msg := "apiVersion must be drplan/v1"
}

deny contains msg if {
	not regex.match(id_re, input.name)
	msg := "name is not an ID"
}

deny contains msg if {
	some id, t in input.tiers
	not is_number(t.level)
	msg := sprintf("tiers.%s.level: not a number", [id])
}

deny contains msg if {
	some id, t in input.tiers
	some f in ["rto", "rpo"]
	not regex.match(duration_re, t[f])
	msg := sprintf("tiers.%s.%s: not a duration", [id, f])
}

deny contains msg if {
	some id, t in input.tiers
	not strategies[t.strategy]
	msg := sprintf("tiers.%s.strategy: invalid", [id])
}

deny contains msg if {
	some id, t in input.tiers
	not triggers[t.trigger]
	msg := sprintf("tiers.%s.trigger: invalid", [id])
}

deny contains msg if {
	some id, t in input.tiers
	some i, s in t.signoff.given
	not regex.match(date_re, s.date)
	msg := sprintf("tiers.%s.signoff.given.%d.date: not a date", [id, i])
}

deny contains msg if {
	some id, s in input.services
	not input.tiers[s.tier]
	msg := sprintf("services.%s.tier: no tier %s", [id, s.tier])
}

deny contains msg if {
	some id, s in input.services
	some c in s.dependsOn
	not input.components[c]
	msg := sprintf("services.%s.dependsOn: no component %s", [id, c])
}

deny contains msg if {
	some id, c in input.components
	not kinds[c.kind]
	msg := sprintf("components.%s.kind: invalid", [id])
}

deny contains msg if {
	some id, c in input.components
	c.region
	not input.regions[c.region]
	msg := sprintf("components.%s.region: undeclared", [id])
}

deny contains msg if {
	some id, r in input.replication
	some end in [r.from, r.to]
	not input.components[end]
	msg := sprintf("replication.%s: no component %s", [id, end])
}

deny contains msg if {
	some id, r in input.replication
	not modes[r.mode]
	msg := sprintf("replication.%s.mode: invalid", [id])
}

deny contains msg if {
	some id, s in input.scenarios
	not classes[s.class]
	msg := sprintf("scenarios.%s.class: invalid", [id])
}

deny contains msg if {
	some id, s in input.scenarios
	s.runbook
	not input.runbooks[s.runbook]
	msg := sprintf("scenarios.%s.runbook: no runbook %s", [id, s.runbook])
}

deny contains msg if {
	some id, rb in input.runbooks
	some i, st in rb.steps
	not regex.match(id_re, st.id)
	msg := sprintf("runbooks.%s.steps.%d.id: not an ID", [id, i])
}

deny contains msg if {
	some id, rb in input.runbooks
	some i, st in rb.steps
	not is_number(st.number)
	msg := sprintf("runbooks.%s.steps.%d.number: not a number", [id, i])
}

deny contains msg if {
	some id, rb in input.runbooks
	some i, st in rb.steps
	some f in ["estimate", "timeout"]
	st[f]
	not regex.match(duration_re, st[f])
	msg := sprintf("runbooks.%s.steps.%d.%s: not a duration", [id, i, f])
}

deny contains msg if {
	some id, rb in input.runbooks
	some i, st in rb.steps
	count(st.title) == 0
	msg := sprintf("runbooks.%s.steps.%d.title: empty", [id, i])
}

deny contains msg if {
	some id, rb in input.runbooks
	some i, st in rb.steps
	not st.rollback
	not st.irreversible
	msg := sprintf("runbooks.%s.steps.%d: no rollback", [id, i])
}

deny contains msg if {
	some id, rb in input.runbooks
	some i, st in rb.steps
	some dep in st.after
	not step_before(rb, i, dep)
	msg := sprintf("runbooks.%s.steps.%d.after: no earlier step %s", [id, i, dep])
}

step_before(rb, i, dep) if {
	some j, s in rb.steps
	j < i
	s.id == dep
}

deny contains msg if {
	some id, a in input.alerts
	a.replication
	not input.replication[a.replication]
	msg := sprintf("alerts.%s.replication: undeclared", [id])
}

deny contains msg if {
	some id, d in input.drills
	not regex.match(date_re, d.date)
	msg := sprintf("drills.%s.date: not a date", [id])
}

deny contains msg if {
	some id, d in input.drills
	not outcomes[d.outcome]
	msg := sprintf("drills.%s.outcome: invalid", [id])
}

deny contains msg if {
	some id, d in input.drills
	not input.runbooks[d.runbook]
	msg := sprintf("drills.%s.runbook: no runbook %s", [id, d.runbook])
}
