package exporter

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/report"
	"github.com/drplan/drplan/verify"
)

var (
	descReviewDue = prometheus.NewDesc("drplan_plan_review_due_timestamp_seconds",
		"When the plan is due for review (its last review plus its cadence), in Unix seconds.",
		[]string{"plan"}, nil)
	descLastDrill = prometheus.NewDesc("drplan_drill_last_timestamp_seconds",
		"Date of the runbook's latest recorded drill, whatever its outcome, in Unix seconds; 0 if never drilled.",
		[]string{"plan", "runbook"}, nil)
	descLastSuccess = prometheus.NewDesc("drplan_drill_last_success_timestamp_seconds",
		"Date of the runbook's latest drill with outcome success, in Unix seconds; 0 if none.",
		[]string{"plan", "runbook"}, nil)
	descRTO = prometheus.NewDesc("drplan_drill_measured_rto_seconds",
		"Recovery time measured by the runbook's latest drill, in seconds.",
		[]string{"plan", "runbook"}, nil)
	descRPO = prometheus.NewDesc("drplan_drill_measured_rpo_seconds",
		"Data loss window measured by the runbook's latest drill, in seconds.",
		[]string{"plan", "runbook"}, nil)
	descLostWrites = prometheus.NewDesc("drplan_drill_measured_lost_writes",
		"Acknowledged writes the recovered system lacked in the runbook's latest drill that measured them.",
		[]string{"plan", "runbook"}, nil)
	descFindings = prometheus.NewDesc("drplan_lint_findings",
		"Open (unsuppressed) drplan lint findings by severity, as of the plan's last load.",
		[]string{"plan", "severity"}, nil)
	descVerifyFindings = prometheus.NewDesc("drplan_verify_findings",
		"Open (unsuppressed) drplan verify findings by rule and severity, as of the last successful verify run; every verify rule is reported, 0 when it found nothing.",
		[]string{"plan", "rule", "severity"}, nil)
	descVerifyChecks = prometheus.NewDesc("drplan_verify_checks",
		"drplan verify checks by result (ok, mismatch, unverified), as of the last successful verify run.",
		[]string{"plan", "result"}, nil)
	descVerifyLastRun = prometheus.NewDesc("drplan_verify_last_run_timestamp_seconds",
		"When the latest verify run of the plan ended, successful or not, in Unix seconds.",
		[]string{"plan"}, nil)
	descVerifyLastSuccess = prometheus.NewDesc("drplan_verify_last_success_timestamp_seconds",
		"When the latest successful verify run of the plan ended (one that could check something), in Unix seconds; 0 if none.",
		[]string{"plan"}, nil)
	descLoadOK = prometheus.NewDesc("drplan_plan_load_ok",
		"1 if the plan's files loaded and validated at the last attempt, 0 if not (the plan's other metrics are then those of its last good load).",
		[]string{"plan_path"}, nil)
)

// collector reports the exporter's state as it is at each scrape.
type collector struct{ e *Exporter }

func (collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descReviewDue, descLastDrill, descLastSuccess, descRTO, descRPO, descLostWrites, descFindings, descLoadOK,
		descVerifyFindings, descVerifyChecks, descVerifyLastRun, descVerifyLastSuccess} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	// Two paths holding plans of the same name would report the same series
	// twice, which fails the whole scrape: the first one given wins.
	seen := map[string]bool{}
	for _, ps := range c.e.plans {
		gauge(descLoadOK, boolValue(ps.ok), ps.label)
		s := ps.snap
		if s == nil || seen[s.name] {
			continue
		}
		seen[s.name] = true
		if !s.reviewDue.IsZero() {
			gauge(descReviewDue, unix(s.reviewDue), s.name)
		}
		for sev := report.Info; sev <= report.Error; sev++ {
			gauge(descFindings, float64(s.findings[sev]), s.name, sev.String())
		}
		if v := ps.verified; v != nil {
			collectVerify(gauge, s.name, v)
		}
		for _, rb := range s.runbooks {
			gauge(descLastDrill, unix(rb.lastDrill), s.name, rb.id)
			gauge(descLastSuccess, unix(rb.lastSuccess), s.name, rb.id)
			if rb.rto != nil {
				gauge(descRTO, rb.rto.Seconds(), s.name, rb.id)
			}
			if rb.rpo != nil {
				gauge(descRPO, rb.rpo.Seconds(), s.name, rb.id)
			}
			if rb.lostWrites != nil {
				gauge(descLostWrites, float64(*rb.lostWrites), s.name, rb.id)
			}
		}
	}
}

// collectVerify reports one plan's continuous verification. Every rule and
// every result is a series, 0 when none, so that a finding that goes away
// reads as 0, not as a series that vanished.
func collectVerify(gauge func(*prometheus.Desc, float64, ...string), name string, v *verifyStats) {
	gauge(descVerifyLastRun, unix(v.lastRun), name)
	gauge(descVerifyLastSuccess, unix(v.lastSuccess), name)
	if v.lastSuccess.IsZero() {
		return
	}
	for _, r := range verify.Rules() {
		if _, ok := v.findings[ruleSeverity{r.ID, r.Severity}]; !ok {
			gauge(descVerifyFindings, 0, name, r.ID, r.Severity.String())
		}
	}
	for k, n := range v.findings {
		gauge(descVerifyFindings, float64(n), name, k.rule, k.sev.String())
	}
	for _, st := range []evidence.Status{evidence.OK, evidence.Mismatch, evidence.Unverified} {
		gauge(descVerifyChecks, float64(v.checks[string(st)]), name, string(st))
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// unix is t in Unix seconds, 0 for the zero time.
func unix(t time.Time) float64 {
	if t.IsZero() {
		return 0
	}
	return float64(t.Unix())
}
