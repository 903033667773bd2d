package verify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/verify"
	"github.com/drplan/drplan/verify/awstest"
)

// One fact of AWS that two checks judge from two places of the plan is
// one finding, at the first place, naming the second; the record keeps
// both checks. A fact only one check fails stays that check's finding.
func TestOneFactOneFinding(t *testing.T) {
	now := time.Now()
	cases := []struct {
		name      string
		break_    func(*awstest.World)
		rule, msg string // the one finding: its rule, and the start of its message
		also      string // what it says of the other place
		checks    int    // failing checks in the record
	}{
		{"bucket replicating to another region", func(w *awstest.World) {
			b := w.Regions[use1].Buckets["orderflow-ds-notebooks-use1"]
			b.Replication[0].DestinationBucket = "notebooks-copy-use2"
			w.Region("us-east-2").Buckets["notebooks-copy-use2"] = &verify.Bucket{Name: "notebooks-copy-use2"}
		}, verify.RuleTopology, "notebooks-bucket: S3 bucket orderflow-ds-notebooks-use1 does not replicate to us-west-2",
			"; replication path notebooks-crr, which needs the same rule, fails with it (DR204 replication.path at line ", 2},
		{"backup plan without its copy action", func(w *awstest.World) {
			w.Regions[use1].BackupPlans["orderflow-dr-hourly"].Rules[0].CopyTo = nil
		}, verify.RuleTopology, "aws-backup: AWS Backup plan orderflow-dr-hourly has no copy rule to us-west-2",
			"which needs the same copy action, fails with it (DR204 replication.path at line ", 2},
		{"daily backup plan", func(w *awstest.World) {
			w.Regions[use1].BackupPlans["orderflow-dr-hourly"].Rules[0].Schedule = "cron(0 5 ? * * *)"
		}, verify.RuleRPO, "aws-backup: AWS Backup plan orderflow-dr-hourly runs every 1 day, longer than the 1 h RPO",
			"; it also runs less often than every 1 h, as the plan declares (DR207 backup.frequency at line ", 2},
		{"backup plan copying to another vault in the right region", func(w *awstest.World) {
			w.Regions[use1].BackupPlans["orderflow-dr-hourly"].Rules[0].CopyTo = []string{awstest.VaultARN(usw2, "scratch")}
		}, verify.RuleTopology, "aws-backup-usw2: AWS Backup plan orderflow-dr-hourly does not copy to vault orderflow-vault-usw2", "", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := orderflow(t)
			w := awstest.FromPlan(p, now)
			tc.break_(w)
			srv := awstest.NewServer(w)
			defer srv.Close()
			checks, obs := run(t, srv, p, fastRetries)
			if n := len(failing(checks)); n != tc.checks {
				t.Errorf("%d failing checks in the record, want %d", n, tc.checks)
			}
			out := verify.Verify(p, obs)
			if len(out.Findings) != 1 {
				for _, f := range out.Findings {
					t.Errorf("finding: %s %s: %s", f.Pos, f.RuleID, f.Message)
				}
				t.Fatalf("%d findings, want 1", len(out.Findings))
			}
			f := out.Findings[0]
			if f.RuleID != tc.rule || !strings.HasPrefix(f.Message, tc.msg) {
				t.Errorf("finding %s: %s\nwant %s: %s...", f.RuleID, f.Message, tc.rule, tc.msg)
			}
			if tc.also != "" && !strings.Contains(f.Message, tc.also) {
				t.Errorf("finding does not name the other place %q: %s", tc.also, f.Message)
			}
			if tc.also == "" && strings.Contains(f.Message, "fails with it") {
				t.Errorf("a fact only one check fails names another place: %s", f.Message)
			}
		})
	}
}
