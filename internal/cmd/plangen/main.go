// Command plangen writes a synthetic drplan plan directory, for benchmarks.
//
//	go run ./internal/cmd/plangen -services 10000 -steps 50000 -seed 1 -o /tmp/plan
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/drplan/drplan/internal/plangen"
	"github.com/drplan/drplan/schema"
)

func main() {
	var o plangen.Options
	flag.IntVar(&o.Services, "services", 100, "number of services")
	flag.IntVar(&o.Steps, "steps", 500, "total runbook steps across all runbooks")
	flag.Int64Var(&o.Seed, "seed", 1, "random seed; the same options give identical files")
	flag.StringVar(&o.Package, "package", "synthetic", "CUE package clause of every file")
	flag.IntVar(&o.Accounts, "accounts", 0, "AWS accounts to spread the components over (a backup account and workload accounts); 0: none")
	dir := flag.String("o", "", "output directory (created if missing)")
	jsonOut := flag.String("json", "", "also write the plan, loaded and decoded, as one JSON file (for peers such as conftest)")
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: plangen [-services N] [-steps M] [-seed S] [-package P] [-accounts A] -o DIR [-json FILE]")
		os.Exit(2)
	}
	if o.Services < 1 || o.Steps < 1 {
		fmt.Fprintln(os.Stderr, "plangen: -services and -steps must be at least 1")
		os.Exit(2)
	}
	if err := plangen.Write(*dir, o); err != nil {
		fmt.Fprintln(os.Stderr, "plangen:", err)
		os.Exit(1)
	}
	if *jsonOut != "" {
		p, err := schema.Load(*dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "plangen:", err)
			os.Exit(1)
		}
		data, err := json.Marshal(p)
		if err == nil {
			err = os.WriteFile(*jsonOut, data, 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "plangen:", err)
			os.Exit(1)
		}
	}
}
