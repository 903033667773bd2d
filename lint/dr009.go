package lint

import (
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR009",
		Severity: report.Error,
		Title:    "The cost model states the steady-state cost and the cost during a declared DR",
		Rationale: "Every DR posture is a trade between what readiness costs and what downtime costs: a warm " +
			"standby, cross-region replication and game days are paid every month, and a declared DR adds the " +
			"hourly cost of scaling the standby to full size, extra transfer and people on the bridge. Without " +
			"both figures the business cannot judge whether the objectives it signed are worth their price, " +
			"nor approve the spend that a DR triggers.",
		Remediation: "Add cost with steadyState items (item, component, monthly) for everything that exists only " +
			"for DR, including the people time of game days, and drState items (item, perHour) for what a " +
			"declared DR adds; set currency (USD when omitted).",
		Check: checkDR009,
	})
}

func checkDR009(c *Context) {
	cm := c.Plan.Cost
	if cm == nil {
		c.Report(At("cost"), "the plan has no cost model: neither the steady-state cost of DR readiness nor the cost of a declared DR is stated")
		return
	}
	cur := cm.Currency
	if cur == "" {
		cur = "USD"
	}
	var monthly, hourly float64
	for _, it := range cm.SteadyState {
		monthly += it.Monthly
	}
	for _, it := range cm.DRState {
		hourly += it.PerHour
	}
	switch {
	case len(cm.SteadyState) == 0:
		c.Report(At("cost", "steadyState"), "the cost model has no steady-state items: the monthly cost of DR readiness is not stated")
	case monthly <= 0:
		c.Report(At("cost", "steadyState"), "the cost model's steady-state items (%d) total %g %s a month: DR readiness is never free",
			len(cm.SteadyState), monthly, cur)
	}
	switch {
	case len(cm.DRState) == 0:
		c.Report(At("cost", "drState"), "the cost model has no drState items: the extra cost per hour of a declared DR is not stated")
	case hourly <= 0:
		c.Report(At("cost", "drState"), "the cost model's drState items (%d) total %g %s per hour: a declared DR is never free",
			len(cm.DRState), hourly, cur)
	}
}
