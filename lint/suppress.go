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
}

// collectSuppressions gathers every suppress list in the plan with the
// path of the node it silences.
func collectSuppressions(p *plan.Plan) []suppression {
	var out []suppression
	add := func(list []plan.Suppression, node ...any) {
		for i, s := range list {
			out = append(out, suppression{
				node: plan.Path(node...),
				s:    s,
				pos:  p.Source.Pos(append(node, "suppress", i)...),
			})
		}
	}
	add(p.Suppress)
	for _, id := range plan.Keys(p.Tiers) {
		add(p.Tiers[id].Suppress, "tiers", id)
	}
	for _, id := range plan.Keys(p.Services) {
		add(p.Services[id].Suppress, "services", id)
	}
	for _, id := range plan.Keys(p.Components) {
		add(p.Components[id].Suppress, "components", id)
	}
	for _, id := range plan.Keys(p.Replication) {
		add(p.Replication[id].Suppress, "replication", id)
	}
	for _, id := range plan.Keys(p.DNS) {
		add(p.DNS[id].Suppress, "dns", id)
	}
	for _, id := range plan.Keys(p.Scenarios) {
		add(p.Scenarios[id].Suppress, "scenarios", id)
	}
	for _, id := range plan.Keys(p.Runbooks) {
		rb := p.Runbooks[id]
		add(rb.Suppress, "runbooks", id)
		for i, st := range rb.Steps {
			add(st.Suppress, "runbooks", id, "steps", i)
		}
	}
	for _, id := range plan.Keys(p.Alerts) {
		add(p.Alerts[id].Suppress, "alerts", id)
	}
	for _, id := range plan.Keys(p.Comms) {
		add(p.Comms[id].Suppress, "comms", id)
	}
	if p.GameDays != nil {
		add(p.GameDays.Suppress, "gamedays")
	}
	if p.Cost != nil {
		add(p.Cost.Suppress, "cost")
	}
	return out
}

// matchSuppression returns the suppression silencing f: one for f's rule
// on f's node or an ancestor of it, not expired at now.
func matchSuppression(sups []suppression, f report.Finding, now time.Time) *report.Suppression {
	for _, s := range sups {
		if !strings.EqualFold(s.s.Rule, f.RuleID) {
			continue
		}
		if s.node != "" && f.Path != s.node && !strings.HasPrefix(f.Path, s.node+".") {
			continue
		}
		if s.s.Expires != nil && !now.IsZero() && now.After(s.s.Expires.Time) {
			continue // an expired suppression no longer suppresses
		}
		out := &report.Suppression{Reason: s.s.Reason, Pos: s.pos}
		if s.s.Expires != nil {
			out.Expires = s.s.Expires.String()
		}
		return out
	}
	return nil
}
