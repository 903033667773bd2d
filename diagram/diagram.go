// Package diagram renders Graphviz DOT to SVG with go-graphviz, in the
// drplan-diagram helper process only: go-graphviz compiles its WebAssembly
// in package init (0.5-0.8 s in every process that links it), which the
// drplan binary, run on every commit, must not pay. drplan render pipes
// each plan's DOT through the helper.
package diagram

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"github.com/goccy/go-graphviz"
)

// The renderer is not safe for concurrent use: renders are serialised.
var mu sync.Mutex

// SVG renders a DOT graph as SVG.
func SVG(dot []byte) ([]byte, error) {
	mu.Lock()
	defer mu.Unlock()
	ctx := context.Background()
	g, err := graphviz.New(ctx)
	if err != nil {
		return nil, err
	}
	defer g.Close()
	graph, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("parsing DOT: %w", err)
	}
	defer graph.Close()
	var buf bytes.Buffer
	if err := g.Render(ctx, graph, graphviz.SVG, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
