package exporter

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/internal/testtool"
	"github.com/drplan/drplan/schema"
	"github.com/drplan/drplan/verify"
	"github.com/drplan/drplan/verify/awstest"
)

// localAWS serves an AWS matching the plan in dir, and points the SDK's
// standard configuration at it for the test.
func localAWS(t *testing.T, dir string) *awstest.Server {
	t.Helper()
	p, err := schema.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := awstest.NewServer(awstest.FromPlan(p, time.Now()))
	t.Cleanup(srv.Close)
	for k, v := range srv.Env(t.TempDir()) {
		t.Setenv(k, v)
	}
	return srv
}

// fastAWS keeps retries short, so that failing reads end quickly.
var fastAWS = verify.Config{Concurrency: 8, MaxAttempts: 2, MaxBackoff: 10 * time.Millisecond}

const (
	retentionError = `drplan_verify_findings{plan="orderflow",rule="DR205",severity="error"}`
	lastRun        = `drplan_verify_last_run_timestamp_seconds{plan="orderflow"}`
	lastSuccess    = `drplan_verify_last_success_timestamp_seconds{plan="orderflow"}`
	checksOK       = `drplan_verify_checks{plan="orderflow",result="ok"}`
	checksMismatch = `drplan_verify_checks{plan="orderflow",result="mismatch"}`
	checksUnread   = `drplan_verify_checks{plan="orderflow",result="unverified"}`
)

// The exporter verifies on its schedule: a matching AWS is 0 findings of
// every rule; a drifted one is the finding of its rule, at the next run;
// a run that can read nothing keeps the last good counts and does not
// move the last success.
func TestExporterVerifies(t *testing.T) {
	dir := copyPlan(t)
	srv := localAWS(t, dir)
	records := t.TempDir()
	s := startWith(t, Options{Plans: [][]string{{dir}}, Verify: VerifyOptions{Interval: time.Second, Config: fastAWS, RecordDir: records, Version: "test"}})

	m := s.await(t, "a first verify run", func(m map[string]float64) bool { return m[lastSuccess] > 0 })
	for _, r := range verify.Rules() {
		k := fmt.Sprintf(`drplan_verify_findings{plan="orderflow",rule=%q,severity=%q}`, r.ID, r.Severity)
		if v, ok := m[k]; !ok || v != 0 {
			t.Errorf("%s = %v (present %v), want 0 on a matching AWS", k, v, ok)
		}
	}
	if m[checksOK] == 0 || m[checksMismatch] != 0 || m[checksUnread] != 0 {
		t.Errorf("checks on a matching AWS: ok %v, mismatch %v, unverified %v", m[checksOK], m[checksMismatch], m[checksUnread])
	}
	if m[lastRun] != m[lastSuccess] {
		t.Errorf("last run %v, last success %v: the same run", m[lastRun], m[lastSuccess])
	}
	// Each run leaves its evidence record, the one `drplan verify --record` writes.
	rec, err := evidence.ReadFile(filepath.Join(records, "orderflow.verify.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Plans) != 1 || len(rec.Plans[0].Checks) != int(m[checksOK]) || len(rec.Observed) == 0 {
		t.Errorf("record: %d plans, %d checks, want %v checks and the observed state", len(rec.Plans), len(rec.Plans[0].Checks), m[checksOK])
	}
	if entries, _ := os.ReadDir(records); len(entries) != 1 {
		t.Errorf("the record directory holds %d files, want 1", len(entries))
	}

	srv.Update(func(w *awstest.World) { w.Regions["us-west-2"].DBClusters["db-standby-usw2"].BackupRetentionDays = 7 })
	m = s.await(t, "the retention drift", func(m map[string]float64) bool { return m[retentionError] == 1 })
	if m[checksMismatch] != 1 {
		t.Errorf("mismatching checks %v, want 1", m[checksMismatch])
	}

}

// A run that can read nothing (AWS denies every call) is a run, not a
// success: the last success does not move, and the counts stay those of
// the last run that saw AWS.
func TestVerifyThatReadsNothingKeepsTheLastCounts(t *testing.T) {
	dir := copyPlan(t)
	srv := localAWS(t, dir)
	var denied atomic.Bool
	srv.Deny = func(awstest.Call) bool { return denied.Load() }
	srv.Update(func(w *awstest.World) { w.Regions["us-west-2"].DBClusters["db-standby-usw2"].BackupRetentionDays = 7 })
	e := New(Options{Plans: [][]string{{dir}}, Verify: VerifyOptions{Interval: time.Minute, Config: fastAWS}})
	ts := httptest.NewServer(e.Handler())
	t.Cleanup(ts.Close)
	s := &server{url: ts.URL, client: &http.Client{Timeout: 5 * time.Second}}

	e.VerifyOnce(context.Background())
	good := s.scrape(t)
	if good[retentionError] != 1 || good[lastSuccess] == 0 {
		t.Fatalf("first run: DR205 %v, last success %v", good[retentionError], good[lastSuccess])
	}
	time.Sleep(1100 * time.Millisecond) // timestamps are whole seconds
	denied.Store(true)
	e.VerifyOnce(context.Background())
	m := s.scrape(t)
	if m[lastRun] <= good[lastRun] {
		t.Errorf("last run %v, not after the first run's %v", m[lastRun], good[lastRun])
	}
	for _, k := range []string{lastSuccess, retentionError, checksOK, checksMismatch, checksUnread} {
		if m[k] != good[k] {
			t.Errorf("%s = %v after a run that read nothing, want %v as before", k, m[k], good[k])
		}
	}
}

// A run throttled past every retry reports it, so that the schedule backs
// off; a run that is not resets it.
func TestVerifyOnceReportsThrottling(t *testing.T) {
	dir := copyPlan(t)
	srv := localAWS(t, dir)
	var log testtool.SyncBuffer
	e := New(Options{Plans: [][]string{{dir}}, Log: &log, Verify: VerifyOptions{Interval: time.Minute, Config: verify.Config{Concurrency: 4, MaxAttempts: 1}}})
	if n := e.VerifyOnce(context.Background()); n != 0 {
		t.Errorf("unthrottled run: %d throttled", n)
	}
	srv.ThrottleEvery = 1
	if n := e.VerifyOnce(context.Background()); n == 0 {
		t.Errorf("every call throttled, no retry: 0 throttled reported\n%s", log.String())
	}
	if !strings.Contains(log.String(), "nothing could be checked") {
		t.Errorf("log does not say the run checked nothing:\n%s", log.String())
	}
}

// Runs never overlap and stop with the exporter: a run that AWS does not
// answer ends at the timeout.
func TestVerifyRunIsBounded(t *testing.T) {
	dir := copyPlan(t)
	srv := localAWS(t, dir)
	srv.Latency = 2 * time.Second
	var log testtool.SyncBuffer
	e := New(Options{Plans: [][]string{{dir}}, Log: &log, Verify: VerifyOptions{Interval: time.Minute, Timeout: 200 * time.Millisecond, Config: fastAWS}})
	began := time.Now()
	e.VerifyOnce(context.Background())
	if took := time.Since(began); took > time.Second {
		t.Errorf("a run with a 200ms timeout took %s", took)
	}
	if !strings.Contains(log.String(), "nothing could be checked") {
		t.Errorf("log:\n%s", log.String())
	}
}

func TestNextBackoff(t *testing.T) {
	b := 1
	var got []int
	for _, throttled := range []int{0, 3, 1, 5, 0, 2} {
		b = nextBackoff(b, throttled)
		got = append(got, b)
	}
	if fmt.Sprint(got) != "[1 2 2 2 1 2]" {
		t.Errorf("gaps in intervals %v, want [1 2 2 2 1 2]: doubled while throttled, at most twice, reset after a clean run", got)
	}
}
