package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/generator"
	"github.com/drplan/drplan/plan"
)

// RenderOptions are the inputs of `drplan render`.
type RenderOptions struct {
	Streams Streams
	Paths   []string
	Out     string
}

func newRenderCmd(s Streams, runF func(*RenderOptions) error) *cobra.Command {
	opts := &RenderOptions{Streams: s}
	cmd := &cobra.Command{
		Use:   "render PATH... -o DIR",
		Short: "Render plans into the documents auditors and on-call engineers read",
		Long: `Render each plan into DIR/<plan-name>/: the runbooks as the 3 AM view
(runbooks/<id>.md) and the cost model (cost.md). Output is deterministic, and
DIR is replaced whole and atomically: a failed render leaves it as it was.
An invalid plan renders nothing and exits 2.`,
		Example: `  drplan render plans/orderflow -o out`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if opts.Out == "" {
				return usageError("`--output` (-o) is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return renderRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Out, "output", "o", "", "directory to render into (replaced whole)")
	return cmd
}

func renderRun(opts *RenderOptions) error {
	groups, err := expandPlans(opts.Paths)
	if err != nil {
		return &exitError{ExitInvalid, err}
	}
	var plans []*plan.Plan
	bad := false
	for i, r := range loadAll(groups) {
		if r.err != nil {
			bad = true
			printLoadError(opts.Streams, r.err)
			fmt.Fprintf(opts.Streams.ErrOut, "%s: invalid\n", groups[i][0])
			continue
		}
		plans = append(plans, r.plan)
	}
	if bad {
		return &exitError{ExitInvalid, fmt.Errorf("nothing rendered: fix the plans above")}
	}
	files, err := generator.Plans(plans)
	if err == nil {
		err = generator.WriteDir(opts.Out, files)
	}
	if err != nil {
		return &exitError{ExitInvalid, err}
	}
	for _, p := range plans {
		fmt.Fprintf(opts.Streams.Out, "%s: rendered %s\n", p.Name, filepath.Join(opts.Out, p.Name))
	}
	return nil
}
