package generator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drplan/drplan/plan"
)

// ArchitectureDOT draws the plan's architecture as Graphviz DOT: regions
// as clusters marked primary or standby, components by kind, replication
// paths labelled with mode and lag (sync solid, async dashed, backup-copy
// dotted), DNS failover with its health check, and the promotion boundary
// as a group of its own inside the standby region.
func ArchitectureDOT(p *plan.Plan) []byte {
	var b strings.Builder
	b.WriteString("digraph architecture {\n")
	fmt.Fprintf(&b, "  graph [label=%s, labelloc=t, fontname=\"Helvetica\", fontsize=16, rankdir=LR, nodesep=0.35, ranksep=1.1, compound=true];\n", dotQuote(title(p)))
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=11, style=\"rounded,filled\", fillcolor=\"#ffffff\", shape=box, margin=\"0.25,0.1\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9];\n\n")

	promoted := map[string]bool{}
	if p.Promotion != nil {
		for _, c := range p.Promotion.Components {
			promoted[c] = true
		}
	}
	byRegion := map[string][]string{}
	for _, id := range plan.Keys(p.Components) {
		byRegion[p.Components[id].Region] = append(byRegion[p.Components[id].Region], id)
	}
	regions := plan.Keys(byRegion)
	// Primary regions first, then standby, then the rest; global last.
	rank := func(r string) int {
		if reg := p.Regions[r]; reg != nil {
			switch reg.Role {
			case "primary":
				return 0
			case "standby":
				return 1
			}
			return 2
		}
		return 3
	}
	slices.SortStableFunc(regions, func(a, c string) int { return rank(a) - rank(c) })
	for i, r := range regions {
		label, color := "global", "#f3f4f6"
		if r != "" {
			label = r
			if reg := p.Regions[r]; reg != nil {
				label = fmt.Sprintf("%s (%s)", r, reg.Role)
				if reg.Role == "primary" {
					color = "#e8f1fb"
				} else if reg.Role == "standby" {
					color = "#fdf3e3"
				}
			}
		}
		fmt.Fprintf(&b, "  subgraph cluster_region_%d {\n    label=%s; style=\"rounded,filled\"; fillcolor=%s; color=\"#9aa4b2\";\n", i, dotQuote(label), dotQuote(color))
		var inBoundary []string
		for _, id := range byRegion[r] {
			if promoted[id] {
				inBoundary = append(inBoundary, id)
				continue
			}
			writeComponent(&b, p, id, "    ")
		}
		if len(inBoundary) > 0 {
			b.WriteString("    subgraph cluster_promotion {\n      label=\"promotion boundary\"; style=\"dashed,bold\"; color=\"#c2410c\"; fontcolor=\"#c2410c\";\n")
			for _, id := range inBoundary {
				writeComponent(&b, p, id, "      ")
			}
			b.WriteString("    }\n")
		}
		b.WriteString("  }\n")
	}
	b.WriteString("\n")
	for _, id := range plan.Keys(p.Replication) {
		r := p.Replication[id]
		style, color := "dashed", "#2563eb"
		switch r.Mode {
		case plan.ModeSync:
			style, color = "solid", "#15803d"
		case plan.ModeBackupCopy:
			style, color = "dotted", "#6b7280"
		}
		label := r.Mode + ", " + r.Mechanism
		if r.ExpectedLag != nil {
			label += "\\nlag ~" + r.ExpectedLag.Human()
		}
		if r.Interval != nil {
			label += "\\nevery " + r.Interval.Human()
		}
		fmt.Fprintf(&b, "  %s -> %s [id=%s, label=%s, style=%s, color=%s, penwidth=1.6];\n",
			dotID(r.From), dotID(r.To), dotQuote("path-"+id), dotQuoteRaw(label), style, dotQuote(color))
	}
	for _, id := range plan.Keys(p.DNS) {
		d := p.DNS[id]
		node := dotID("dns:" + id)
		label := fmt.Sprintf("DNS failover\\n%s\\nTTL %s", dotEscape(d.Record), d.TTL.Human())
		fmt.Fprintf(&b, "  %s [id=%s, label=%s, shape=hexagon, fillcolor=\"#fef9c3\"];\n", node, dotQuote("dns-"+id), dotQuoteRaw(label))
		check := fmt.Sprintf("PRIMARY\\nhealth check %s every %s, %d failures", d.HealthCheck.Protocol, d.HealthCheck.Interval, d.HealthCheck.FailureThreshold)
		for _, side := range []struct {
			t     plan.DNSTarget
			label string
			style string
		}{{d.Primary, check, "solid"}, {d.Secondary, "SECONDARY\\n(on primary failure)", "dashed"}} {
			if side.t.Component != "" && p.Components[side.t.Component] != nil {
				fmt.Fprintf(&b, "  %s -> %s [label=%s, style=%s, color=\"#a16207\"];\n", node, dotID(side.t.Component), dotQuoteRaw(side.label), side.style)
			}
		}
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

func writeComponent(b *strings.Builder, p *plan.Plan, id, indent string) {
	c := p.Components[id]
	label := dotEscape(id) + "\\n" + c.Kind
	if c.Engine != nil {
		label += " " + dotEscape(c.Engine.Version)
	}
	if c.Capacity != nil {
		label += fmt.Sprintf("\\n%g%% of primary", c.Capacity.PercentOfPrimary)
		if c.Capacity.ScaleUpTime != nil {
			label += ", full in " + c.Capacity.ScaleUpTime.Human()
		}
	}
	if c.Immutable {
		label += "\\nimmutable"
	}
	shape := map[string]string{
		plan.KindAuroraGlobal: "cylinder", plan.KindAuroraCluster: "cylinder", plan.KindRDSPostgres: "cylinder",
		plan.KindS3: "folder", plan.KindAWSBackup: "folder", plan.KindMSK: "cds", plan.KindElastiCacheRedis: "box3d",
		plan.KindEKS: "component", plan.KindRoute53: "hexagon",
	}[c.Kind]
	if shape == "" {
		shape = "box"
	}
	fmt.Fprintf(b, "%s%s [id=%s, label=%s, shape=%s];\n", indent, dotID(id), dotQuote("component-"+id), dotQuoteRaw(label), shape)
}

// dotID quotes a node ID.
func dotID(s string) string { return dotQuote(s) }

// dotQuote quotes s as a DOT string, escaping what DOT would interpret.
func dotQuote(s string) string { return `"` + dotEscape(s) + `"` }

// dotQuoteRaw quotes a label already escaped, keeping its \n line breaks.
func dotQuoteRaw(s string) string { return `"` + s + `"` }

func dotEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")
	return r.Replace(s)
}
