// Package bundletest renders runbook bundles for tests of drplan run: a
// small plan around the steps a test gives, and its bundle on disk, as
// drplan render writes it.
package bundletest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drplan/drplan/generator/bundle"
	"github.com/drplan/drplan/schema"
)

// planHead is a plan of package lab with one tier, one scenario and the
// runbook restore; the test's steps complete it.
const planHead = `package lab

name:   "lab"
system: "Local commands for testing drplan run"
tiers: t1: {level: 1, title: "Tier 1", rto: "1m", rpo: "5s", strategy: "pilot-light", trigger: "manual"}
scenarios: "disk-loss": {title: "Disk loss", class: "data-corruption", inScope: true, runbook: "restore"}
runbooks: restore: {
	title: "Restore the lab"
	tiers: ["t1"]
`

// WritePlan writes the plan of runbook restore with the given steps (CUE
// structs) into dir.
func WritePlan(t testing.TB, dir string, steps ...string) {
	t.Helper()
	WritePlanWith(t, dir, "", steps...)
}

// WritePlanWith is WritePlan with more fields of the runbook (CUE, e.g.
// its preconditions).
func WritePlanWith(t testing.TB, dir, runbook string, steps ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := planHead + runbook + "\nsteps: [\n" + strings.Join(steps, ",\n") + "\n]}\n"
	if err := os.WriteFile(filepath.Join(dir, "plan.cue"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Render writes the bundle of runbook of the plan in planDir into dir.
func Render(t testing.TB, planDir, runbook, dir string) {
	t.Helper()
	p, err := schema.Load(planDir)
	if err != nil {
		t.Fatalf("plan %s: %v", planDir, err)
	}
	files, err := bundle.Files(p, runbook)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
