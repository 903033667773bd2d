package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/generator"
	"github.com/drplan/drplan/lint"
	"github.com/drplan/drplan/plan"
)

// RenderOptions are the inputs of `drplan render`.
type RenderOptions struct {
	Streams Streams
	Paths   []string
	Out     string
	Now     time.Time
}

func newRenderCmd(s Streams, runF func(*RenderOptions) error) *cobra.Command {
	opts := &RenderOptions{Streams: s}
	var now string
	cmd := &cobra.Command{
		Use:   "render PATH... -o DIR",
		Short: "Render plans into the documents auditors and on-call engineers read",
		Long: `Render each plan into DIR/<plan-name>/: the DR Strategy Document
(strategy.md and strategy.html, with the plan's lint status), the
architecture diagram (architecture.svg, drawn by the drplan-diagram helper,
and its DOT source), the runbooks as the 3 AM view (runbooks/<id>.md),
communication templates per scenario (comms/), Prometheus alert rules with
promtool tests (alerts/) and the cost model (cost.md). Output is deterministic, and
DIR is replaced whole and atomically: a failed render leaves it as it was.
An invalid plan renders nothing and exits 2.`,
		Example: `  drplan render plans/orderflow -o out`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if now != "" {
				var err error
				if opts.Now, err = parseNow(now); err != nil {
					return err
				}
			}
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
	cmd.Flags().StringVar(&now, "now", "", "render dates (review due, lint status) as of YYYY-MM-DD (default: the latest date the plan records)")
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
	helper, err := findDiagramHelper()
	if err != nil {
		return &exitError{ExitInvalid, err}
	}
	// The strategy document states the plan's lint status as of --now.
	var sopts []generator.StrategyOptions
	for _, p := range plans {
		// Without --now a plan is rendered as of the latest date it
		// records, never the clock: the same plan renders the same bytes.
		asOf := opts.Now
		if asOf.IsZero() {
			asOf = p.LatestDate().Time
		}
		findings, _ := lint.Lint(p, lint.Options{Now: asOf})
		sopts = append(sopts, generator.StrategyOptions{Now: asOf, Findings: findings, SVG: renderSVG(helper)})
	}
	files, err := generator.Plans(plans, sopts)
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
