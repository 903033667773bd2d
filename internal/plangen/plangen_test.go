package plangen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/drplan/drplan/schema"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"

	"github.com/drplan/drplan/plan"
)

const (
	schemaPath = "../../schema/plan.cue"
)

var (
	servicesRE = regexp.MustCompile(`(?m)^\t"[^"]+": \{$`)
	stepsRE    = regexp.MustCompile(`(?m)^\t\t\tnumber: +[0-9]+$`)
)

func TestDeterministic(t *testing.T) {
	o := Options{Services: 300, Steps: 2000, Seed: 42}
	a, b := Files(o), Files(o)
	if !maps.EqualFunc(a, b, bytes.Equal) {
		t.Fatal("two calls with the same options differ")
	}
	o.Seed = 43
	if c := Files(o); maps.EqualFunc(a, c, bytes.Equal) {
		t.Error("a different seed gave identical output")
	}
	// Package defaults to "synthetic" and is honoured otherwise.
	for name, data := range a {
		if !bytes.Contains(data, []byte("\npackage synthetic\n")) {
			t.Errorf("%s: no package synthetic clause", name)
		}
	}
	o.Package = "bench"
	for name, data := range Files(o) {
		if !bytes.Contains(data, []byte("\npackage bench\n")) {
			t.Errorf("%s: no package bench clause", name)
		}
	}
}

// TestFormatted checks that the files are laid out as `cue fmt` would, so
// that they read like a hand-written, formatted plan.
func TestFormatted(t *testing.T) {
	for name, data := range Files(Options{Services: 60, Steps: 300, Seed: 9}) {
		got, err := format.Source(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s is not cue fmt-clean", name)
		}
	}
}

// TestLarge checks file sizes and counts at 10,000 services / 50,000 steps.
func TestLarge(t *testing.T) {
	o := Options{Services: 10000, Steps: 50000, Seed: 1}
	start := time.Now()
	files := Files(o)
	elapsed := time.Since(start)
	total := 0
	var services, steps int
	for name, data := range files {
		total += len(data)
		if len(data) > MaxFileSize {
			t.Errorf("%s is %d bytes, over %d", name, len(data), MaxFileSize)
		}
		switch {
		case strings.HasPrefix(name, "services-"):
			services += len(servicesRE.FindAllIndex(data, -1))
		case strings.HasPrefix(name, "runbooks-"):
			steps += len(stepsRE.FindAllIndex(data, -1))
		}
	}
	if services != o.Services {
		t.Errorf("%d services, want %d", services, o.Services)
	}
	if steps != o.Steps {
		t.Errorf("%d steps, want %d", steps, o.Steps)
	}
	t.Logf("generated %d files, %.1f MiB in %v", len(files), float64(total)/(1<<20), elapsed)
}

// load builds the generated files together with the schema (its package
// clause rewritten) as one instance, unifies the root with #Plan and
// validates it as concrete.
func load(t *testing.T, files map[string][]byte, pkg string) (cue.Value, error) {
	t.Helper()
	schema, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	schema = regexp.MustCompile(`(?m)^package drplan$`).ReplaceAll(schema, []byte("package "+pkg))
	inst := build.NewContext().NewInstance("", nil)
	add := func(name string, src []byte) {
		f, err := parser.ParseFile(name, src, parser.ParseComments)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		if err := inst.AddSyntax(f); err != nil {
			t.Fatalf("add %s: %v", name, err)
		}
	}
	add("schema.cue", schema)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		add(name, files[name])
	}
	v := cuecontext.New().BuildInstance(inst)
	if err := v.Err(); err != nil {
		return v, err
	}
	v = v.LookupPath(cue.ParsePath("#Plan")).Unify(v)
	return v, v.Validate(cue.Concrete(true))
}

func details(err error) string {
	var b strings.Builder
	for i, e := range errors.Errors(err) {
		if i == 20 {
			b.WriteString("...\n")
			break
		}
		fmt.Fprintf(&b, "%s: %s %v\n", strings.Join(e.Path(), "."), e.Error(), errors.Positions(e))
	}
	return b.String()
}

// decode turns a validated plan into the Go model.
func decode(t *testing.T, v cue.Value) *plan.Plan {
	t.Helper()
	data, err := v.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var p plan.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

func TestValidatesAgainstSchema(t *testing.T) {
	for _, o := range []Options{
		{Services: 50, Steps: 200, Seed: 1},
		{Services: 1, Steps: 1, Seed: 2},
		{Services: 3, Steps: 7, Seed: 3},
		{Services: 17, Steps: 149, Seed: 4, Package: "other"},
		{Services: 120, Steps: 1001, Seed: 5},
		{Services: 60, Steps: 100, Seed: 6, Accounts: 3},
	} {
		t.Run(fmt.Sprintf("%d-%d", o.Services, o.Steps), func(t *testing.T) {
			pkg := o.normalize().Package
			v, err := load(t, Files(o), pkg)
			if err != nil {
				t.Fatalf("plan does not validate:\n%s", details(err))
			}
			p := decode(t, v)
			checkPlan(t, p, o)
		})
	}
}

// checkPlan checks counts, references and the shape the brief asks for.
func checkPlan(t *testing.T, p *plan.Plan, o Options) {
	t.Helper()
	if len(p.Services) != o.Services {
		t.Errorf("%d services, want %d", len(p.Services), o.Services)
	}
	steps := 0
	for _, rb := range p.Runbooks {
		steps += len(rb.Steps)
	}
	if steps != o.Steps {
		t.Errorf("%d steps, want %d", steps, o.Steps)
	}
	for _, pr := range p.CheckReferences() {
		t.Errorf("reference: %s: %s", pr.Path, pr.Msg)
	}
	want := 0
	if o.Accounts >= 2 {
		want = o.Accounts
	}
	if len(p.Accounts) != want || want > 0 && len(p.AccountsFor(plan.PurposeWorkload)) != want-1 {
		t.Errorf("accounts: %d for Accounts %d", len(p.Accounts), o.Accounts)
	}
	placed := map[string]int{}
	for _, c := range p.Components {
		placed[c.Account]++
	}
	if o.Accounts >= 2 && (placed[""] != 0 || len(placed) != o.Accounts) || o.Accounts < 2 && len(placed) != 1 {
		t.Errorf("components per account: %v", placed)
	}
	if len(p.Regions) != 2 || p.Regions["us-east-1"].Role != "primary" || p.Regions["us-west-2"].Role != "standby" {
		t.Errorf("regions: %+v", p.Regions)
	}
	for _, id := range plan.Keys(p.Tiers) {
		tr := p.Tiers[id]
		if tr.RTO == nil || tr.RPO == nil || tr.Strategy == "" || tr.Trigger == "" || tr.SignOff == nil {
			t.Errorf("tier %s incomplete", id)
			continue
		}
		if len(tr.SignOff.Given) != len(tr.SignOff.Required) {
			t.Errorf("tier %s: %d sign-offs for %d required roles", id, len(tr.SignOff.Given), len(tr.SignOff.Required))
		}
		for _, s := range tr.SignOff.Given {
			if want := p.TierDigest(id); s.Digest != want {
				t.Errorf("tier %s: sign-off by %s is stale: %s, want %s", id, s.Role, s.Digest, want)
			}
		}
	}
	classes := map[string]bool{}
	for _, s := range p.Scenarios {
		classes[s.Class] = true
	}
	for _, c := range []string{"az-failure", "region-failure", "data-corruption", "ransomware"} {
		if !classes[c] {
			t.Errorf("no %s scenario", c)
		}
	}
	for id, s := range p.Services {
		if n := len(s.DependsOn); n < 1 || n > 3 {
			t.Errorf("service %s depends on %d components", id, n)
		}
	}
	if len(p.Replication) == 0 || len(p.DNS) != 1 || p.Promotion == nil || len(p.Alerts) == 0 ||
		p.GameDays == nil || len(p.Drills) == 0 || len(p.Comms) == 0 || p.Cost == nil {
		t.Error("a section is missing")
	}
	for rid, rb := range p.Runbooks {
		for i, s := range rb.Steps {
			if s.Number != i+1 {
				t.Errorf("runbook %s: step %d is numbered %d", rid, i+1, s.Number)
			}
			if (s.Rollback == nil) == (s.Irreversible == "") {
				t.Errorf("runbook %s step %s: want exactly one of rollback and irreversible", rid, s.ID)
			}
			if s.Command == "" || s.Expect == "" || s.Sample == "" || s.Estimate == nil || s.Timeout == nil || s.Owner == "" {
				t.Errorf("runbook %s step %s incomplete", rid, s.ID)
			}
			if _, err := regexp.Compile(s.Expect); err != nil {
				t.Errorf("runbook %s step %s: expect: %v", rid, s.ID, err)
			} else if !regexp.MustCompile(s.Expect).MatchString(s.Sample) {
				t.Errorf("runbook %s step %s: sample %q does not match expect %q", rid, s.ID, s.Sample, s.Expect)
			}
			if i > 0 && len(s.After) == 0 {
				t.Errorf("runbook %s step %s has no after", rid, s.ID)
			}
		}
	}
}

// TestSchemaIsEnforced makes sure the validation above can fail: a field the
// closed #Tier does not allow, and a malformed duration, are both caught.
func TestSchemaIsEnforced(t *testing.T) {
	for _, c := range []struct {
		name, from, to, want string
	}{
		{"closed", `(?m)^(\t\tlevel: +0)$`, "$1\n\t\tbogus: 1", "field not allowed"},
		{"duration", `(rto: +)"15m"`, `$1"15 min"`, "out of bound"},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := Files(Options{Services: 10, Steps: 10})
			re := regexp.MustCompile(c.from)
			loc := re.FindIndex(files["tiers.cue"])
			if loc == nil {
				t.Fatalf("tiers.cue does not match %s", c.from)
			}
			tiers := files["tiers.cue"]
			files["tiers.cue"] = slices.Concat(tiers[:loc[0]], re.Expand(nil, []byte(c.to), tiers, re.FindSubmatchIndex(tiers)), tiers[loc[1]:])
			_, err := load(t, files, "synthetic")
			if err == nil {
				t.Fatal("an invalid plan validated")
			}
			if !strings.Contains(details(err), c.want) {
				t.Errorf("error does not say %q:\n%s", c.want, details(err))
			}
		})
	}
}

// TestDrplanLoads loads a 1,000 service / 5,000 step plan with drplan's own
// loader, which also checks every cross-reference.
func TestDrplanLoads(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Options{Services: 1000, Steps: 5000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	p, err := schema.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	for _, rb := range p.Runbooks {
		steps += len(rb.Steps)
	}
	if len(p.Services) != 1000 || steps != 5000 {
		t.Errorf("loaded %d services and %d steps, want 1000 and 5000", len(p.Services), steps)
	}
}

func BenchmarkFiles(b *testing.B) {
	for _, o := range []Options{
		{Services: 1000, Steps: 5000},
		{Services: 10000, Steps: 50000},
	} {
		b.Run(fmt.Sprintf("%d-%d", o.Services, o.Steps), func(b *testing.B) {
			var n int
			for b.Loop() {
				n = 0
				for _, data := range Files(o) {
					n += len(data)
				}
			}
			b.SetBytes(int64(n))
		})
	}
}
