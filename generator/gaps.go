package generator

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/drplan/drplan/lint"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

// lintStatus is lint's verdict on the plan as of the document's date: the
// strategy document runs the rules itself, so it can never be rendered
// greener than `drplan lint` would say.
type lintStatus struct {
	findings, suppressed []report.Finding
	accepted, open       []report.Finding
}

func lintPlan(p *plan.Plan, o StrategyOptions) lintStatus {
	var s lintStatus
	s.findings, s.suppressed = lint.Lint(p, lint.Options{Now: o.Now})
	for _, f := range s.findings {
		switch {
		case f.Accepted != nil:
			s.accepted = append(s.accepted, f)
		case f.Severity > report.Info:
			s.open = append(s.open, f)
		}
	}
	return s
}

// message is a finding's message without the acceptance lint appends to
// it: the document shows the reason in a column of its own.
func message(f report.Finding) string {
	if f.Accepted != nil {
		return strings.TrimSuffix(f.Message, " (accepted: "+f.Accepted.Reason+")")
	}
	return f.Message
}

func strategyKnownGaps(w *mdWriter, p *plan.Plan, st lintStatus) {
	w.f("## Known gaps\n\n")
	if len(st.open) > 0 {
		w.f("### Open findings\n\n")
		w.f("Lint reports these and the plan neither fixes nor accepts them. Details: `drplan lint`.\n\n")
		var rows [][]string
		for _, f := range st.open {
			rows = append(rows, []string{ruleLink(f.RuleID), f.Severity.String(), "`" + code(f.Path) + "`", cell(message(f)), cell(drillsMeasured(p, f.Path))})
		}
		w.table([]string{"rule", "severity", "about", "finding", "drills measured"}, rows)
	}
	if len(st.accepted) == 0 {
		w.f("The plan accepts no lint finding as a known gap.\n\n")
	} else {
		w.f("Where the plan promises more than its mechanisms, procedures or drills deliver, lint reports it, and the plan states the gap knowingly instead of fixing it yet. Each accepted finding stays a warning until it expires, when lint fails again. \"Drills measured\" is the latest drill of each runbook the finding concerns, judged against its objectives.\n\n")
		var rows [][]string
		for _, f := range st.accepted {
			rows = append(rows, []string{ruleLink(f.RuleID), "`" + code(f.Path) + "`", cell(message(f)), cell(f.Accepted.Reason),
				orDash(f.Accepted.Expires), cell(gapOwner(p, f.Accepted.Owner, f.Path)), cell(drillsMeasured(p, f.Path))})
		}
		w.table([]string{"rule", "about", "finding", "accepted because", "expires", "owner", "drills measured"}, rows)
	}
	// Acceptances no lint finding matched: verify's rules (judged against
	// production, not the plan) and gaps lint no longer finds.
	var rows [][]string
	for _, a := range lint.Acceptances(p) {
		if slices.ContainsFunc(st.accepted, func(f report.Finding) bool { return a.Covers(f.RuleID, f.Path) }) {
			continue
		}
		kind := "lint no longer reports it: the acceptance can go"
		switch {
		case lint.Lookup(a.Rule) != nil:
		case strings.HasPrefix(strings.ToUpper(a.Rule), "DR2"):
			// DR2xx are verify's rules, judged against production.
			kind = "checked by `drplan verify` against production (see the site's verify evidence)"
		default:
			kind = "no such rule: the acceptance accepts nothing"
		}
		expires := "—"
		if a.Expires != nil {
			expires = a.Expires.String()
		}
		rows = append(rows, []string{ruleLink(a.Rule), "`" + code(orDash(a.Node)) + "`", cell(a.Reason), expires, cell(orDash(gapOwner(p, a.Owner, a.Node))), kind})
	}
	if len(rows) > 0 {
		w.f("### Other accepted gaps\n\n")
		w.f("Accepted in the plan but not reported by lint as of this document's date.\n\n")
		w.table([]string{"rule", "about", "accepted because", "expires", "owner", "status"}, rows)
	}
}

func ruleLink(id string) string {
	if r := lint.Lookup(id); r != nil {
		return fmt.Sprintf("[%s](%s)", id, r.HelpURI())
	}
	return id
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// gapOwner is who answers for an accepted finding: the acceptance's owner,
// else the owner of the step or runbook it is about, else the plan's owner.
func gapOwner(p *plan.Plan, owner, path string) string {
	if owner != "" {
		return owner
	}
	if o := nodeOwner(p, path); o != "" {
		return o
	}
	if p.Owner != nil && p.Owner.Person != "" {
		return p.Owner.Person + " (plan owner)"
	}
	return ""
}

// nodeOwner is the owner of the step or runbook at path, if it names one.
func nodeOwner(p *plan.Plan, path string) string {
	parts := strings.Split(path, ".")
	if len(parts) >= 2 && parts[0] == "runbooks" {
		if rb := p.Runbooks[parts[1]]; rb != nil {
			if len(parts) >= 4 && parts[2] == "steps" {
				var i int
				if _, err := fmt.Sscan(parts[3], &i); err == nil && i >= 0 && i < len(rb.Steps) && rb.Steps[i].Owner != "" {
					return rb.Steps[i].Owner
				}
			}
			return rb.Owner
		}
	}
	return ""
}

// nodeTiers returns the tiers the plan node at path concerns.
func nodeTiers(p *plan.Plan, path string) []string {
	parts := strings.Split(path, ".")
	if len(parts) < 2 {
		return nil
	}
	id := parts[1]
	switch parts[0] {
	case "tiers":
		return []string{id}
	case "services":
		if s := p.Services[id]; s != nil && s.Tier != "" {
			return []string{s.Tier}
		}
	case "components":
		if t := p.ComponentTiers(id); len(t) > 0 || p.Promotion == nil || !slices.Contains(p.Promotion.Components, id) {
			return t
		}
		// A standby serves no tier until promoted: it concerns the tiers
		// the failover runbooks restore.
		set := map[string]bool{}
		for _, sid := range plan.Keys(p.Scenarios) {
			if s := p.Scenarios[sid]; s.Class == plan.ClassRegionFailure {
				for _, t := range p.ScenarioTiers(sid) {
					set[t] = true
				}
			}
		}
		return plan.Keys(set)
	case "replication":
		return p.PathTiers(id)
	case "alerts":
		return p.AlertTiers(id)
	case "dns":
		if d := p.DNS[id]; d != nil {
			set := map[string]bool{}
			for _, c := range []string{d.Primary.Component, d.Secondary.Component} {
				for _, t := range p.ComponentTiers(c) {
					set[t] = true
				}
			}
			return plan.Keys(set)
		}
	case "runbooks":
		return p.RunbookTiers(id)
	case "drills":
		if d := p.Drills[id]; d != nil {
			return p.RunbookTiers(d.Runbook)
		}
	case "scenarios":
		return p.ScenarioTiers(id)
	}
	return nil
}

// nodeDrills returns the drills that measured what the node at path is
// about: the drill itself, the latest drill of a runbook (or of the
// runbook answering a scenario), or the latest drill of every runbook
// restoring one of the node's tiers.
func nodeDrills(p *plan.Plan, path string) []string {
	parts := strings.Split(path, ".")
	if len(parts) >= 2 {
		switch id := parts[1]; parts[0] {
		case "drills":
			if p.Drills[id] != nil {
				return []string{id}
			}
			return nil
		case "runbooks":
			if d := p.LatestDrill(id); d != "" {
				return []string{d}
			}
			return nil
		case "scenarios":
			var out []string
			if s := p.Scenarios[id]; s != nil {
				for _, rb := range s.RunbookIDs() {
					if d := p.LatestDrill(rb); d != "" {
						out = append(out, d)
					}
				}
			}
			return out
		}
	}
	tiers := nodeTiers(p, path)
	var out []string
	for _, rb := range plan.Keys(p.Runbooks) {
		if !slices.ContainsFunc(p.RunbookTiers(rb), func(t string) bool { return slices.Contains(tiers, t) }) {
			continue
		}
		if d := p.LatestDrill(rb); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// drillsMeasured says what the drills concerning a node measured, each
// value against the objective it is held to.
func drillsMeasured(p *plan.Plan, path string) string {
	var parts []string
	for _, id := range nodeDrills(p, path) {
		parts = append(parts, drillSummary(p, id))
	}
	if len(parts) == 0 {
		return "no drill covers it"
	}
	return strings.Join(parts, "; ")
}

// drillSummary is "region-failover 2026-10-21 (success): RTO 11m40s against
// 60 s, missed; RPO 0 against 0, met".
func drillSummary(p *plan.Plan, id string) string {
	d := p.Drills[id]
	j := p.JudgeDrill(id)
	s := fmt.Sprintf("%s %s (%s): ", d.Runbook, d.Date, d.Outcome)
	var vals []string
	for _, v := range []struct {
		name string
		j    plan.Judged
	}{{"RTO", j.RTO}, {"RPO", j.RPO}} {
		if v.j.Measured == nil {
			continue
		}
		if v.j.Target == nil {
			vals = append(vals, fmt.Sprintf("%s %s", v.name, v.j.Measured.Human()))
			continue
		}
		vals = append(vals, fmt.Sprintf("%s %s against %s, %s", v.name, v.j.Measured.Human(), v.j.Target.Human(), v.j.Verdict))
	}
	if len(vals) == 0 {
		return s + "nothing measured"
	}
	return s + strings.Join(vals, "; ")
}

// tierGaps counts the findings (accepted or open) that say tier id's
// objectives are not delivered: a sign-off whose digest is current still
// stands against them. Rules name the tiers whose objectives a finding
// concerns ("beyond tier0's RTO"), so the count takes the findings that
// name the tier, not every finding about a node the tier depends on.
func tierGaps(st lintStatus, id string) int {
	re := regexp.MustCompile(`(^|[^a-z0-9-])` + regexp.QuoteMeta(id) + `($|[^a-z0-9-])`)
	n := 0
	for _, f := range append(slices.Clone(st.accepted), st.open...) {
		if re.MatchString(message(f)) {
			n++
		}
	}
	return n
}
