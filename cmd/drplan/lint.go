package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/drplan/drplan/lint"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/plandiff"
	"github.com/drplan/drplan/report"
	"github.com/drplan/drplan/schema"
)

// LintOptions are the inputs of `drplan lint`.
type LintOptions struct {
	Streams   Streams
	Paths     []string
	Format    string
	Output    string
	FailOn    report.Severity
	Now       time.Time
	Rules     []string
	ListRules bool
	// Color is decided from the terminal and NO_COLOR, not a flag.
	Color bool
}

func newLintCmd(s Streams, runF func(*LintOptions) error) *cobra.Command {
	opts := &LintOptions{Streams: s}
	var failOn, now string
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Check plans against the DR checklist and consistency rules",
		Long: `Check each plan against the ten-point completeness checklist (DR001-DR010) and
the consistency rules (DR100 and up): can the runbook meet the RTO, can the
replication give the RPO, does the ransomware response avoid the live replica.

Each PATH is a plan directory, a plan file, or a directory whose plans (every
directory below it that holds plan files) are all linted, in parallel, and
reported in a stable order.

Findings can be silenced on the plan node they are about with a reason
(suppress: [{rule: "DR101", reason: "...", expires: "2027-01-31"}]), or kept
as warnings with accept: [...] where the plan states a gap knowingly.`,
		Example: `  drplan lint plans/orderflow
  drplan lint plans/ --format sarif --output drplan.sarif
  drplan lint --list-rules`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			var err error
			if opts.FailOn, err = report.ParseSeverity(failOn); err != nil {
				return usageError("`--fail-on`: %v", err)
			}
			if !slices.Contains(report.Formats(), opts.Format) {
				return usageError("`--format` must be one of %s", strings.Join(report.Formats(), ", "))
			}
			if opts.Now, err = parseNow(now); err != nil {
				return err
			}
			for _, id := range opts.Rules {
				if lint.Lookup(id) == nil {
					return usageError("`--rule`: no rule %s (see drplan lint --list-rules)", id)
				}
			}
			if !opts.ListRules && len(opts.Paths) == 0 {
				return usageError("specify at least one PATH, or `--list-rules`")
			}
			opts.Color = opts.Output == "" && colorWanted(s.Out)
			if runF != nil {
				return runF(opts)
			}
			return lintRun(opts)
		},
	}
	f := cmd.Flags()
	reportFlags(f, &opts.Format, &opts.Output, &failOn)
	f.StringVar(&now, "now", "", "judge review, drill and suppression dates as of YYYY-MM-DD (default: today)")
	f.StringSliceVar(&opts.Rules, "rule", nil, "run only these rules (repeatable, e.g. --rule DR101)")
	f.BoolVar(&opts.ListRules, "list-rules", false, "list the rules and exit")
	return cmd
}

func lintRun(opts *LintOptions) error {
	if opts.ListRules {
		return listRules(opts.Streams.Out)
	}
	groups, err := expandPlans(opts.Paths)
	if err != nil {
		return &exitError{ExitInvalid, err}
	}
	res := lintPlans(groups, opts.Now, opts.Rules)
	return writeResult(opts.Streams, opts.Output, opts.Format, opts.Color, opts.FailOn, res)
}

// reportFlags are the flags of commands that report findings (lint and
// verify): the same formats, output and failure threshold.
func reportFlags(f *pflag.FlagSet, format, output, failOn *string) {
	f.StringVarP(format, "format", "f", "text", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(output, "output", "o", "", "write the report to FILE instead of standard output")
	f.StringVar(failOn, "fail-on", "error", "exit 1 when a finding is at or above this severity: error, warning or info")
}

// writeResult writes a lint or verify result in its format, to output when
// given, and ends with the exit code the findings call for.
func writeResult(s Streams, output, format string, color bool, failOn report.Severity, res *report.Result) error {
	out := s.Out
	var file *os.File
	if output != "" {
		var err error
		if file, err = os.Create(output); err != nil {
			return &exitError{ExitInvalid, err}
		}
		out = file
	}
	werr := report.Write(out, format, res, report.Options{Color: color, BaseDir: "."})
	if file != nil {
		if cerr := file.Close(); werr == nil {
			werr = cerr
		}
	}
	if werr != nil {
		return &exitError{ExitInvalid, werr}
	}
	return silentExitIf(ExitCode(res.ExitCode(failOn)))
}

// lintPlans loads and lints each plan; plans that do not load carry their
// load errors instead of findings.
func lintPlans(groups [][]string, now time.Time, rules []string) *report.Result {
	res := &report.Result{Tool: "drplan", Version: buildVersion()}
	for _, r := range lint.Rules() {
		if len(rules) == 0 || containsFold(rules, r.ID) {
			res.Rules = append(res.Rules, r.Info())
		}
	}
	for i, lr := range loadAll(groups) {
		pr := report.PlanResult{Path: strings.Join(groups[i], " ")}
		if lr.err != nil {
			pr.Name = pr.Path
			pr.LoadErrors = loadFindings(lr.err)
		} else {
			pr.Name = lr.plan.Name
			o := lint.Options{Now: now, Rules: rules}
			if g := groups[i]; len(g) == 1 {
				if st, err := os.Stat(g[0]); err == nil && st.IsDir() {
					// A stale sign-off names what changed since the
					// committed version it signed.
					git := &plandiff.Git{Dir: g[0], Exts: schema.Extensions}
					o.SignedVersion = plandiff.SignedVersion(context.Background(), git, g[0],
						func(dir string) (*plan.Plan, error) { return schema.Load(dir) }, 200)
				}
			}
			pr.Findings, pr.Suppressed = lint.Lint(lr.plan, o)
		}
		res.Plans = append(res.Plans, pr)
	}
	return res
}

// loadFindings turns a load error into findings, one per diagnostic.
func loadFindings(err error) []report.Finding {
	var out []report.Finding
	if le, ok := err.(*schema.Error); ok {
		for _, d := range le.Diagnostics {
			out = append(out, report.Finding{Severity: report.Error, Message: d.Msg, Pos: d.Pos, Path: d.Path})
		}
		return out
	}
	return []report.Finding{{Severity: report.Error, Message: err.Error()}}
}

func listRules(w io.Writer) error {
	for _, r := range lint.Rules() {
		fmt.Fprintf(w, "%s  %-7s  %s\n", r.ID, r.Severity, r.Title)
	}
	return nil
}

// parseNow reads --now; the default is today, in UTC, at midnight.
func parseNow(s string) (time.Time, error) {
	if s == "" {
		y, m, d := time.Now().UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	d, err := plan.ParseDate(s)
	if err != nil {
		return time.Time{}, usageError("`--now`: %v", err)
	}
	return d.Time, nil
}

// colorWanted reports whether w is a terminal and NO_COLOR is unset.
func colorWanted(w io.Writer) bool {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
