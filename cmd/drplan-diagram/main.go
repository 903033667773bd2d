// Command drplan-diagram renders Graphviz DOT from standard input to SVG on
// standard output. drplan render runs it, so that only this process pays
// go-graphviz's start-up; install it next to drplan.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/drplan/drplan/diagram"
)

func main() {
	dot, err := io.ReadAll(io.LimitReader(os.Stdin, 64<<20))
	if err == nil {
		var svg []byte
		if svg, err = diagram.SVG(dot); err == nil {
			_, err = os.Stdout.Write(svg)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "drplan-diagram:", err)
		os.Exit(1)
	}
}
