package plan

import (
	"fmt"
	"strings"
)

// Problem is a defect found in a decoded plan, located by its node path.
type Problem struct {
	Path string
	Msg  string
}

// CheckReferences reports every reference to a tier, service, component,
// region, runbook, scenario or replication path that the plan does not
// declare, and every runbook step that depends on a step that does not come
// before it. The loader runs it, so no later stage ever meets a dangling ID.
func (p *Plan) CheckReferences() []Problem {
	c := &refChecker{p: p}
	for _, id := range Keys(p.Services) {
		s := p.Services[id]
		ref(c, p.Tiers, "tier", s.Tier, "services", id, "tier")
		for i, d := range s.DependsOn {
			ref(c, p.Components, "component", d, "services", id, "dependsOn", i)
		}
	}
	for _, id := range Keys(p.Tiers) {
		if t := p.Tiers[id]; t.DowntimeCost != "" {
			var costs map[string]*DowntimeCost
			if p.Business != nil {
				costs = p.Business.DowntimeCost
			}
			ref(c, costs, "downtime cost category", t.DowntimeCost, "tiers", id, "downtimeCost")
		}
	}
	byID := map[string]string{}
	for _, name := range Keys(p.Accounts) {
		if first, dup := byID[p.Accounts[name].ID]; dup {
			c.add(Path("accounts", name, "id"), "account %s is declared twice, as %q and %q", p.Accounts[name].ID, first, name)
		} else {
			byID[p.Accounts[name].ID] = name
		}
	}
	for _, id := range Keys(p.Components) {
		comp := p.Components[id]
		if r := comp.Region; r != "" {
			ref(c, p.Regions, "region", r, "components", id, "region")
		}
		if rb := comp.Rebuild; rb != nil {
			ref(c, p.Components, "component", rb.By, "components", id, "rebuild", "by")
		}
		ref(c, p.Accounts, "account", p.Components[id].Account, "components", id, "account")
	}
	for _, id := range Keys(p.Replication) {
		r := p.Replication[id]
		ref(c, p.Components, "component", r.From, "replication", id, "from")
		ref(c, p.Components, "component", r.To, "replication", id, "to")
		for i, t := range r.Carries {
			ref(c, p.Tiers, "tier", t, "replication", id, "carries", i)
		}
		if r.From != "" && r.From == r.To {
			c.add(Path("replication", id, "to"), "replication path %q replicates component %q to itself", id, r.To)
		}
	}
	for _, id := range Keys(p.DNS) {
		d := p.DNS[id]
		ref(c, p.Components, "component", d.HostedZone, "dns", id, "hostedZone")
		for _, side := range []struct {
			name string
			t    DNSTarget
		}{{"primary", d.Primary}, {"secondary", d.Secondary}} {
			ref(c, p.Regions, "region", side.t.Region, "dns", id, side.name, "region")
			ref(c, p.Components, "component", side.t.Component, "dns", id, side.name, "component")
		}
	}
	if pr := p.Promotion; pr != nil {
		for i, comp := range pr.Components {
			ref(c, p.Components, "component", comp, "promotion", "components", i)
		}
		for i, np := range pr.NotPromoted {
			ref(c, p.Components, "component", np.Component, "promotion", "notPromoted", i, "component")
		}
	}
	for _, id := range Keys(p.Scenarios) {
		s := p.Scenarios[id]
		ref(c, p.Runbooks, "runbook", s.Runbook, "scenarios", id, "runbook")
		for i, rb := range s.Runbooks {
			ref(c, p.Runbooks, "runbook", rb, "scenarios", id, "runbooks", i)
		}
		for i, src := range s.RestoreFrom {
			if len(s.RestoreFrom) == 1 {
				ref(c, p.Components, "component", src, "scenarios", id, "restoreFrom")
			} else {
				ref(c, p.Components, "component", src, "scenarios", id, "restoreFrom", i)
			}
		}
		ref(c, p.Regions, "region", s.Region, "scenarios", id, "region")
		for i, t := range s.Tiers {
			ref(c, p.Tiers, "tier", t, "scenarios", id, "tiers", i)
		}
	}
	for _, id := range Keys(p.Runbooks) {
		c.runbook(id, p.Runbooks[id])
	}
	for _, id := range Keys(p.Alerts) {
		a := p.Alerts[id]
		ref(c, p.Replication, "replication path", a.Replication, "alerts", id, "replication")
		ref(c, p.Components, "component", a.Component, "alerts", id, "component")
		ref(c, p.Runbooks, "runbook", a.Runbook, "alerts", id, "runbook")
		if g := a.Guards; g != nil {
			ref(c, p.Tiers, "tier", g.Tier, "alerts", id, "guards", "tier")
			if (g.Tier == "") == (g.Readiness == "") {
				c.add(Path("alerts", id, "guards"), "alert %q must guard either a tier's RPO (tier) or readiness (readiness), not both or neither", id)
			}
		}
	}
	if g := p.GameDays; g != nil {
		for _, t := range Keys(g.Cadence) {
			ref(c, p.Tiers, "tier", t, "gamedays", "cadence", t)
		}
		for i, s := range g.Schedule {
			ref(c, p.Scenarios, "scenario", s.Scenario, "gamedays", "schedule", i, "scenario")
			ref(c, p.Runbooks, "runbook", s.Runbook, "gamedays", "schedule", i, "runbook")
		}
	}
	for _, id := range Keys(p.Drills) {
		d := p.Drills[id]
		ref(c, p.Scenarios, "scenario", d.Scenario, "drills", id, "scenario")
		ref(c, p.Runbooks, "runbook", d.Runbook, "drills", id, "runbook")
	}
	for _, id := range Keys(p.Comms) {
		for i, s := range p.Comms[id].Scenarios {
			ref(c, p.Scenarios, "scenario", s, "comms", id, "scenarios", i)
		}
	}
	if cm := p.Cost; cm != nil {
		for i, it := range cm.SteadyState {
			ref(c, p.Components, "component", it.Component, "cost", "steadyState", i, "component")
		}
		for i, it := range cm.DRState {
			ref(c, p.Components, "component", it.Component, "cost", "drState", i, "component")
		}
	}
	return c.problems
}

type refChecker struct {
	p        *Plan
	problems []Problem
}

func (c *refChecker) add(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// ref checks that id (when set) is a key of m.
func ref[V any](c *refChecker, m map[string]V, what, id string, path ...any) {
	if id == "" {
		return
	}
	if _, ok := m[id]; ok {
		return
	}
	msg := fmt.Sprintf("%s %q is not declared in this plan", what, id)
	if len(m) == 0 {
		msg += " (the plan declares none)"
	} else if s := Closest(id, Keys(m)); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	c.problems = append(c.problems, Problem{Path: Path(path...), Msg: msg})
}

func (c *refChecker) runbook(id string, rb *Runbook) {
	for i, t := range rb.Tiers {
		ref(c, c.p.Tiers, "tier", t, "runbooks", id, "tiers", i)
	}
	for i, fo := range rb.FailbackFor {
		at := []any{"runbooks", id, "failbackFor"}
		if len(rb.FailbackFor) > 1 {
			at = append(at, i)
		}
		if fo == id {
			c.add(Path(at...), "runbook %q cannot be the failback of itself", id)
		} else {
			ref(c, c.p.Runbooks, "runbook", fo, at...)
		}
	}
	seen := make(map[string]int, len(rb.Steps))
	for i, s := range rb.Steps {
		if j, dup := seen[s.ID]; dup {
			c.add(Path("runbooks", id, "steps", i, "id"), "step id %q is used by step %d too; step ids must be unique within a runbook", s.ID, rb.Steps[j].Number)
		}
		for k, dep := range s.After {
			if _, ok := seen[dep]; ok {
				continue
			}
			later := false
			for _, t := range rb.Steps[i:] {
				if t.ID == dep {
					later = true
					break
				}
			}
			if later {
				c.add(Path("runbooks", id, "steps", i, "after", k), "step %q depends on %q, which does not come before it", s.ID, dep)
			} else {
				msg := fmt.Sprintf("step %q depends on step %q, which runbook %q does not have", s.ID, dep, id)
				if sug := Closest(dep, stepIDs(rb.Steps[:i])); sug != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", sug)
				}
				c.add(Path("runbooks", id, "steps", i, "after", k), "%s", msg)
			}
		}
		for k, t := range s.Recovers {
			ref(c, c.p.Tiers, "tier", t, "runbooks", id, "steps", i, "recovers", k)
		}
		if _, dup := seen[s.ID]; !dup {
			seen[s.ID] = i
		}
	}
}

func stepIDs(steps []*Step) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = s.ID
	}
	return out
}

// Closest returns the candidate nearest to s by edit distance, if it is
// near enough to be a plausible typo; "" otherwise.
func Closest(s string, candidates []string) string {
	best, bestD := "", len(s)/3+1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
