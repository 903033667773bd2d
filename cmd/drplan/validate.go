package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
)

// ValidateOptions are the inputs of `drplan validate`.
type ValidateOptions struct {
	Streams Streams
	Paths   []string
	Quiet   bool
}

func newValidateCmd(s Streams, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{Streams: s}
	cmd := &cobra.Command{
		Use:   "validate PATH...",
		Short: "Check that plans load and match the schema",
		Long: `Load each plan and check it against the drplan schema: syntax, types,
closed fields and enums, durations and dates, and references between tiers,
services, components, runbooks and scenarios. Every problem is reported with
its file:line:col.

Each directory is one plan (its *.cue, *.yaml, *.yml and *.json files and
those in its drills/ folder); files named on the command line together form
one plan.`,
		Example: `  drplan validate plans/orderflow
  drplan validate plans/*/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return validateRun(opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "print only problems")
	return cmd
}

func validateRun(opts *ValidateOptions) error {
	groups := planArgs(opts.Paths)
	results := loadAll(groups)
	bad := 0
	for i, r := range results {
		name := strings.Join(groups[i], " ")
		if r.err != nil {
			bad++
			printLoadError(opts.Streams, r.err)
			fmt.Fprintf(opts.Streams.ErrOut, "%s: invalid\n", name)
			continue
		}
		if !opts.Quiet {
			fmt.Fprintf(opts.Streams.Out, "%s: valid (%s)\n", name, summary(r.plan))
		}
	}
	if bad > 0 {
		return silentExit(ExitInvalid)
	}
	return nil
}

// planArgs groups command-line paths into plans: each directory is a plan,
// and all files named directly form one more.
func planArgs(paths []string) [][]string {
	var groups [][]string
	var files []string
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			files = append(files, p)
			continue
		}
		groups = append(groups, []string{p})
	}
	if len(files) > 0 {
		groups = append(groups, files)
	}
	return groups
}

func printLoadError(s Streams, err error) {
	var le *schema.Error
	if errors.As(err, &le) {
		for _, d := range le.Diagnostics {
			fmt.Fprintln(s.ErrOut, d.String())
		}
		return
	}
	fmt.Fprintf(s.ErrOut, "drplan: %v\n", err)
}

func summary(p *plan.Plan) string {
	steps := 0
	for _, rb := range p.Runbooks {
		steps += len(rb.Steps)
	}
	return fmt.Sprintf("plan %q: %s, %s, %s, %s, %s, %s",
		p.Name,
		count(len(p.Tiers), "tier"), count(len(p.Services), "service"),
		count(len(p.Components), "component"), count(len(p.Runbooks), "runbook"),
		count(steps, "step"), count(len(p.Drills), "drill record"))
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
