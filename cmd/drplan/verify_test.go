package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/report"
	"github.com/drplan/drplan/schema"
	"github.com/drplan/drplan/verify"
	"github.com/drplan/drplan/verify/awstest"
)

// awsEnv points the AWS SDK's standard configuration at srv, with static
// fake credentials and no shared files, as a user's environment would.
func awsEnv(t *testing.T, srv *awstest.Server) {
	t.Setenv("DRPLAN_CACHE", "off")
	for k, v := range srv.Env(t.TempDir()) {
		t.Setenv(k, v)
	}
}

func runMain(args ...string) (ExitCode, string, string) {
	var out, errOut bytes.Buffer
	code := Main(args, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

// orderflowServer serves an AWS that matches OrderFlow except for a
// standby whose backups are kept for 7 days instead of 35.
func orderflowServer(t *testing.T) (*awstest.Server, string) {
	t.Helper()
	dir := filepath.Join("..", "..", "plans", "orderflow")
	p, err := schema.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	w := awstest.FromPlan(p, time.Now())
	w.Regions["us-west-2"].DBClusters["db-standby-usw2"].BackupRetentionDays = 7
	srv := awstest.NewServer(w)
	t.Cleanup(srv.Close)
	awsEnv(t, srv)
	return srv, dir
}

func TestVerifyLiveRecordAndSnapshot(t *testing.T) {
	_, dir := orderflowServer(t)
	rec := filepath.Join(t.TempDir(), "evidence.json")

	code, live, stderr := runMain("verify", "--record", rec, dir)
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1\n%s%s", code, live, stderr)
	}
	want := "plans/orderflow/architecture.cue:139:12: error DR205: db-standby: Aurora cluster db-standby-usw2 keeps backups for 7 days, shorter than the 35 days the plan claims"
	if !strings.Contains(filepath.ToSlash(live), want) {
		t.Errorf("output lacks %q:\n%s", want, live)
	}
	if stderr != "" {
		t.Errorf("stderr is not a terminal, yet: %q", stderr)
	}

	r, err := evidence.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Plans) != 1 || r.Plans[0].Name != "orderflow" || r.TakenAt.IsZero() || r.Version == "" {
		t.Fatalf("record: %+v", r)
	}
	counts := r.Plans[0].Counts()
	if counts[evidence.Mismatch] != 1 || counts[evidence.OK] < 60 {
		t.Errorf("record counts %v: every check belongs in it, the ones that hold too", counts)
	}
	for _, c := range r.Plans[0].Checks {
		if c.Pos.Line == 0 || !strings.HasSuffix(c.Pos.File, ".cue") || c.ID == "" || c.Message == "" {
			t.Errorf("check without a plan position or message: %+v", c)
		}
	}
	raw, _ := os.ReadFile(rec)
	for _, secret := range []string{"local-test-secret", "AKIDLOCALTEST"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the record holds %s", secret)
		}
	}
	if fi, _ := os.Stat(rec); fi.Mode().Perm() != 0o644 {
		t.Errorf("record mode %v", fi.Mode())
	}

	// Offline, from the record: the same report, with no AWS to ask.
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	code, offline, _ := runMain("verify", "--snapshot", rec, dir)
	if code != ExitFindings || offline != live {
		t.Errorf("snapshot: exit %d\n%s\nwant the live report:\n%s", code, offline, live)
	}
}

func TestVerifyFormatsAndFailOn(t *testing.T) {
	srv, dir := orderflowServer(t)
	for _, f := range report.Formats() {
		code, out, stderr := runMain("verify", "--format", f, dir)
		if code != ExitFindings || !strings.Contains(out, "DR205") {
			t.Errorf("--format %s: exit %d\n%s%s", f, code, out, stderr)
		}
	}
	code, out, _ := runMain("verify", "--format", "sarif", dir)
	var sarif struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Rules []struct{ ID string } }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil || code != ExitFindings {
		t.Fatalf("sarif: %v", err)
	}
	if rules := sarif.Runs[0].Tool.Driver.Rules; len(rules) != len(verify.Rules()) || rules[0].ID != "DR201" {
		t.Errorf("sarif rules: %+v", rules)
	}

	// Only a warning left: exit 0 unless --fail-on warning.
	srv.Update(func(w *awstest.World) { w.Regions["us-west-2"].DBClusters["db-standby-usw2"].BackupRetentionDays = 35 })
	srv.Deny = func(c awstest.Call) bool { return c.Operation == "GetHostedZone" }
	if code, out, _ := runMain("verify", dir); code != ExitOK || !strings.Contains(out, "warning DR201") {
		t.Errorf("exit %d, want 0 with a DR201 warning\n%s", code, out)
	}
	if code, _, _ := runMain("verify", "--fail-on", "warning", dir); code != ExitFindings {
		t.Errorf("--fail-on warning: exit %d, want 1", code)
	}
	out = filepath.Join(t.TempDir(), "verify.xml")
	if code, stdout, _ := runMain("verify", "--format", "junit", "--output", out, "--fail-on", "warning", dir); code != ExitFindings || stdout != "" {
		t.Errorf("--output: exit %d, stdout %q", code, stdout)
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.Contains(b, []byte("DR201")) {
		t.Errorf("junit file: %v %s", err, b)
	}
}

func TestVerifyInvalidInput(t *testing.T) {
	_, dir := orderflowServer(t)
	bad := filepath.Join(t.TempDir(), "not-a-record.json")
	os.WriteFile(bad, []byte(`{"kind": "something-else"}`), 0o644)
	noCreds := func() { t.Setenv("AWS_ACCESS_KEY_ID", ""); t.Setenv("AWS_SECRET_ACCESS_KEY", "") }
	for _, tc := range []struct {
		args  []string
		msg   string
		setup func()
	}{
		{[]string{"verify", "--snapshot", bad, dir}, "not a drplan verify record", nil},
		{[]string{"verify", "--snapshot", filepath.Join(t.TempDir(), "missing.json"), dir}, "no such file", nil},
		{[]string{"verify", "--snapshot", bad, "--profile", "prod", dir}, "`--snapshot` reads no AWS", nil},
		{[]string{"verify"}, "specify at least one PATH", nil},
		{[]string{"verify", "--concurrency", "0", dir}, "`--concurrency` must be at least 1", nil},
		{[]string{"verify", "--format", "yaml", dir}, "`--format` must be one of", nil},
		{[]string{"verify", "--record", filepath.Join(t.TempDir(), "no", "such", "dir", "r.json"), dir}, "`--record`", nil},
		{[]string{"verify", "--profile", "no-such-profile", dir}, "no-such-profile", nil},
		// Last: the environment it changes stays for the rest of the test.
		{[]string{"verify", dir}, "no usable AWS credentials", noCreds},
	} {
		if tc.setup != nil {
			tc.setup()
		}
		code, _, stderr := runMain(tc.args...)
		if code != ExitInvalid || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.msg)
		}
	}
}

// --region is where components that name no region are looked up.
func TestVerifyRegionOverride(t *testing.T) {
	w := awstest.NewWorld()
	w.Region("eu-west-1").Buckets["shop-backups"] = &verify.Bucket{Name: "shop-backups", Versioning: "Enabled"}
	srv := awstest.NewServer(w)
	t.Cleanup(srv.Close)
	awsEnv(t, srv)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "plan.cue"), []byte(`package shop

apiVersion: "drplan/v1"
name:       "shop"
components: backups: {kind: "s3", aws: {bucket: "shop-backups", versioning: true}}
`), 0o644)
	if code, out, _ := runMain("verify", dir); code != ExitFindings || !strings.Contains(out, "DR202") || !strings.Contains(out, "is in eu-west-1, not in us-east-1") {
		t.Errorf("in AWS_REGION (us-east-1): exit %d\n%s", code, out)
	}
	if code, out, _ := runMain("verify", "--region", "eu-west-1", dir); code != ExitOK || !strings.Contains(out, "no findings") {
		t.Errorf("--region eu-west-1: exit %d\n%s", code, out)
	}
}

// An AWS that answers too slowly is cut off by --timeout; when that
// leaves nothing verified, the run is not a result: exit 2, one line per
// account and region, and no findings.
func TestVerifyTimeout(t *testing.T) {
	srv, dir := orderflowServer(t)
	srv.Latency = time.Second
	code, out, stderr := runMain("verify", "--timeout", "300ms", dir)
	if code != ExitInvalid || out != "" {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if lines[0] != "drplan: nothing verified: every AWS read failed" || len(lines) != 5 {
		t.Fatalf("stderr:\n%s", stderr)
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, ": can't reach AWS: ") || !strings.Contains(l, "no answer before the --timeout") || !strings.HasPrefix(l, "  account ") {
			t.Errorf("line %q", l)
		}
	}
}

// Denied everywhere is exit 2 too, saying which account and region, not
// a warning per resource and exit 0.
func TestVerifyNoPermission(t *testing.T) {
	srv, dir := orderflowServer(t)
	srv.Deny = func(awstest.Call) bool { return true }
	code, out, stderr := runMain("verify", dir)
	want := "  account 222233334444 (network) through profile orderflow-dns, us-east-1: no permission: route53:"
	if code != ExitInvalid || out != "" || !strings.Contains(stderr, want) {
		t.Errorf("exit %d\n%s%s", code, out, stderr)
	}
	// Partly denied stays a DR201 warning per resource.
	srv.Deny = func(c awstest.Call) bool { return c.Service == "route53" }
	if code, out, _ := runMain("verify", dir); code != ExitFindings || !strings.Contains(out, "DR201") {
		t.Errorf("partly denied: exit %d\n%s", code, out)
	}
}

// --iam-policy with a plan prints, per account, the read policy and the
// trust policy of the role verify assumes there.
func TestVerifyIAMPolicyPerAccount(t *testing.T) {
	dir := filepath.Join("..", "..", "plans", "orderflow")
	code, _, stderr := runMain("verify", "--iam-policy", dir)
	if code != ExitInvalid || !strings.Contains(stderr, "--principal ARN") {
		t.Errorf("without --principal: exit %d, %s", code, stderr)
	}
	code, out, stderr := runMain("verify", "--iam-policy", "--principal", "arn:aws:iam::999900001111:role/ci", "--assume-role", "arn:aws:iam::{account}:role/drplan-verify", dir)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var pol verify.Policies
	if err := json.Unmarshal([]byte(out), &pol); err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, a := range pol.Accounts {
		roles = append(roles, a.Role)
		if a.TrustPolicy == nil {
			t.Errorf("%s: no trust policy", a.Account)
		}
	}
	want := []string{"arn:aws:iam::111122223333:role/drplan-verify", "arn:aws:iam::222233334444:role/drplan-verify", "arn:aws:iam::444455556666:role/drplan-verify"}
	if !slices.Equal(roles, want) || !strings.Contains(out, `"AWS": "arn:aws:iam::999900001111:role/ci"`) {
		t.Errorf("roles %v\n%s", roles, out)
	}
	if code, _, stderr := runMain("verify", "--assume-role", "arn:aws:iam::123456789012:role/x", dir); code != ExitInvalid || !strings.Contains(stderr, "{account}") {
		t.Errorf("a role ARN without {account}: exit %d, %s", code, stderr)
	}
}
