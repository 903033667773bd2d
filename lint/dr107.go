package lint

import (
	"fmt"
	"slices"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR107",
		Severity: report.Error,
		Title:    "A partial standby reaches full size within the RTO of the tiers it serves",
		Rationale: "A warm standby at N% of the primary serves only N% of peak until it has scaled, and scale-up " +
			"takes minutes (Karpenter or cluster-autoscaler: node boot, image pulls). Until then the tier is " +
			"degraded, not recovered: a Tier 0 objective has to account for that window. A standby without a " +
			"stated scale-up time leaves the window unknown.",
		Remediation: "Keep the standby at full size (or at the share the RTO allows), pre-scale it on the first " +
			"alert, or restate the RTO as time to full capacity with the business; state capacity.scaleUpTime " +
			"from what drills measured.",
		Check: checkDR107,
	})
}

// standbyTiers returns the tiers a component serves: its own (services that
// depend on it, data replicated into it) and, when a DNS failover sends a
// primary's traffic to it, the primary's.
func standbyTiers(p *plan.Plan, id string) []string {
	tiers := p.ComponentTiers(id)
	for _, did := range plan.Keys(p.DNS) {
		d := p.DNS[did]
		if d.Secondary.Component == id && d.Primary.Component != "" {
			tiers = append(tiers, p.ComponentTiers(d.Primary.Component)...)
		}
	}
	var out []string
	for _, t := range p.TierIDs() {
		if slices.Contains(tiers, t) {
			out = append(out, t)
		}
	}
	return out
}

func checkDR107(c *Context) {
	p := c.Plan
	for _, id := range plan.Keys(p.Components) {
		comp := p.Components[id]
		cp := comp.Capacity
		if cp == nil || cp.PercentOfPrimary >= 100 {
			continue
		}
		serves := fmt.Sprintf("~%s of peak", percentText(cp.PercentOfPrimary))
		if b := p.Business; b != nil && b.PeakLoad != nil {
			serves = fmt.Sprintf("~%s of %s %s", loadText(b.PeakLoad.Value*cp.PercentOfPrimary/100),
				loadText(b.PeakLoad.Value), b.PeakLoad.Unit)
		}
		tiers := standbyTiers(p, id)
		if cp.ScaleUpTime == nil {
			var withRTO []string
			for _, t := range tiers {
				if p.Tiers[t].RTO != nil {
					withRTO = append(withRTO, t)
				}
			}
			against := ""
			if len(withRTO) > 0 {
				against = ", against " + tierRTOs(p, withRTO[:1])
			}
			c.ReportAs(report.Warning, At("components", id, "capacity"),
				"standby %q runs at %s of primary but states no scaleUpTime: how long it serves only %s after failover is unknown%s",
				id, percentText(cp.PercentOfPrimary), serves, against)
			continue
		}
		up := cp.ScaleUpTime.Duration
		var over []string
		for _, t := range tiers {
			if r := p.Tiers[t].RTO; r != nil && up > r.Duration {
				over = append(over, t)
			}
		}
		if len(over) == 0 {
			continue
		}
		c.Report(At("components", id, "capacity", "scaleUpTime"),
			"standby %q runs at %s of primary and needs %s to reach full size: for %s after failover it serves %s, beyond %s",
			id, percentText(cp.PercentOfPrimary), cp.ScaleUpTime, cp.ScaleUpTime, serves, tierRTOs(p, over))
	}
}
