package site

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/lint"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

// Verdicts and states, shown as text labels (colour only repeats them).
const (
	stMet        = string(plan.Met)
	stMissed     = string(plan.Missed)
	stNotShown   = string(plan.NotShown)
	stCurrent    = "current"
	stStale      = "stale"
	stMissing    = "missing"
	stOverdue    = "overdue"
	stNoDrill    = "no drill"
	stOK         = "ok"
	stMismatch   = "mismatch"
	stUnverified = "unverified"
)

// planView is what the pages of one plan show, computed once so that the
// templates only lay it out.
type planView struct {
	Name, Title, Description, Version string
	AsOf                              string
	Owner                             *plan.Owner
	ContactHref                       string
	Review                            *reviewView
	Tiers                             []tierView
	Lint                              lintView
	Runbooks                          []runbookView
	Verify                            *verifyView
	Comms                             []commView
	HasDiagram                        bool
	HasCost                           bool
	Sources                           []sourceRef
}

type reviewView struct {
	Cadence, LastReviewed, Due, By string
	Overdue                        bool
	State                          string
	Pos                            link
}

// link is a link to a line of a plan source page; Href is relative to the
// plan folder, empty when the file is not in the site.
type link struct {
	Href, Text string
	// file and line locate the link's target, for marking source lines.
	file string
	line int
}

type tierView struct {
	ID, Title, RTO, RPO, Strategy, Trigger string
	Level                                  int
	Services                               []string
	SignOffs                               []signOffView
	State                                  string // worst state of its sign-offs
	Pos                                    link
}

type signOffView struct {
	Role, Name, Date, State, Digest string
	Pos                             link
}

type lintView struct {
	Errors, Warnings, Infos int
	Findings, Suppressed    []findingView
	Rules                   []ruleView
	State                   string // "errors", "warnings", "clean"
}

type findingView struct {
	N        int
	Severity string
	Rule     string
	Message  string
	Pos      link
	Reason   string // suppression or acceptance reason
	Expires  string
}

type ruleView struct {
	ID, Title, Remediation, Anchor, HelpURI string
}

type runbookView struct {
	ID, Title, Owner string
	Steps            int
	Estimate         string
	Tiers            string
	Drills           []drillView // oldest first
	Last             *drillView
	Plot             *plotView
	Pos              link
}

type drillView struct {
	ID, Date, Scenario, Environment, Operator, Outcome string
	RTO, RPO, RTOTarget, RPOTarget                     string
	RTOState, RPOState                                 string
	LostWrites                                         string
	Findings                                           []string
	FailedSteps                                        string
	Pos                                                link
	rto, rpo, rtoTarget, rpoTarget                     *time.Duration
}

type verifyView struct {
	TakenAt, Tool            string
	OK, Mismatch, Unverified int
	Checks                   []checkView
	History                  []verifyRun
	State                    string
}

type verifyRun struct {
	TakenAt                  string
	OK, Mismatch, Unverified int
}

type checkView struct {
	ID, Rule, Component, Resource, Region, Account, Status, Message, Expected, Observed string
	Pos                                                                                 link
}

type commView struct {
	ID, Audience, Phase, Channel, Reviewed string
	NotReviewed                            bool
}

type sourceRef struct {
	Name, Href string
}

func dur(d *plan.Duration) string {
	if d == nil {
		return "—"
	}
	return d.Human()
}

func newPlanView(in *Plan, rec []planRecord, sources *sourceIndex) *planView {
	p := in.Plan
	posLink := func(pos plan.Pos) link {
		name := sources.page(pos.File)
		if name == "" {
			return link{Text: pos.String()}
		}
		href := "sources/" + pathEscape(name) + ".html"
		text := name
		if pos.Line > 0 {
			href += fmt.Sprintf("#L%d", pos.Line)
			text += fmt.Sprintf(":%d", pos.Line)
		}
		return link{Href: href, Text: text, file: name, line: pos.Line}
	}
	at := func(elems ...any) link { return posLink(p.Source.Pos(elems...)) }

	v := &planView{
		Name: p.Name, Title: p.Title, Description: p.Description, Version: p.Version,
		AsOf: in.Now.Format(time.DateOnly), Owner: p.Owner,
		HasDiagram: len(in.Files["architecture.svg"]) > 0,
		HasCost:    len(in.Files["cost.md"]) > 0,
	}
	if v.Title == "" {
		v.Title = p.Name
	}
	if p.Owner != nil {
		v.ContactHref = contactHref(p.Owner.Contact)
	}
	if r := p.Review; r != nil {
		due := r.Due()
		rv := &reviewView{Cadence: r.Cadence.Human(), LastReviewed: r.LastReviewed.String(), Due: due.String(), By: r.ReviewedBy,
			State: stCurrent, Pos: at("review")}
		if in.Now.After(due.Time) {
			rv.Overdue, rv.State = true, stOverdue
		}
		v.Review = rv
	}
	for _, id := range p.TierIDs() {
		t := p.Tiers[id]
		tv := tierView{ID: id, Title: t.Title, Level: t.Level, RTO: dur(t.RTO), RPO: dur(t.RPO), Strategy: t.Strategy,
			Trigger: t.Trigger, Services: p.TierServices(id), Pos: at("tiers", id)}
		for _, s := range p.SignOffStates(id) {
			sv := signOffView{Role: s.Role, Name: "—", Date: "—", State: s.State, Pos: at("tiers", id, "signoff", "required")}
			if s.Given >= 0 {
				sv.Name, sv.Date, sv.Digest = s.Name, s.Date.String(), t.SignOff.Given[s.Given].Digest
				sv.Pos = at("tiers", id, "signoff", "given", s.Given)
			}
			tv.SignOffs = append(tv.SignOffs, sv)
		}
		tv.State = stCurrent
		for _, s := range tv.SignOffs {
			if s.State == stMissing || (s.State == stStale && tv.State == stCurrent) {
				tv.State = s.State
			}
		}
		if len(tv.SignOffs) == 0 {
			tv.State = "none"
		}
		v.Tiers = append(v.Tiers, tv)
	}
	v.Lint = newLintView(in, posLink)
	for _, id := range plan.Keys(p.Runbooks) {
		v.Runbooks = append(v.Runbooks, newRunbookView(p, id, at))
	}
	if len(rec) > 0 {
		v.Verify = newVerifyView(rec, posLink)
	}
	for _, id := range plan.Keys(p.Comms) {
		c := p.Comms[id]
		cv := commView{ID: id, Audience: c.Audience, Phase: c.Phase, Channel: c.Channel, Reviewed: "not reviewed", NotReviewed: true}
		if c.Review != nil {
			cv.Reviewed, cv.NotReviewed = c.Review.By+", "+c.Review.Date.String(), false
		}
		v.Comms = append(v.Comms, cv)
	}
	return v
}

func newLintView(in *Plan, posLink func(plan.Pos) link) lintView {
	var lv lintView
	seen := map[string]bool{}
	view := func(i int, f report.Finding) findingView {
		fv := findingView{N: i + 1, Severity: f.Severity.String(), Rule: f.RuleID, Message: f.Message, Pos: posLink(f.Pos)}
		if s := f.Suppressed; s != nil {
			fv.Reason, fv.Expires = s.Reason, s.Expires
		}
		if !seen[f.RuleID] {
			seen[f.RuleID] = true
			if r := lint.Lookup(f.RuleID); r != nil {
				lv.Rules = append(lv.Rules, ruleView{ID: r.ID, Title: r.Title, Remediation: r.Remediation, Anchor: r.Anchor(), HelpURI: r.HelpURI()})
			}
		}
		return fv
	}
	for i, f := range in.Findings {
		switch f.Severity {
		case report.Error:
			lv.Errors++
		case report.Warning:
			lv.Warnings++
		default:
			lv.Infos++
		}
		lv.Findings = append(lv.Findings, view(i, f))
	}
	for i, f := range in.Suppressed {
		fv := view(i, f)
		fv.N = len(in.Findings) + i + 1
		lv.Suppressed = append(lv.Suppressed, fv)
	}
	slices.SortFunc(lv.Rules, func(a, b ruleView) int { return strings.Compare(a.ID, b.ID) })
	switch {
	case lv.Errors > 0:
		lv.State = "errors"
	case lv.Warnings > 0:
		lv.State = "warnings"
	default:
		lv.State = "clean"
	}
	return lv
}

func newRunbookView(p *plan.Plan, id string, at func(...any) link) runbookView {
	rb := p.Runbooks[id]
	total := slices.Max(append(rb.Finish(rb.EstimateOf), 0)) + rb.Waits()
	rv := runbookView{ID: id, Title: rb.Title, Owner: rb.Owner, Steps: len(rb.Steps),
		Estimate: plan.Duration{Duration: total}.Human(), Tiers: strings.Join(p.RunbookTiers(id), ", "), Pos: at("runbooks", id)}
	if rv.Title == "" {
		rv.Title = id
	}
	var ids []string
	for _, did := range plan.Keys(p.Drills) {
		if p.Drills[did].Runbook == id {
			ids = append(ids, did)
		}
	}
	slices.SortStableFunc(ids, func(a, b string) int { return p.Drills[a].Date.Compare(p.Drills[b].Date.Time) })
	for _, did := range ids {
		rv.Drills = append(rv.Drills, newDrillView(p, did, at))
	}
	if n := len(rv.Drills); n > 0 {
		rv.Last = &rv.Drills[n-1]
		rv.Plot = newPlot(id, rv.Title, rv.Drills)
	}
	return rv
}

// newDrillView shows a drill as plan.JudgeDrill judges it (the way lint's
// DR105 does): against its scenario's own objectives when the scenario
// states them, otherwise against the strictest objective of the tiers the
// runbook restores. The strategy document uses the same judgement.
func newDrillView(p *plan.Plan, id string, at func(...any) link) drillView {
	d := p.Drills[id]
	dv := drillView{ID: id, Date: d.Date.String(), Scenario: d.Scenario, Environment: d.Environment, Operator: d.Operator,
		Outcome: d.Outcome, Findings: d.Findings, FailedSteps: strings.Join(d.FailedSteps, ", "), Pos: at("drills", id),
		LostWrites: "—"}
	if m := d.Measured; m != nil && m.LostWrites != nil {
		dv.LostWrites = fmt.Sprint(*m.LostWrites)
	}
	j := p.JudgeDrill(id)
	dv.RTO, dv.RTOTarget, dv.RTOState, dv.rto, dv.rtoTarget = judged(j.RTO)
	dv.RPO, dv.RPOTarget, dv.RPOState, dv.rpo, dv.rpoTarget = judged(j.RPO)
	return dv
}

func human(d *time.Duration) string {
	if d == nil {
		return "—"
	}
	return plan.Duration{Duration: *d}.Human()
}

func judged(j plan.Judged) (m, t, state string, measured, target *time.Duration) {
	if j.Measured != nil {
		measured = &j.Measured.Duration
	}
	if j.Target != nil {
		target = &j.Target.Duration
	}
	return human(measured), human(target), string(j.Verdict), measured, target
}

// planRecord is one verify record's checks of a plan.
type planRecord struct {
	takenAt time.Time
	tool    string
	plan    evidence.Plan
}

// recordsFor returns the records that checked the plan named name, oldest
// first; of two taken at the same time the one given later counts as later.
func recordsFor(records []*evidence.Record, name string) []planRecord {
	var out []planRecord
	for _, r := range records {
		for _, ep := range r.Plans {
			if ep.Name == name {
				tool := strings.TrimSpace(r.Tool + " " + r.Version)
				out = append(out, planRecord{takenAt: r.TakenAt, tool: tool, plan: ep})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b planRecord) int { return a.takenAt.Compare(b.takenAt) })
	return out
}

func formatTaken(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

var statusOrder = map[evidence.Status]int{evidence.Mismatch: 0, evidence.Unverified: 1, evidence.OK: 2}

func newVerifyView(recs []planRecord, posLink func(plan.Pos) link) *verifyView {
	last := recs[len(recs)-1]
	n := last.plan.Counts()
	v := &verifyView{TakenAt: formatTaken(last.takenAt), Tool: last.tool,
		OK: n[evidence.OK], Mismatch: n[evidence.Mismatch], Unverified: n[evidence.Unverified]}
	switch {
	case v.Mismatch > 0:
		v.State = stMismatch
	case v.Unverified > 0:
		v.State = stUnverified
	default:
		v.State = stOK
	}
	checks := slices.Clone(last.plan.Checks)
	// Mismatches first: they are what an auditor reads the page for.
	slices.SortStableFunc(checks, func(a, b evidence.Check) int {
		oa, ok := statusOrder[a.Status]
		if !ok {
			oa = 3
		}
		ob, ok := statusOrder[b.Status]
		if !ok {
			ob = 3
		}
		return oa - ob
	})
	for _, c := range checks {
		v.Checks = append(v.Checks, checkView{ID: c.ID, Rule: c.RuleID, Component: c.Component, Resource: c.Resource,
			Region: c.Region, Account: c.Account, Status: string(c.Status), Message: c.Message, Expected: c.Expected, Observed: c.Observed, Pos: posLink(c.Pos)})
	}
	for i := len(recs) - 1; i >= 0; i-- {
		n := recs[i].plan.Counts()
		v.History = append(v.History, verifyRun{TakenAt: formatTaken(recs[i].takenAt), OK: n[evidence.OK], Mismatch: n[evidence.Mismatch], Unverified: n[evidence.Unverified]})
	}
	return v
}

// contactHref makes a link of an owner's contact only when it is an e-mail
// address or an http(s) URL; anything else (a javascript: URL, a Slack
// channel name) is shown as text.
func contactHref(c string) string {
	c = strings.TrimSpace(c)
	lower := strings.ToLower(c)
	switch {
	case strings.ContainsAny(c, " \t\r\n\"'<>"):
		return ""
	case strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://"):
		return c
	case strings.HasPrefix(lower, "mailto:"):
		return c
	case strings.Count(c, "@") == 1 && !strings.Contains(c, ":") && strings.Index(c, "@") > 0 && strings.Contains(c[strings.Index(c, "@"):], "."):
		return "mailto:" + c
	}
	return ""
}
