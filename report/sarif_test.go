package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var sarifSchemaOnce = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	// The schema's own formats are checked too, so a relative helpUri
	// fails. (The library's "uri-reference" check is lenient: it lets an
	// unescaped space through, so TestSARIFPaths checks escaping itself.)
	c.AssertFormat()
	return c.Compile(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
})

// validateSARIF checks out against the official SARIF 2.1.0 schema.
func validateSARIF(t *testing.T, out []byte) error {
	t.Helper()
	sch, err := sarifSchemaOnce()
	if err != nil {
		t.Fatalf("compiling SARIF schema: %v", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	return sch.Validate(doc)
}

// sarifDoc is what the tests read back; it mirrors the written structs.
type sarifDoc = sarifLog

func decodeSARIF(t *testing.T, out []byte) sarifDoc {
	t.Helper()
	var doc sarifDoc
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("decoding SARIF: %v", err)
	}
	return doc
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	base := t.TempDir()
	abs := fixtureResult()
	// Absolute paths under BaseDir, one with a space and one outside it.
	abs.Plans[0].Findings[0].Pos.File = filepath.Join(base, "plans", "order flow", "plan.cue")
	abs.Plans[1].Findings[0].Pos.File = filepath.Join(filepath.Dir(base), "elsewhere.cue")
	for name, tc := range map[string]struct {
		r *Result
		o Options
	}{
		"fixture":         {fixtureResult(), Options{}},
		"clean":           {cleanResult(), Options{}},
		"empty":           {&Result{}, Options{}},
		"fixture-basedir": {abs, Options{BaseDir: base}},
	} {
		t.Run(name, func(t *testing.T) {
			out := render(t, "sarif", tc.r, tc.o)
			if err := validateSARIF(t, out); err != nil {
				t.Fatalf("output does not validate: %v\n%s", err, out)
			}
			if !bytes.HasSuffix(out, []byte("}\n")) {
				t.Error("output does not end with a newline")
			}
		})
	}
}

// TestSARIFSchemaRejects guards the validation test itself: a schema that
// failed to load or to apply would pass anything.
func TestSARIFSchemaRejects(t *testing.T) {
	out := render(t, "sarif", fixtureResult(), Options{})
	for name, mutate := range map[string]func(string) string{
		"bad level":   func(s string) string { return strings.Replace(s, `"level": "note"`, `"level": "info"`, 1) },
		"bad version": func(s string) string { return strings.Replace(s, `"version": "2.1.0"`, `"version": "2.2"`, 1) },
		"bad helpUri": func(s string) string {
			return strings.Replace(s, `"helpUri": "https://github.com/drplan/drplan/blob/main/docs/`, `"helpUri": "`, 1)
		},
		"bad index": func(s string) string { return strings.Replace(s, `"ruleIndex": 0`, `"ruleIndex": -2`, 1) },
	} {
		bad := mutate(string(out))
		if bad == string(out) {
			t.Fatalf("%s: mutation did not apply", name)
		}
		if validateSARIF(t, []byte(bad)) == nil {
			t.Errorf("%s: schema accepted an invalid log", name)
		}
	}
}

func TestSARIFContent(t *testing.T) {
	r := fixtureResult()
	out := render(t, "sarif", r, Options{})
	doc := decodeSARIF(t, out)

	if doc.Schema != "https://json.schemastore.org/sarif-2.1.0.json" || doc.Version != "2.1.0" {
		t.Errorf("$schema/version = %q/%q", doc.Schema, doc.Version)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	run := doc.Runs[0]
	d := run.Tool.Driver
	if d.Name != "drplan" || d.Version != "1.2.3" || d.InformationURI == "" {
		t.Errorf("driver = %q %q %q", d.Name, d.Version, d.InformationURI)
	}
	if len(d.Rules) != 3 {
		t.Fatalf("%d rules, want 3", len(d.Rules))
	}
	r0 := d.Rules[0]
	if r0.ID != "DR001" || r0.Name != "Tier0ServicesNeedAnRPO" ||
		r0.ShortDescription.Text != "Tier 0 services need an RPO" ||
		r0.FullDescription.Text != r.Rules[0].Rationale ||
		r0.Help.Text != r.Rules[0].Remediation || r0.Help.Markdown != r.Rules[0].Remediation ||
		r0.HelpURI != r.Rules[0].HelpURI || r0.DefaultConfiguration.Level != "error" {
		t.Errorf("rule 0 = %+v", r0)
	}
	if l := d.Rules[2].DefaultConfiguration.Level; l != "note" {
		t.Errorf("info rule level = %q, want note", l)
	}

	// 4 + 2 counted findings and 1 suppressed; the load error is not a result.
	if len(run.Results) != 7 {
		t.Fatalf("%d results, want 7", len(run.Results))
	}
	var suppressed int
	for i, res := range run.Results {
		if res.RuleIndex == nil {
			t.Errorf("result %d has no ruleIndex", i)
			continue
		}
		if got := d.Rules[*res.RuleIndex].ID; got != res.RuleID {
			t.Errorf("result %d: ruleIndex %d is %s, ruleId is %s", i, *res.RuleIndex, got, res.RuleID)
		}
		if len(res.Suppressions) > 0 {
			suppressed++
			s := res.Suppressions[0]
			if s.Kind != "inSource" || s.Justification != "owned by the vendor until migration" {
				t.Errorf("suppression = %+v", s)
			}
			if s.Properties == nil || s.Properties.Expires != "2026-09-30" {
				t.Errorf("suppression expiry = %+v", s.Properties)
			}
		}
	}
	if suppressed != 1 {
		t.Errorf("%d suppressed results, want 1", suppressed)
	}

	first := run.Results[0]
	if first.Level != "error" || first.Message.Text != "service orders is tier 0 but has no rpo" {
		t.Errorf("first result = %+v", first)
	}
	loc := first.Locations[0]
	art := loc.PhysicalLocation.ArtifactLocation
	if art.URI != "plans/orderflow/plan.cue" || art.URIBaseID != "%SRCROOT%" {
		t.Errorf("artifactLocation = %+v", art)
	}
	if reg := loc.PhysicalLocation.Region; reg == nil || reg.StartLine != 12 || reg.StartColumn != 5 {
		t.Errorf("region = %+v", reg)
	}
	if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].FullyQualifiedName != "services.orders" {
		t.Errorf("logicalLocations = %+v", loc.LogicalLocations)
	}
	if p := first.Properties; p == nil || p.NodePath != "services.orders" || p.Plan != "orderflow" {
		t.Errorf("properties = %+v", p)
	}
	if levels := []string{run.Results[2].Level, run.Results[3].Level}; levels[0] != "warning" || levels[1] != "note" {
		t.Errorf("levels = %v, want warning, note", levels)
	}

	inv := run.Invocations
	if len(inv) != 1 || inv[0].ExecutionSuccessful {
		t.Fatalf("invocations = %+v, want one, unsuccessful", inv)
	}
	n := inv[0].ToolExecutionNotifications
	if len(n) != 1 || n[0].Level != "error" || n[0].Message.Text != "expected '}', found EOF" ||
		n[0].Locations[0].PhysicalLocation.ArtifactLocation.URI != "plans/payments/plan.cue" ||
		n[0].Locations[0].PhysicalLocation.Region.StartLine != 31 {
		t.Errorf("notifications = %+v", n)
	}
}

func TestSARIFClean(t *testing.T) {
	doc := decodeSARIF(t, render(t, "sarif", cleanResult(), Options{}))
	run := doc.Runs[0]
	if len(run.Tool.Driver.Rules) != 3 || len(run.Results) != 0 {
		t.Errorf("clean: %d rules, %d results", len(run.Tool.Driver.Rules), len(run.Results))
	}
	if !run.Invocations[0].ExecutionSuccessful {
		t.Error("clean run marked unsuccessful")
	}
}

func TestSARIFPaths(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(filepath.Dir(base), "elsewhere.cue")
	r := &Result{Rules: fixtureRules(), Plans: []PlanResult{{Name: "p", Findings: []Finding{
		{RuleID: "DR001", Message: "a", Pos: pos(filepath.Join(base, "plans", "order flow#1", "plan.cue"), 3, 0)},
		{RuleID: "DR001", Message: "b", Pos: pos(outside, 0, 0)},
		{RuleID: "DR009", Message: "c"},
	}}}}
	out := render(t, "sarif", r, Options{BaseDir: base})
	if err := validateSARIF(t, out); err != nil {
		t.Fatalf("does not validate: %v\n%s", err, out)
	}
	res := decodeSARIF(t, out).Runs[0].Results

	a := res[0].Locations[0].PhysicalLocation
	if a.ArtifactLocation.URI != "plans/order%20flow%231/plan.cue" || a.ArtifactLocation.URIBaseID != "%SRCROOT%" {
		t.Errorf("relative uri = %+v", a.ArtifactLocation)
	}
	if a.Region == nil || a.Region.StartLine != 3 || a.Region.StartColumn != 0 {
		t.Errorf("region without column = %+v", a.Region)
	}
	if !bytes.Contains(out, []byte(`"startLine": 3
`)) {
		t.Error("a zero column is written")
	}

	b := res[1].Locations[0].PhysicalLocation
	if !strings.HasPrefix(b.ArtifactLocation.URI, "file:///") || b.ArtifactLocation.URIBaseID != "" {
		t.Errorf("uri outside BaseDir = %+v", b.ArtifactLocation)
	}
	if b.Region != nil {
		t.Errorf("region for line 0 = %+v", b.Region)
	}

	// A rule the result does not describe: no ruleIndex, no location.
	if res[2].RuleIndex != nil || res[2].Locations != nil {
		t.Errorf("unknown rule result = %+v", res[2])
	}
}
