package lint

import (
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR108",
		Severity: report.Error,
		Title:    "Every service has a tier, every tier a service, every component a purpose",
		Rationale: "Objectives protect services: a service without a tier has no RTO or RPO anyone signed off, so " +
			"nobody knows when it must be back; a tier without a service promises an objective for nothing. A " +
			"component that no service depends on and that no replication path, DNS record, promotion boundary, " +
			"scenario, alert or cost item names is outside every recovery the plan describes: either it is " +
			"forgotten (and will be missing in the standby region) or the plan describes a system that no longer " +
			"exists.",
		Remediation: "Give every service a tier and list the components it depends on; remove tiers that classify " +
			"nothing; connect each component to what uses it (a service's dependsOn, a replication path, the " +
			"promotion boundary, a scenario's restoreFrom) or remove it from the plan.",
		Check: checkDR108,
	})
}

// componentRefs counts, for each component, the places in the plan that
// name it.
func componentRefs(p *plan.Plan) map[string]int {
	refs := map[string]int{}
	for _, s := range p.Services {
		for _, d := range s.DependsOn {
			refs[d]++
		}
	}
	for _, r := range p.Replication {
		refs[r.From]++
		refs[r.To]++
	}
	for _, d := range p.DNS {
		refs[d.HostedZone]++
		refs[d.Primary.Component]++
		refs[d.Secondary.Component]++
	}
	if pr := p.Promotion; pr != nil {
		for _, c := range pr.Components {
			refs[c]++
		}
		for _, np := range pr.NotPromoted {
			refs[np.Component]++
		}
	}
	for _, s := range p.Scenarios {
		for _, src := range s.RestoreFrom {
			refs[src]++
		}
	}
	for _, a := range p.Alerts {
		refs[a.Component]++
	}
	if cm := p.Cost; cm != nil {
		for _, it := range cm.SteadyState {
			refs[it.Component]++
		}
		for _, it := range cm.DRState {
			refs[it.Component]++
		}
	}
	return refs
}

func checkDR108(c *Context) {
	p := c.Plan
	served := map[string]bool{}
	for _, id := range plan.Keys(p.Services) {
		s := p.Services[id]
		if s.Tier == "" {
			c.Report(At("services", id), "service %q has no tier: no RTO or RPO says when it must be back", id)
			continue
		}
		served[s.Tier] = true
	}
	for _, id := range p.TierIDs() {
		if !served[id] {
			c.Report(At("tiers", id), "tier %q has no service: its objectives protect nothing the plan names", id)
		}
	}
	refs := componentRefs(p)
	for _, id := range plan.Keys(p.Components) {
		comp := p.Components[id]
		// Infrastructure-as-code and GitOps tooling builds everything and is used by the runbooks, not by services.
		if refs[id] > 0 || comp.Kind == "argocd" || comp.Kind == "terraform" || comp.Role == "tooling" {
			continue
		}
		c.ReportAs(report.Warning, At("components", id),
			"component %q (%s) is referenced nowhere: no service depends on it and no replication path, DNS record, promotion boundary, scenario, alert or cost item names it, so no recovery in the plan accounts for it",
			id, comp.Kind)
	}
}
