package verify_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/verify"
	"github.com/drplan/drplan/verify/awstest"
)

const prodAccount = awstest.Account // OrderFlow's production account is the caller's

// TestAccounts reads OrderFlow's resources in their three accounts:
// production with the caller's credentials, the DNS zone through the
// orderflow-dns profile, the immutable backups through the role the plan
// names, assumed once. Each account's state is separate on the server,
// answered by the access key that signed the request, so a resource found
// is a resource read with its account's credentials.
func TestAccounts(t *testing.T) {
	p := orderflow(t)
	w := awstest.FromPlan(p, time.Now())
	srv := awstest.NewServer(w)
	defer srv.Close()
	checks, obs := run(t, srv, p, fastRetries)
	expectFailing(t, checks, nil)

	wantAccount := map[string]string{"s3-backups-usw2": backupAccount, "wal-archive": backupAccount, "route53-zone": networkAccount}
	byAccount := map[string]int{}
	for _, c := range checks {
		if strings.HasPrefix(c.ID, "replication.") {
			continue // read on one end or the other of the path
		}
		want := wantAccount[c.Component]
		if want == "" {
			want = prodAccount
		}
		if c.Account != want {
			t.Errorf("%s on %s was read in account %q, want %s", c.ID, c.Component, c.Account, want)
		}
		byAccount[c.Account]++
	}
	if byAccount[backupAccount] < 4 || byAccount[networkAccount] < 3 || byAccount[prodAccount] < 30 {
		t.Errorf("checks per account: %v", byAccount)
	}
	for _, r := range obs.Resources {
		if !r.Found || r.Error != "" {
			t.Errorf("%s %s/%s %s: found %v, %s", r.Kind, r.Account, r.Region, r.ID, r.Found, r.Error)
		}
	}

	// Which key signed what: Route 53 only with the DNS profile's key,
	// the backups only with the role's, one AssumeRole for the role,
	// signed with the caller's key.
	var assumes int
	for _, c := range srv.Calls() {
		switch {
		case c.Service == "sts":
			assumes++
			if c.AccessKey != "AKIDLOCALTEST" || c.Operation != "AssumeRole" {
				t.Errorf("STS call %s signed with %s", c, c.AccessKey)
			}
		case c.Service == "route53" && (c.Account != networkAccount || c.AccessKey != awstest.AccessKey(networkAccount)):
			t.Errorf("%s reached account %s with key %s, want the orderflow-dns profile's", c, c.Account, c.AccessKey)
		case c.Account == backupAccount && (c.Service != "s3" || !strings.HasPrefix(c.AccessKey, "ASIA")):
			t.Errorf("%s in the backup account with key %s", c, c.AccessKey)
		case c.Account == prodAccount && c.AccessKey != "AKIDLOCALTEST":
			t.Errorf("%s in production with key %s", c, c.AccessKey)
		}
	}
	if assumes != 1 {
		t.Errorf("%d AssumeRole calls, want one for the backup account", assumes)
	}
}

// A mismatch in a non-workload account is found with that account's
// credentials and reported at the line that declared it; the same bucket
// in the production account instead does not count.
func TestAccountsMismatch(t *testing.T) {
	p := orderflow(t)
	w := awstest.FromPlan(p, time.Now())
	w.In(backupAccount).Regions[usw2].Buckets["orderflow-dr-backups-usw2"].LockMode = "GOVERNANCE"
	wal := w.In(backupAccount).Regions[usw2].Buckets["orderflow-wal-archive-usw2"]
	delete(w.In(backupAccount).Regions[usw2].Buckets, wal.Name)
	w.Region(usw2).Buckets[wal.Name] = wal
	srv := awstest.NewServer(w)
	defer srv.Close()
	checks, _ := run(t, srv, p, fastRetries)
	expectFailing(t, checks, []want{
		{"s3.object-lock", "s3-backups-usw2", verify.RuleProtection, `objectLock: {mode: "COMPLIANCE", retention: "90d"}`},
		{"s3.bucket", "wal-archive", verify.RuleMissing, `bucket:     "orderflow-wal-archive-usw2"`},
	})
	for _, c := range failing(checks) {
		if c.Account != backupAccount {
			t.Errorf("%s on %s: account %q", c.ID, c.Component, c.Account)
		}
	}
}

// --assume-role reaches every account through the role, one AssumeRole
// each, overriding the plans' profiles.
func TestAssumeRoleEverywhere(t *testing.T) {
	p := orderflow(t)
	srv := awstest.NewServer(awstest.FromPlan(p, time.Now()))
	defer srv.Close()
	cfg := fastRetries
	cfg.AssumeRole = "arn:aws:iam::{account}:role/drplan-verify"
	checks, _ := run(t, srv, p, cfg)
	expectFailing(t, checks, nil)
	assumed := map[string]int{}
	for _, c := range srv.Calls() {
		if c.Service == "sts" {
			assumed[c.Account]++ // the caller's, who asks
			continue
		}
		if c.AccessKey != "ASIA"+c.Account+"ROLE" {
			t.Errorf("%s in %s signed with %s, not the role's credentials", c, c.Account, c.AccessKey)
		}
	}
	// prod, network and backup hold resources; recovery and org none.
	if assumed[prodAccount] != 3 || len(assumed) != 1 {
		t.Errorf("AssumeRole calls by caller account: %v, want 3 (one per account read)", assumed)
	}
}

// An account whose role cannot be assumed leaves its own checks
// unverified, with STS's reason, and the other accounts checked; its
// resources are never asked for.
func TestAccountUnreachable(t *testing.T) {
	p := orderflow(t)
	w := awstest.FromPlan(p, time.Now())
	delete(w.In(backupAccount).Roles, "drplan-verify")
	srv := awstest.NewServer(w)
	defer srv.Close()
	checks, _ := run(t, srv, p, fastRetries)
	var unverified int
	for _, c := range failing(checks) {
		if c.ID == "s3.replication" {
			// The destination is in the backup account: S3 tells only its
			// owner where a bucket is.
			if !strings.Contains(c.Message, "in account 444455556666 (backup), where it could not be read: ") {
				t.Errorf("%s on %s: %s", c.ID, c.Component, c.Message)
			}
			continue
		}
		if c.Account != backupAccount || c.RuleID != verify.RuleUnverified {
			t.Errorf("%s on %s in %q: %s %s", c.ID, c.Component, c.Account, c.RuleID, c.Message)
		}
		if !strings.Contains(c.Message, "role arn:aws:iam::444455556666:role/drplan-verify") || !strings.Contains(c.Message, "AccessDenied") {
			t.Errorf("%s: %s", c.ID, c.Message)
		}
		unverified++
	}
	if unverified != 2 { // one per bucket: its other checks are not made
		t.Errorf("%d unverified checks in the backup account, want 2", unverified)
	}
	for _, c := range srv.Calls() {
		if c.Account == backupAccount {
			t.Errorf("%s reached the backup account", c)
		}
	}
}

// When AWS answers none of the reads, Live says so per account and
// region instead of returning a state in which every check is "could not
// verify".
func TestNothingVerified(t *testing.T) {
	p := orderflow(t)
	t.Run("no permission", func(t *testing.T) {
		srv := awstest.NewServer(awstest.FromPlan(p, time.Now()))
		defer srv.Close()
		srv.Deny = func(awstest.Call) bool { return true }
		useServer(t, srv)
		_, err := verify.Live(context.Background(), []*plan.Plan{p}, fastRetries)
		var nv *verify.NothingVerifiedError
		if !errors.As(err, &nv) {
			t.Fatalf("err = %v, want NothingVerifiedError", err)
		}
		want := []string{
			"account 111122223333 (prod) through the caller's credentials, us-east-1: no permission: ",
			"account 111122223333 (prod) through the caller's credentials, us-west-2: no permission: ",
			"account 222233334444 (network) through profile orderflow-dns, us-east-1: no permission: ",
			"account 444455556666 (backup) through role arn:aws:iam::444455556666:role/drplan-verify, us-west-2: no permission: ",
		}
		if len(nv.Lines) != len(want) {
			t.Fatalf("lines:\n%s", strings.Join(nv.Lines, "\n"))
		}
		for i, w := range want {
			if !strings.HasPrefix(nv.Lines[i], w) || !strings.Contains(nv.Lines[i], "AccessDenied") {
				t.Errorf("line %d: %s\nwant prefix %s", i, nv.Lines[i], w)
			}
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		srv := awstest.NewServer(awstest.FromPlan(p, time.Now()))
		useServer(t, srv)
		srv.Close() // nothing listens there any more
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cfg := fastRetries
		cfg.AssumeRole = ""
		_, err := verify.Live(ctx, []*plan.Plan{p}, cfg)
		var nv *verify.NothingVerifiedError
		if !errors.As(err, &nv) {
			t.Fatalf("err = %v, want NothingVerifiedError", err)
		}
		for _, l := range nv.Lines {
			if !strings.Contains(l, ": can't reach AWS: ") {
				t.Errorf("line: %s", l)
			}
		}
		if len(nv.Lines) != 4 {
			t.Errorf("lines:\n%s", strings.Join(nv.Lines, "\n"))
		}
	})
	t.Run("partly answered", func(t *testing.T) {
		srv := awstest.NewServer(awstest.FromPlan(p, time.Now()))
		defer srv.Close()
		srv.Deny = func(c awstest.Call) bool { return c.Service != "route53" }
		_, obs := run(t, srv, p, fastRetries) // run fails the test on an error
		if len(obs.Resources) == 0 {
			t.Fatal("no resources")
		}
	})
}

// --iam-policy per account: each account's read policy covers what the
// run called there, the role's trust policy names the principal, and the
// caller may assume exactly the roles.
func TestIAMPolicies(t *testing.T) {
	p := orderflow(t)
	if _, err := verify.IAMPolicies([]*plan.Plan{p}, "", ""); err == nil || !strings.Contains(err.Error(), "--principal") {
		t.Errorf("a role without a principal for its trust policy: %v", err)
	}
	const principal = "arn:aws:iam::999900001111:role/ci-drplan"
	pol, err := verify.IAMPolicies([]*plan.Plan{p}, "", principal)
	if err != nil {
		t.Fatal(err)
	}
	srv := awstest.NewServer(awstest.FromPlan(p, time.Now()))
	defer srv.Close()
	run(t, srv, p, fastRetries)
	action := map[string]string{}
	for _, o := range verify.Operations() {
		action[o.String()] = o.Action
	}
	allowed := map[string][]string{}
	var got []string
	for _, a := range pol.Accounts {
		got = append(got, a.Account+" "+a.Role+a.Profile)
		b, _ := json.Marshal(a.Policy)
		var doc struct{ Statement []struct{ Action []string } }
		json.Unmarshal(b, &doc)
		acct := a.Account
		if acct == "" {
			acct = prodAccount
		}
		allowed[acct] = doc.Statement[0].Action
		if a.Role != "" {
			tb, _ := json.Marshal(a.TrustPolicy)
			if !strings.Contains(string(tb), `"Principal":{"AWS":"`+principal+`"}`) || !strings.Contains(string(tb), `"Action":"sts:AssumeRole"`) {
				t.Errorf("trust policy of %s: %s", a.Account, tb)
			}
		}
	}
	// Every OrderFlow component names its account, so nothing is read
	// without one: no entry for "" (the caller's own); no entry for the
	// accounts nothing is read in.
	want := []string{"111122223333 ", "222233334444 orderflow-dns", "444455556666 arn:aws:iam::444455556666:role/drplan-verify"}
	if !slices.Equal(got, want) {
		t.Errorf("accounts: %q, want %q", got, want)
	}
	if dns := allowed[networkAccount]; !slices.Equal(dns, []string{"route53:GetHealthCheck", "route53:GetHealthCheckStatus", "route53:GetHostedZone", "route53:ListResourceRecordSets"}) {
		t.Errorf("the DNS account's policy: %v", dns)
	}
	for _, c := range srv.Calls() {
		if c.Service == "sts" {
			continue
		}
		if !slices.Contains(allowed[c.Account], action[c.String()]) {
			t.Errorf("%s in %s is not allowed by that account's policy %v", c, c.Account, allowed[c.Account])
		}
	}
	if pol.CallerPolicy == nil {
		t.Fatal("no caller policy for the role")
	}
	cb, _ := json.Marshal(pol.CallerPolicy)
	if !strings.Contains(string(cb), `"Resource":["arn:aws:iam::444455556666:role/drplan-verify"]`) {
		t.Errorf("caller policy: %s", cb)
	}
}

// A profile is needed only for an account that holds something to read:
// OrderFlow's recovery and organization accounts hold nothing verify
// reads, so their operators' profiles need not exist where verify runs;
// the DNS account's must.
func TestAccountProfiles(t *testing.T) {
	p := orderflow(t)
	w := awstest.FromPlan(p, time.Now())
	delete(w.Profiles, "orderflow-recovery")
	delete(w.Profiles, "orderflow-org-breakglass")
	srv := awstest.NewServer(w)
	defer srv.Close()
	checks, _ := run(t, srv, p, fastRetries)
	expectFailing(t, checks, nil)

	delete(w.Profiles, "orderflow-dns")
	useServer(t, srv)
	_, err := verify.Live(context.Background(), []*plan.Plan{p}, fastRetries)
	if err == nil || !strings.Contains(err.Error(), "account 222233334444 (network): loading profile orderflow-dns: ") {
		t.Errorf("err = %v", err)
	}
}
