package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/generator"
	"github.com/drplan/drplan/lint"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/site"
)

// RenderOptions are the inputs of `drplan render`.
type RenderOptions struct {
	Streams Streams
	Paths   []string
	Out     string
	Now     time.Time
	// Evidence are verify records (drplan verify --record) the site shows.
	Evidence []string
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
promtool tests (alerts/) and the cost model (cost.md).

It also writes the auditor site: DIR/index.html lists every plan with its
owner, review due, objectives, lint status, last drill per runbook and last
verify result, and DIR/<plan-name>/index.html leads to pages for the
strategy, the architecture, each runbook, the drill history plotted
against the objectives, sign-offs, lint findings, verify evidence, comms
and cost, with the plan's files as line-anchored pages that findings link
to. The site needs no server and no network: open DIR/index.html. Give
--evidence the records of drplan verify --record to show what production
looked like. Output is deterministic, and
DIR is replaced whole and atomically: a failed render leaves it as it was.
An invalid plan renders nothing and exits 2.`,
		Example: `  drplan render plans/orderflow -o out
  drplan render plans/ --evidence verify-2026-11-24.json -o site`,
		Args: cobra.MinimumNArgs(1),
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
	cmd.Flags().StringArrayVar(&opts.Evidence, "evidence", nil, "a verify record (drplan verify --record) to show in the site; repeatable")
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
	var records []*evidence.Record
	for _, f := range opts.Evidence {
		rec, err := evidence.ReadFile(f)
		if err != nil {
			return &exitError{ExitInvalid, fmt.Errorf("--evidence: %w", err)}
		}
		records = append(records, rec)
	}
	helper, err := findDiagramHelper()
	if err != nil {
		return &exitError{ExitInvalid, err}
	}
	// The strategy document and the site state the plan's lint status as
	// of --now; the generator lints the plan itself for the document.
	var sopts []generator.StrategyOptions
	var sitePlans []site.Plan
	for _, p := range plans {
		// Without --now a plan is rendered as of the latest date it
		// records, never the clock: the same plan renders the same bytes.
		asOf := opts.Now
		if asOf.IsZero() {
			asOf = p.LatestDate().Time
		}
		findings, suppressed := lint.Lint(p, lint.Options{Now: asOf})
		sopts = append(sopts, generator.StrategyOptions{Now: asOf, SVG: renderSVG(helper)})
		sources, err := site.ReadSources(p)
		if err != nil {
			return &exitError{ExitInvalid, err}
		}
		sitePlans = append(sitePlans, site.Plan{Plan: p, Now: asOf, Findings: findings, Suppressed: suppressed, Sources: sources})
	}
	files, err := generator.Plans(plans, sopts)
	if err == nil {
		err = addSite(files, sitePlans, records)
	}
	if err == nil {
		err = generator.WriteDir(opts.Out, files)
	}
	if err != nil {
		return &exitError{ExitInvalid, err}
	}
	for _, p := range plans {
		fmt.Fprintf(opts.Streams.Out, "%s: rendered %s\n", p.Name, filepath.Join(opts.Out, p.Name))
	}
	for _, r := range records {
		for _, ep := range r.Plans {
			if !slices.ContainsFunc(plans, func(p *plan.Plan) bool { return p.Name == ep.Name }) {
				fmt.Fprintf(opts.Streams.ErrOut, "note: the verify record of %s names plan %q, which was not rendered\n", r.TakenAt.UTC().Format(time.RFC3339), ep.Name)
			}
		}
	}
	fmt.Fprintf(opts.Streams.Out, "site: %s\n", filepath.Join(opts.Out, "index.html"))
	return nil
}

// addSite adds the auditor site to the rendered files; its pages show the
// generator's artefacts, so it is built from them.
func addSite(files generator.Files, plans []site.Plan, records []*evidence.Record) error {
	for i := range plans {
		plans[i].Files = files.Sub(plans[i].Plan.Name)
	}
	pages, err := site.Build(site.Input{Plans: plans, Evidence: records, Tool: "drplan " + buildVersion()})
	if err != nil {
		return err
	}
	return files.Add("", pages)
}
