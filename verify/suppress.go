package verify

import (
	"strings"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

// A plan silences or accepts verify's findings as it does lint's: a
// suppress or accept entry naming a DR2xx rule on the node a finding is
// about (a component, a DNS failover, a replication path) or on the whole
// plan. Suppressed findings are listed apart; accepted ones stay, as
// warnings carrying the reason. Either stops applying after it expires,
// judged as of when AWS was read.

type suppression struct {
	node   string // "" is the whole plan
	s      plan.Suppression
	pos    plan.Pos
	accept bool
}

func collectSuppressions(p *plan.Plan) []suppression {
	var out []suppression
	add := func(sup, acc []plan.Suppression, node ...any) {
		for _, l := range []struct {
			list   []plan.Suppression
			key    string
			accept bool
		}{{sup, "suppress", false}, {acc, "accept", true}} {
			for i, s := range l.list {
				out = append(out, suppression{
					node: plan.Path(node...), s: s, accept: l.accept,
					pos: p.Source.Pos(append(append([]any{}, node...), l.key, i)...),
				})
			}
		}
	}
	add(p.Suppress, p.Accept)
	for _, id := range plan.Keys(p.Components) {
		add(p.Components[id].Suppress, p.Components[id].Accept, "components", id)
	}
	for _, id := range plan.Keys(p.DNS) {
		add(p.DNS[id].Suppress, p.DNS[id].Accept, "dns", id)
	}
	for _, id := range plan.Keys(p.Replication) {
		add(p.Replication[id].Suppress, p.Replication[id].Accept, "replication", id)
	}
	return out
}

// applySuppressions splits findings into those still counted (accepted
// ones downgraded to warnings) and those silenced.
func applySuppressions(p *plan.Plan, fs []report.Finding, now time.Time) (counted, suppressed []report.Finding) {
	sups := collectSuppressions(p)
	for _, f := range fs {
		var match *suppression
		for i := range sups {
			s := &sups[i]
			if !strings.EqualFold(s.s.Rule, f.RuleID) || (s.node != "" && f.Path != s.node && !strings.HasPrefix(f.Path, s.node+".")) {
				continue
			}
			if s.s.Expires != nil && now.After(s.s.Expires.Time) {
				continue
			}
			match = s
			break
		}
		switch {
		case match == nil:
		case match.accept:
			f.Severity = min(f.Severity, report.Warning)
			f.Message += " (accepted: " + match.s.Reason + ")"
		default:
			f.Suppressed = &report.Suppression{Reason: match.s.Reason, Pos: match.pos}
			if match.s.Expires != nil {
				f.Suppressed.Expires = match.s.Expires.String()
			}
			suppressed = append(suppressed, f)
			continue
		}
		counted = append(counted, f)
	}
	return counted, suppressed
}
