package generator

import (
	"fmt"
	"strings"

	"github.com/drplan/drplan/generator/alerts"
	"github.com/drplan/drplan/generator/bundle"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

// Plan renders every artefact of one plan, paths relative to its folder.
func Plan(p *plan.Plan, o StrategyOptions) (Files, error) {
	dot := ArchitectureDOT(p)
	var svg []byte
	if o.SVG != nil {
		var err error
		if svg, err = o.SVG(dot); err != nil {
			return nil, fmt.Errorf("architecture diagram: %w", err)
		}
		o.Diagram = "architecture.svg"
	}
	strategy := StrategyMarkdown(p, o)
	html, err := HTMLPage(title(p), strategy)
	if err != nil {
		return nil, err
	}
	files := Files{
		"strategy.md":      strategy,
		"strategy.html":    html,
		"cost.md":          CostMarkdown(p),
		"architecture.dot": dot,
	}
	if svg != nil {
		files["architecture.svg"] = svg
	}
	for _, id := range plan.Keys(p.Runbooks) {
		files["runbooks/"+id+".md"] = RunbookMarkdown(p, id)
		b, err := bundle.Files(p, id)
		if err != nil {
			return nil, fmt.Errorf("runbook %s bundle: %w", id, err)
		}
		if err := files.Add("bundle/"+id, b); err != nil {
			return nil, err
		}
	}
	if err := files.Add("", CommsFiles(p)); err != nil {
		return nil, err
	}
	rules, err := alerts.Files(p, alerts.Options{})
	if err != nil {
		return nil, fmt.Errorf("alert rules: %w", err)
	}
	if err := files.Add("alerts", rules); err != nil {
		return nil, err
	}
	return files, nil
}

// Plans renders several plans, each into a folder named after it; opts
// gives each plan's strategy options, in order.
func Plans(plans []*plan.Plan, opts []StrategyOptions) (Files, error) {
	out := Files{}
	seen := map[string]bool{}
	for i, p := range plans {
		if seen[p.Name] {
			return nil, fmt.Errorf("two plans are named %q; each renders into a folder of that name", p.Name)
		}
		seen[p.Name] = true
		files, err := Plan(p, opts[i])
		if err != nil {
			return nil, fmt.Errorf("plan %s: %w", p.Name, err)
		}
		if err := out.Add(p.Name, files); err != nil {
			return nil, err
		}
	}
	index, err := HTMLPage("DR plans", IndexMarkdown(plans, opts))
	if err != nil {
		return nil, err
	}
	out["index.html"] = index
	return out, nil
}

// IndexMarkdown lists the rendered plans: owner, review due, objectives
// and lint status, each linking to its strategy document.
func IndexMarkdown(plans []*plan.Plan, opts []StrategyOptions) []byte {
	w := &mdWriter{}
	w.f("# DR plans\n\n")
	var rows [][]string
	for i, p := range plans {
		owner, due := "—", "—"
		if p.Owner != nil {
			owner = cell(p.Owner.Team + ", " + p.Owner.Person)
		}
		if p.Review != nil {
			due = p.Review.Due().String()
			if opts[i].Now.After(p.Review.Due().Time) {
				due += " **(expired)**"
			}
		}
		var objectives []string
		for _, id := range p.TierIDs() {
			t := p.Tiers[id]
			objectives = append(objectives, fmt.Sprintf("%s RTO %s / RPO %s", id, dur(t.RTO), dur(t.RPO)))
		}
		counts := map[report.Severity]int{}
		for _, f := range opts[i].Findings {
			counts[f.Severity]++
		}
		rows = append(rows, []string{
			fmt.Sprintf("[%s](%s/strategy.html)", cell(title(p)), p.Name), owner, due,
			cell(strings.Join(objectives, "; ")),
			fmt.Sprintf("%d errors, %d warnings", counts[report.Error], counts[report.Warning]),
		})
	}
	w.table([]string{"plan", "owner", "review due", "objectives", "lint"}, rows)
	return []byte(w.String())
}
