package diagram

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"regexp"
	"testing"
)

// IDs returns the id attributes of an SVG document, decoded (Graphviz
// writes '-' as &#45;), failing the test when it is not well-formed XML.
func ids(t *testing.T, svg []byte) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Local == "id" {
					out[a.Value] = true
				}
			}
		}
	}
}

func TestSVG(t *testing.T) {
	svg, err := SVG([]byte(`digraph g { a [id="component-a"]; b; a -> b [id="path-a-b", label="async"]; }`))
	if err != nil {
		t.Fatal(err)
	}
	got := ids(t, svg)
	for _, want := range []string{"component-a", "path-a-b"} {
		if !got[want] {
			t.Errorf("SVG lacks id %q; has %v", want, got)
		}
	}
	if !bytes.Contains(svg, []byte("async")) || !bytes.Contains(svg, []byte("<svg")) {
		t.Error("SVG lacks the edge label")
	}
	if _, err := SVG([]byte("digraph { a -> ")); err == nil {
		t.Error("broken DOT rendered without an error")
	}
}

// The OrderFlow diagram shows every component and replication path.
func TestOrderFlowSVG(t *testing.T) {
	dot, err := os.ReadFile("../generator/testdata/render/orderflow/architecture.dot")
	if err != nil {
		t.Fatal(err)
	}
	svg, err := SVG(dot)
	if err != nil {
		t.Fatal(err)
	}
	got := ids(t, svg)
	want := regexp.MustCompile(`id="((?:component|path)-[^"]+)"`).FindAllSubmatch(dot, -1)
	if len(want) < 20 {
		t.Fatalf("only %d ids in the DOT source", len(want))
	}
	for _, m := range want {
		if !got[string(m[1])] {
			t.Errorf("SVG lacks %s", m[1])
		}
	}
}
