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
)

// ExporterOptions are the inputs of `drplan exporter`.
type ExporterOptions struct {
	Streams  Streams
	Paths    []string
	Listen   string
	Interval time.Duration
}

// defaultExporterListen is loopback only: the metrics name systems and
// runbooks, so exposing them beyond the host is the operator's choice.
const defaultExporterListen = "127.0.0.1:9478"

func newExporterCmd(s Streams) *cobra.Command {
	opts := &ExporterOptions{Streams: s}
	cmd := &cobra.Command{
		Use:   "exporter [--listen ADDR] PATH...",
		Short: "Serve Prometheus metrics on plans' review, drills and lint findings",
		Long: `Serve Prometheus metrics for the given plans on http://ADDR/metrics:

  drplan_plan_review_due_timestamp_seconds{plan}
  drplan_drill_last_timestamp_seconds{plan,runbook}          (0: never drilled)
  drplan_drill_last_success_timestamp_seconds{plan,runbook}  (0: never succeeded)
  drplan_drill_measured_rto_seconds{plan,runbook}            (latest drill)
  drplan_drill_measured_rpo_seconds{plan,runbook}            (latest drill)
  drplan_lint_findings{plan,severity}                        (as of the last load)
  drplan_plan_load_ok{plan_path}

PATHs are read as by lint. The plans' files are checked for changes every
--interval and a changed plan is reloaded; a plan that does not load is
reported with drplan_plan_load_ok 0 and keeps its last good metrics. The
exporter stops on SIGINT or SIGTERM.`,
		Example: `  drplan exporter plans/
  drplan exporter --listen 0.0.0.0:9478 plans/orderflow`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if opts.Interval <= 0 {
				return usageError("`--interval` must be positive")
			}
			return exporterRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Listen, "listen", defaultExporterListen, "serve metrics on this host:port")
	f.DurationVar(&opts.Interval, "interval", exporter.DefaultInterval, "how often to check the plans' files for changes")
	return cmd
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
	e := exporter.New(exporter.Options{Plans: groups, Interval: opts.Interval, Log: opts.Streams.ErrOut})
	fmt.Fprintf(opts.Streams.ErrOut, "drplan exporter: serving %s on http://%s/metrics\n", count(len(groups), "plan"), ln.Addr())
	if err := e.Serve(ctx, ln); err != nil {
		return &exitError{ExitInvalid, err}
	}
	fmt.Fprintln(opts.Streams.ErrOut, "drplan exporter: stopped")
	return nil
}
