package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

// The shape GitLab and Jenkins read, decoded independently of junit.go's
// own types.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Cases    []struct {
			ClassName string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"error"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func decodeJUnit(t *testing.T, out []byte) junitDoc {
	t.Helper()
	if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n")) {
		t.Errorf("no XML header: %.60q", out)
	}
	var doc junitDoc
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("output is not XML: %v\n%s", err, out)
	}
	return doc
}

func TestJUnit(t *testing.T) {
	doc := decodeJUnit(t, render(t, "junit", fixtureResult(), Options{}))
	if len(doc.Suites) != 3 {
		t.Fatalf("%d suites, want 3", len(doc.Suites))
	}
	if doc.Tests != 7 || doc.Failures != 3 || doc.Errors != 1 {
		t.Errorf("totals tests=%d failures=%d errors=%d, want 7 3 1", doc.Tests, doc.Failures, doc.Errors)
	}
	for i, want := range []struct {
		name                    string
		tests, failures, errors int
	}{
		{"orderflow", 3, 2, 0},
		{"billing", 3, 1, 0},
		{"plans/payments", 1, 0, 1},
	} {
		s := doc.Suites[i]
		if s.Name != want.name || s.Tests != want.tests || s.Failures != want.failures || s.Errors != want.errors {
			t.Errorf("suite %d = %s tests=%d failures=%d errors=%d, want %+v", i, s.Name, s.Tests, s.Failures, s.Errors, want)
		}
		if len(s.Cases) != s.Tests {
			t.Errorf("suite %s: %d testcases, tests=%d", s.Name, len(s.Cases), s.Tests)
		}
		// The counts agree with the elements.
		var f, e int
		for _, c := range s.Cases {
			if c.Failure != nil {
				f++
			}
			if c.Error != nil {
				e++
			}
		}
		if f != s.Failures || e != s.Errors {
			t.Errorf("suite %s: %d failure and %d error elements, attributes say %d and %d", s.Name, f, e, s.Failures, s.Errors)
		}
	}

	// One case per rule, named and classed as CI dashboards group them.
	of := doc.Suites[0]
	for i, rule := range fixtureRules() {
		c := of.Cases[i]
		if c.Name != rule.ID+": "+rule.Title || c.ClassName != "drplan.orderflow" {
			t.Errorf("case %d = %q %q", i, c.ClassName, c.Name)
		}
	}
	dr001 := of.Cases[0].Failure
	if dr001 == nil || dr001.Type != "error" || dr001.Text !=
		"plans/orderflow/plan.cue:12:5: service orders is tier 0 but has no rpo\n"+
			"plans/orderflow/plan.cue:15:5: service payments-gw is tier 0 but has no rpo" {
		t.Errorf("DR001 failure = %+v", dr001)
	}
	if f := of.Cases[1].Failure; f == nil || f.Type != "warning" || strings.Contains(f.Text, "step 4") {
		t.Errorf("DR002 failure = %+v (the suppressed finding must not fail it)", f)
	}
	if !strings.Contains(of.Cases[1].SystemOut, "suppressed: owned by the vendor") {
		t.Errorf("DR002 system-out = %q", of.Cases[1].SystemOut)
	}
	info := of.Cases[2]
	if info.Failure != nil || info.SystemOut != "plans/orderflow/plan.cue:52:3: info: backup <orders-db> & friends never restore-tested" {
		t.Errorf("info-only case = %+v", info)
	}

	load := doc.Suites[2].Cases[0]
	if load.Name != "load" || load.Error == nil || load.Error.Message != "expected '}', found EOF" {
		t.Errorf("load case = %+v", load)
	}
}

func TestJUnitClean(t *testing.T) {
	doc := decodeJUnit(t, render(t, "junit", cleanResult(), Options{}))
	if len(doc.Suites) != 1 || doc.Suites[0].Tests != 3 || doc.Suites[0].Failures != 0 || doc.Failures != 0 {
		t.Errorf("clean = %+v", doc)
	}
}

func TestJUnitUnknownRuleKept(t *testing.T) {
	r := &Result{Rules: fixtureRules(), Plans: []PlanResult{{Name: "p", Findings: []Finding{
		{RuleID: "DR042", Severity: Error, Message: "from a newer rule set", Pos: pos("p.cue", 1, 1)},
	}}}}
	doc := decodeJUnit(t, render(t, "junit", r, Options{}))
	s := doc.Suites[0]
	if s.Tests != 4 || s.Failures != 1 || s.Cases[3].Name != "DR042" || s.Cases[3].Failure == nil {
		t.Errorf("suite = %+v", s)
	}
}

func TestJUnitInvalidXMLChars(t *testing.T) {
	// Plan text can hold bytes XML 1.0 forbids; the output must still parse.
	r := &Result{Rules: fixtureRules(), Plans: []PlanResult{{Name: "p", Findings: []Finding{
		{RuleID: "DR001", Severity: Error, Message: "bad \x1b[31m\x00 ]]> bytes", Pos: pos("p.cue", 1, 1)},
	}}}}
	decodeJUnit(t, render(t, "junit", r, Options{}))
}
