package metrics

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/internal/testtool"
	"github.com/drplan/drplan/plan"
)

func scrape(t *testing.T, url string) string { return testtool.Metrics(t, url) }

func drill(t *testing.T, date, outcome, rto string) *plan.Drill {
	t.Helper()
	d, err := plan.ParseDate(date)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := plan.ParseDuration(rto)
	return &plan.Drill{Date: d, Runbook: "region-failover", Outcome: outcome, Measured: &plan.Measured{RTO: &r}}
}

func TestPushDrillToRealPushgateway(t *testing.T) {
	url := testtool.Pushgateway(t)
	ctx := context.Background()
	ok := drill(t, "2026-10-21", "success", "11m40s")
	ok.StartedAt = "2026-10-21T09:00:00Z"
	lost := 7
	ok.Measured.LostWrites = &lost
	if err := PushDrill(ctx, url, "orderflow", ok); err != nil {
		t.Fatal(err)
	}
	got := scrape(t, url)
	for _, want := range []string{
		`drplan_drill_last_success_timestamp_seconds{instance="",job="drplan_orderflow",plan="orderflow",runbook="region-failover"} ` + num(time.Date(2026, 10, 21, 9, 0, 0, 0, time.UTC)),
		`drplan_drill_measured_rto_seconds{instance="",job="drplan_orderflow",plan="orderflow",runbook="region-failover"} 700`,
		`drplan_drill_measured_lost_writes{instance="",job="drplan_orderflow",plan="orderflow",runbook="region-failover"} 7`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("pushgateway lacks\n  %s\nin:\n%s", want, grep(got, "drplan_"))
		}
	}

	// A failed drill updates the last drill and measurements but keeps the
	// last success; another plan's drills do not collide.
	if err := PushDrill(ctx, url, "orderflow", drill(t, "2026-11-20", "failed", "20m")); err != nil {
		t.Fatal(err)
	}
	if err := PushDrill(ctx, url, "billing", drill(t, "2026-11-01", "success", "2m")); err != nil {
		t.Fatal(err)
	}
	got = scrape(t, url)
	for _, want := range []string{
		`drplan_drill_last_success_timestamp_seconds{instance="",job="drplan_orderflow",plan="orderflow",runbook="region-failover"} ` + num(time.Date(2026, 10, 21, 9, 0, 0, 0, time.UTC)),
		`drplan_drill_last_timestamp_seconds{instance="",job="drplan_orderflow",plan="orderflow",runbook="region-failover"} ` + num(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)),
		`drplan_drill_measured_rto_seconds{instance="",job="drplan_orderflow",plan="orderflow",runbook="region-failover"} 1200`,
		`drplan_drill_last_success_timestamp_seconds{instance="",job="drplan_billing",plan="billing",runbook="region-failover"}`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("pushgateway lacks\n  %s\nin:\n%s", want, grep(got, "drplan_"))
		}
	}
}

func TestPushDrillGatewayDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close() // nothing listens there now
	err = PushDrill(context.Background(), url, "orderflow", drill(t, "2026-10-21", "success", "1m"))
	if err == nil || !strings.Contains(err.Error(), "pushing drill metrics to "+url) {
		t.Fatalf("want a clear error naming the gateway, got %v", err)
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return fmt.Sprint(strings.Join(out, "\n"))
}

// num formats a time as the exposition format writes a float.
func num(t time.Time) string { return strconv.FormatFloat(float64(t.Unix()), 'g', -1, 64) }
