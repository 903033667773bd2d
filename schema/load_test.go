package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/drplan/drplan/internal/plangen"
	"github.com/drplan/drplan/plan"
)

// minimal is a valid plan used as the base of the bad-input cases.
const minimal = `package shop

apiVersion: "drplan/v1"
name:       "shop"
regions: "us-east-1": role: "primary"
tiers: tier0: {level: 0, title: "Checkout", rto: "5m", rpo: "1m"}
services: checkout: {tier: "tier0", dependsOn: ["db"]}
components: db: {kind: "rds-postgres", region: "us-east-1", aws: instanceId: "shop-db"}
runbooks: failover: {
	title: "Failover"
	steps: [
		{number: 1, id: "promote", title: "Promote", estimate: "2m"},
		{number: 2, id: "check", title: "Check", after: ["promote"]},
	]
}
`

func writePlan(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func diagnostics(t *testing.T, err error) []Diagnostic {
	t.Helper()
	if err == nil {
		t.Fatal("Load succeeded, want an error")
	}
	var le *Error
	if !errors.As(err, &le) {
		t.Fatalf("error is %T (%v), want *schema.Error", err, err)
	}
	return le.Diagnostics
}

func TestLoadValid(t *testing.T) {
	dir := writePlan(t, map[string]string{
		"plan.cue": minimal,
		"drills/one.cue": `package shop
drills: "d1": {date: "2026-10-01", runbook: "failover", environment: "staging", operator: "sam", outcome: "success", measured: rto: "4m"}
`,
	})
	p, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "shop" || len(p.Runbooks["failover"].Steps) != 2 {
		t.Fatalf("unexpected plan: %+v", p)
	}
	if got := p.Tiers["tier0"].RTO.String(); got != "5m" {
		t.Errorf("tier0 RTO = %s, want 5m", got)
	}
	if d := p.Drills["d1"]; d == nil || d.Measured.RTO.Duration.Minutes() != 4 {
		t.Errorf("drill record from drills/ not loaded: %+v", p.Drills)
	}
	// Positions point at the user's file, for nested nodes and list elements.
	pos := p.Source.Pos("runbooks", "failover", "steps", 1, "after")
	if filepath.Base(pos.File) != "plan.cue" || pos.Line != 13 {
		t.Errorf("position of steps.1.after = %v, want plan.cue:13", pos)
	}
	// An absent node falls back to its nearest written ancestor.
	if got := p.Source.Pos("runbooks", "failover", "steps", 0, "rollback"); got.Line != 12 {
		t.Errorf("fallback position = %v, want line 12", got)
	}
	if got := p.Source.Pos("drills", "d1", "outcome"); filepath.Base(got.File) != "one.cue" || got.Line != 2 {
		t.Errorf("drill position = %v, want one.cue:2", got)
	}
}

func TestLoadBadInput(t *testing.T) {
	big := "package shop\n// " + strings.Repeat("x", 10<<20) + "\n"
	tests := []struct {
		name  string
		files map[string]string
		// want lists substrings; each must appear in some diagnostic,
		// formatted as file:line:col: path: message.
		want []string
	}{
		{"syntax error", map[string]string{"plan.cue": "package shop\nname: \"x\" tiers: {}\n"},
			[]string{"plan.cue:2:11: missing ',' in struct literal"}},
		{"wrong type", map[string]string{"plan.cue": strings.Replace(minimal, `level: 0`, `level: "zero"`, 1)},
			[]string{`plan.cue:6:16: tiers.tier0.level: invalid value "zero": want an integer, not a string`}},
		{"unknown field", map[string]string{"plan.cue": minimal + "tiers: tier0: colour: \"red\"\n"},
			[]string{`plan.cue:16:15: tiers.tier0.colour: field "colour" is not allowed here`}},
		{"missing required field", map[string]string{"plan.cue": strings.Replace(minimal, `title: "Checkout", `, "", 1)},
			[]string{`plan.cue:6:8: tiers.tier0: missing required field "title"`}},
		{"missing tier", map[string]string{"plan.cue": strings.Replace(minimal, `tier: "tier0"`, `tier: "tier1"`, 1)},
			[]string{`plan.cue:7:22: services.checkout.tier: tier "tier1" is not declared in this plan (did you mean "tier0"?)`}},
		{"missing component", map[string]string{"plan.cue": strings.Replace(minimal, `dependsOn: ["db"]`, `dependsOn: ["db", "cache"]`, 1)},
			[]string{`services.checkout.dependsOn.1: component "cache" is not declared in this plan`}},
		{"missing account", map[string]string{"plan.cue": minimal + "accounts: prod: {id: \"111122223333\", purpose: \"workload\"}\ncomponents: db: account: \"prd\"\n"},
			[]string{`plan.cue:17:17: components.db.account: account "prd" is not declared in this plan (did you mean "prod"?)`}},
		{"account declared twice", map[string]string{"plan.cue": minimal + "accounts: {prod: {id: \"111122223333\", purpose: \"workload\"}, dr: {id: \"111122223333\", purpose: \"recovery\"}}\n"},
			[]string{`accounts.prod.id: account 111122223333 is declared twice, as "dr" and "prod"`}},
		{"bad account id", map[string]string{"plan.cue": minimal + "accounts: prod: {id: \"1111\", purpose: \"workload\"}\n"},
			[]string{`accounts.prod.id: invalid value "1111"`}},
		{"missing runbook", map[string]string{"plan.cue": minimal + `scenarios: r: {class: "region-failure", title: "R", inScope: true, runbook: "failovr"}` + "\n"},
			[]string{`scenarios.r.runbook: runbook "failovr" is not declared in this plan (did you mean "failover"?)`}},
		{"step depends on a later step", map[string]string{"plan.cue": strings.Replace(minimal, `id: "promote", title: "Promote",`, `id: "promote", title: "Promote", after: ["check"],`, 1)},
			[]string{`runbooks.failover.steps.0.after.0: step "promote" depends on "check", which does not come before it`}},
		{"bad duration", map[string]string{"plan.cue": strings.Replace(minimal, `rpo: "1m"`, `rpo: "1 minute"`, 1)},
			[]string{`tiers.tier0.rpo: invalid value "1 minute" (want a duration such as`}},
		{"bad region key", map[string]string{"plan.cue": strings.Replace(minimal, `regions: "us-east-1"`, `regions: "US East"`, 1)},
			[]string{`regions.US East: "US East" is not a valid key here (want an AWS region name`}},
		{"package mismatch", map[string]string{"plan.cue": minimal, "other.cue": "package other\n"},
			[]string{"package"}},
		{"empty directory", map[string]string{"README.md": "hello"},
			[]string{"no plan files in this directory"}},
		{"binary file", map[string]string{"plan.cue": "package shop\n\x00\x01\xff"},
			[]string{"plan.cue: not a text file (binary content)"}},
		{"10 MB file", map[string]string{"plan.cue": big},
			[]string{"plan.cue: file is 10.0 MiB; a plan file may be at most 8.0 MiB"}},
		{"invalid YAML", map[string]string{"plan.yaml": "name: [unclosed\n"},
			[]string{"plan.yaml:"}},
		{"invalid JSON", map[string]string{"plan.json": "{\"name\": }"},
			[]string{"plan.json:1:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writePlan(t, tc.files)
			_, err := Load(dir)
			ds := diagnostics(t, err)
			for _, want := range tc.want {
				found := false
				for _, d := range ds {
					if strings.Contains(d.String(), want) {
						found = true
					}
					if !d.Pos.IsValid() {
						t.Errorf("diagnostic without a position: %v", d)
					}
				}
				if !found {
					t.Errorf("no diagnostic contains %q; got:\n%v", want, err)
				}
			}
		})
	}
}

// CUE stops at the first failing element of a list and hides closedness
// and missing-field errors behind other errors; the loader must not.
func TestLoadReportsEveryError(t *testing.T) {
	src := `package shop

apiVersion: "drplan/v1"
name:       "shop"
runbooks: rb: {
	title: "RB"
	steps: [
		{number: 1, id: "a", title: "A", estimate: "soon"},
		{number: 2, id: "b", title: "B"},
		{number: 3, id: "c", title: "C", colour: "red"},
		{number: 4, id: "d"},
		{number: 5, id: "E", title: "E"},
	]
}
runbooks: rb2: steps: [{number: 1, id: "x", title: "X", timeout: "forever"}]
bogus: true
`
	_, err := Load(writePlan(t, map[string]string{"plan.cue": src}))
	ds := diagnostics(t, err)
	want := []string{
		"plan.cue:8:36: runbooks.rb.steps.0.estimate: invalid value",
		`plan.cue:10:36: runbooks.rb.steps.2.colour: field "colour" is not allowed here`,
		`plan.cue:11:3: runbooks.rb.steps.3: missing required field "title"`,
		"plan.cue:12:15: runbooks.rb.steps.4.id: invalid value \"E\"",
		`runbooks.rb2: missing required field "title"`,
		"runbooks.rb2.steps.0.timeout: invalid value \"forever\"",
		`plan.cue:16:1: bogus: field "bogus" is not allowed here`,
	}
	if len(ds) != len(want) {
		t.Errorf("got %d diagnostics, want %d:\n%v", len(ds), len(want), err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("missing diagnostic %q in:\n%v", w, err)
		}
	}
}

func TestLoadYAMLAndJSONPositions(t *testing.T) {
	dir := writePlan(t, map[string]string{
		"plan.yaml": "apiVersion: drplan/v1\nname: shop\ntiers:\n  tier0:\n    level: 0\n    title: Checkout\n    rto: 5 minutes\n",
		"more.json": "{\n  \"services\": {\"checkout\": {\"tier\": \"tier0\"}},\n  \"cost\": {\"currency\": \"usd\"}\n}\n",
	})
	_, err := Load(dir)
	ds := diagnostics(t, err)
	for _, w := range []string{
		"plan.yaml:7:5: tiers.tier0.rto: invalid value",
		"more.json:3:13: cost.currency: invalid value \"usd\" (want an ISO 4217 currency code such as \"USD\")",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("missing %q in:\n%v", w, err)
		}
	}
	_ = ds
}

func TestLoadFilesTogether(t *testing.T) {
	dir := writePlan(t, map[string]string{
		"a.cue": "package shop\napiVersion: \"drplan/v1\"\nname: \"shop\"\n",
		"b.cue": "package shop\ntiers: tier0: {level: 0, title: \"T\", rto: tiers.tier0._x, _x: \"1m\"}\n",
	})
	p, err := Load(filepath.Join(dir, "a.cue"), filepath.Join(dir, "b.cue"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Tiers["tier0"].RTO.String() != "1m" {
		t.Errorf("cross-file reference not resolved: %v", p.Tiers["tier0"].RTO)
	}
}

func TestLoadNoPaths(t *testing.T) {
	if _, err := Load(); err == nil {
		t.Fatal("Load() with no paths succeeded")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "no such file or directory") {
		t.Fatalf("missing path: %v", err)
	}
}

func TestScaffoldValidates(t *testing.T) {
	files, err := Scaffold(ScaffoldOptions{Name: "pay-ments", Dir: "plans/pay-ments", Today: "2026-11-25"})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for k, v := range files {
		m[k] = string(v)
	}
	p, err := Load(writePlan(t, m))
	if err != nil {
		t.Fatal(err)
	}
	// Every section of the schema is present in the scaffold.
	if p.Owner == nil || p.Review == nil || p.Business == nil || p.Promotion == nil ||
		p.GameDays == nil || p.Cost == nil || len(p.Regions) == 0 || len(p.Tiers) == 0 ||
		len(p.Services) == 0 || len(p.Components) == 0 || len(p.Replication) == 0 ||
		len(p.DNS) == 0 || len(p.Scenarios) == 0 || len(p.Runbooks) == 0 ||
		len(p.Alerts) == 0 || len(p.Comms) == 0 {
		t.Errorf("scaffold lacks a section: %+v", p)
	}
	if _, err := Scaffold(ScaffoldOptions{Name: "../x"}); err == nil {
		t.Error("Scaffold accepted a name that is not an ID")
	}
}

// loadGeneral loads through cue.Value decoding only, bypassing the
// plain-data fast path.
func loadGeneral(t *testing.T, paths ...string) *plan.Plan {
	t.Helper()
	l := &loader{errs: &Error{}, forceGeneral: true}
	files, dir := l.collect(paths)
	p, err := l.load(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The fast path (reading plain-data plans from their syntax) and the
// general path (decoding the evaluated CUE value) must agree on the plan
// and on where each node is.
func TestSyntaxPathMatchesGeneralPath(t *testing.T) {
	for _, dir := range []string{"../plans/orderflow", writePlan(t, map[string]string{"plan.cue": minimal})} {
		fast, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		slow := loadGeneral(t, dir)
		fs, ss := fast.Source, slow.Source
		fast.Source, slow.Source = nil, nil
		if !reflect.DeepEqual(fast, slow) {
			fj, _ := json.MarshalIndent(fast, "", " ")
			sj, _ := json.MarshalIndent(slow, "", " ")
			t.Fatalf("%s: fast and general paths decode different plans:\nfast: %.2000s\nslow: %.2000s", dir, fj, sj)
		}
		for _, path := range [][]any{
			{"tiers", "tier0", "rto"}, {"runbooks", "region-failover", "steps", 3, "command"},
			{"components"}, {"services", "checkout", "dependsOn", 0},
		} {
			if fp, sp := fs.Pos(path...), ss.Pos(path...); fp != sp {
				t.Errorf("%s: position of %v: fast %v, general %v", dir, path, fp, sp)
			}
		}
	}
}

// A plan that uses CUE's language (references, definitions, hidden fields,
// comprehensions) loads through the general path.
func TestLoadCUEFeatures(t *testing.T) {
	dir := writePlan(t, map[string]string{"plan.cue": `package shop

import "strings"

apiVersion: "drplan/v1"
name:       strings.ToLower("SHOP")
_roles: ["VP Engineering", "CFO"]
#tier: {level: int, title: string, rto?: string, signoff: {required: _roles, given: []}}
tiers: {
	for i, t in ["Checkout", "Reports"] {
		"tier\(i)": #tier & {level: i, title: t, rto: "\(5*(i+1))m"}
	}
}
services: checkout: tier: "tier0"
`})
	p, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "shop" || p.Tiers["tier1"].RTO.String() != "10m" || len(p.Tiers["tier0"].SignOff.Required) != 2 {
		t.Errorf("CUE features not evaluated: %+v", p.Tiers)
	}
	if pos := p.Source.Pos("services", "checkout", "tier"); pos.Line != 14 {
		t.Errorf("position = %v, want line 14", pos)
	}
}

// Entries that refer to each other across a plan validated in groups still
// load (the loader falls back to evaluating the plan whole).
func TestLoadCrossReferences(t *testing.T) {
	var b strings.Builder
	b.WriteString("package shop\napiVersion: \"drplan/v1\"\nname: \"shop\"\n")
	b.WriteString("runbooks: base: {title: \"Base\", steps: [{number: 1, id: \"a\", title: \"A\", command: \"" + strings.Repeat("x", 600<<10) + "\"}]}\n")
	for i := range 40 {
		fmt.Fprintf(&b, "runbooks: \"rb%d\": {title: \"RB %d\", steps: runbooks.base.steps}\n", i, i)
	}
	p, err := Load(writePlan(t, map[string]string{"plan.cue": b.String()}))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Runbooks["rb39"].Steps[0].ID; got != "a" {
		t.Errorf("rb39 step 0 = %q, want the base runbook's step", got)
	}
}

// A validated plan is remembered by content; a changed file is validated
// again, and an invalid plan is never remembered.
func TestValidationCache(t *testing.T) {
	cache := t.TempDir()
	SetCacheDir(cache)
	defer SetCacheDir("")
	dir := writePlan(t, map[string]string{"plan.cue": minimal})
	if _, err := Load(dir); err != nil {
		t.Fatal(err)
	}
	markers, _ := filepath.Glob(filepath.Join(cache, "validated", "*", "*"))
	if len(markers) != 1 {
		t.Fatalf("want one cache entry after a valid load, got %v", markers)
	}
	if _, err := Load(dir); err != nil {
		t.Fatalf("cached load: %v", err)
	}
	// The same content loads from the cache; a change is a new key, and
	// its errors are found.
	bad := strings.Replace(minimal, `rto: "5m"`, `rto: "5 minutes"`, 1)
	if err := os.WriteFile(filepath.Join(dir, "plan.cue"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "5 minutes") {
		t.Fatalf("changed plan: got %v, want the rto error", err)
	}
	markers, _ = filepath.Glob(filepath.Join(cache, "validated", "*", "*"))
	if len(markers) != 1 {
		t.Fatalf("an invalid plan was cached: %v", markers)
	}
	// A cache entry never hides a reference error: those are checked on
	// every load.
	if err := os.WriteFile(filepath.Join(dir, "plan.cue"), []byte(minimal), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "more.cue"), []byte("package shop\nservices: x: tier: \"tier7\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), `tier "tier7" is not declared`) {
		t.Fatalf("got %v, want the reference error", err)
	}
}

// The facts a plan states so that lint need not guess them load into the
// typed plan; an unstated fact stays distinguishable from an empty one.
func TestLoadStatedFacts(t *testing.T) {
	extra := `
tiers: tier0: peakLoad: 5500
services: checkout: peakLoad: 5000
components: {
	api: {kind: "eks", region: "us-east-1", state: "stateless", rebuild: {method: "gitops", source: "git@example.com:shop/deploy.git//prod", by: "argo"}}
	argo: {kind: "argocd", region: "us-east-1", role: "tooling"}
	vault: {kind: "aws-backup", region: "us-east-1", aws: {planName: "p", vaultName: "v"}}
	copy: {kind: "rds-postgres", region: "us-east-1", aws: instanceId: "shop-db-copy"}
}
replication: {
	copy: {from: "db", to: "copy", mode: "async", mechanism: "rds-read-replica", carries: []}
	stated: {from: "db", to: "copy", mode: "async", mechanism: "rds-read-replica", carries: ["tier0"], metric: {name: "lag", period: "1m"}}
	inferred: {from: "db", to: "copy", mode: "async", mechanism: "rds-read-replica"}
}
scenarios: {
	one: {class: "data-corruption", title: "One", inScope: true, restoreFrom: "vault"}
	two: {class: "ransomware", title: "Two", inScope: true, restoreFrom: ["vault", "copy"], runbooks: ["failover"]}
}
alerts: {
	t0: {kind: "replication-lag", replication: "stated", guards: tier: "tier0", threshold: "30s"}
	warm: {kind: "replication-backlog", replication: "stated", guards: readiness: "objects replicate within 15 minutes", thresholdCount: 1}
}
runbooks: failover: steps: [{approval: {role: "IC", reason: "promotion", standing: {approvedBy: "VP Engineering", date: "2026-11-01", reference: "CAB-118"}}}, {}]
`
	p, err := Load(writePlan(t, map[string]string{"plan.cue": minimal + extra}))
	if err != nil {
		t.Fatal(err)
	}
	if *p.Tiers["tier0"].PeakLoad != 5500 || *p.Services["checkout"].PeakLoad != 5000 {
		t.Errorf("peak loads not loaded")
	}
	if c := p.Components["api"]; !c.IsStateless() || c.Rebuild.Method != "gitops" || c.Rebuild.By != "argo" {
		t.Errorf("api = %+v, want stateless, rebuilt by gitops via argo", c)
	}
	if r := p.Replication; r["copy"].Carries == nil || len(r["copy"].Carries) != 0 || r["inferred"].Carries != nil ||
		!reflect.DeepEqual(r["stated"].Carries, []string{"tier0"}) || r["stated"].Metric.Period.String() != "1m" {
		t.Errorf("carries: copy=%#v inferred=%#v stated=%#v", r["copy"].Carries, r["inferred"].Carries, r["stated"].Carries)
	}
	if got := p.Scenarios["one"].RestoreFrom; !reflect.DeepEqual(got, plan.IDList{"vault"}) {
		t.Errorf("one.restoreFrom = %v", got)
	}
	if got := p.Scenarios["two"].RestoreFrom; !reflect.DeepEqual(got, plan.IDList{"vault", "copy"}) {
		t.Errorf("two.restoreFrom = %v", got)
	}
	if got := p.Scenarios["two"].RunbookIDs(); !reflect.DeepEqual(got, []string{"failover"}) {
		t.Errorf("two runbooks = %v", got)
	}
	if a := p.Alerts; a["t0"].Guards.Tier != "tier0" || a["warm"].Guards.Readiness == "" || *a["warm"].ThresholdCount != 1 {
		t.Errorf("alerts = %+v %+v", a["t0"], a["warm"])
	}
	if s := p.Runbooks["failover"].Steps[0].Approval.Standing; s == nil || s.ApprovedBy != "VP Engineering" || s.Reference != "CAB-118" {
		t.Errorf("standing approval = %+v", s)
	}
	if pos := p.Source.Pos("scenarios", "two", "restoreFrom", 1); pos.Line == 0 {
		t.Errorf("no position for the second restore source")
	}

	// References in the new fields are checked like every other.
	bad := strings.NewReplacer(`carries: ["tier0"]`, `carries: ["tier9"]`, `"vault", "copy"`, `"vault", "cpy"`,
		`by: "argo"`, `by: "argocd"`, `guards: tier: "tier0"`, `guards: {tier: "tier0", readiness: "x"}`).Replace(minimal + extra)
	_, err = Load(writePlan(t, map[string]string{"plan.cue": bad}))
	for _, want := range []string{`tier "tier9" is not declared`, `component "cpy" is not declared`, `component "argocd" is not declared`, `not both or neither`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}

// Plain-data plans load by the fast path: a field the syntax decoder
// cannot read (a one-or-many ID list given as one ID) would silently send
// every plan down the general path, at three times the time and memory.
// CareSlot and generated plans are plain data; OrderFlow is not (its
// runbooks share commands through CUE definitions).
func TestPlainPlansTakeTheFastPath(t *testing.T) {
	gen := t.TempDir()
	if err := plangen.Write(gen, plangen.Options{Services: 20, Steps: 40, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"../plans/careslot", gen} {
		l := &loader{errs: &Error{}}
		files, d := l.collect([]string{dir})
		parsed := l.parseAll(files)
		pkg := l.packageName(parsed)
		if err := l.errs.orNil(); err != nil {
			t.Fatal(err)
		}
		if !validateMerged(parsed, pkg) {
			t.Fatalf("%s does not validate", dir)
		}
		if !decodeSyntax(parsed, &plan.Plan{}, plan.NewSource(d, files)) {
			t.Errorf("%s: the syntax decoder gave up; the plan would load by the general path", dir)
		}
	}
}
