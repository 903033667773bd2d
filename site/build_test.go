package site

import (
	"testing"
	"time"

	"github.com/drplan/drplan/diagram"
	"github.com/drplan/drplan/generator"
	"github.com/drplan/drplan/lint"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
)

// orderflowInput renders OrderFlow as drplan render does: the generator's
// artefacts (with the diagram drawn by Graphviz), lint as of now, the plan's
// sources, and the evidence given.
func buildInput(t testing.TB, dir string, now time.Time, svg bool) (Input, generator.Files) {
	t.Helper()
	p, err := schema.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	findings, suppressed := lint.Lint(p, lint.Options{Now: now})
	o := generator.StrategyOptions{Now: now}
	if svg {
		o.SVG = diagram.SVG
	}
	files, err := generator.Plans([]*plan.Plan{p}, []generator.StrategyOptions{o})
	if err != nil {
		t.Fatal(err)
	}
	sources, err := ReadSources(p)
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Tool: "drplan test", Plans: []Plan{{Plan: p, Now: now, Findings: findings, Suppressed: suppressed, Files: files.Sub(p.Name), Sources: sources}}}
	return in, files
}

// renderSite writes the whole render output, site included, into a new
// directory and returns it.
func renderSite(t testing.TB, in Input, files generator.Files) string {
	t.Helper()
	site, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := files.Add("", site); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir() + "/out"
	if err := generator.WriteDir(out, files); err != nil {
		t.Fatal(err)
	}
	return out
}
