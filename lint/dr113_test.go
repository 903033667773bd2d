package lint

import (
	"testing"

	"github.com/drplan/drplan/plan"
)

func TestDR113(t *testing.T) {
	wantNone(t, run(t, cleanPlan(t), "DR113"))

	dns := func(p *plan.Plan) *plan.Step { return p.Runbooks["failover"].Steps[1] }

	// Route 53's API is served from us-east-1, the region the scenario loses.
	p := cleanPlan(t)
	dns(p).Command = "id=$(aws route53 change-resource-record-sets --hosted-zone-id Z1 --change-batch file://dns.json --query ChangeInfo.Id --output text)\naws route53 wait resource-record-sets-changed --id \"$id\""
	wantFinding(t, run(t, p, "DR113"), "runbooks.failover.steps.1.command",
		"step 2 \"dns\" of runbook \"failover\" calls `aws route53 change-resource-record-sets` (and `aws route53 wait`) on Route 53's control plane, which is served from us-east-1, the region scenario \"region\" loses, and the recovery of tier0 waits for the step: let Route 53 health checks flip the failover records")

	// ... whatever --region the call names: the CLI sends it home.
	dns(p).Command = "aws iam attach-role-policy --region us-west-2 --role-name dr --policy-arn arn:aws:iam::aws:policy/AdministratorAccess"
	wantFinding(t, run(t, p, "DR113"), "runbooks.failover.steps.1.command", "on IAM's control plane, which is served from us-east-1")

	// A regional API of the lost region.
	dns(p).Command = "aws rds describe-db-clusters --region us-east-1 --db-cluster-identifier db"
	wantFinding(t, run(t, p, "DR113"), "runbooks.failover.steps.1.command",
		"calls `aws rds describe-db-clusters` on the rds API of us-east-1, the region scenario \"region\" loses")

	// The scenario can name the region it loses; then us-east-1 is not it.
	p.Regions["eu-west-1"] = &plan.Region{Role: "primary"}
	wantNone(t, run(t, p, "DR113")) // two primaries, no region stated: no guess
	p.Scenarios["region"].Region = "eu-west-1"
	wantNone(t, run(t, p, "DR113"))
	dns(p).Command = "aws rds describe-db-clusters --region eu-west-1 --db-cluster-identifier db"
	wantFinding(t, run(t, p, "DR113"), "runbooks.failover.steps.1.command", "the rds API of eu-west-1")

	// Global Accelerator's API lives in us-west-2: losing us-east-1 leaves it.
	p = cleanPlan(t)
	dns(p).Command = "aws globalaccelerator update-endpoint-group --endpoint-group-arn arn --traffic-dial-percentage 0"
	wantNone(t, run(t, p, "DR113"))

	// Allowed: the surviving region's API, a region chosen at run time, a
	// tolerated failure, and steps after the tier is back.
	for _, cmd := range []string{
		"aws rds failover-global-cluster --region us-west-2 --global-cluster-identifier g --target-db-cluster-identifier arn",
		"for r in us-west-2 eu-west-1; do aws route53-recovery-cluster update-routing-control-states --region \"$r\" --update-routing-control-state-entries file://on.json && break; done",
		"if aws rds describe-db-clusters --region us-east-1 --db-cluster-identifier db; then echo reachable; fi",
		"aws route53 get-change --id C1 || echo 'Route 53 API unavailable: the health check moves traffic'",
		"# aws route53 change-resource-record-sets would need us-east-1\necho ok",
	} {
		p = cleanPlan(t)
		dns(p).Command = cmd
		wantNone(t, run(t, p, "DR113"))
	}
	p = cleanPlan(t)
	p.Runbooks["failover"].Steps = append(p.Runbooks["failover"].Steps, &plan.Step{Number: 3, ID: "audit", Title: "Audit",
		Command: "aws route53 list-resource-record-sets --hosted-zone-id Z1"})
	wantNone(t, run(t, p, "DR113"))

	// Only region failures: a restore in the primary region calls its API by design.
	p = cleanPlan(t)
	p.Runbooks["pitr"].Steps[0].Command = "aws rds restore-db-instance-to-point-in-time --region us-east-1 --source-db-instance-identifier clean-db --target-db-instance-identifier x"
	wantNone(t, run(t, p, "DR113"))
}
