package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/drplan/drplan/diagram"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"drplan": func() { os.Exit(int(Main(os.Args[1:], defaultStreams()))) },
		// The diagram helper, so that render's scripts run it for real;
		// only this test binary links go-graphviz, not drplan.
		"drplan-diagram": func() {
			dot, err := io.ReadAll(os.Stdin)
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
			os.Exit(0)
		},
	})
}

// TestScripts runs the CLI golden tests in testdata/script. Set
// DRPLAN_UPDATE=1 to rewrite the expected output in the scripts (then read
// the diff before committing it).
func TestScripts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("DRPLAN_UPDATE") != "",
		Setup: func(env *testscript.Env) error {
			// Scripts reach the repository's reference plans through $PLANS.
			env.Setenv("PLANS", filepath.Join(root, "plans"))
			// Scripts that test the cache turn it on in $WORK.
			env.Setenv("DRPLAN_CACHE", "off")
			return nil
		},
	})
}
