package generator

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/drplan/drplan/schema"
)

func TestArchitectureDOT(t *testing.T) {
	p, err := schema.Load("../plans/orderflow")
	if err != nil {
		t.Fatal(err)
	}
	dot := ArchitectureDOT(p)
	for id := range p.Components {
		if !bytes.Contains(dot, []byte(`id="component-`+id+`"`)) {
			t.Errorf("component %s missing from the diagram", id)
		}
	}
	for id := range p.Replication {
		if !bytes.Contains(dot, []byte(`id="path-`+id+`"`)) {
			t.Errorf("replication path %s missing from the diagram", id)
		}
	}
	for _, want := range []string{"cluster_promotion", "style=dashed", "style=dotted", "us-east-1 (primary)", "us-west-2 (standby)", "DNS failover"} {
		if !bytes.Contains(dot, []byte(want)) {
			t.Errorf("diagram lacks %q", want)
		}
	}
	p.Components["db-primary"].Description = "quote \" and backslash \\ and\nnewline"
	p.Title = `title with "quotes"`
	if d := ArchitectureDOT(p); !bytes.Contains(d, []byte(`title with \"quotes\"`)) {
		t.Error("a quote in plan text is not escaped in DOT")
	}
	// Where Graphviz's dot is installed, it must accept the file.
	if dotBin, err := exec.LookPath("dot"); err == nil {
		cmd := exec.Command(dotBin, "-Tsvg")
		cmd.Stdin = bytes.NewReader(dot)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "<svg") {
			t.Errorf("dot rejected the diagram: %v\n%s", err, out)
		}
	}
}
