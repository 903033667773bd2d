package lint

import (
	"fmt"
	"slices"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR113",
		Severity: report.Error,
		Title:    "Recovery from a region's loss does not depend on that region's control plane",
		Rationale: "AWS Well-Architected REL11-BP04 asks recovery to rely on the data plane, not the control plane: " +
			"control planes are more complex, less available and, for the global services, live in one region " +
			"(AWS Fault Isolation Boundaries): Route 53's record and health-check " +
			"changes, IAM writes, CloudFront configuration and AWS Organizations are served from us-east-1, Global " +
			"Accelerator's and Route 53 ARC's configuration from us-west-2. Their data planes (DNS answers and " +
			"health checks, IAM authentication, CloudFront delivery, ARC routing-control state on the cluster's " +
			"five regional endpoints) keep working when the home region does not. A regional API of the lost " +
			"region (`aws rds ... --region us-east-1` during the loss of us-east-1) is gone with it. A step on the " +
			"path to a tier's recovery that calls one of these APIs waits on the failed region; a read off that " +
			"path, a call whose failure the script tolerates (`if`, `||`) and a call against the surviving " +
			"region's endpoint do not.",
		Remediation: "Move traffic with the data plane: Route 53 failover records whose health checks flip by " +
			"themselves, or Route 53 ARC routing controls (`aws route53-recovery-cluster " +
			"update-routing-control-states`, tried against each cluster endpoint) attached to the failover " +
			"records; create IAM roles, CloudFront origin groups and SCPs before the event instead of during it; " +
			"call regional APIs in the surviving region (`--region` of the standby). State the scenario's region " +
			"when the plan has several primary regions.",
		Check: checkDR113,
	})
}

// controlPlaneHome is where the API of a global service is served: its
// control plane, homed in one region (AWS, "AWS Fault Isolation
// Boundaries: global services").
var controlPlaneHome = map[string]string{
	"route53":                         "us-east-1",
	"route53domains":                  "us-east-1",
	"iam":                             "us-east-1",
	"cloudfront":                      "us-east-1",
	"organizations":                   "us-east-1",
	"globalaccelerator":               "us-west-2",
	"route53-recovery-control-config": "us-west-2",
}

// serviceNames are the names people use for the services above.
var serviceNames = map[string]string{
	"route53": "Route 53", "route53domains": "Route 53 Domains", "iam": "IAM", "cloudfront": "CloudFront",
	"organizations": "AWS Organizations", "globalaccelerator": "Global Accelerator",
	"route53-recovery-control-config": "Route 53 ARC configuration",
}

// dataPlaneAlternative is what to do instead, per service.
var dataPlaneAlternative = map[string]string{
	"route53": "let Route 53 health checks flip the failover records (data plane), or attach Route 53 ARC routing " +
		"controls to them and flip those with `aws route53-recovery-cluster update-routing-control-states` against " +
		"the cluster endpoints",
	"route53domains":    "change nothing about the domain during recovery",
	"iam":               "create the roles and policies recovery needs before the event; IAM authentication keeps working in every region",
	"cloudfront":        "configure an origin group with origin failover beforehand; CloudFront fails over on the data plane",
	"organizations":     "attach the policies recovery needs before the event",
	"globalaccelerator": "let Global Accelerator's endpoint health checks move traffic; set traffic dials before the event",
	"route53-recovery-control-config": "flip routing-control states (route53-recovery-cluster, data plane) rather than " +
		"changing the control configuration",
}

func checkDR113(c *Context) {
	p := c.Plan
	for _, sid := range plan.Keys(p.Scenarios) {
		s := p.Scenarios[sid]
		if !s.InScope || s.Class != plan.ClassRegionFailure {
			continue
		}
		lost, ok := p.LostRegion(sid)
		if !ok {
			continue
		}
		for _, rbID := range s.RunbookIDs() {
			if rb := p.Runbooks[rbID]; rb != nil {
				checkDR113Runbook(c, sid, rbID, rb, lost)
			}
		}
	}
}

// checkDR113Runbook reports the steps on runbook rbID's critical paths that
// call an API the lost region serves.
func checkDR113Runbook(c *Context, sid, rbID string, rb *plan.Runbook, lost string) {
	paths := stepTiers(c.Plan, rbID)
	for i, st := range rb.Steps {
		tiers, onPath := paths[i]
		if !onPath {
			continue
		}
		var hits []awsCall
		for _, a := range awsCalls(st.Command) {
			if !a.Tolerated && dependsOnRegion(a, lost) {
				hits = append(hits, a)
			}
		}
		if len(hits) == 0 {
			continue
		}
		first := hits[0]
		var where, instead string
		if home, global := controlPlaneHome[first.Service]; global {
			where = fmt.Sprintf("%s's control plane, which is served from %s,", serviceNames[first.Service], home)
			instead = dataPlaneAlternative[first.Service]
		} else {
			where = fmt.Sprintf("the %s API of %s,", first.Service, lost)
			instead = "make the call in the surviving region (--region of the standby), or leave it off the recovery path"
		}
		also := ""
		if len(hits) > 1 {
			var rest []string
			for _, h := range hits[1:] {
				if t := "`" + h.Text() + "`"; !slices.Contains(rest, t) {
					rest = append(rest, t)
				}
			}
			also = fmt.Sprintf(" (and %s)", andList(rest))
		}
		c.Report(At("runbooks", rbID, "steps", i, "command"),
			"%s of runbook %q calls `%s`%s on %s the region scenario %q loses, and %s: %s",
			stepRef(rb, i), rbID, first.Text(), also, where, sid, pathText(tiers), instead)
	}
}

// dependsOnRegion reports whether an AWS CLI call needs region's API:
// a global service homed there (whatever --region says: the CLI sends it
// to the home region), or a regional call made in it.
func dependsOnRegion(a awsCall, region string) bool {
	if home, ok := controlPlaneHome[a.Service]; ok {
		return home == region
	}
	return a.Region == region
}

// stepTiers maps each step on the path to a tier's recovery to the tiers
// waiting for it. A runbook that restores no tier counts as a whole, with
// no tier named.
func stepTiers(p *plan.Plan, id string) map[int][]string {
	rb := p.Runbooks[id]
	out := map[int][]string{}
	tiers := p.RunbookTiers(id)
	if len(tiers) == 0 {
		for i := range rb.Steps {
			out[i] = nil
		}
		return out
	}
	for _, t := range tiers {
		for _, i := range rb.StepsBefore(t) {
			out[i] = append(out[i], t)
		}
	}
	return out
}

// pathText says which recoveries wait for a step.
func pathText(tiers []string) string {
	if len(tiers) == 0 {
		return "the runbook cannot finish without the step"
	}
	return "the recovery of " + andList(tiers) + " waits for the step"
}
