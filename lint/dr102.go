package lint

import (
	"fmt"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR102",
		Severity: report.Error,
		Title:    "Each RPO is one its replication path can give",
		Rationale: "An RPO is bounded by how the data reaches the other copy. An asynchronous path loses what is in " +
			"flight when its source is lost: Aurora Global Database replicates asynchronously (write forwarding " +
			"only forwards writes to the primary, it does not make replication synchronous), so an unplanned " +
			"failover with --allow-data-loss loses the lag; RDS cross-region replicas, S3 CRR, the ElastiCache " +
			"Global Datastore and MirrorMaker 2 / MSK Replicator are asynchronous too. An RPO of 0 on such a path, " +
			"or one shorter than its expected lag, is a promise the mechanism does not make. The RPO of a " +
			"scheduled backup is its interval (hourly at best for an AWS Backup schedule), plus the copy's own delay. " +
			"A component's best copy bounds its tiers' RPO; a restore source bounds the RPO of the scenarios " +
			"that restore from it.",
		Remediation: "Either change the mechanism (synchronous replication, Aurora PostgreSQL's rds.global_db_rpo " +
			"to bound the lag, continuous backup for point-in-time restore, a shorter backup interval) or restate " +
			"the RPO with the business to what the path gives, and have it signed off again.",
		Check: checkDR102,
	})
}

// pathDelay is the data a path can lose: nothing for sync, the expected lag
// for async, the interval for a backup copy (ok false when not stated).
func pathDelay(r *plan.ReplicationPath) (time.Duration, bool) {
	switch r.Mode {
	case plan.ModeSync:
		return 0, true
	case plan.ModeAsync:
		if r.ExpectedLag != nil {
			return r.ExpectedLag.Duration, true
		}
	case plan.ModeBackupCopy:
		if r.Interval != nil {
			return r.Interval.Duration, true
		}
	}
	return 0, false
}

// pathRank orders a component's copies from best to worst: sync, then
// async, then backup copies, each by delay.
func pathRank(r *plan.ReplicationPath) (int, time.Duration) {
	d, _ := pathDelay(r)
	switch r.Mode {
	case plan.ModeSync:
		return 0, d
	case plan.ModeAsync:
		return 1, d
	}
	return 2, d
}

// bestCopy reports whether path id is its source's best copy: no other
// path from the same component loses less. Only the best copy bounds the
// tiers' RPO; the others (archives, backups) serve restores.
// siblings are the paths from the same component, by component.
func bestCopy(p *plan.Plan, id string, siblings map[string][]string) bool {
	r := p.Replication[id]
	m, d := pathRank(r)
	for _, oid := range siblings[r.From] {
		o := p.Replication[oid]
		if oid == id {
			continue
		}
		om, od := pathRank(o)
		if om < m || (om == m && od < d) {
			return false
		}
	}
	return true
}

// carriesWhy says why path id is judged against tier's RPO: the plan
// states it, or it is inferred from where the path's data comes from.
func carriesWhy(p *plan.Plan, id, tier string) string {
	r := p.Replication[id]
	if r.Carries != nil {
		return fmt.Sprintf("the path carries %s's RPO as stated", tier)
	}
	return fmt.Sprintf("%s's RPO, as the path does not say which tiers it carries and %s holds %s's data; state `carries` if it is not relied on for it",
		tier, r.From, tier)
}

// asyncFact is what the documentation says about a mechanism's asynchrony.
var asyncFact = map[string]string{
	"aurora-global-database":       "Aurora Global Database replicates asynchronously and write forwarding does not make it synchronous, so an unplanned failover loses the in-flight lag",
	"rds-read-replica":             "RDS cross-region read replicas are asynchronous, with lag from seconds to minutes under load",
	"s3-crr":                       "S3 Cross-Region Replication is asynchronous (with Replication Time Control, 99.99% of objects within 15 minutes; without it, no bound)",
	"elasticache-global-datastore": "the ElastiCache Global Datastore replicates asynchronously, so a promotion loses the in-flight lag",
	"mirrormaker2":                 "MirrorMaker 2 mirrors asynchronously, so a failover loses the unmirrored events",
	"msk-replicator":               "MSK Replicator copies asynchronously, so a failover loses the unreplicated events",
}

func checkDR102(c *Context) {
	p := c.Plan
	siblings := map[string][]string{}
	for id, r := range p.Replication {
		siblings[r.From] = append(siblings[r.From], id)
	}
	for _, id := range plan.Keys(p.Replication) {
		r := p.Replication[id]
		if !bestCopy(p, id, siblings) {
			continue
		}
		desc := fmt.Sprintf("replication path %q (%s -> %s, %s)", id, r.From, r.To, r.Mechanism)
		delay, known := pathDelay(r)
		for _, t := range p.PathTiers(id) {
			tier := p.Tiers[t]
			if tier.RPO == nil {
				continue
			}
			rpo := tier.RPO.Duration
			switch {
			case r.Mode == plan.ModeAsync && rpo == 0:
				fact, ok := asyncFact[r.Mechanism]
				if !ok {
					fact = "an asynchronous path loses what is in flight when its source is lost"
				}
				lag := ""
				if known {
					lag = fmt.Sprintf(", expected lag %s", plan.Duration{Duration: delay}.Human())
				}
				c.Report(At("replication", id, "mode"), "%s's RPO is 0 but %s is asynchronous%s: %s (%s)",
					t, desc, lag, fact, carriesWhy(p, id, t))
			case r.Mode == plan.ModeAsync && known && delay > rpo:
				c.Report(At("replication", id, "expectedLag"),
					"%s's RPO of %s is shorter than the %s expected lag of %s: an asynchronous path loses what is in flight when its source is lost (%s)",
					t, tier.RPO.Human(), plan.Duration{Duration: delay}.Human(), desc, carriesWhy(p, id, t))
			case r.Mode == plan.ModeBackupCopy && known && delay > rpo:
				c.Report(At("replication", id, "interval"),
					"%s's RPO of %s is shorter than the %s interval of %s: the RPO of a scheduled backup is its interval (%s)",
					t, tier.RPO.Human(), plan.Duration{Duration: delay}.Human(), desc, carriesWhy(p, id, t))
			case r.Mode == plan.ModeBackupCopy && !known && rpo == 0:
				c.Report(At("replication", id, "mode"),
					"%s's RPO is 0 but its best copy is %s, a scheduled backup copy: the RPO of a scheduled backup is its interval (%s)", t, desc, carriesWhy(p, id, t))
			}
		}
	}
	// A restore source bounds the RPO of the scenarios that restore from it.
	for _, sid := range plan.Keys(p.Scenarios) {
		s := p.Scenarios[sid]
		if !s.InScope || s.RPO == nil {
			continue
		}
		for _, src := range s.RestoreFrom {
			for _, id := range plan.Keys(p.Replication) {
				r := p.Replication[id]
				if r.To != src {
					continue
				}
				if delay, known := pathDelay(r); known && delay > s.RPO.Duration {
					c.Report(At("scenarios", sid, "rpo"),
						"scenario %q restores from %q, which replication path %q (%s, from %s) fills with a delay of %s: longer than the scenario's own RPO of %s",
						sid, src, id, r.Mode, r.From, plan.Duration{Duration: delay}.Human(), s.RPO.Human())
				}
			}
			if comp := p.Components[src]; comp != nil && comp.AWS != nil && comp.AWS.Frequency != nil &&
				comp.AWS.Frequency.Duration > s.RPO.Duration {
				c.Report(At("scenarios", sid, "rpo"),
					"scenario %q restores from %q, which takes a recovery point every %s: longer than the scenario's own RPO of %s (the RPO of a scheduled backup is its interval)",
					sid, src, comp.AWS.Frequency.Human(), s.RPO.Human())
			}
		}
	}
}
