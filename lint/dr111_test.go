package lint

import "testing"

func TestDR111(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR111"))

	p := cleanPlan(t)
	st := p.Runbooks["failover"].Steps[0]
	st.Sample = "DBInstanceStatus: available"
	wantFinding(t, run(t, p, "DR111"), "runbooks.failover.steps.0.sample",
		`step 1 "promote" of runbook "failover": its sample output does not match its expect "modifying", so the runner would fail the step on the output the runbook documents`)
	st.Sample = "DBInstanceStatus: modifying\n"
	wantNone(t, run(t, p, "DR111"))

	// An invalid expect is DR004's finding, reported once, not here too.
	st.Expect = "(modifying"
	wantNone(t, run(t, p, "DR111"))
	wantFinding(t, run(t, p, "DR004"), "runbooks.failover.steps.0.expect", "missing closing )")

	p = cleanPlan(t)
	p.Runbooks["pitr"].Steps[0].Timeout = dr1Dur(t, "10m")
	wantFinding(t, run(t, p, "DR111"), "runbooks.pitr.steps.0.timeout",
		`step 1 "restore" of runbook "pitr" times out after 10m, before its estimate of 20m: the runner would kill it on an ordinary run`)

	p = cleanPlan(t)
	dns := p.Runbooks["failover"].Steps[1]
	dns.Rollback.Command = dns.Command + "\n"
	wantFinding(t, run(t, p, "DR111"), "runbooks.failover.steps.1.rollback.command",
		`step 2 "dns" of runbook "failover" has a rollback identical to its command: running the step again does not undo it`)
}
