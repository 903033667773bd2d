package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR117(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR117"))

	// withFence puts a fence step behind an approval before the promotion.
	withFence := func(p *plan.Plan, promoteAfter []string) *plan.Runbook {
		rb := p.Runbooks["failover"]
		fence := &plan.Step{Number: 1, ID: "fence-primary", Title: "Fence the old primary", After: []string{},
			Approval: &plan.Approval{Role: "Incident Commander", Reason: "Commits us to the failover."}}
		rb.Steps = append([]*plan.Step{fence}, rb.Steps...)
		for i, s := range rb.Steps {
			s.Number = i + 1
		}
		rb.Steps[1].After = promoteAfter
		return rb
	}

	// The promotion runs in parallel with the gated fence.
	p := cleanPlan(t)
	withFence(p, []string{})
	wantFinding(t, run(t, p, "DR117"), "runbooks.failover.steps.1.after",
		`step 2 "promote" of runbook "failover" (promote) can start before step 1 "fence-primary" (fence) is done, and so before the Incident Commander's approval of the fence: both sites can act as primary at once`)

	// Waiting for it, directly or through another step, is safe.
	p = cleanPlan(t)
	withFence(p, []string{"fence-primary"})
	wantNone(t, run(t, p, "DR117"))
	p = cleanPlan(t)
	rb := withFence(p, nil) // the step before it is the fence
	wantNone(t, run(t, p, "DR117"))

	// Effects stated by the plan win over the guess from the words.
	rb.Steps[1].After = []string{}
	rb.Steps[1].Effects = []string{}
	wantNone(t, run(t, p, "DR117"))
	rb.Steps[1].Effects = nil
	rb.Steps[0].Title, rb.Steps[0].ID = "Stop the writers", "stop-writers"
	wantNone(t, run(t, p, "DR117"))
	rb.Steps[0].Effects = []string{plan.EffectFence}
	wantFinding(t, run(t, p, "DR117"), "runbooks.failover.steps.1.after", `can start before step 1 "stop-writers" (fence) is done`)

	// Consumers on a mirrored cluster need translated offsets first.
	p = cleanPlan(t)
	p.Components["kafka"] = &plan.Component{Kind: "msk", Region: "us-east-1", AWS: &plan.AWS{ClusterName: "k"}}
	p.Components["kafka-standby"] = &plan.Component{Kind: "msk", Region: "us-west-2", AWS: &plan.AWS{ClusterName: "k2"}}
	p.Replication["events"] = &plan.ReplicationPath{From: "kafka", To: "kafka-standby", Mode: "async", Mechanism: "mirrormaker2"}
	rb = p.Runbooks["failover"]
	rb.Steps = append(rb.Steps, &plan.Step{Number: 3, ID: "start-consumers", Title: "Start the event consumers in us-west-2", After: []string{"promote"}})
	wantFinding(t, run(t, p, "DR117"), "runbooks.failover.steps.2.after",
		`step 3 "start-consumers" of runbook "failover" starts consumers on the cluster replication path "events" mirrors into, but no step of the runbook translates the consumer groups' offsets`)
	// A read-only look at the offsets is not a translation.
	rb.Steps = append(rb.Steps[:2], &plan.Step{Number: 3, ID: "check-offsets", Title: "Check the translated offsets", After: []string{},
		Command: "kafka-consumer-groups.sh --bootstrap-server b:9098 --describe --group g"}, rb.Steps[2])
	rb.Steps[3].Number = 4
	wantFinding(t, run(t, p, "DR117"), "runbooks.failover.steps.3.after", "no step of the runbook translates")
	rb.Steps[2].Command = "kafka-consumer-groups.sh --bootstrap-server b:9098 --group g --all-topics --reset-offsets --to-datetime \"$T\" --execute"
	wantFinding(t, run(t, p, "DR117"), "runbooks.failover.steps.3.after",
		`but it does not wait for step 3 "check-offsets", which translates them`)
	rb.Steps[3].After = []string{"promote", "check-offsets"}
	wantNone(t, run(t, p, "DR117"))

	// A dry run after the consumers started is only a look.
	rb.PostActions = append(rb.PostActions, plan.PostAction{Title: "Show what a reset would do",
		Command: "kafka-consumer-groups.sh --bootstrap-server b:9098 --group g --reset-offsets --to-latest --dry-run"})
	wantNone(t, run(t, p, "DR117"))

	// A reset after the consumers started cannot run.
	rb.PostActions = append(rb.PostActions, plan.PostAction{Title: "Reset lagging groups",
		Command: "kafka-consumer-groups.sh --bootstrap-server b:9098 --group \"$G\" --reset-offsets --to-latest --execute"})
	wantFinding(t, run(t, p, "DR117"), "runbooks.failover.postActions.2",
		`post-action 3 "Reset lagging groups" of runbook "failover" resets consumer offsets after step 4 "start-consumers" started the consumers`)

	// Without a mirror there is nothing to translate; restores are not failovers.
	p = cleanPlan(t)
	p.Runbooks["failover"].Steps = append(p.Runbooks["failover"].Steps, &plan.Step{Number: 3, ID: "start-consumers", Title: "Start the consumers"})
	wantNone(t, run(t, p, "DR117"))
	p = cleanPlan(t)
	p.Runbooks["pitr"].Steps = append([]*plan.Step{{Number: 1, ID: "fence", Title: "Fence writers", Approval: &plan.Approval{Role: "IC", Reason: "x"}}}, p.Runbooks["pitr"].Steps...)
	p.Runbooks["pitr"].Steps[1].Number, p.Runbooks["pitr"].Steps[1].After = 2, []string{}
	p.Runbooks["pitr"].Steps[1].Title = "Promote the restored instance"
	wantNone(t, run(t, p, "DR117"))
}
