package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drplan/drplan/internal/testtool"
)

func TestDrillPush(t *testing.T) {
	t.Setenv("DRPLAN_CACHE", "off")
	url := testtool.Pushgateway(t)
	var out, errb bytes.Buffer
	record := filepath.Join("..", "..", "plans", "orderflow", "drills", "2026-10-21-region-failover-production.cue")
	code := Main([]string{"drill", "push", "--pushgateway", url, record}, Streams{Out: &out, ErrOut: &errb})
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "orderflow: pushed drill 2026-10-21-region-failover-production (region-failover, success)") {
		t.Errorf("stdout: %s", out.String())
	}
	body := testtool.Metrics(t, url)
	if !strings.Contains(body, `drplan_drill_last_success_timestamp_seconds{instance="",job="drplan_orderflow",plan="orderflow",runbook="region-failover"}`) {
		t.Errorf("metric not on the gateway:\n%s", body)
	}

	// A gateway that is down is a clear error and a non-zero exit.
	out.Reset()
	errb.Reset()
	code = Main([]string{"drill", "push", "--pushgateway", "http://127.0.0.1:1", "--timeout", "5s", record}, Streams{Out: &out, ErrOut: &errb})
	if code == ExitOK || !strings.Contains(errb.String(), "pushing drill metrics to http://127.0.0.1:1") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}

	// A file outside a drills/ folder is refused.
	code = Main([]string{"drill", "push", "--pushgateway", url, filepath.Join("..", "..", "plans", "orderflow", "plan.cue")}, Streams{Out: &out, ErrOut: &errb})
	if code != ExitInvalid {
		t.Errorf("exit %d for a plan file", code)
	}
}
