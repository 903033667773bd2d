package verify_test

import (
	"testing"
	"time"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/verify/awstest"
)

func TestOrderFlowMatches(t *testing.T) {
	p := orderflow(t)
	srv := awstest.NewServer(awstest.FromPlan(p, time.Now()))
	defer srv.Close()
	checks, _ := run(t, srv, p, fastRetries)
	if len(checks) == 0 {
		t.Fatal("no checks")
	}
	for _, c := range checks {
		if c.Status != evidence.OK {
			t.Errorf("%s %s %s: %s %s: %s", c.Pos, c.ID, c.Component, c.Status, c.RuleID, c.Message)
		}
	}
	t.Logf("%d checks, %d calls", len(checks), len(srv.Calls()))
}
