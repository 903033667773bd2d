package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/metrics"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
)

func newDrillCmd(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "drill",
		Short: "Work with recorded drills",
	}
	cmd.AddCommand(newDrillPushCmd(s))
	return cmd
}

func newDrillPushCmd(s Streams) *cobra.Command {
	var url string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "push --pushgateway URL RECORD...",
		Short: "Push recorded drills' results to a Prometheus Pushgateway",
		Long: `Push the results of drill records (files in a plan's drills/ folder) to a
Prometheus Pushgateway: drplan_drill_last_success_timestamp_seconds (for a
successful drill; the runbook-staleness alert watches it),
drplan_drill_last_timestamp_seconds and the measured RTO and RPO, labelled
with plan and runbook, under the job drplan_<plan>.`,
		Example: `  drplan drill push --pushgateway http://pushgateway:9091 plans/orderflow/drills/2026-10-21-region-failover-production.cue`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if url == "" {
				return usageError("`--pushgateway` is required")
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			for _, record := range args {
				if err := pushRecord(ctx, s, url, record); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "pushgateway", "", "Pushgateway URL, e.g. http://127.0.0.1:9091")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "give up after this long")
	return cmd
}

// pushRecord loads the plan a drill record belongs to (the folder above
// its drills/ folder) and pushes the drills the record declares.
func pushRecord(ctx context.Context, s Streams, url, record string) error {
	dir := filepath.Dir(filepath.Dir(record))
	if filepath.Base(filepath.Dir(record)) != schema.DrillsDir {
		return usageError("%s is not in a plan's %s/ folder", record, schema.DrillsDir)
	}
	p, err := schema.Load(dir)
	if err != nil {
		printLoadError(s, err)
		return silentExit(ExitInvalid)
	}
	var pushed int
	for _, id := range plan.Keys(p.Drills) {
		if !sameFile(p.Source.Pos("drills", id).File, record) {
			continue
		}
		d := p.Drills[id]
		if err := metrics.PushDrill(ctx, url, p.Name, d); err != nil {
			return &exitError{ExitInvalid, err}
		}
		fmt.Fprintf(s.Out, "%s: pushed drill %s (%s, %s) to %s\n", p.Name, id, d.Runbook, d.Outcome, url)
		pushed++
	}
	if pushed == 0 {
		return usageError("%s declares no drill of plan %s", record, p.Name)
	}
	return nil
}

func sameFile(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}
