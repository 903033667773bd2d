package verify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
	"github.com/drplan/drplan/verify"
	"github.com/drplan/drplan/verify/awstest"
)

// The plan's suppress and accept lists apply to verify's rules as to
// lint's, on the node a finding is about, until they expire.
func TestSuppressAndAccept(t *testing.T) {
	now := time.Now()
	p := orderflow(t)
	w := awstest.FromPlan(p, now)
	w.SetMetric(usw2, awstest.MetricKey("AWS/RDS", "AuroraGlobalDBReplicationLag", "DBClusterIdentifier=db-standby-usw2"), now, 250)
	w.Regions[use1].DBClusters["db-primary"].DeletionProtection = false
	srv := awstest.NewServer(w)
	defer srv.Close()
	_, obs := run(t, srv, p, fastRetries)

	out := verify.Verify(p, obs)
	if len(out.Findings) != 2 || len(out.Suppressed) != 0 {
		t.Fatalf("without suppressions: %v / %v", out.Findings, out.Suppressed)
	}

	future := plan.Date{Time: now.AddDate(0, 1, 0)}
	past := plan.Date{Time: now.AddDate(0, -1, 0)}
	p.Replication["aurora-global"].Suppress = []plan.Suppression{{Rule: "DR209", Reason: "Lag alert covers it", Expires: &future}}
	p.Components["db-primary"].Accept = []plan.Suppression{{Rule: "dr206", Reason: "Being re-enabled in change 4711"}}
	out = verify.Verify(p, obs)
	if len(out.Suppressed) != 1 || out.Suppressed[0].RuleID != verify.RuleRPO || out.Suppressed[0].Suppressed.Reason != "Lag alert covers it" {
		t.Errorf("suppressed: %v", out.Suppressed)
	}
	if len(out.Findings) != 1 || out.Findings[0].Severity != report.Warning || !strings.HasSuffix(out.Findings[0].Message, "(accepted: Being re-enabled in change 4711)") {
		t.Errorf("accepted: %v", out.Findings)
	}

	// Expired, or on another node: no longer applies.
	p.Replication["aurora-global"].Suppress[0].Expires = &past
	p.Components["db-primary"].Accept = nil
	p.Components["db-standby"].Accept = []plan.Suppression{{Rule: "DR206", Reason: "wrong node"}}
	out = verify.Verify(p, obs)
	if len(out.Findings) != 2 || len(out.Suppressed) != 0 || out.Findings[0].Severity != report.Error {
		t.Errorf("expired or elsewhere: %v / %v", out.Findings, out.Suppressed)
	}
}
