package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/report"
	"github.com/drplan/drplan/schema"
)

// refPlan is the second reference plan: built to lint clean on facts it
// states, with no suppress or accept, and the source of the planted defects.
const refPlan = "../plans/careslot"

// refNow is the date the reference plan is judged on, fixed so that the
// drills and the review do not age out of the test.
var refNow = time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)

// lintDir loads and lints a plan directory on refNow.
func lintDir(t *testing.T, dir string) []report.Finding {
	t.Helper()
	p, err := schema.Load(dir)
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	fs, sup := Lint(p, Options{Now: refNow})
	return append(fs, sup...)
}

func findingLines(fs []report.Finding, base string) string {
	var b strings.Builder
	for _, f := range fs {
		pos := f.Pos
		if rel, err := filepath.Rel(base, pos.File); err == nil {
			pos.File = filepath.ToSlash(rel)
		}
		fmt.Fprintf(&b, "%s: %s %s: %s\n", pos, f.Severity, f.RuleID, f.Message)
	}
	fmt.Fprintf(&b, "%d findings\n", len(fs))
	return b.String()
}

// TestRefPlanClean pins the reference plan's lint output, which is no
// finding at all. DRPLAN_UPDATE=1 rewrites testdata/careslot.golden.
func TestRefPlanClean(t *testing.T) {
	got := findingLines(lintDir(t, refPlan), refPlan)
	path := filepath.Join("testdata", "careslot.golden")
	if os.Getenv("DRPLAN_UPDATE") != "" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("lint %s differs from %s (DRPLAN_UPDATE=1 rewrites it):\n%s", refPlan, path, got)
	}
}

// TestRefPlanStatesFacts keeps the reference plan honest: it lints clean
// because it states its facts, not because it silences rules.
func TestRefPlanStatesFacts(t *testing.T) {
	err := filepath.WalkDir(refPlan, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if l := strings.TrimSpace(line); strings.HasPrefix(l, "suppress:") || strings.HasPrefix(l, "accept:") {
				t.Errorf("%s:%d: the reference plan must not suppress or accept a rule: %s", path, i+1, l)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// plant is one defect planted in a copy of the reference plan: in file,
// old (which must occur exactly once) becomes new, and rule must then
// report it. also lists the other rules the same defect may fairly
// trigger; any rule outside rule and also is a failure.
type plant struct {
	name     string
	rule     string
	file     string
	old, new string
	also     []string
}

var plants = []plant{
	{name: "an objective changed after its sign-off", rule: "DR001", file: "tiers.cue",
		old: `rto:          "15m"`, new: `rto:          "12m"`},
	{name: "an asynchronous path without its lag", rule: "DR002", file: "architecture.cue",
		old: "expectedLag: \"1s\"\n\t\t// CloudWatch AuroraGlobalDBReplicationLag", new: "// CloudWatch AuroraGlobalDBReplicationLag"},
	// The serving cluster, not the standby: a standby needs no copy of its own.
	{name: "a stateless cluster that says nothing of its rebuild", rule: "DR002", file: "architecture.cue",
		old: "\t\tstate: \"stateless\"\n\t\trebuild: {\n\t\t\tmethod: \"gitops\"\n\t\t\tsource: \"git@git.careslot.example.com.au:platform/gitops.git, clusters/apse2 (ArgoCD ApplicationSet careslot)\"\n\t\t\tby:     \"argocd\"\n\t\t}\n",
		new: "\t\tstate: \"stateless\"\n"},
	{name: "an in-scope scenario without a response", rule: "DR003", file: "scenarios.cue",
		old: "\t\tresponse:  \"no-failover\"\n", new: ""},
	{name: "steps numbered out of order", rule: "DR004", file: "runbook-pitr.cue",
		old: "number: 7", new: "number: 8"},
	// Without a data-corruption scenario the class is undeclared too (DR003).
	{name: "no corruption scenario with a restore of its own", rule: "DR005", file: "scenarios.cue",
		old: `class:   "data-corruption"`, new: `class:   "dependency-outage"`, also: []string{"DR003"}},
	// Tier 1's own alert turned into a second Tier 0 alert: the path is
	// still watched, but nothing guards Tier 1's RPO any more, and the
	// alert's 2-minute threshold is now judged against Tier 0's RPO (DR106).
	{name: "a tier whose RPO no alert guards", rule: "DR006", file: "monitoring.cue",
		old: `guards: tier: "tier1"`, new: `guards: tier: "tier0"`, also: []string{"DR106"}},
	{name: "a scenario's runbook without a staleness alert", rule: "DR006", file: "monitoring.cue",
		old: `runbook:  "core-failover"`, new: `runbook:  "messaging-failover"`},
	{name: "Tier 0 drilled less than quarterly", rule: "DR007", file: "gamedays.cue",
		old: `tier0: "90d"`, new: `tier0: "120d"`},
	{name: "an exec message nobody reviewed", rule: "DR008", file: "comms.cue",
		old: "\t\treview: {by: \"Oliver Grant (CTO)\", date: \"2026-12-02\"}\n\t}\n\n\t\"exec-resolved-region\"", new: "\t}\n\n\t\"exec-resolved-region\""},
	{name: "no cost of a declared DR", rule: "DR009", file: "cost.cue",
		old: "\tdrState: [", new: "\tdrState: []\n\t_drStateDraft: ["},
	{name: "a review past its cadence", rule: "DR010", file: "plan.cue",
		old: `lastReviewed: "2026-11-20"`, new: `lastReviewed: "2026-08-01"`},
	{name: "a scale-up that no longer fits the Tier 0 RTO", rule: "DR101", file: "runbook-core-failover.cue",
		old: "estimate: \"6m\"\n\t\t\ttimeout:  \"10m\"", new: "estimate: \"14m\"\n\t\t\ttimeout:  \"20m\""},
	{name: "an RPO shorter than the path's lag", rule: "DR102", file: "architecture.cue",
		old: `expectedLag: "1s"
		// CloudWatch AuroraGlobalDBReplicationLag`, new: `expectedLag: "2m"
		// CloudWatch AuroraGlobalDBReplicationLag`},
	// Answered by failover, the ransomware runbook becomes a failover of
	// the automated Tier 0 that stops for people (DR110).
	{name: "ransomware answered by a failover", rule: "DR103", file: "scenarios.cue",
		old: `response:    "isolate-and-restore"`, new: `response:    "failover"`, also: []string{"DR110"}},
	// The landing bucket has no freshness alert of its own either (DR116).
	{name: "one of several restore sources is not immutable", rule: "DR103", file: "scenarios.cue",
		old: `restoreFrom: ["vault-apse4", "dumps-locked-apse4"]`, new: `restoreFrom: ["vault-apse4", "dumps-apse2"]`,
		also: []string{"DR116", "DR118"}},
	{name: "corruption restored from the live replica", rule: "DR104", file: "scenarios.cue",
		old: `restoreFrom: "db-primary"`, new: `restoreFrom: "db-standby"`},
	{name: "the latest drill missed the Tier 0 RTO", rule: "DR105", file: "drills/2026-11-11-core-failover-production.cue",
		old: `rto: "9m50s"`, new: `rto: "16m"`},
	{name: "a Tier 0 lag alert looser than the Tier 0 RPO", rule: "DR106", file: "monitoring.cue",
		old: `threshold: "15s"`, new: `threshold: "90s"`},
	{name: "a scale-up longer than the Tier 0 RTO", rule: "DR107", file: "architecture.cue",
		old: `scaleUpTime:      "6m"`, new: `scaleUpTime:      "20m"`},
	{name: "a component nothing uses", rule: "DR108", file: "architecture.cue",
		old: "components: {\n", new: "components: {\n\t\"sftp-gateway\": {kind: \"other\", title: \"Legacy SFTP gateway\", region: \"ap-southeast-2\"}\n"},
	{name: "a DNS TTL beyond the Tier 0 RTO", rule: "DR109", file: "architecture.cue",
		old: `ttl:        "60s"`, new: `ttl:        "900s"`},
	{name: "an automated failover that waits on a pre-condition", rule: "DR110", file: "runbook-core-failover.cue",
		old: `expect: "ALARM"`, new: "expect: \"ALARM\"\n\t\t\twait:   \"3m\""},
	{name: "an automated failover whose standing approval has expired", rule: "DR110", file: "runbook-core-failover.cue",
		old: `expires:    "2027-05-31"`, new: `expires:    "2026-11-30"`},
	{name: "a sample the expect does not match", rule: "DR111", file: "runbook-core-failover.cue",
		old: `expect: "careslot-apse4[[:space:]]+available"`, new: `expect: "careslot-apse4[[:space:]]+ready"`},
	// The exec update is sent for every scenario: Tier 0's RPO in it is
	// false for all but the region failure.
	{name: "a message for every scenario quoting one scenario's objective", rule: "DR112", file: "comms.cue",
		old: "Clinics affected so far: {{incident.impact}}.", new: "Clinics affected so far: {{incident.impact}}, data lost within the RPO of 1 minute."},
	{name: "an exec message quoting an objective the scenario does not have", rule: "DR112", file: "comms.cue",
		old: "Objective {{rto}} to repaired", new: "RTO 15 minutes to repaired"},
	// The Redis promotion called in Sydney: the lost region's API.
	{name: "a recovery step calling the lost region's API", rule: "DR113", file: "runbook-core-failover.cue",
		old: "failover-global-replication-group --region ap-southeast-4", new: "failover-global-replication-group --region ap-southeast-2"},
	{name: "a failover no failback returns", rule: "DR114", file: "runbook-region-failback.cue",
		old: `failbackFor: ["core-failover", "messaging-failover", "documents-failover"]`, new: `failbackFor: ["core-failover", "messaging-failover"]`},
	{name: "a failback with no drill and no game day", rule: "DR114", file: "gamedays.cue",
		old: "\t\t{date: \"2027-02-10\", scenario: \"region-failure\", runbook: \"region-failback\", environment: \"production\", facilitator: \"Aroha Ngata\"},\n", new: ""},
	// The drill measured 4h10m for the dump cross-check.
	{name: "a restore step estimated well below its drill", rule: "DR115", file: "runbook-ransomware.cue",
		old: `estimate: "4h"`, new: `estimate: "2h"`},
	{name: "a restore source no freshness alert watches", rule: "DR116", file: "monitoring.cue",
		old: `component: "dumps-locked-apse4"`, new: `component: "dumps-apse2"`},
	// Without the stated effects, the step's title and id say "activate".
	{name: "an activation that can start before the fence", rule: "DR117", file: "runbook-core-failover.cue",
		old: "\t\t\teffects: []\n", new: ""},
	// Written for ransomware, but as an update: its first exec message
	// would be none.
	{name: "a scenario whose own exec message is only an update", rule: "DR112", file: "comms.cue",
		old: "\"exec-declared-ransomware\": {\n\t\taudience: \"exec-channel\"\n\t\tphase:    \"declared\"",
		new: "\"exec-declared-ransomware\": {\n\t\taudience: \"exec-channel\"\n\t\tphase:    \"update\""},
	{name: "the ransomware restore source in the production account", rule: "DR118", file: "architecture.cue",
		old: "replaying a logical dump.\n\t\t\t\"\"\"\n\t\tregion:    \"ap-southeast-4\"\n\t\taccount:   \"backup\"",
		new: "replaying a logical dump.\n\t\t\t\"\"\"\n\t\tregion:    \"ap-southeast-4\"\n\t\taccount:   \"prod\""},
	{name: "the failover records in the production account", rule: "DR119", file: "architecture.cue",
		old: `account: "network"`, new: `account: "prod"`},
	{name: "a hosted zone that names no account", rule: "DR120", file: "architecture.cue",
		old: "\t\taccount: \"network\"\n", new: ""},
}

// TestRefPlanPlantedDefects plants each defect in a copy of the reference
// plan and requires its rule to catch it, and nothing unrelated to fire.
// Every registered rule needs at least one case: a new rule adds its own.
func TestRefPlanPlantedDefects(t *testing.T) {
	covered := map[string]bool{}
	for _, pl := range plants {
		covered[pl.rule] = true
	}
	for _, r := range Rules() {
		if !covered[r.ID] {
			t.Errorf("rule %s has no planted defect in the reference plan: add one to plants", r.ID)
		}
	}
	// Only what the defect adds counts: the clean plan's own findings (none,
	// as TestRefPlanClean requires) are neither a catch nor a side effect.
	key := func(f report.Finding) string { return f.RuleID + " " + f.Path + " " + f.Message }
	baseline := map[string]bool{}
	for _, f := range lintDir(t, refPlan) {
		baseline[key(f)] = true
	}
	for _, pl := range plants {
		t.Run(pl.rule+"/"+pl.name, func(t *testing.T) {
			if Lookup(pl.rule) == nil {
				t.Fatalf("rule %s is not registered", pl.rule)
			}
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(refPlan)); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, pl.file)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(b), pl.old); n != 1 {
				t.Fatalf("%s: the text to replace occurs %d times, want exactly once:\n%s", pl.file, n, pl.old)
			}
			if err := os.WriteFile(path, []byte(strings.Replace(string(b), pl.old, pl.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			fs := lintDir(t, dir)
			caught := false
			for _, f := range fs {
				switch {
				case baseline[key(f)]:
				case f.RuleID == pl.rule:
					caught = true
				case !slices.Contains(pl.also, f.RuleID):
					t.Errorf("unrelated finding: %s %s", f.RuleID, f.Message)
				}
			}
			if !caught {
				t.Errorf("%s did not catch the planted defect; findings:\n%s", pl.rule, findingLines(fs, dir))
			}
		})
	}
}

// TestRefPlanNoFalsePositives names the facts the reference plan states so
// that rules need not guess, and the findings each used to produce. The
// golden test already requires no finding at all; this one says which
// classes of false finding must stay gone, so a regression names itself.
func TestRefPlanNoFalsePositives(t *testing.T) {
	mustNot := []struct{ rule, node, why string }{
		{"DR106", "alerts.aurora-lag-tier1", "a Tier 1 alert on the Tier 0 path is judged against Tier 1's RPO"},
		{"DR106", "alerts.aurora-lag-tier2", "a Tier 2 alert on the Tier 0 path is judged against Tier 2's RPO"},
		{"DR106", "alerts.redis-standby-warm", "a readiness alert guards no RPO"},
		{"DR106", "alerts.vault-copy-freshness", "a readiness alert on the backup vault guards no RPO"},
		{"DR006", "alerts.docs-crr-failed", "a replication-backlog alert has a count threshold"},
		{"DR006", "alerts.dumps-crr-failed", "a replication-backlog alert has a count threshold"},
		{"DR002", "components.eks-apse2", "a stateless cluster is rebuilt from Git, not replicated"},
		{"DR002", "components.eks-apse4", "a standby is not asked for a standby"},
		{"DR002", "replication.exports-crr", "a convenience copy carries no RPO, so its lag bounds nothing"},
		{"DR102", "replication.vault-copy", "a backup copy that carries no tier is not judged against the tiers' RPO"},
		{"DR102", "replication.dumps-crr", "the ransomware source carries no tier"},
		{"DR102", "replication.exports-crr", "a convenience copy carries no tier"},
		{"DR003", "scenarios.region-failure", "a scenario answered by several runbooks names them"},
		{"DR110", "tiers.tier0", "a standing approval does not stop an automated run"},
		{"DR107", "components.eks-apse4", "the standby serves Tier 0's load; no tier's RTO falls inside its scale-up"},
		{"DR114", "runbooks.core-failover", "one failback states failbackFor with a list of the three failovers it returns"},
		{"DR114", "runbooks.messaging-failover", "one failback states failbackFor with a list of the three failovers it returns"},
		{"DR114", "runbooks.documents-failover", "one failback states failbackFor with a list of the three failovers it returns"},
		{"DR114", "runbooks.region-failback", "the failback's first drill is a scheduled game day"},
		{"DR117", "runbooks.core-failover.steps.3", "activate-standby states effects: [] (replica floors only; Melbourne cannot write before promote-aurora, which waits for the fence)"},
		{"DR116", "components.dumps-locked-apse4", "the Object Lock dump copy has a backup-freshness alert of its own"},
		{"DR112", "comms", "each in-scope scenario has its own first messages, quoting only {{rto}}/{{rpo}}"},
		{"DR118", "scenarios.ransomware", "both restore sources live in the backup account, and the production vault is under a compliance-mode lock"},
		{"DR119", "dns.api", "the zone is in the account the plan declares for DNS"},
		{"DR120", "components", "every component with AWS resources names its account"},
	}
	fs := lintDir(t, refPlan)
	for _, m := range mustNot {
		for _, f := range fs {
			if f.RuleID == m.rule && (f.Path == m.node || strings.HasPrefix(f.Path, m.node+".")) {
				t.Errorf("%s fired on %s (%s), but %s: %s", m.rule, m.node, f.Pos, m.why, f.Message)
			}
		}
	}
}
