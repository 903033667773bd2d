// Package lint holds drplan's rules: the ten-point completeness checklist
// (DR001-DR010) and the consistency rules (DR100 and up) a principal
// engineer applies in a design review. Each rule is a value in a registry
// with a stable ID, a severity, a title, its rationale and remediation, and
// its check.
package lint

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

// Rule is one check. IDs are public interface: users suppress and look up
// rules by ID, so an ID never changes meaning.
type Rule struct {
	ID       string
	Severity report.Severity
	// Title is one line, shown in listings.
	Title string
	// Rationale says why the rule exists, naming the facts it rests on.
	Rationale string
	// Remediation says how to fix a finding.
	Remediation string
	// Check reports findings on c.
	Check func(c *Context)
}

// Anchor is the rule's anchor in the rule reference (docs/rules.md).
func (r *Rule) Anchor() string { return strings.ToLower(r.ID) }

// HelpURI is the rule's section of the rule reference.
func (r *Rule) HelpURI() string { return DocsURL + "#" + r.Anchor() }

// DocsURL is where the rule reference is published.
const DocsURL = "https://github.com/drplan/drplan/blob/main/docs/rules.md"

// Info returns the rule's description for reports.
func (r *Rule) Info() report.Rule {
	return report.Rule{ID: r.ID, Title: r.Title, Severity: r.Severity, Rationale: r.Rationale, Remediation: r.Remediation, HelpURI: r.HelpURI()}
}

var (
	registry []*Rule
	idRE     = regexp.MustCompile(`^DR[0-9]{3}$`)
)

// Register adds a rule to the registry. It refuses a malformed ID, a
// duplicate ID and a rule without title, rationale, remediation or check.
func Register(r *Rule) error {
	switch {
	case !idRE.MatchString(r.ID):
		return fmt.Errorf("rule ID %q is not DR followed by three digits", r.ID)
	case r.Title == "" || r.Rationale == "" || r.Remediation == "" || r.Check == nil:
		return fmt.Errorf("rule %s lacks a title, rationale, remediation or check", r.ID)
	case r.Severity < report.Info || r.Severity > report.Error:
		return fmt.Errorf("rule %s has an invalid severity", r.ID)
	}
	if Lookup(r.ID) != nil {
		return fmt.Errorf("rule %s registered twice", r.ID)
	}
	registry = append(registry, r)
	slices.SortFunc(registry, func(a, b *Rule) int { return strings.Compare(a.ID, b.ID) })
	return nil
}

// mustRegister is for the rules defined in this package, in init: a bad
// rule is a build defect that every test run catches.
func mustRegister(rules ...*Rule) {
	for _, r := range rules {
		if err := Register(r); err != nil {
			panic(err)
		}
	}
}

// Rules returns the registered rules ordered by ID.
func Rules() []*Rule { return slices.Clone(registry) }

// Lookup returns the rule with id (case-insensitive), or nil.
func Lookup(id string) *Rule {
	for _, r := range registry {
		if strings.EqualFold(r.ID, id) {
			return r
		}
	}
	return nil
}

// Options parameterise a lint run.
type Options struct {
	// Now is the date staleness is judged against (review expiry, drill
	// age, suppression expiry). Never the clock inside lint: callers pass
	// it, so results are reproducible.
	Now time.Time
	// Rules restricts the run to these rule IDs; all rules when empty.
	Rules []string
	// SignedVersion, when set, returns an earlier version of the plan
	// (from its history) in which tier's sign-off digest was digest, or
	// nil: DR001 then names what changed since a stale sign-off.
	SignedVersion func(tier, digest string) *plan.Plan
}

// Lint runs the rules on p and returns its findings, the suppressed ones
// apart, each sorted by position.
func Lint(p *plan.Plan, o Options) (findings, suppressed []report.Finding) {
	p.Reindex() // derive from the plan as it is now
	c := &Context{Plan: p, Now: o.Now, SignedVersion: o.SignedVersion}
	for _, r := range registry {
		if len(o.Rules) > 0 && !slices.ContainsFunc(o.Rules, func(id string) bool { return strings.EqualFold(id, r.ID) }) {
			continue
		}
		c.rule = r
		r.Check(c)
	}
	return ApplySuppressions(p, c.findings, o.Now)
}

// ApplySuppressions applies the plan's suppress and accept lists to
// findings about it, lint's or verify's alike: a suppressed finding moves
// to suppressed, an accepted one stays but at most a warning, carrying its
// reason. Both lists come back sorted by position.
func ApplySuppressions(p *plan.Plan, fs []report.Finding, now time.Time) (findings, suppressed []report.Finding) {
	sups := collectSuppressions(p)
	for _, f := range fs {
		s := matchSuppression(sups, f, now)
		switch {
		case s == nil:
		case s.accept:
			// Known and stated: still visible, but no longer failing.
			f.Severity = min(f.Severity, report.Warning)
			f.Message += " (accepted: " + s.s.Reason + ")"
			f.Accepted = s.report()
		default:
			f.Suppressed = s.report()
			suppressed = append(suppressed, f)
			continue
		}
		findings = append(findings, f)
	}
	report.Sort(findings)
	report.Sort(suppressed)
	return findings, suppressed
}

// Context is what a rule's check sees: the plan, the date, and where to
// report.
type Context struct {
	Plan *plan.Plan
	Now  time.Time
	// SignedVersion is Options.SignedVersion (may be nil).
	SignedVersion func(tier, digest string) *plan.Plan
	rule          *Rule
	findings      []report.Finding
	regexps       map[string]compiled
}

// Report records a finding of the running rule at its severity, about the
// plan node at path (elements as for plan.Source.Pos).
func (c *Context) Report(path []any, format string, args ...any) {
	c.ReportAs(c.rule.Severity, path, format, args...)
}

// ReportAs records a finding at another severity: a rule downgrades to a
// warning what the plan states knowingly (an acknowledged gap).
func (c *Context) ReportAs(sev report.Severity, path []any, format string, args ...any) {
	c.findings = append(c.findings, report.Finding{
		RuleID:   c.rule.ID,
		Severity: sev,
		Message:  fmt.Sprintf(format, args...),
		Pos:      c.Plan.Source.Pos(path...),
		Path:     plan.Path(path...),
	})
}

// Regexp compiles expr once per lint run: several rules check the same
// expected-output patterns.
func (c *Context) Regexp(expr string) (*regexp.Regexp, error) {
	if r, ok := c.regexps[expr]; ok {
		return r.re, r.err
	}
	if c.regexps == nil {
		c.regexps = map[string]compiled{}
	}
	re, err := regexp.Compile(expr)
	c.regexps[expr] = compiled{re, err}
	return re, err
}

type compiled struct {
	re  *regexp.Regexp
	err error
}

// At builds a path for Report: At("tiers", id, "rpo").
func At(elems ...any) []any { return elems }
