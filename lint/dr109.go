package lint

import (
	"fmt"
	"slices"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR109",
		Severity: report.Error,
		Title:    "DNS failover detects and converges within the RTO of the tiers it moves",
		Rationale: "Route 53 health checks probe every 30 s (default) or 10 s (fast) and flip the record after " +
			"failureThreshold consecutive failures (default 3): detection alone is ~90 s at the defaults and " +
			"~30 s with fast checks. Resolvers then keep answering with the old record for up to its TTL. A tier " +
			"whose region failover moves traffic through the record cannot be back before detection plus TTL, " +
			"whatever the runbook does; a 60 s RTO that relies on DNS failover needs fast checks, a low " +
			"threshold and a low TTL, and even then is tight.",
		Remediation: "Use fast (10 s) health checks, a lower failureThreshold and a lower TTL (alias records to a " +
			"load balancer answer with its own 60 s TTL), move traffic by other means (Global Accelerator, an " +
			"anycast front door), or restate the RTO.",
		Check: checkDR109,
	})
}

// regionFailoverObjective is the strictest RTO a region failover must meet:
// each in-scope region-failure scenario's own RTO, or else the RTOs of the
// tiers its runbook restores. within limits the tiers considered (nil: all).
func regionFailoverObjective(p *plan.Plan, within []string) (rto time.Duration, what string, ok bool) {
	for _, sid := range plan.Keys(p.Scenarios) {
		s := p.Scenarios[sid]
		if !s.InScope || s.Class != plan.ClassRegionFailure {
			continue
		}
		if s.RTO != nil {
			if !ok || s.RTO.Duration < rto {
				rto, what, ok = s.RTO.Duration, fmt.Sprintf("scenario %q's own RTO of %s", sid, s.RTO.Human()), true
			}
			continue
		}
		var tiers []string
		for _, rb := range s.RunbookIDs() {
			for _, t := range p.RunbookTiers(rb) {
				if (within == nil || slices.Contains(within, t)) && !slices.Contains(tiers, t) {
					tiers = append(tiers, t)
				}
			}
		}
		if r, t, has := p.StrictestRTO(tiers); has && (!ok || r.Duration < rto) {
			rto, what, ok = r.Duration, tierRTOs(p, []string{t}), true
		}
	}
	return rto, what, ok
}

func checkDR109(c *Context) {
	p := c.Plan
	for _, id := range plan.Keys(p.DNS) {
		d := p.DNS[id]
		// The tiers behind the record, when the plan says which components it fronts.
		var within []string
		if d.Primary.Component != "" || d.Secondary.Component != "" {
			within = []string{}
			for _, comp := range []string{d.Primary.Component, d.Secondary.Component} {
				if comp != "" {
					within = append(within, p.ComponentTiers(comp)...)
				}
			}
		}
		rto, what, ok := regionFailoverObjective(p, within)
		if !ok {
			continue
		}
		interval, err := plan.ParseDuration(d.HealthCheck.Interval)
		if err != nil {
			continue // the schema only allows 10s and 30s
		}
		detect := interval.Duration * time.Duration(d.HealthCheck.FailureThreshold)
		if total := detect + d.TTL.Duration; total > rto {
			c.Report(At("dns", id), "DNS failover %q (%s) moves traffic after ~%s, beyond %s: a health check every %s failing %d times takes %s to detect, then resolvers keep the old answer for the record's TTL of %s",
				id, d.Record, durText(total), what, d.HealthCheck.Interval, d.HealthCheck.FailureThreshold, durText(detect), d.TTL.Human())
		}
	}
}
