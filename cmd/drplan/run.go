package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/atomicfile"
	"github.com/drplan/drplan/metrics"
	"github.com/drplan/drplan/runner"
	"github.com/drplan/drplan/schema"
)

// RunOptions are the inputs of `drplan run`.
type RunOptions struct {
	Streams     Streams
	Bundle      string
	Resume      string
	Journal     string
	PlanDir     string
	Environment string
	Scenario    string
	Operator    string
	Pushgateway string
	DryRun      bool
	Run         runner.Options
}

var environments = []string{"production", "staging", "local"}

func newRunCmd(s Streams) *cobra.Command {
	opts := &RunOptions{Streams: s}
	cmd := &cobra.Command{
		Use:   "run BUNDLE | --resume JOURNAL [BUNDLE]",
		Short: "Execute a runbook bundle as a drill, journaling every step and recording the result",
		Long: `Execute a rendered runbook bundle (DIR/<plan>/bundle/<runbook>/ from drplan
render). drplan refuses a bundle whose files differ from its manifest.

Each step is shown (command, expected output, rollback) and runs after you
confirm it; --yes runs without asking, except at approval gates and before
a rollback you did not ask for, which always ask (--approve STEP records an
approval given beforehand; with --yes, a gate whose approval.standing is in
force today passes, and the journal records who approved it, when, and the
reference; an expired one counts as none). Steps run with their timeout; their output must
match the expected pattern; steps the runbook marks independent run in
parallel. When a step fails the run stops and offers its rollback, or with
--rollback-on-failure rolls back the failed step and then the completed
steps in reverse order.

Every event is written to a journal (JSON Lines, synced to disk per entry).
A run that was stopped, failed or killed resumes with --resume JOURNAL, and
no completed step runs twice. Ctrl-C stops the running steps and journals it.

At the end the run's drill record (per-step durations and outcomes,
measured RTO from declaration to the last recovering step, the RPO and lost
writes the steps measured) is written into the plan's drills/ folder with
--plan, or next to the journal otherwise. --pushgateway pushes its metrics.

Exit codes: 0 the runbook completed; 1 a step failed; 2 invalid input;
3 stopped (not confirmed, not approved, interrupted).`,
		Example: `  drplan render plans/locallab -o out
  drplan run out/locallab/bundle/failover --plan plans/locallab --environment local --dry-run
  drplan run out/locallab/bundle/failover --plan plans/locallab --environment local --yes
  drplan run --resume drplan-run-failover-20261126T101500Z.jsonl --yes`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Bundle = args[0]
			}
			if opts.Bundle == "" && opts.Resume == "" {
				return usageError("give a bundle to run, or --resume JOURNAL")
			}
			return runRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.Run.Yes, "yes", "y", false, "do not ask before each step (approval gates and offered rollbacks still ask)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print the order of execution and run nothing")
	f.BoolVar(&opts.Run.RollbackOnFailure, "rollback-on-failure", false, "when a step fails, roll it back and then the completed steps, in reverse order")
	f.StringSliceVar(&opts.Run.Approve, "approve", nil, "step `ID` whose approval gate was approved beforehand (repeatable)")
	f.StringVar(&opts.Resume, "resume", "", "resume the run journaled in `JOURNAL`")
	f.StringVar(&opts.Journal, "journal", "", "journal `FILE` (default drplan-run-<runbook>-<time>.jsonl in the current folder)")
	f.StringVar(&opts.PlanDir, "plan", "", "the plan `DIR` the bundle was rendered from: the drill record goes into its drills/ folder")
	f.StringVar(&opts.Environment, "environment", "", "where the drill runs: "+strings.Join(environments, ", "))
	f.StringVar(&opts.Scenario, "scenario", "", "the scenario drilled (default: the runbook's scenario when it has one)")
	f.StringVar(&opts.Operator, "operator", "", "who runs the drill (default: $DRPLAN_OPERATOR, else your user name)")
	f.StringVar(&opts.Pushgateway, "pushgateway", "", "push the drill's metrics to this Prometheus Pushgateway `URL`")
	return cmd
}

func runRun(ctx context.Context, o *RunOptions) error {
	s := o.Streams
	if o.DryRun {
		if o.Bundle == "" {
			return usageError("--dry-run needs a bundle")
		}
		b, err := runner.Open(o.Bundle)
		if err != nil {
			return &exitError{ExitInvalid, err}
		}
		runner.PrintPlan(s.Out, b)
		return nil
	}
	o.Run.In, o.Run.Out, o.Run.Err = s.In, s.Out, s.ErrOut

	var r *runner.Runner
	var target *recordTarget
	if o.Resume != "" {
		var err error
		if r, err = runner.Resume(o.Resume, o.Bundle, o.Run); err != nil {
			return &exitError{ExitInvalid, err}
		}
		info := r.Info()
		target = &recordTarget{dir: info.PlanDir, pkg: info.Package, id: info.DrillID, path: info.Record}
	} else {
		b, err := runner.Open(o.Bundle)
		if err != nil {
			return &exitError{ExitInvalid, err}
		}
		info, t, err := o.startInfo(b)
		if err != nil {
			return err
		}
		target = t
		journal := o.Journal
		if journal == "" {
			journal = fmt.Sprintf("drplan-run-%s-%s.jsonl", b.Manifest.Runbook.ID, time.Now().UTC().Format("20060102T150405Z"))
		}
		if r, err = runner.New(b, info, journal, o.Run); err != nil {
			return &exitError{ExitInvalid, err}
		}
	}
	defer r.Close()
	r.OnRecord(func(st *runner.DrillState) (string, error) { return target.write(r, st) })

	// Ctrl-C and SIGTERM stop the run cleanly: running steps get SIGTERM,
	// the journal says so, and --resume goes on later.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := r.Run(ctx)
	if err != nil {
		return &exitError{ExitInvalid, err}
	}
	code := ExitCode(res.ExitCode())
	if target.dir != "" && res.Record != "" {
		// The record must be what the loader reads: prove it now, not at
		// the next lint.
		if _, err := schema.Load(target.dir); err != nil {
			fmt.Fprintf(s.ErrOut, "drplan: the plan does not load with the new drill record %s:\n", res.Record)
			printLoadError(s, err)
			return silentExit(ExitInvalid)
		}
	}
	if o.Pushgateway != "" && res.Record != "" {
		pctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		d := res.Drill.Drill(res.Outcome)
		if err := metrics.PushDrill(pctx, o.Pushgateway, r.Info().Plan, d); err != nil {
			fmt.Fprintf(s.ErrOut, "drplan: %v\n(the drill record %s is written; push it later with `drplan drill push --pushgateway URL %s`)\n", err, res.Record, res.Record)
			if code == ExitOK {
				code = ExitInvalid
			}
			return silentExit(code)
		}
		fmt.Fprintf(s.ErrOut, "Pushed the drill's metrics to %s (job %s, runbook %s).\n", o.Pushgateway, metrics.Job(r.Info().Plan), r.Info().Runbook)
	}
	return silentExitIf(code)
}

// startInfo fixes what the run records: who, where, which scenario, and the
// drill record's name and file.
func (o *RunOptions) startInfo(b *runner.Bundle) (runner.RunInfo, *recordTarget, error) {
	m := &b.Manifest
	info := runner.RunInfo{Operator: o.Operator, Environment: o.Environment, Scenario: o.Scenario}
	if info.Environment == "" {
		return info, nil, usageError("--environment is required: the drill record says where the drill ran (%s)", strings.Join(environments, ", "))
	}
	if !oneOf(environments, info.Environment) {
		return info, nil, usageError("--environment %q: want one of %s", info.Environment, strings.Join(environments, ", "))
	}
	if info.Operator == "" {
		info.Operator = os.Getenv("DRPLAN_OPERATOR")
	}
	if info.Operator == "" {
		if u, err := user.Current(); err == nil {
			info.Operator = u.Username
			if u.Name != "" {
				info.Operator = u.Name
			}
		}
	}
	if info.Operator == "" {
		return info, nil, usageError("cannot tell who runs the drill: pass --operator")
	}
	if info.Scenario == "" && len(m.Scenarios) == 1 {
		info.Scenario = m.Scenarios[0]
	}
	if info.Scenario != "" && len(m.Scenarios) > 0 && !oneOf(m.Scenarios, info.Scenario) {
		return info, nil, usageError("--scenario %q: runbook %s answers %s", info.Scenario, m.Runbook.ID, strings.Join(m.Scenarios, ", "))
	}

	t := &recordTarget{}
	date := time.Now().UTC().Format("2006-01-02")
	base := fmt.Sprintf("%s-%s-%s", date, m.Runbook.ID, info.Environment)
	taken := map[string]bool{}
	if o.PlanDir != "" {
		p, err := schema.Load(o.PlanDir)
		if err != nil {
			printLoadError(o.Streams, err)
			return info, nil, silentExit(ExitInvalid)
		}
		if p.Name != m.Plan {
			return info, nil, usageError("--plan %s is plan %q; the bundle was rendered from plan %q", o.PlanDir, p.Name, m.Plan)
		}
		if p.Runbooks[m.Runbook.ID] == nil {
			return info, nil, usageError("--plan %s has no runbook %q: the bundle is from another version of the plan", o.PlanDir, m.Runbook.ID)
		}
		if p.Package == "" {
			return info, nil, usageError("--plan %s is not written in CUE: drill records are CUE files in its drills/ folder", o.PlanDir)
		}
		for id := range p.Drills {
			taken[id] = true
		}
		dir := o.PlanDir
		if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
			dir = filepath.Dir(dir)
		}
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		t.dir, t.pkg = dir, p.Package
	} else {
		t.pkg = packageFor(m.Plan)
	}
	id := base
	for n := 2; ; n++ {
		if !taken[id] && !exists(t.fileFor(id, o.Journal)) {
			break
		}
		id = fmt.Sprintf("%s-%d", base, n)
	}
	t.id = id
	info.DrillID, info.Package, info.PlanDir = id, t.pkg, t.dir
	info.Record = t.fileFor(id, o.Journal)
	if abs, err := filepath.Abs(info.Record); err == nil {
		info.Record = abs
	}
	t.path = info.Record
	return info, t, nil
}

// recordTarget is where a run's drill record goes.
type recordTarget struct {
	dir, pkg, id, path string
}

func (t *recordTarget) fileFor(id, journal string) string {
	if t.dir != "" {
		return filepath.Join(t.dir, schema.DrillsDir, id+".cue")
	}
	if journal != "" {
		return strings.TrimSuffix(journal, filepath.Ext(journal)) + ".drill.cue"
	}
	return "drill-" + id + ".cue"
}

func (t *recordTarget) write(r *runner.Runner, st *runner.DrillState) (string, error) {
	if t.path == "" {
		return "", fmt.Errorf("the journal names no drill record file")
	}
	d := st.Drill(st.Finished)
	data, err := runner.RecordCUE(t.pkg, t.id, r.JournalPath(), d)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(t.path), 0o755); err != nil {
		return "", err
	}
	return t.path, atomicfile.Write(t.path, data, 0o644)
}

var notIdent = regexp.MustCompile(`[^A-Za-z0-9_]`)

// packageFor turns a plan name into a CUE package name.
func packageFor(name string) string {
	pkg := notIdent.ReplaceAllString(name, "_")
	if pkg == "" || (pkg[0] >= '0' && pkg[0] <= '9') {
		pkg = "plan_" + pkg
	}
	return pkg
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func oneOf(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
