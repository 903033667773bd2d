package alerts

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/drplan/drplan/internal/plangen"
	"github.com/drplan/drplan/internal/testtool"
	"github.com/drplan/drplan/lint"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
)

const orderflowDir = "../../plans/orderflow"

func loadOrderFlow(t *testing.T) *plan.Plan {
	t.Helper()
	p, err := schema.Load(orderflowDir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func render(t *testing.T, p *plan.Plan) map[string][]byte {
	t.Helper()
	files, err := Files(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || files[RulesFile] == nil || files[PrometheusRuleFile] == nil || files[TestsFile] == nil {
		t.Fatalf("Files returned %d files, want %s, %s and %s", len(files), RulesFile, PrometheusRuleFile, TestsFile)
	}
	return files
}

// TestGolden pins the OrderFlow output. DRPLAN_UPDATE=1 rewrites it.
func TestGolden(t *testing.T) {
	files := render(t, loadOrderFlow(t))
	for name, got := range files {
		testtool.Golden(t, filepath.Join("testdata", "orderflow", name+".golden"), got)
	}
}

func TestDeterministic(t *testing.T) {
	a := render(t, loadOrderFlow(t))
	b := render(t, loadOrderFlow(t))
	if !reflect.DeepEqual(a, b) {
		t.Error("two renderings of the same plan differ")
	}
}

func parseRules(t *testing.T, b []byte) ruleFile {
	t.Helper()
	var rf ruleFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&rf); err != nil {
		t.Fatalf("parsing the rule file back: %v", err)
	}
	return rf
}

// TestParseBack reads the files back with yaml.v3 and checks what the
// plan says ends up in them, and that both rule files hold the same groups.
func TestParseBack(t *testing.T) {
	p := loadOrderFlow(t)
	files := render(t, p)
	rf := parseRules(t, files[RulesFile])

	var pr prometheusRule
	dec := yaml.NewDecoder(bytes.NewReader(files[PrometheusRuleFile]))
	dec.KnownFields(true)
	if err := dec.Decode(&pr); err != nil {
		t.Fatalf("parsing the PrometheusRule back: %v", err)
	}
	if pr.APIVersion != "monitoring.coreos.com/v1" || pr.Kind != "PrometheusRule" || pr.Metadata.Name != "drplan-orderflow" {
		t.Errorf("PrometheusRule header = %s %s %s", pr.APIVersion, pr.Kind, pr.Metadata.Name)
	}
	if !reflect.DeepEqual(pr.Spec, rf) {
		t.Error("the PrometheusRule's groups differ from the rule file's")
	}

	var tf testFile
	dec = yaml.NewDecoder(bytes.NewReader(files[TestsFile]))
	dec.KnownFields(true)
	if err := dec.Decode(&tf); err != nil {
		t.Fatalf("parsing the tests back: %v", err)
	}
	if len(tf.RuleFiles) != 1 || tf.RuleFiles[0] != RulesFile {
		t.Errorf("tests read %v, want [%s]", tf.RuleFiles, RulesFile)
	}

	rules := map[string]promRule{}
	var names []string
	verifyRules := 0
	for _, g := range rf.Groups {
		if !strings.HasPrefix(g.Name, "drplan-orderflow-") {
			t.Errorf("group %q is not named drplan-orderflow-<kind>", g.Name)
		}
		for _, r := range g.Rules {
			kind := strings.TrimPrefix(g.Name, "drplan-orderflow-")
			if kind == kindVerify {
				if r.Alert != VerifyDrift && r.Alert != VerifyStale {
					t.Errorf("rule %q in the verify group", r.Alert)
				}
				verifyRules++
				names = append(names, r.Alert)
				continue
			}
			if got := p.Alerts[r.Alert]; got == nil || got.Kind != kind {
				t.Errorf("rule %q in group %q is not a plan alert of that kind", r.Alert, g.Name)
			}
			rules[r.Alert] = r
			names = append(names, r.Alert)
		}
	}
	if verifyRules != 2 {
		t.Errorf("%d verify rules, want drift and stale", verifyRules)
	}
	if len(rules) != len(p.Alerts) {
		t.Errorf("%d rules for %d plan alerts", len(rules), len(p.Alerts))
	}

	tested := map[string]int{}
	for _, tg := range tf.Tests {
		for _, at := range tg.AlertTests {
			if len(at.ExpAlerts) > 0 {
				tested[at.Alertname]++
			}
		}
	}
	for _, n := range names {
		if tested[n] == 0 {
			t.Errorf("no promtool test expects %s to fire", n)
		}
	}

	// Spot checks of what the plan states, as read back.
	lag := rules["aurora-replication-lag"]
	if want := `max by (dbcluster_identifier) (aws_rds_aurora_global_db_replication_lag_average{dbcluster_identifier="db-standby-usw2"}) > 5000`; lag.Expr != want {
		t.Errorf("aurora lag expr = %s\nwant %s (the plan's metric, in milliseconds)", lag.Expr, want)
	}
	if lag.For != "15s" || lag.Labels["severity"] != "critical" || lag.Labels["tier"] != "tier0" || lag.Labels["plan"] != "orderflow" {
		t.Errorf("aurora lag for/labels = %s %v", lag.For, lag.Labels)
	}
	if lag.Annotations["threshold"] != "5s" || lag.Annotations["rpo"] != "0s" || lag.Annotations["runbook_url"] != "../runbooks/region-failover.md" {
		t.Errorf("aurora lag annotations = %v", lag.Annotations)
	}
	stale := rules["region-failover-staleness"]
	for _, want := range []string{
		`time() - max by (plan, runbook) (drplan_drill_last_success_timestamp_seconds{plan="orderflow", runbook="region-failover"})`,
		"> 7776000",
		`or absent(drplan_drill_last_success_timestamp_seconds{plan="orderflow", runbook="region-failover"})`,
	} {
		if !strings.Contains(stale.Expr, want) {
			t.Errorf("staleness expr %s lacks %s", stale.Expr, want)
		}
	}
	if stale.For != "" || stale.Labels["severity"] != "warning" {
		t.Errorf("staleness for/severity = %q %q, want no for and warning", stale.For, stale.Labels["severity"])
	}
	capa := rules["standby-capacity"]
	if want := `min by (component, plan) (drplan_standby_capacity_percent{component="eks-usw2", plan="orderflow"}) < 30`; capa.Expr != want {
		t.Errorf("capacity expr = %s\nwant %s (floorPercent)", capa.Expr, want)
	}
	if _, ok := rules["backup-freshness"].Annotations["runbook_url"]; !ok {
		t.Error("backup-freshness has no runbook_url")
	}
}

// TestThresholdFollowsPlan changes RPOs in the loaded plan: thresholds that
// the plan does not state follow them, in the metric's unit.
func TestThresholdFollowsPlan(t *testing.T) {
	p := loadOrderFlow(t)
	// Derive both lag thresholds and the backup threshold from the RPOs.
	for _, id := range []string{"aurora-replication-lag", "msk-replication-lag", "backup-freshness"} {
		p.Alerts[id].Threshold = nil
	}
	p.Tiers["tier0"].RPO = &plan.Duration{Duration: 3 * time.Second}
	p.Tiers["tier3"].RPO = &plan.Duration{Duration: 2 * time.Hour}
	p.Reindex()

	rules := map[string]promRule{}
	for _, g := range parseRules(t, render(t, p)[RulesFile]).Groups {
		for _, r := range g.Rules {
			rules[r.Alert] = r
		}
	}
	for id, want := range map[string]string{
		"aurora-replication-lag": "> 3000", // milliseconds
		"msk-replication-lag":    "> 3000",
		"backup-freshness":       "> 7200", // seconds
	} {
		r := rules[id]
		if !strings.Contains(r.Expr, want) {
			t.Errorf("%s: expr %s does not compare %s", id, r.Expr, want)
		}
		d, _ := p.AlertThreshold(id)
		if r.Annotations["threshold"] != d.String() {
			t.Errorf("%s: threshold annotation %q, plan derives %s", id, r.Annotations["threshold"], d)
		}
	}
	if got := rules["aurora-replication-lag"].Annotations["description"]; !strings.Contains(got, "the threshold is the RPO of tier0") {
		t.Errorf("description does not say where the threshold comes from: %s", got)
	}

	// Once more, with the RPO changed again: nothing else is typed.
	p.Tiers["tier0"].RPO = &plan.Duration{Duration: 90 * time.Second}
	p.Reindex()
	// tier0 (90s) is no longer the strictest: tier1's 30s is.
	for _, g := range parseRules(t, render(t, p)[RulesFile]).Groups {
		for _, r := range g.Rules {
			if r.Alert == "aurora-replication-lag" && (!strings.HasSuffix(r.Expr, "> 30000") || r.Labels["tier"] != "tier1") {
				t.Errorf("aurora lag after tier0 RPO 90s: expr %s, tier %s; want > 30000 and tier1", r.Expr, r.Labels["tier"])
			}
		}
	}
}

func TestUnderivableThresholdIsAnError(t *testing.T) {
	p := loadOrderFlow(t)
	a := p.Alerts["backup-freshness"]
	a.Threshold = nil
	for _, id := range p.AlertTiers("backup-freshness") {
		p.Tiers[id].RPO = nil
	}
	p.Reindex()
	_, err := Files(p, Options{})
	if err == nil || !strings.Contains(err.Error(), `alert "backup-freshness"`) {
		t.Fatalf("err = %v, want one naming alert \"backup-freshness\"", err)
	}
}

func TestRunbookURLOption(t *testing.T) {
	p := loadOrderFlow(t)
	files, err := Files(p, Options{RunbookURL: func(id string) string { return "https://dr.example.com/orderflow/" + id }})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(files[RulesFile], []byte("runbook_url: https://dr.example.com/orderflow/region-failover\n")) {
		t.Error("RunbookURL option not used")
	}
}

// TestDefaultMetrics drops the plan's metrics: the defaults for the usual
// exporters take over.
func TestDefaultMetrics(t *testing.T) {
	t.Parallel()
	p := loadOrderFlow(t)
	for _, r := range p.Replication {
		r.Metric = nil
	}
	for _, a := range p.Alerts {
		// A dump's freshness in S3 has no default metric: the plan's stays.
		if a.Kind == plan.AlertBackupFreshness && p.Components[a.Component].Kind != plan.KindAWSBackup {
			continue
		}
		a.Metric = nil
	}
	files := render(t, p)
	for _, want := range []string{
		// The secondary cluster: AWS publishes the lag there.
		`aws_rds_aurora_global_db_replication_lag_average{dbcluster_identifier="db-standby-usw2"}) > 5000`,
		`max(kafka_connect_mirror_source_connector_replication_latency_ms_max) > 10000`,
		`drplan_drill_last_success_timestamp_seconds{plan="orderflow", runbook="pitr-restore"}`,
	} {
		if !bytes.Contains(files[RulesFile], []byte(want)) {
			t.Errorf("rules lack %s", want)
		}
	}
	promtool(t, files)
}

// TestPromtoolOrderFlow checks and unit-tests OrderFlow's rules with promtool.
func TestPromtoolOrderFlow(t *testing.T) {
	t.Parallel()
	promtool(t, render(t, loadOrderFlow(t)))
}

// TestPromtoolGenerated does the same on a synthetic plan.
func TestPromtoolGenerated(t *testing.T) {
	t.Parallel()
	lookPromtool(t)
	dir := filepath.Join(t.TempDir(), "plan")
	if err := plangen.Write(dir, plangen.Options{Services: 50, Steps: 200}); err != nil {
		t.Fatal(err)
	}
	p, err := schema.Load(dir)
	if err != nil {
		t.Fatal(err)
	}

	// The generated plan has alerts lint's DR006 rejects for want of a
	// threshold; Files refuses exactly those, naming them.
	flagged := map[string]bool{}
	findings, _ := lint.Lint(p, lint.Options{Rules: []string{"DR006"}, Now: time.Date(2026, 1, 9, 0, 0, 0, 0, time.UTC)})
	for _, f := range findings {
		if id, ok := strings.CutPrefix(f.Path, "alerts."); ok && strings.HasSuffix(id, ".threshold") {
			flagged[strings.TrimSuffix(id, ".threshold")] = true
		}
	}
	_, err = Files(p, Options{})
	for _, id := range plan.Keys(p.Alerts) {
		named := err != nil && strings.Contains(err.Error(), fmt.Sprintf("alert %q ", id))
		if named != flagged[id] {
			t.Errorf("alert %s: Files error names it: %v; DR006 flags it: %v", id, named, flagged[id])
		}
	}
	if len(flagged) == 0 {
		t.Log("the generated plan no longer has an alert without a threshold")
	}
	// Give them one, as the remediation says (the copy interval of the
	// path they watch), and render.
	for id := range flagged {
		a := p.Alerts[id]
		r := p.Replication[a.Replication]
		if r == nil || r.Interval == nil {
			t.Fatalf("alert %s: no path interval to use as its threshold", id)
		}
		a.Threshold = r.Interval
	}
	files := render(t, p)
	// One group per kind the plan's alerts use, and verify's.
	used := map[string]bool{kindVerify: true}
	for _, a := range p.Alerts {
		used[a.Kind] = true
	}
	if n := len(parseRules(t, files[RulesFile]).Groups); n != len(used) {
		t.Errorf("generated plan: %d groups, want one per kind it uses (%d, verify's included)", n, len(used))
	}
	promtool(t, files)
}

// TestQuoting: plan text is literal in annotations, even where it looks
// like a Prometheus template, and label values that YAML or PromQL would
// misread survive both (promtool proves the round trip).
func TestQuoting(t *testing.T) {
	t.Parallel()
	p := loadOrderFlow(t)
	p.Alerts["standby-capacity"].Title = `Standby below {{ $value }}% {{"of"}} primary`
	p.Alerts["standby-capacity"].Metric = &plan.Metric{
		Name:   "standby_capacity_percent",
		Labels: map[string]string{"cluster": "on", "zone": "0123", "odd": "a: \"b\" {c}\\n # d"},
	}
	files := render(t, p)
	if !bytes.Contains(files[TestsFile], []byte(`summary: Standby below {{ $value }}% {{"of"}} primary`)) {
		t.Error("the test does not expect the title verbatim")
	}
	rules := map[string]promRule{}
	for _, g := range parseRules(t, files[RulesFile]).Groups {
		for _, r := range g.Rules {
			rules[r.Alert] = r
		}
	}
	if want := `min by (cluster, odd, zone) (standby_capacity_percent{cluster="on", odd="a: \"b\" {c}\\n # d", zone="0123"}) < 30`; rules["standby-capacity"].Expr != want {
		t.Errorf("expr read back = %s\nwant %s", rules["standby-capacity"].Expr, want)
	}
	promtool(t, files)
}

func lookPromtool(t *testing.T) string {
	t.Helper()
	return testtool.Need(t, "promtool", "prometheus")
}

// promtool writes files to a directory and runs promtool check rules and
// promtool test rules on them.
func promtool(t *testing.T, files map[string][]byte) {
	t.Helper()
	bin := lookPromtool(t)
	dir := t.TempDir()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The PrometheusRule's spec is a rule file too.
	var pr prometheusRule
	if err := yaml.Unmarshal(files[PrometheusRuleFile], &pr); err != nil {
		t.Fatal(err)
	}
	spec, err := yaml.Marshal(pr.Spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "prometheusrule-spec.yml"), spec, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"check", "rules", RulesFile, "prometheusrule-spec.yml"},
		{"test", "rules", TestsFile},
	} {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		} else {
			t.Logf("promtool %s:\n%s", strings.Join(args, " "), out)
		}
	}
}

// TestGuardsAndBacklog: an alert that names the tier it guards is labelled
// and annotated with that tier's RPO, a readiness alert with none, and a
// replication-backlog alert compares a count; promtool proves each fires
// past its threshold and not at it.
func TestGuardsAndBacklog(t *testing.T) {
	t.Parallel()
	p := loadOrderFlow(t)
	p.Alerts["aurora-replication-lag"].Guards = &plan.AlertGuard{Tier: "tier1"}
	p.Alerts["msk-replication-lag"].Guards = &plan.AlertGuard{Readiness: "standby consumers can start from mirrored offsets"}
	three := int64(3)
	p.Alerts["backups-late"] = &plan.Alert{Kind: plan.AlertReplicationBacklog, Title: "Backup objects failing to replicate",
		Replication: "backups-crr", ThresholdCount: &three, For: &plan.Duration{Duration: 5 * time.Minute}}
	p.Alerts["notebooks-late"] = &plan.Alert{Kind: plan.AlertReplicationBacklog, Replication: "notebooks-crr", Guards: &plan.AlertGuard{Tier: "tier3"}}
	files := render(t, p)
	rules := map[string]promRule{}
	for _, grp := range parseRules(t, files[RulesFile]).Groups {
		for _, r := range grp.Rules {
			rules[r.Alert] = r
		}
	}
	aurora := rules["aurora-replication-lag"]
	if aurora.Labels["tier"] != "tier1" || aurora.Annotations["rpo"] != "30s" ||
		!strings.Contains(aurora.Annotations["description"], "It guards the RPO of tier1 (RPO 30 s), as the plan states") {
		t.Errorf("aurora: labels %v, annotations %v", aurora.Labels, aurora.Annotations)
	}
	msk := rules["msk-replication-lag"]
	if _, ok := msk.Annotations["rpo"]; ok || !strings.Contains(msk.Annotations["description"], "It guards readiness, no RPO: standby consumers can start from mirrored offsets") {
		t.Errorf("msk: annotations %v", msk.Annotations)
	}
	late := rules["backups-late"]
	want := `max by (destination_bucket, source_bucket) (aws_s3_operations_failed_replication_sum{destination_bucket="orderflow-dr-backups-usw2", source_bucket="orderflow-backups-use1"}) > 3`
	if late.Expr != want || late.For != "5m" || late.Annotations["threshold"] != "3" {
		t.Errorf("backups-late: expr %q for %q threshold %q, want %q", late.Expr, late.For, late.Annotations["threshold"], want)
	}
	if nb := rules["notebooks-late"]; !strings.HasSuffix(nb.Expr, " > 0") || nb.Labels["tier"] != "tier3" || nb.Annotations["rpo"] != "1h" {
		t.Errorf("notebooks-late: %+v", nb)
	}
	promtool(t, files)

	// No default backlog metric for other mechanisms: an error naming it.
	p.Alerts["aurora-late"] = &plan.Alert{Kind: plan.AlertReplicationBacklog, Replication: "aurora-global"}
	if _, err := Files(p, Options{}); err == nil || !strings.Contains(err.Error(), `alert "aurora-late" (replication-backlog): no metric`) {
		t.Errorf("Files error = %v", err)
	}
}

// The verify alerts follow the exporter's interval, and only plans with
// something to verify have them; promtool proves their timing.
func TestVerifyAlerts(t *testing.T) {
	p := loadOrderFlow(t)
	files, err := Files(p, Options{VerifyInterval: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	rf := parseRules(t, files[RulesFile])
	g := rf.Groups[len(rf.Groups)-1]
	if g.Name != "drplan-orderflow-verify" || len(g.Rules) != 2 {
		t.Fatalf("last group %s with %d rules, want drplan-orderflow-verify with drift and stale", g.Name, len(g.Rules))
	}
	drift, stale := g.Rules[0], g.Rules[1]
	if drift.Alert != VerifyDrift || drift.For != "5m" || drift.Expr != `max by (plan, rule) (drplan_verify_findings{plan="orderflow", severity="error"}) > 0` {
		t.Errorf("drift: %+v", drift)
	}
	if stale.Alert != VerifyStale || stale.For != "5m" || !strings.Contains(stale.Expr, "> 600 or absent(") {
		t.Errorf("stale: %+v", stale)
	}
	promtool(t, files)
	// Intervals shorter than a minute, or not a whole number of minutes,
	// are tested at a step that divides them.
	for _, iv := range []time.Duration{10 * time.Second, 90 * time.Second} {
		files, err := Files(p, Options{VerifyInterval: iv})
		if err != nil {
			t.Fatal(err)
		}
		promtool(t, files)
	}

	for id, c := range p.Components {
		if c.AWS != nil {
			c.AWS = nil
			p.Components[id] = c
		}
	}
	files = render(t, p)
	for _, g := range parseRules(t, files[RulesFile]).Groups {
		if g.Name == "drplan-orderflow-verify" {
			t.Error("a plan without AWS resources has verify alerts")
		}
	}
}
