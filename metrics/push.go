// Package metrics publishes drill results as Prometheus metrics: pushed to
// a Pushgateway when a drill is recorded, so that the runbook-staleness
// alert sees every successful game day.
package metrics

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"

	"github.com/drplan/drplan/plan"
)

// Metric names, shared with the alert rules and the exporter.
const (
	LastSuccess = "drplan_drill_last_success_timestamp_seconds"
	LastDrill   = "drplan_drill_last_timestamp_seconds"
	MeasuredRTO = "drplan_drill_measured_rto_seconds"
	MeasuredRPO = "drplan_drill_measured_rpo_seconds"
	LostWrites  = "drplan_drill_measured_lost_writes"
)

// Job is the Pushgateway job of a plan's drills: one per plan, so that
// plans sharing a Pushgateway never overwrite each other; the runbook is
// part of the grouping key.
func Job(planName string) string { return "drplan_" + planName }

// DrillTime is when a drill happened: its start when recorded, else its
// date at midnight UTC.
func DrillTime(d *plan.Drill) time.Time {
	if d.StartedAt != "" {
		if t, err := time.Parse(time.RFC3339, d.StartedAt); err == nil {
			return t
		}
	}
	return d.Date.Time
}

// PushDrill pushes one drill's metrics to the Pushgateway at url. It adds
// to the runbook's group instead of replacing it, so that a failed drill
// updates the last-drill time and measurements but leaves the last
// successful drill's timestamp in place.
func PushDrill(ctx context.Context, url, planName string, d *plan.Drill) error {
	// The runbook label comes from the grouping key.
	labels := prometheus.Labels{"plan": planName}
	gauge := func(name, help string, v float64) prometheus.Gauge {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels})
		g.Set(v)
		return g
	}
	at := float64(DrillTime(d).Unix())
	p := push.New(url, Job(planName)).
		Client(&http.Client{Timeout: 10 * time.Second}).
		Grouping("runbook", d.Runbook).
		Collector(gauge(LastDrill, "Unix time of the last recorded drill of the runbook.", at))
	if d.Outcome == "success" {
		p = p.Collector(gauge(LastSuccess, "Unix time of the last successful drill of the runbook.", at))
	}
	if d.Measured != nil && d.Measured.RTO != nil {
		p = p.Collector(gauge(MeasuredRTO, "RTO measured by the last drill, in seconds.", d.Measured.RTO.Seconds()))
	}
	if d.Measured != nil && d.Measured.RPO != nil {
		p = p.Collector(gauge(MeasuredRPO, "RPO measured by the last drill, in seconds.", d.Measured.RPO.Seconds()))
	}
	if d.Measured != nil && d.Measured.LostWrites != nil {
		p = p.Collector(gauge(LostWrites, "Acknowledged writes the recovered system lacked in the last drill.", float64(*d.Measured.LostWrites)))
	}
	if err := p.AddContext(ctx); err != nil {
		return fmt.Errorf("pushing drill metrics to %s: %w", url, err)
	}
	return nil
}
