package lint

import (
	"strings"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

type suppression struct {
	node string // path of the node carrying it; "" is the whole plan
	s    plan.Suppression
	pos  plan.Pos
	// accept keeps the finding, as a warning, instead of silencing it.
	accept bool
	// at is the path of the entry itself, as elements for Context.Report.
	at []any
}

// collectSuppressions gathers every suppress list in the plan with the
// path of the node it silences.
func collectSuppressions(p *plan.Plan) []suppression {
	var out []suppression
	addList := func(list []plan.Suppression, accept bool, node []any) {
		key := "suppress"
		if accept {
			key = "accept"
		}
		for i, s := range list {
			at := append(append([]any{}, node...), key, i)
			out = append(out, suppression{
				node:   plan.Path(node...),
				at:     at,
				s:      s,
				pos:    p.Source.Pos(at...),
				accept: accept,
			})
		}
	}
	// add takes a node's suppress and accept lists.
	add := func(sup, acc []plan.Suppression, node ...any) {
		addList(sup, false, node)
		addList(acc, true, node)
	}
	add(p.Suppress, p.Accept)
	for _, id := range plan.Keys(p.Tiers) {
		add(p.Tiers[id].Suppress, p.Tiers[id].Accept, "tiers", id)
	}
	for _, id := range plan.Keys(p.Services) {
		add(p.Services[id].Suppress, p.Services[id].Accept, "services", id)
	}
	for _, id := range plan.Keys(p.Components) {
		add(p.Components[id].Suppress, p.Components[id].Accept, "components", id)
	}
	for _, id := range plan.Keys(p.Replication) {
		add(p.Replication[id].Suppress, p.Replication[id].Accept, "replication", id)
	}
	for _, id := range plan.Keys(p.DNS) {
		add(p.DNS[id].Suppress, p.DNS[id].Accept, "dns", id)
	}
	for _, id := range plan.Keys(p.Scenarios) {
		add(p.Scenarios[id].Suppress, p.Scenarios[id].Accept, "scenarios", id)
	}
	for _, id := range plan.Keys(p.Runbooks) {
		rb := p.Runbooks[id]
		add(rb.Suppress, rb.Accept, "runbooks", id)
		for i, st := range rb.Steps {
			add(st.Suppress, st.Accept, "runbooks", id, "steps", i)
		}
	}
	for _, id := range plan.Keys(p.Alerts) {
		add(p.Alerts[id].Suppress, p.Alerts[id].Accept, "alerts", id)
	}
	for _, id := range plan.Keys(p.Drills) {
		add(p.Drills[id].Suppress, p.Drills[id].Accept, "drills", id)
	}
	for _, id := range plan.Keys(p.Comms) {
		add(p.Comms[id].Suppress, p.Comms[id].Accept, "comms", id)
	}
	if p.GameDays != nil {
		add(p.GameDays.Suppress, p.GameDays.Accept, "gamedays")
	}
	if p.Cost != nil {
		add(p.Cost.Suppress, p.Cost.Accept, "cost")
	}
	return out
}

// matchSuppression returns the suppression or acceptance applying to f:
// one for f's rule on f's node or an ancestor of it, not expired at now.
func matchSuppression(sups []suppression, f report.Finding, now time.Time) *suppression {
	for i := range sups {
		s := &sups[i]
		if !strings.EqualFold(s.s.Rule, f.RuleID) {
			continue
		}
		if s.node != "" && f.Path != s.node && !strings.HasPrefix(f.Path, s.node+".") {
			continue
		}
		if s.s.Expires != nil && !now.IsZero() && now.After(s.s.Expires.Time) {
			continue // an expired suppression no longer suppresses
		}
		return s
	}
	return nil
}

func (s *suppression) report() *report.Suppression {
	out := &report.Suppression{Reason: s.s.Reason, Owner: s.s.Owner, Pos: s.pos}
	if s.s.Expires != nil {
		out.Expires = s.s.Expires.String()
	}
	return out
}

// Acceptance is one entry of an accept list: a gap the plan states
// knowingly.
type Acceptance struct {
	// Node is the path of the node carrying it; "" is the whole plan.
	Node string
	plan.Suppression
	Pos plan.Pos
}

// Covers reports whether the acceptance applies to a finding of rule
// about the node at path (rule IDs compare case-insensitively).
func (a Acceptance) Covers(rule, path string) bool {
	return strings.EqualFold(a.Rule, rule) && (a.Node == "" || path == a.Node || strings.HasPrefix(path, a.Node+"."))
}

// Acceptances returns every accept entry of the plan, in the order lint
// matches them.
func Acceptances(p *plan.Plan) []Acceptance {
	var out []Acceptance
	for _, s := range collectSuppressions(p) {
		if s.accept {
			out = append(out, Acceptance{Node: s.node, Suppression: s.s, Pos: s.pos})
		}
	}
	return out
}
