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
			"degraded, not recovered: a Tier 0 objective has to account for that window. What matters is the " +
			"load of the tiers whose RTO falls inside it: where the plan states peakLoad per tier (or per " +
			"service), the standby is judged against that load; otherwise against the primary's whole capacity. " +
			"A standby without a stated scale-up time leaves the window unknown, and one whose floorPercent " +
			"is above its own percentOfPrimary is never ready by its own definition.",
		Remediation: "Keep the standby at full size (or at the share the RTO allows), pre-scale it on the first " +
			"alert, or restate the RTO as time to full capacity with the business; state capacity.scaleUpTime " +
			"from what drills measured, and peakLoad on the tiers or services that must be served within it. " +
			"Keep floorPercent at or below percentOfPrimary.",
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
		if cp == nil {
			continue
		}
		if cp.FloorPercent > cp.PercentOfPrimary {
			c.Report(At("components", id, "capacity", "floorPercent"),
				"standby %q is not ready below %s of primary (floorPercent) but runs at %s (percentOfPrimary): by its own definition it is never ready",
				id, percentText(cp.FloorPercent), percentText(cp.PercentOfPrimary))
		}
		if cp.PercentOfPrimary >= 100 {
			continue
		}
		serves := fmt.Sprintf("~%s of peak", percentText(cp.PercentOfPrimary))
		unit := ""
		avail := -1.0 // what the standby serves before scale-up, in load units; <0 unknown
		if b := p.Business; b != nil && b.PeakLoad != nil {
			unit = b.PeakLoad.Unit
			avail = b.PeakLoad.Value * cp.PercentOfPrimary / 100
			serves = fmt.Sprintf("~%s of %s %s", loadText(avail), loadText(b.PeakLoad.Value), unit)
		}
		tiers := standbyTiers(p, id)
		var withRTO []string
		for _, t := range tiers {
			if p.Tiers[t].RTO != nil {
				withRTO = append(withRTO, t)
			}
		}
		if cp.ScaleUpTime == nil {
			// A standby that already serves what every tier it carries needs
			// has no window to account for.
			if avail >= 0 && len(withRTO) > 0 {
				if need, ok := neededLoad(p, withRTO); ok && need.known && need.total <= avail {
					continue
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
		for _, t := range withRTO {
			if up > p.Tiers[t].RTO.Duration {
				over = append(over, t)
			}
		}
		if len(over) == 0 {
			continue
		}
		// With the load of the tiers stated, judge the standby against what
		// the tiers that must be back inside the window need, not against the
		// primary's whole capacity.
		if need, ok := neededLoad(p, over); ok && avail >= 0 {
			if need.known && need.total <= avail {
				continue
			}
			if need.total > avail {
				c.Report(At("components", id, "capacity", "scaleUpTime"),
					"standby %q runs at %s of primary and needs %s to reach full size: until then it serves %s, but %s",
					id, percentText(cp.PercentOfPrimary), cp.ScaleUpTime.Human(), serves, need.text(p, unit))
				continue
			}
		}
		c.Report(At("components", id, "capacity", "scaleUpTime"),
			"standby %q runs at %s of primary and needs %s to reach full size: for %s after failover it serves %s, beyond %s",
			id, percentText(cp.PercentOfPrimary), cp.ScaleUpTime.Human(), cp.ScaleUpTime.Human(), serves, tierRTOs(p, over))
	}
}

// tierLoads is the load a set of tiers needs at peak.
type tierLoads struct {
	tiers []string
	loads []float64
	full  []bool
	total float64
	// known is false when some tier's load is only partly stated: total is
	// then a lower bound.
	known bool
}

// neededLoad sums the stated load of tiers; ok is false when no tier or
// service among them states one (the plan is silent on load).
func neededLoad(p *plan.Plan, tiers []string) (tierLoads, bool) {
	n := tierLoads{known: true}
	stated := false
	for _, t := range tiers {
		l, full := p.TierLoad(t)
		stated = stated || full || l > 0
		n.tiers, n.loads, n.full = append(n.tiers, t), append(n.loads, l), append(n.full, full)
		n.total += l
		n.known = n.known && full
	}
	return n, stated
}

// text says what the tiers need within their RTOs: "tier0 needs 8,000
// req/s within its RTO of 60 s", or "tier0 (4,000 req/s, RTO 60 s) and
// tier1 (at least 3,000 req/s, RTO 5 min) need at least 7,000 req/s within
// their RTOs".
func (n tierLoads) text(p *plan.Plan, unit string) string {
	load := func(i int) string {
		switch {
		case n.full[i]:
			return loadText(n.loads[i]) + " " + unit
		case n.loads[i] > 0:
			return "at least " + loadText(n.loads[i]) + " " + unit
		}
		return "a load not stated"
	}
	if len(n.tiers) == 1 {
		t := n.tiers[0]
		return fmt.Sprintf("%s needs %s within its RTO of %s", t, load(0), p.Tiers[t].RTO.Human())
	}
	var parts []string
	for i, t := range n.tiers {
		parts = append(parts, fmt.Sprintf("%s (%s, RTO %s)", t, load(i), p.Tiers[t].RTO.Human()))
	}
	total := loadText(n.total) + " " + unit
	if !n.known {
		total = "at least " + total
	}
	return fmt.Sprintf("%s need %s within their RTOs", andList(parts), total)
}
