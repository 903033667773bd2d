package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/exporter"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/verify"
)

// ExporterOptions are the inputs of `drplan exporter`.
type ExporterOptions struct {
	Streams  Streams
	Paths    []string
	Listen   string
	Interval time.Duration
	// Continuous verification: off while VerifyInterval is zero.
	VerifyInterval    time.Duration
	VerifyTimeout     time.Duration
	VerifyConcurrency int
	Profile, Region   string
	AssumeRole        string
	RecordDir         string
}

// defaultExporterListen is loopback only: the metrics name systems and
// runbooks, so exposing them beyond the host is the operator's choice.
const defaultExporterListen = "127.0.0.1:9478"

func newExporterCmd(s Streams) *cobra.Command {
	opts := &ExporterOptions{Streams: s}
	cmd := &cobra.Command{
		Use:   "exporter [--listen ADDR] [--verify-interval DURATION] PATH...",
		Short: "Serve Prometheus metrics on plans' review, drills and lint findings",
		Long: `Serve Prometheus metrics for the given plans on http://ADDR/metrics:

  drplan_plan_review_due_timestamp_seconds{plan}
  drplan_drill_last_timestamp_seconds{plan,runbook}          (0: never drilled)
  drplan_drill_last_success_timestamp_seconds{plan,runbook}  (0: never succeeded)
  drplan_drill_measured_rto_seconds{plan,runbook}            (latest drill)
  drplan_drill_measured_rpo_seconds{plan,runbook}            (latest drill)
  drplan_lint_findings{plan,severity}                        (as of the last load)
  drplan_plan_load_ok{plan_path}

With --verify-interval, it also compares the plans with AWS on that schedule,
as drplan verify does (read-only, the same credentials and --profile and
--region), and serves:

  drplan_verify_findings{plan,rule,severity}       (last successful run)
  drplan_verify_checks{plan,result}                (ok, mismatch, unverified)
  drplan_verify_last_run_timestamp_seconds{plan}
  drplan_verify_last_success_timestamp_seconds{plan}

One run at a time, the first at start, each bounded by --verify-timeout; while
AWS throttles the reads past every retry, the next run waits twice the
interval. A run that can check nothing is not a success and keeps the last
good counts. --record-dir DIR keeps each plan's latest evidence record there
(<plan>.verify.json); the exporter writes nothing anywhere else.

PATHs are read as by lint. The plans' files are checked for changes every
--interval and a changed plan is reloaded; a plan that does not load is
reported with drplan_plan_load_ok 0 and keeps its last good metrics. The
exporter stops on SIGINT or SIGTERM.`,
		Example: `  drplan exporter plans/
  drplan exporter --listen 0.0.0.0:9478 plans/orderflow
  drplan exporter --verify-interval 30m --record-dir /var/lib/drplan plans/orderflow`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if opts.Interval <= 0 {
				return usageError("`--interval` must be positive")
			}
			if err := checkVerifyFlags(cmd, opts); err != nil {
				return err
			}
			if opts.RecordDir != "" {
				if st, err := os.Stat(opts.RecordDir); err != nil || !st.IsDir() {
					return usageError("`--record-dir`: %s is not a directory", opts.RecordDir)
				}
			}
			return exporterRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Listen, "listen", defaultExporterListen, "serve metrics on this host:port")
	f.DurationVar(&opts.Interval, "interval", exporter.DefaultInterval, "how often to check the plans' files for changes")
	f.DurationVar(&opts.VerifyInterval, "verify-interval", 0, "compare the plans with AWS this often, e.g. 30m (default: never)")
	f.DurationVar(&opts.VerifyTimeout, "verify-timeout", 0, "give up on a verify run after this long, at most --verify-interval (default: 5m, or the interval if shorter)")
	f.IntVar(&opts.VerifyConcurrency, "verify-concurrency", 16, "AWS reads in flight at once during a verify run")
	f.StringVar(&opts.Profile, "profile", "", "AWS shared config profile for verify (default: AWS_PROFILE, or the default profile)")
	f.StringVar(&opts.Region, "region", "", "AWS region for components that name none, and the partition of Route 53 (default: AWS_REGION or the profile's)")
	f.StringVar(&opts.AssumeRole, "assume-role", "", "for verify, role to assume in every account the plans name: an ARN with {account} for the account ID, or a role name (overrides the plans' profiles and roles)")
	f.StringVar(&opts.RecordDir, "record-dir", "", "keep each plan's latest verify evidence record in this existing directory")
	return cmd
}

// checkVerifyFlags checks the continuous verification flags against each
// other, and sets the default timeout.
func checkVerifyFlags(cmd *cobra.Command, opts *ExporterOptions) error {
	f := cmd.Flags()
	if opts.VerifyInterval == 0 {
		for _, name := range []string{"verify-timeout", "verify-concurrency", "profile", "region", "assume-role", "record-dir"} {
			if f.Changed(name) {
				return usageError("`--%s` needs `--verify-interval`", name)
			}
		}
		return nil
	}
	if err := checkAssumeRole(opts.AssumeRole); err != nil {
		return err
	}
	switch {
	case opts.VerifyInterval < 0:
		return usageError("`--verify-interval` must be positive")
	case opts.VerifyConcurrency < 1:
		return usageError("`--verify-concurrency` must be at least 1")
	case !f.Changed("verify-timeout"):
		opts.VerifyTimeout = min(5*time.Minute, opts.VerifyInterval)
	case opts.VerifyTimeout <= 0 || opts.VerifyTimeout > opts.VerifyInterval:
		return usageError("`--verify-timeout` must be positive and at most `--verify-interval`, so that runs never overlap")
	}
	return nil
}

func exporterRun(opts *ExporterOptions) error {
	groups, err := expandPlans(opts.Paths)
	if err != nil {
		return &exitError{ExitInvalid, err}
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return &exitError{ExitInvalid, fmt.Errorf("`--listen`: %v", err)}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := exporter.New(exporter.Options{Plans: groups, Interval: opts.Interval, Log: opts.Streams.ErrOut, Verify: exporter.VerifyOptions{
		Interval:  opts.VerifyInterval,
		Timeout:   opts.VerifyTimeout,
		Config:    verify.Config{Profile: opts.Profile, Region: opts.Region, AssumeRole: opts.AssumeRole, Concurrency: opts.VerifyConcurrency},
		RecordDir: opts.RecordDir,
		Version:   buildVersion(),
	}})
	fmt.Fprintf(opts.Streams.ErrOut, "drplan exporter: serving %s on http://%s/metrics\n", count(len(groups), "plan"), ln.Addr())
	if opts.VerifyInterval > 0 {
		fmt.Fprintf(opts.Streams.ErrOut, "drplan exporter: verifying against AWS every %s (timeout %s)\n",
			plan.Duration{Duration: opts.VerifyInterval}.Human(), plan.Duration{Duration: opts.VerifyTimeout}.Human())
	}
	if err := e.Serve(ctx, ln); err != nil {
		return &exitError{ExitInvalid, err}
	}
	fmt.Fprintln(opts.Streams.ErrOut, "drplan exporter: stopped")
	return nil
}
