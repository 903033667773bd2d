package lint

import (
	"regexp"
	"strings"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR005",
		Severity: report.Error,
		Title:    "Data corruption has its own point-in-time recovery path, separate from the region failover",
		Rationale: "A replica faithfully replicates corruption: Aurora Global Database copies a bad write to the " +
			"standby region typically within a second, so a failover only moves the damage and burns the one " +
			"clean environment. The answer to corruption is a restore to a point before it (Aurora or RDS " +
			"point-in-time restore within the backup retention window, or an immutable backup), which is a " +
			"different procedure with its own, longer RTO than the failover.",
		Remediation: "Declare an in-scope data-corruption scenario with response restore and a runbook of its " +
			"own (not the region-failover runbook) that restores to a point in time, e.g. with " +
			"`aws rds restore-db-cluster-to-point-in-time`, verifies the restored data and repairs or cuts over.",
		Check: checkDR005,
	})
}

// restoreCommand matches commands that restore data from a backup or to a
// point in time.
var restoreCommand = regexp.MustCompile(`restore-db-(cluster|instance)-(to-point-in-time|from-snapshot|from-s3|from-db-snapshot)` +
	`|restore-table-(to-point-in-time|from-backup)|start-restore-job|\bpg_restore\b|\bpgbackrest\b.*\brestore\b|\bwal-g\s+backup-fetch\b`)

func checkDR005(c *Context) {
	p := c.Plan
	var corruption []string
	regionRunbook := map[string]string{} // runbook -> region-failure scenario
	for _, id := range plan.Keys(p.Scenarios) {
		s := p.Scenarios[id]
		switch s.Class {
		case plan.ClassDataCorruption:
			corruption = append(corruption, id)
		case plan.ClassRegionFailure:
			for _, rb := range s.RunbookIDs() {
				if regionRunbook[rb] == "" {
					regionRunbook[rb] = id
				}
			}
		}
	}

	// Is there an in-scope corruption scenario with a runbook?
	covered := false
	var inScope, outOfScope string
	for _, id := range corruption {
		s := p.Scenarios[id]
		switch {
		case s.InScope && len(s.RunbookIDs()) > 0:
			covered = true
		case s.InScope && inScope == "":
			inScope = id
		case !s.InScope && outOfScope == "":
			outOfScope = id
		}
	}
	switch {
	case covered:
	case inScope != "":
		c.Report(At("scenarios", inScope, "runbook"),
			"data-corruption scenario %q has no runbook: the plan has no point-in-time recovery procedure", inScope)
	case outOfScope != "":
		c.Report(At("scenarios", outOfScope, "inScope"),
			"data corruption is out of scope (scenario %q): the plan has no point-in-time recovery procedure", outOfScope)
	default:
		c.Report(At("scenarios"), "no in-scope data-corruption scenario has a runbook: the plan has no point-in-time recovery procedure")
	}

	// A corruption scenario answered by failover, or restoring from a live
	// replica, is DR104's: one fact, one finding.
	for _, id := range corruption {
		s := p.Scenarios[id]
		for _, rb := range s.RunbookIDs() {
			if r := regionRunbook[rb]; r != "" {
				c.Report(scenarioRunbookAt(id, s, rb),
					"data-corruption scenario %q uses runbook %q, which is the region-failover runbook of scenario %q: corruption needs its own restore procedure",
					id, rb, r)
			}
		}
	}

	if len(restoreRunbooks(p)) == 0 {
		ids := plan.Keys(p.Runbooks)
		switch len(ids) {
		case 0:
			c.Report(At("runbooks"), "the plan has no runbooks, so none restores data to a point before a corruption")
		case 1:
			c.Report(At("runbooks"), "the plan's only runbook (%s) performs no restore: nothing recovers data to a point before a corruption", ids[0])
		default:
			c.Report(At("runbooks"), "none of the %d runbooks (%s) performs a restore: nothing recovers data to a point before a corruption",
				len(ids), strings.Join(ids, ", "))
		}
	}
}

// restoreRunbooks returns the runbooks that restore data: those of
// data-corruption scenarios (the PITR runbook), those of scenarios answered
// by a restore, and those with a restore command.
func restoreRunbooks(p *plan.Plan) map[string]bool {
	out := map[string]bool{}
	for _, s := range p.Scenarios {
		if s.Class == plan.ClassDataCorruption || s.Response == "restore" || s.Response == "isolate-and-restore" {
			for _, rb := range s.RunbookIDs() {
				out[rb] = true
			}
		}
	}
	for id, rb := range p.Runbooks {
		for _, st := range rb.Steps {
			if restoreCommand.MatchString(st.Command) {
				out[id] = true
				break
			}
		}
	}
	return out
}
