package generator

import (
	"fmt"
	"strings"

	"github.com/drplan/drplan/plan"
)

// CostMarkdown renders cost.md: what the DR posture costs at rest and while
// a DR is declared, and what each tier's downtime costs at its RTO.
func CostMarkdown(p *plan.Plan) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Cost model: %s\n\n", title(p))
	cur := "USD"
	if p.Cost != nil && p.Cost.Currency != "" {
		cur = p.Cost.Currency
	}
	if p.Cost == nil {
		b.WriteString("The plan states no cost model.\n\n")
	} else {
		b.WriteString("## Steady state (per month)\n\n| item | component | monthly |\n|---|---|---:|\n")
		var monthly float64
		for _, it := range p.Cost.SteadyState {
			monthly += it.Monthly
			fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(it.Item), cell(it.Component), money(it.Monthly, cur))
		}
		fmt.Fprintf(&b, "| **Total** | | **%s** |\n\n", money(monthly, cur))
		fmt.Fprintf(&b, "Per year: %s.\n\n", money(monthly*12, cur))

		b.WriteString("## During a declared DR (extra)\n\n| item | component | per hour |\n|---|---|---:|\n")
		var hourly float64
		for _, it := range p.Cost.DRState {
			hourly += it.PerHour
			fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(it.Item), cell(it.Component), money(it.PerHour, cur))
		}
		fmt.Fprintf(&b, "| **Total** | | **%s** |\n\n", money(hourly, cur))
		fmt.Fprintf(&b, "Extra per day of a declared DR: %s.\n\n", money(hourly*24, cur))
	}

	b.WriteString("## Downtime exposure per tier\n\n")
	b.WriteString("What one outage costs at the cost of downtime per minute: if each tier is restored exactly at its RTO, and at what the latest drill of a runbook restoring it measured. " +
		"A drill's measured RTO counts for every tier it restores; a tier its steps bring back later counts until its last recovering step finished.\n\n")
	b.WriteString("| tier | RTO | downtime cost per minute | exposure at RTO | measured RTO (latest drill) | exposure at measured RTO |\n|---|---|---:|---:|---|---:|\n")
	var total, totalMeasured float64
	measuredAll := true
	for _, id := range p.TierIDs() {
		t := p.Tiers[id]
		rto, perMin, exposure, measured, measuredExposure := "—", "—", "—", "not drilled", "—"
		if t.RTO != nil {
			rto = t.RTO.Human()
		}
		m, drill, drilled := p.TierMeasuredRTO(id)
		if drilled {
			measured = fmt.Sprintf("%s (%s)", m.Human(), p.Drills[drill].Date)
		} else {
			measuredAll = false
		}
		if dc := downtimeCost(p, t); dc != nil {
			c := costCurrency(dc, cur)
			perMin = money(dc.PerMinute, c)
			if t.RTO != nil {
				e := dc.PerMinute * t.RTO.Minutes()
				total += e
				exposure = money(e, c)
			}
			if drilled {
				e := dc.PerMinute * m.Minutes()
				totalMeasured += e
				measuredExposure = money(e, c)
			}
		}
		fmt.Fprintf(&b, "| %s (%s) | %s | %s | %s | %s | %s |\n", cell(id), cell(t.Title), rto, perMin, exposure, measured, measuredExposure)
	}
	tm := money(totalMeasured, cur)
	if !measuredAll {
		tm += " (drilled tiers only)"
	}
	fmt.Fprintf(&b, "| **Total** | | | **%s** | | **%s** |\n", money(total, cur), tm)
	return []byte(b.String())
}

func downtimeCost(p *plan.Plan, t *plan.Tier) *plan.DowntimeCost {
	if p.Business == nil || t.DowntimeCost == "" {
		return nil
	}
	return p.Business.DowntimeCost[t.DowntimeCost]
}

func costCurrency(dc *plan.DowntimeCost, fallback string) string {
	if dc.Currency != "" {
		return dc.Currency
	}
	return fallback
}

func title(p *plan.Plan) string {
	if p.Title != "" {
		return p.Title
	}
	return p.Name
}

// cell makes plan text safe inside a Markdown table cell: no line breaks,
// no column separators, no raw HTML.
func cell(s string) string {
	if s == "" {
		return "—"
	}
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}
