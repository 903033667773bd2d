package lint

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/drplan/drplan/plan"
)

// Formatting shared by the consistency rules (DR101 and up): computed
// figures in the plan's own duration syntax, objectives as people say them.

// durText formats a computed duration the way plans write them: 13m30s, 1h5m.
func durText(d time.Duration) string { return plan.Duration{Duration: d}.String() }

// stepRef names step i of a runbook as the operator sees it: step 5 "promote-aurora".
func stepRef(rb *plan.Runbook, i int) string {
	return fmt.Sprintf("step %d %q", rb.Steps[i].Number, rb.Steps[i].ID)
}

// andList lists items as prose: "a", "a and b", "a, b and c".
func andList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// tierRTOs says which tiers' RTOs a figure is beyond: "tier0's RTO of 60 s"
// or "the RTOs of tier0 (60 s) and tier1 (5 min)".
func tierRTOs(p *plan.Plan, tiers []string) string {
	if len(tiers) == 1 {
		return fmt.Sprintf("%s's RTO of %s", tiers[0], p.Tiers[tiers[0]].RTO.Human())
	}
	var parts []string
	for _, t := range tiers {
		parts = append(parts, fmt.Sprintf("%s (%s)", t, p.Tiers[t].RTO.Human()))
	}
	return "the RTOs of " + andList(parts)
}

// tierRPOs is tierRTOs for RPOs.
func tierRPOs(p *plan.Plan, tiers []string) string {
	if len(tiers) == 1 {
		return fmt.Sprintf("%s's RPO of %s", tiers[0], p.Tiers[tiers[0]].RPO.Human())
	}
	var parts []string
	for _, t := range tiers {
		parts = append(parts, fmt.Sprintf("%s (%s)", t, p.Tiers[t].RPO.Human()))
	}
	return "the RPOs of " + andList(parts)
}

// loadText formats a load figure for prose: 24,000 or 2.5.
func loadText(v float64) string {
	if math.Abs(v) < 100 {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// percentText formats a percentage without a needless fraction: 30%, 12.5%.
func percentText(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + "%" }
