package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

func init() { Register("junit", writeJUnit) }

// JUnit XML as GitLab and Jenkins read it.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Cases    []junitCase `xml:"testcase"`
	}
	junitCase struct {
		ClassName string        `xml:"classname,attr"`
		Name      string        `xml:"name,attr"`
		Failure   *junitProblem `xml:"failure,omitempty"`
		Error     *junitProblem `xml:"error,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitProblem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// writeJUnit writes one suite per plan and one case per rule, so a CI
// dashboard shows every rule, passing or not, and its history. Errors and
// warnings fail a case; info findings and suppressed ones are only
// reported in system-out. A plan that could not be loaded has a single
// "load" case in error, since none of its rules ran.
func writeJUnit(w io.Writer, r *Result, _ Options) error {
	out := junitSuites{Name: "drplan"}
	for i := range r.Plans {
		s := junitSuiteFor(r, &r.Plans[i])
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitSuiteFor(r *Result, p *PlanResult) junitSuite {
	name := p.Name
	if name == "" {
		name = planLabel(p)
	}
	s := junitSuite{Name: name}
	class := "drplan." + name
	if len(p.LoadErrors) > 0 {
		var lines []string
		for _, f := range p.LoadErrors {
			lines = append(lines, fmt.Sprintf("%s: %s", f.Pos, f.Message))
		}
		s.Cases = append(s.Cases, junitCase{
			ClassName: class,
			Name:      "load",
			Error: &junitProblem{
				Message: p.LoadErrors[0].Message,
				Type:    "load-error",
				Text:    strings.Join(lines, "\n"),
			},
		})
		s.Tests, s.Errors = 1, 1
		return s
	}

	// One case per known rule, in the result's order, then any rule a
	// finding names that the result does not describe, so no finding is
	// dropped.
	type ruleCase struct {
		id, title        string
		counted, infoish []Finding
	}
	var cases []*ruleCase
	byID := map[string]*ruleCase{}
	caseFor := func(id, title string) *ruleCase {
		if c, ok := byID[id]; ok {
			return c
		}
		c := &ruleCase{id: id, title: title}
		byID[id] = c
		cases = append(cases, c)
		return c
	}
	for _, rule := range r.Rules {
		caseFor(rule.ID, rule.Title)
	}
	for _, f := range p.Findings {
		c := caseFor(f.RuleID, "")
		if f.Severity >= Warning {
			c.counted = append(c.counted, f)
		} else {
			c.infoish = append(c.infoish, f)
		}
	}
	for _, f := range p.Suppressed {
		c := caseFor(f.RuleID, "")
		c.infoish = append(c.infoish, f)
	}

	for _, c := range cases {
		tc := junitCase{ClassName: class, Name: c.id}
		if c.title != "" {
			tc.Name += ": " + c.title
		}
		if len(c.counted) > 0 {
			worst := Warning
			var lines []string
			for _, f := range c.counted {
				worst = max(worst, f.Severity)
				lines = append(lines, fmt.Sprintf("%s: %s", f.Pos, f.Message))
			}
			msg := c.counted[0].Message
			if len(c.counted) > 1 {
				msg = fmt.Sprintf("%d findings", len(c.counted))
			}
			tc.Failure = &junitProblem{Message: msg, Type: worst.String(), Text: strings.Join(lines, "\n")}
			s.Failures++
		}
		var out []string
		for _, f := range c.infoish {
			line := fmt.Sprintf("%s: %s: %s", f.Pos, f.Severity, f.Message)
			if f.Suppressed != nil {
				line += " (suppressed: " + f.Suppressed.Reason
				if f.Suppressed.Expires != "" {
					line += ", expires " + f.Suppressed.Expires
				}
				line += ")"
			}
			out = append(out, line)
		}
		tc.SystemOut = strings.Join(out, "\n")
		s.Cases = append(s.Cases, tc)
	}
	s.Tests = len(s.Cases)
	return s
}
