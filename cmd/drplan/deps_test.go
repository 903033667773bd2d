package main

import (
	"os/exec"
	"strings"
	"testing"
)

// go-graphviz compiles its WebAssembly in package init, 0.5-0.8 s in every
// process that links it. validate, lint and --help run on every commit
// (pre-commit hooks, CI), so the drplan binary must not link it; diagram
// rendering has to stay out of this binary's dependency graph.
func TestCLIDoesNotLinkGraphviz(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.Contains(pkg, "go-graphviz") {
			t.Fatalf("cmd/drplan links %s; its start-up cost would be paid by every command", pkg)
		}
	}
}
