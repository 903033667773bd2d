package exporter

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/generator/alerts"
	"github.com/drplan/drplan/internal/testtool"
	"github.com/drplan/drplan/schema"
	"github.com/drplan/drplan/verify/awstest"
)

// End to end, with a real Prometheus: it scrapes the exporter, which
// verifies OrderFlow against the local AWS every second, and evaluates the
// plan's rendered alert rules. While AWS matches the plan, verify-drift
// stays quiet; once the standby's backup retention drops below the plan's,
// Prometheus's own API shows verify-drift pending, then firing, for DR205.
func TestDriftAlertInPrometheus(t *testing.T) {
	const interval = time.Second
	dir := copyPlan(t)
	p, err := schema.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, err := alerts.Files(p, alerts.Options{VerifyInterval: interval})
	if err != nil {
		t.Fatal(err)
	}
	srv := localAWS(t, dir)

	s := startWith(t, Options{Plans: [][]string{{dir}}, Verify: VerifyOptions{Interval: interval, Config: fastAWS}})

	prom := testtool.Prometheus(t, fmt.Sprintf(`global:
  scrape_interval: 500ms
  evaluation_interval: 500ms
rule_files: [%s]
scrape_configs:
  - job_name: drplan
    static_configs:
      - targets: [%q]
`, alerts.RulesFile, strings.TrimPrefix(s.url, "http://")), map[string][]byte{alerts.RulesFile: files[alerts.RulesFile]})

	// Matching: Prometheus has verify's counts, and no drift alert.
	began := time.Now()
	await(t, prom, "Prometheus to scrape a successful verify run", func() bool {
		return query(t, prom, `drplan_verify_checks{plan="orderflow",result="ok"} > 0`) > 0
	})
	time.Sleep(3 * interval) // longer than the drift alert's for
	if st := driftAlerts(t, prom); len(st) > 0 {
		t.Fatalf("verify-drift %v while AWS matches the plan", st)
	}
	t.Logf("matching AWS scraped after %s, no drift alert", time.Since(began).Round(10*time.Millisecond))

	// Drift: pending first, then firing once it outlasts the interval.
	srv.Update(func(w *awstest.World) { w.Regions["us-west-2"].DBClusters["db-standby-usw2"].BackupRetentionDays = 7 })
	changed := time.Now()
	var seen []string
	await(t, prom, "verify-drift firing", func() bool {
		st := driftAlerts(t, prom)
		if s := st["DR205"]; s != "" && (len(seen) == 0 || seen[len(seen)-1] != s) {
			seen = append(seen, s)
			t.Logf("verify-drift{rule=DR205} %s %s after the change", s, time.Since(changed).Round(10*time.Millisecond))
		}
		return st["DR205"] == "firing"
	})
	if seen[0] != "pending" {
		t.Errorf("verify-drift went %v, want pending before firing", seen)
	}
}

// await polls cond every 100ms for up to 20s.
func await(t *testing.T, prom, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 20s (Prometheus at %s)", what, prom)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// query returns the number of series an instant query answers.
func query(t *testing.T, prom, q string) int {
	t.Helper()
	var r struct {
		Status string
		Data   struct{ Result []json.RawMessage }
	}
	get(t, prom+"/api/v1/query?query="+url.QueryEscape(q), &r)
	return len(r.Data.Result)
}

// driftAlerts returns the state (pending, firing) of each verify-drift
// alert Prometheus's /api/v1/alerts lists, by rule.
func driftAlerts(t *testing.T, prom string) map[string]string {
	t.Helper()
	var r struct {
		Data struct {
			Alerts []struct {
				Labels map[string]string
				State  string
			}
		}
	}
	get(t, prom+"/api/v1/alerts", &r)
	out := map[string]string{}
	for _, a := range r.Data.Alerts {
		if a.Labels["alertname"] == alerts.VerifyDrift {
			out[a.Labels["rule"]] = a.State
		}
	}
	return out
}

func get(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}
