package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// diagramHelper is the program that turns DOT into SVG. It is a separate
// binary because the Graphviz library it links costs 0.5-0.8 s at start-up
// in every process, which validate and lint must not pay.
const diagramHelper = "drplan-diagram"

// findDiagramHelper looks next to the drplan executable first (where
// `make build` and `go install ./cmd/...` put it), then on PATH.
func findDiagramHelper() (string, error) {
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), diagramHelper)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(diagramHelper); err == nil {
		return p, nil
	}
	return "", errors.New("the diagram renderer drplan-diagram was found neither next to drplan nor on PATH: " +
		"install it with `go install github.com/drplan/drplan/cmd/drplan-diagram@latest` or build both with `make build`")
}

// renderSVG pipes DOT through the helper.
func renderSVG(helper string) func([]byte) ([]byte, error) {
	return func(dot []byte) ([]byte, error) {
		cmd := exec.Command(helper)
		cmd.Stdin = bytes.NewReader(dot)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%s: %v: %s", helper, err, strings.TrimSpace(errb.String()))
		}
		return out.Bytes(), nil
	}
}
