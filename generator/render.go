package generator

import (
	"fmt"

	"github.com/drplan/drplan/generator/alerts"
	"github.com/drplan/drplan/generator/bundle"
	"github.com/drplan/drplan/plan"
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
	// The strategy's HTML page is the auditor site's (package site),
	// made from this Markdown.
	strategy := StrategyMarkdown(p, o)
	files := Files{
		"strategy.md":      strategy,
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
// gives each plan's strategy options, in order. The index of the plans is
// the auditor site's (package site), which shows them with their evidence.
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
	return out, nil
}
