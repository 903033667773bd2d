package lint

import (
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR104",
		Severity: report.Error,
		Title:    "Data corruption is answered by a restore, not a failover",
		Rationale: "A replica faithfully replicates corruption: a bad deploy's writes reach the standby within the " +
			"replication lag (under a second for Aurora Global Database), so failing over moves the problem to " +
			"the other region and gives up the healthy primary. The answer is a point-in-time restore to just " +
			"before the corruption (PITR, immutable backups), from a source that is not itself a live replica.",
		Remediation: "Answer the scenario with restore, pointing at a PITR runbook separate from the region " +
			"failover, and name a restoreFrom that holds history (the primary's own PITR window, a backup vault, " +
			"an Object Lock bucket), not a live replica.",
		Check: func(c *Context) {
			p := c.Plan
			for _, id := range plan.Keys(p.Scenarios) {
				s := p.Scenarios[id]
				if !s.InScope || s.Class != plan.ClassDataCorruption {
					continue
				}
				if s.Response == "failover" {
					c.Report(At("scenarios", id, "response"),
						"scenario %q (data-corruption) is answered by failover: the replica already holds the corruption; restore to a point before it instead", id)
				}
				for i, src := range s.RestoreFrom {
					if rid, ok := p.ReplicaOf(src); ok && !p.Components[src].IsImmutable() {
						r := p.Replication[rid]
						c.Report(restoreFromAt(id, i, len(s.RestoreFrom)),
							"scenario %q (data-corruption) restores from %q, a live replica of %q (replication path %q, %s): it already holds the corruption",
							id, src, r.From, rid, r.Mode)
					}
				}
			}
		},
	})
}
