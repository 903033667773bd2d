package exporter

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/drplan/drplan/internal/testtool"
	"github.com/drplan/drplan/lint"
	"github.com/drplan/drplan/report"
	"github.com/drplan/drplan/schema"
)

// now is the clock the tests lint against, so that the counts are stable.
var now = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func day(s string) float64 {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return float64(t.Unix())
}

// server is an exporter serving on a loopback port for one test.
type server struct {
	url    string
	client *http.Client
}

func start(t *testing.T, plans ...[]string) *server {
	t.Helper()
	return startWith(t, Options{Plans: plans})
}

// startWith serves an exporter with o, polling fast and on the tests' clock.
func startWith(t *testing.T, o Options) *server {
	t.Helper()
	var log testtool.SyncBuffer
	o.Interval, o.Now, o.Log = 20*time.Millisecond, func() time.Time { return now }, &log
	e := New(o)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return after its context was cancelled")
		}
		if t.Failed() {
			t.Logf("exporter log:\n%s", log.String())
		}
	})
	return &server{url: "http://" + ln.Addr().String(), client: &http.Client{Timeout: 5 * time.Second}}
}

// scrape fetches /metrics and parses it with Prometheus's own text parser,
// which rejects an invalid exposition. It returns each series' value keyed
// by name{label="value",...} with the labels sorted.
func (s *server) scrape(t *testing.T) map[string]float64 {
	t.Helper()
	resp, err := s.client.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s\n%s", resp.Status, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("invalid exposition: %v\n%s", err, body)
	}
	out := map[string]float64{}
	for name, mf := range families {
		if mf.GetHelp() == "" {
			t.Errorf("%s has no HELP", name)
		}
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			out[name+"{"+strings.Join(labels, ",")+"}"] = m.GetGauge().GetValue()
		}
	}
	return out
}

// await scrapes until cond holds, failing after a deadline.
func (s *server) await(t *testing.T, what string, cond func(m map[string]float64) bool) map[string]float64 {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m := s.scrape(t)
		if cond(m) {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not seen within 10s; last scrape:\n%s", what, dump(m))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func dump(m map[string]float64) string {
	var b strings.Builder
	for k, v := range m {
		fmt.Fprintf(&b, "%s %g\n", k, v)
	}
	return b.String()
}

func expect(t *testing.T, m map[string]float64, want map[string]float64) {
	t.Helper()
	for k, v := range want {
		got, ok := m[k]
		switch {
		case !ok:
			t.Errorf("%s: missing", k)
		case got != v:
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
}

// copyPlan copies plans/orderflow into a temporary directory.
func copyPlan(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "orderflow")
	if err := os.CopyFS(dir, os.DirFS("../plans/orderflow")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const newDrill = `package orderflow

drills: "2026-11-20-region-failover-staging": {
	date:        "2026-11-20"
	startedAt:   "2026-11-20T10:00:00Z"
	scenario:    "region-failure"
	runbook:     "region-failover"
	environment: "staging"
	operator:    "Marco Bianchi"
	outcome:     "failed"
	measured: {
		rto:        "20m"
		rpo:        "30s"
		lostWrites: 412
	}
}
`

func TestExporter(t *testing.T) {
	dir := copyPlan(t)
	missing := filepath.Join(t.TempDir(), "nowhere")
	s := start(t, []string{dir}, []string{missing})

	const (
		rf   = `{plan="orderflow",runbook="region-failover"}`
		pitr = `{plan="orderflow",runbook="pitr-restore"}`
	)
	okDir := fmt.Sprintf("drplan_plan_load_ok{plan_path=%q}", dir)
	okMissing := fmt.Sprintf("drplan_plan_load_ok{plan_path=%q}", missing)

	m := s.scrape(t)
	want := map[string]float64{
		`drplan_plan_review_due_timestamp_seconds{plan="orderflow"}`: day("2027-01-13"),
		"drplan_drill_last_timestamp_seconds" + rf:                   day("2026-10-21"),
		"drplan_drill_last_success_timestamp_seconds" + rf:           day("2026-10-21"),
		"drplan_drill_measured_rto_seconds" + rf:                     11*60 + 40,
		"drplan_drill_measured_rpo_seconds" + rf:                     0,
		"drplan_drill_last_success_timestamp_seconds" + pitr:         day("2026-03-18"),
		"drplan_drill_measured_rto_seconds" + pitr:                   3*3600 + 5*60,
		okDir:     1,
		okMissing: 0, // reported, not fatal
	}
	// The finding counts are lint's own, as of the exporter's clock.
	p, err := schema.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	findings, _ := lint.Lint(p, lint.Options{Now: now})
	counts := map[report.Severity]int{}
	for _, f := range findings {
		counts[f.Severity]++
	}
	for sev := report.Info; sev <= report.Error; sev++ {
		want[fmt.Sprintf(`drplan_lint_findings{plan="orderflow",severity=%q}`, sev)] = float64(counts[sev])
	}
	expect(t, m, want)
	for k := range m {
		if strings.Contains(k, "plan_path="+fmt.Sprintf("%q", missing)) && !strings.HasPrefix(k, "drplan_plan_load_ok") {
			t.Errorf("unloadable plan reported %s", k)
		}
	}

	// A new drill record: the last drill, and what it measured, move; the
	// last success does not, since the new drill failed.
	write(t, filepath.Join(dir, "drills", "2026-11-20-region-failover-staging.cue"), newDrill)
	m = s.await(t, "the new drill", func(m map[string]float64) bool {
		return m["drplan_drill_last_timestamp_seconds"+rf] == day("2026-11-20")
	})
	expect(t, m, map[string]float64{
		"drplan_drill_last_success_timestamp_seconds" + rf: day("2026-10-21"),
		"drplan_drill_measured_rto_seconds" + rf:           20 * 60,
		"drplan_drill_measured_rpo_seconds" + rf:           30,
		"drplan_drill_measured_lost_writes" + rf:           412,
		okDir:                                              1,
	})

	// An edit that breaks the plan: load_ok drops to 0 and the last good
	// metrics stay.
	bad := filepath.Join(dir, "drills", "2026-11-21-broken.cue")
	write(t, bad, `package orderflow

drills: "2026-11-21-broken": {date: "2026-13-45", runbook: "region-failover"}
`)
	m = s.await(t, "load_ok 0 after the plan broke", func(m map[string]float64) bool { return m[okDir] == 0 })
	expect(t, m, map[string]float64{
		`drplan_plan_review_due_timestamp_seconds{plan="orderflow"}`: day("2027-01-13"),
		"drplan_drill_last_timestamp_seconds" + rf:                   day("2026-11-20"),
		"drplan_drill_measured_rto_seconds" + rf:                     20 * 60,
	})

	// Fixing it recovers.
	if err := os.Remove(bad); err != nil {
		t.Fatal(err)
	}
	s.await(t, "load_ok 1 after the fix", func(m map[string]float64) bool { return m[okDir] == 1 })
}

// A plan edited in place (same file, new content) is reloaded too.
func TestExporterReloadsEditedFile(t *testing.T) {
	dir := copyPlan(t)
	s := start(t, []string{dir})
	plan := filepath.Join(dir, "plan.cue")
	src, err := os.ReadFile(plan)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), `lastReviewed: "2026-10-15"`, `lastReviewed: "2026-11-02"`, 1)
	if edited == string(src) {
		t.Fatal("plan.cue no longer has the review date this test edits")
	}
	write(t, plan, edited)
	s.await(t, "the new review date", func(m map[string]float64) bool {
		return m[`drplan_plan_review_due_timestamp_seconds{plan="orderflow"}`] == day("2027-01-31")
	})
}

// A plan that has never loaded reports only its load status, and starts
// reporting once it is fixed.
func TestExporterPlanThatNeverLoaded(t *testing.T) {
	dir := copyPlan(t)
	plan := filepath.Join(dir, "plan.cue")
	src, err := os.ReadFile(plan)
	if err != nil {
		t.Fatal(err)
	}
	write(t, plan, string(src)+"\nname: 42\n")
	s := start(t, []string{dir})
	ok := fmt.Sprintf("drplan_plan_load_ok{plan_path=%q}", dir)
	m := s.scrape(t)
	if len(m) != 1 || m[ok] != 0 {
		t.Fatalf("want only %s 0, got:\n%s", ok, dump(m))
	}
	write(t, plan, string(src))
	s.await(t, "the fixed plan", func(m map[string]float64) bool {
		return m[ok] == 1 && m[`drplan_plan_review_due_timestamp_seconds{plan="orderflow"}`] == day("2027-01-13")
	})
}
