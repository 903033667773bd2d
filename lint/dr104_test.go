package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR104(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR104"))

	p := cleanPlan(t)
	p.Scenarios["corruption"].Response = "failover"
	p.Scenarios["corruption"].Runbook = "failover"
	wantFinding(t, run(t, p, "DR104"), "scenarios.corruption.response",
		`scenario "corruption" (data-corruption) is answered by failover: the replica already holds the corruption`)

	p = cleanPlan(t)
	p.Scenarios["corruption"].RestoreFrom = plan.IDList{"db-standby"}
	wantFinding(t, run(t, p, "DR104"), "scenarios.corruption.restoreFrom",
		`scenario "corruption" (data-corruption) restores from "db-standby", a live replica of "db" (replication path "db-cross-region", async): it already holds the corruption`)

	// The primary's own PITR window and an immutable bucket hold history.
	for _, src := range []string{"db", "backups"} {
		p = cleanPlan(t)
		p.Scenarios["corruption"].RestoreFrom = plan.IDList{src}
		wantNone(t, run(t, p, "DR104"))
	}

	p = cleanPlan(t)
	p.Scenarios["corruption"].InScope = false
	p.Scenarios["corruption"].Response = "failover"
	wantNone(t, run(t, p, "DR104"))
}
