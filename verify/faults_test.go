package verify_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/verify"
	"github.com/drplan/drplan/verify/awstest"
)

func TestAccessDeniedIsCouldNotVerify(t *testing.T) {
	p := orderflow(t)
	srv := awstest.NewServer(awstest.FromPlan(p, time.Now()))
	defer srv.Close()
	srv.Deny = func(c awstest.Call) bool { return c.Operation == "DescribeDBClusters" && c.Region == usw2 }
	checks, obs := run(t, srv, p, fastRetries)
	expectFailing(t, checks, []want{{"aurora.cluster", "db-standby", verify.RuleUnverified, `clusterId:       "db-standby-usw2"`}})
	findings := verify.Verify(p, obs).Findings
	if len(findings) != 1 || findings[0].Path != "components.db-standby.aws.clusterId" || findings[0].RuleID != verify.RuleUnverified || findings[0].Severity.String() != "warning" {
		t.Errorf("findings: %+v", findings)
	}
	c := failing(checks)[0]
	if !strings.Contains(c.Message, "AccessDenied") || !strings.Contains(c.Message, "rds:DescribeDBClusters in us-west-2") {
		t.Errorf("the finding does not carry AWS's reason: %s", c.Message)
	}
}

func TestS3PartDeniedLeavesTheRest(t *testing.T) {
	p := orderflow(t)
	srv := awstest.NewServer(awstest.FromPlan(p, time.Now()))
	defer srv.Close()
	srv.Deny = func(c awstest.Call) bool { return c.Operation == "GetObjectLockConfiguration" && c.Region == usw2 }
	checks, _ := run(t, srv, p, fastRetries)
	expectFailing(t, checks, []want{
		{"s3.object-lock", "s3-backups-usw2", verify.RuleUnverified, `objectLock: {mode: "COMPLIANCE"`},
		{"s3.object-lock", "wal-archive", verify.RuleUnverified, `objectLock: {mode: "COMPLIANCE"`},
	})
}

// A region that does not answer leaves its own checks unverified and
// every other region's checked.
func TestRegionDownDoesNotStopTheOthers(t *testing.T) {
	p := orderflow(t)
	srv := awstest.NewServer(awstest.FromPlan(p, time.Now()))
	defer srv.Close()
	srv.Down[usw2] = true
	checks, _ := run(t, srv, p, fastRetries)
	var east, westFailed int
	for _, c := range checks {
		switch {
		case c.Region == usw2 && c.Status != evidence.Unverified:
			t.Errorf("%s %s in the unanswering region: %s %s", c.ID, c.Component, c.Status, c.Message)
		case c.Region == usw2:
			westFailed++
			if c.RuleID != verify.RuleUnverified || !strings.Contains(c.Message, "us-west-2") {
				t.Errorf("%s %s: %s %s", c.ID, c.Component, c.RuleID, c.Message)
			}
		case c.Status == evidence.OK:
			east++
		case c.ID == "s3.replication":
			// The destination's location is asked of the source region,
			// but the replica itself lives in the region that is down.
		default:
			t.Errorf("%s %s in %s: %s %s", c.ID, c.Component, c.Region, c.Status, c.Message)
		}
	}
	if east < 20 || westFailed < 10 {
		t.Errorf("%d checks passed outside us-west-2, %d unverified in it", east, westFailed)
	}
}

// Throttling is waited out: with every fifth request throttled the
// run still verifies everything.
func TestThrottlingIsBackedOff(t *testing.T) {
	p := orderflow(t)
	srv := awstest.NewServer(awstest.FromPlan(p, time.Now()))
	defer srv.Close()
	srv.ThrottleEvery = 5
	checks, _ := run(t, srv, p, verify.Config{Concurrency: 8, MaxBackoff: 50 * time.Millisecond})
	expectFailing(t, checks, nil)
	if srv.Throttled() == 0 {
		t.Error("nothing was throttled")
	}
}

// TestReadOnlyAndPolicy records every operation that reaches the
// endpoints in a run that exercises every check, and proves that all of
// them only read and that the printed IAM policy allows exactly them.
func TestReadOnlyAndPolicy(t *testing.T) {
	p := orderflow(t)
	// Declare an MSK Replicator path too, so that ListReplicators is
	// answered with one; every other operation is on OrderFlow's path.
	w := awstest.FromPlan(p, time.Now())
	srv := awstest.NewServer(w)
	defer srv.Close()
	run(t, srv, p, fastRetries)

	var policy struct {
		Statement []struct {
			Effect   string
			Action   []string
			Resource string
		}
	}
	if err := json.Unmarshal(verify.IAMPolicy(), &policy); err != nil {
		t.Fatal(err)
	}
	if len(policy.Statement) != 1 || policy.Statement[0].Effect != "Allow" {
		t.Fatalf("policy: %+v", policy)
	}
	allowed := policy.Statement[0].Action
	action := map[string]string{}
	for _, o := range verify.Operations() {
		action[o.Service+":"+o.Name] = o.Action
	}
	called := map[string]bool{}
	for _, c := range srv.Calls() {
		if slices.ContainsFunc(verify.CredentialOperations(), func(o verify.Operation) bool { return o.String() == c.String() }) {
			continue // obtains an account's credentials: TestAccounts
		}
		called[c.String()] = true
		if !verify.IsReadOnly(c.Operation) {
			t.Errorf("verify called %s, which is not a Describe, List or Get operation", c)
		}
		a, ok := action[c.String()]
		if !ok {
			t.Errorf("verify called %s, which is not in its table of operations", c)
			continue
		}
		if !slices.Contains(allowed, a) {
			t.Errorf("verify called %s, whose action %s is not in the printed policy", c, a)
		}
	}
	// And the policy asks for nothing more than what was called.
	for _, o := range verify.Operations() {
		if !called[o.Service+":"+o.Name] {
			t.Errorf("the policy grants %s, which a full run never called", o.Action)
		}
	}
	for _, a := range allowed {
		if _, name, _ := strings.Cut(a, ":"); !verify.IsReadOnly(name) {
			t.Errorf("policy grants %s", a)
		}
	}
}

// A recorded run compares the same offline: same checks, byte for byte.
func TestSnapshotReproducesLiveRun(t *testing.T) {
	p := orderflow(t)
	w := awstest.FromPlan(p, time.Now())
	srv := awstest.NewServer(w)
	defer srv.Close()
	srv.Update(func(w *awstest.World) { w.Regions[usw2].DBClusters["db-standby-usw2"].BackupRetentionDays = 1 })
	srv.Deny = func(c awstest.Call) bool { return c.Operation == "DescribeNodegroup" }
	live, obs := run(t, srv, p, fastRetries)

	var buf bytes.Buffer
	raw, err := json.Marshal(obs)
	if err != nil {
		t.Fatal(err)
	}
	if err := evidence.Write(&buf, &evidence.Record{Tool: "drplan", Observed: raw}); err != nil {
		t.Fatal(err)
	}
	rec, err := evidence.Read(&buf, "record.json")
	if err != nil {
		t.Fatal(err)
	}
	var back verify.Observed
	if err := json.Unmarshal(rec.Observed, &back); err != nil {
		t.Fatal(err)
	}
	offline := verify.Compare(p, &back)
	a, _ := json.Marshal(live)
	b, _ := json.Marshal(offline)
	if !bytes.Equal(a, b) {
		t.Errorf("offline comparison differs from the live one:\nlive:    %s\noffline: %s", a, b)
	}
	if len(failing(offline)) != 4 {
		t.Errorf("want the retention mismatch, two unreadable node groups and the capacity they hide, got %v", failing(offline))
	}
	if strings.Contains(string(raw), "local-test-secret") || strings.Contains(string(raw), "AKIDLOCALTEST") {
		t.Error("the observed state holds credentials")
	}
}

func TestSnapshotWithoutTheResource(t *testing.T) {
	p := orderflow(t)
	checks := verify.Compare(p, &verify.Observed{})
	for _, c := range checks {
		if c.Status != evidence.Unverified || !strings.Contains(c.Message, "not in the snapshot") {
			t.Errorf("%s: %s %s", c.ID, c.Status, c.Message)
		}
	}
	if len(checks) < 10 {
		t.Errorf("%d checks", len(checks))
	}
}

// Route 53 is global: --region picks the partition, not another Route 53.
// With us-west-2 as the default region, Route 53 is still called, and its
// checks recorded, in us-east-1, where AWS signs and logs it.
func TestRoute53IgnoresTheDefaultRegion(t *testing.T) {
	p := orderflow(t)
	srv := awstest.NewServer(awstest.FromPlan(p, time.Now()))
	defer srv.Close()
	cfg := fastRetries
	cfg.Region = usw2
	checks, _ := run(t, srv, p, cfg)
	if f := failing(checks); len(f) > 0 {
		t.Fatalf("failing: %v", f)
	}
	n := 0
	for _, c := range srv.Calls() {
		if c.Service == "route53" {
			n++
			if c.Region != use1 {
				t.Errorf("%s signed for %s, want us-east-1", c, c.Region)
			}
		}
	}
	for _, c := range checks {
		if strings.HasPrefix(c.ID, "route53.") && c.Region != use1 {
			t.Errorf("%s recorded in %s, want us-east-1", c.ID, c.Region)
		}
	}
	if n == 0 {
		t.Fatal("no Route 53 call")
	}
}
