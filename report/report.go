// Package report holds findings and writes them in the formats CI systems
// read: text, json, sarif, github and junit. Lint and verify share it, so
// every format and exit code of one works for the other.
package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/drplan/drplan/plan"
)

// Severity ranks findings. The zero value is Info.
type Severity int

// Severities, least severe first.
const (
	Info Severity = iota
	Warning
	Error
)

var severityNames = []string{"info", "warning", "error"}

func (s Severity) String() string {
	if s < Info || s > Error {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads "info", "warning" or "error".
func ParseSeverity(s string) (Severity, error) {
	if i := slices.Index(severityNames, strings.ToLower(s)); i >= 0 {
		return Severity(i), nil
	}
	return 0, fmt.Errorf("unknown severity %q (want info, warning or error)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// Rule describes a check, for reports that explain their findings.
type Rule struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Severity    Severity `json:"severity"`
	Rationale   string   `json:"rationale"`
	Remediation string   `json:"remediation"`
	// HelpURI points at the rule's section of the rule reference.
	HelpURI string `json:"helpUri"`
}

// Finding is one problem, located in the plan's source.
type Finding struct {
	RuleID   string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Pos      plan.Pos `json:"pos"`
	// Path is the plan node the finding is about ("tiers.tier0.rpo").
	Path string `json:"path,omitempty"`
	// Suppressed, when set, records why the finding is not counted.
	Suppressed *Suppression `json:"suppressed,omitempty"`
	// Accepted, when set, records the plan's acceptance of the finding as a
	// known gap: still reported, at most a warning.
	Accepted *Suppression `json:"accepted,omitempty"`
}

// Suppression is the reason a finding is silenced.
type Suppression struct {
	Reason  string `json:"reason"`
	Expires string `json:"expires,omitempty"`
	// Owner is who answers for an accepted gap, when the plan says.
	Owner string `json:"owner,omitempty"`
	// Pos is where the suppression is written.
	Pos plan.Pos `json:"pos"`
}

// PlanResult is the outcome of checking one plan.
type PlanResult struct {
	// Name is the plan's name; Path is what the user passed.
	Name     string    `json:"name"`
	Path     string    `json:"path"`
	Findings []Finding `json:"findings"`
	// Suppressed findings are listed apart and not counted.
	Suppressed []Finding `json:"suppressed,omitempty"`
	// LoadErrors, when set, mean the plan could not be checked at all.
	LoadErrors []Finding `json:"loadErrors,omitempty"`
}

// Result is the outcome of one run over one or more plans.
type Result struct {
	Tool    string       `json:"tool"`
	Version string       `json:"version"`
	Rules   []Rule       `json:"rules"`
	Plans   []PlanResult `json:"plans"`
}

// Sort orders findings by file, line, column, rule and message, so output
// is stable whatever order checks ran in.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Counts tallies the counted (unsuppressed) findings by severity.
func (r *Result) Counts() map[Severity]int {
	c := map[Severity]int{}
	for _, p := range r.Plans {
		for _, f := range p.Findings {
			c[f.Severity]++
		}
	}
	return c
}

// Exit codes, the contract scripts rely on.
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitInvalid  = 2
)

// ExitCode is the policy: 2 when a plan could not be checked, 1 when a
// counted finding is at or above failOn, 0 otherwise.
func (r *Result) ExitCode(failOn Severity) int {
	code := ExitOK
	for _, p := range r.Plans {
		if len(p.LoadErrors) > 0 {
			return ExitInvalid
		}
		for _, f := range p.Findings {
			if f.Severity >= failOn {
				code = ExitFindings
			}
		}
	}
	return code
}

// Rule returns the rule with id, if the result carries it.
func (r *Result) Rule(id string) (Rule, bool) {
	for _, rule := range r.Rules {
		if rule.ID == id {
			return rule, true
		}
	}
	return Rule{}, false
}

// Summary is the tally every format reports at its end.
type Summary struct {
	Errors   int `json:"error"`
	Warnings int `json:"warning"`
	Infos    int `json:"info"`
	// Suppressed findings are not in the severity counts.
	Suppressed int `json:"suppressed"`
	// LoadErrors counts problems that kept a plan from being checked.
	LoadErrors int `json:"loadErrors"`
}

// Summarize tallies one plan's findings.
func (p *PlanResult) Summarize() Summary {
	s := Summary{Suppressed: len(p.Suppressed), LoadErrors: len(p.LoadErrors)}
	for _, f := range p.Findings {
		switch f.Severity {
		case Error:
			s.Errors++
		case Warning:
			s.Warnings++
		default:
			s.Infos++
		}
	}
	return s
}

// Summarize tallies the findings of every plan.
func (r *Result) Summarize() Summary {
	var s Summary
	for i := range r.Plans {
		p := r.Plans[i].Summarize()
		s.Errors += p.Errors
		s.Warnings += p.Warnings
		s.Infos += p.Infos
		s.Suppressed += p.Suppressed
		s.LoadErrors += p.LoadErrors
	}
	return s
}
