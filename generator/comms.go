package generator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drplan/drplan/plan"
)

var placeholderRE = plan.PlaceholderRE()

// Blank marks an incident-time field that nobody has filled in yet, so it
// cannot be mistaken for finished text when pasted.
func Blank(field string) string { return "[[" + field + "]]" }

// CommsFacts are the plan facts a scenario's messages are filled with:
// system, affected_tiers, affected_services, rto, rpo and scenario.
func CommsFacts(p *plan.Plan, scenarioID string) map[string]string {
	s := p.Scenarios[scenarioID]
	system := p.System
	if system == "" {
		system = p.Name
	}
	facts := map[string]string{"system": system}
	if s == nil {
		return facts
	}
	facts["scenario"] = s.Title
	tiers := p.ScenarioTiers(scenarioID)
	var names, services []string
	for _, t := range tiers {
		if tier := p.Tiers[t]; tier != nil {
			names = append(names, tier.Title)
		}
		for _, sid := range p.TierServices(t) {
			title := p.Services[sid].Title
			if title == "" {
				title = sid
			}
			services = append(services, title)
		}
	}
	facts["affected_tiers"] = strings.Join(names, "; ")
	facts["affected_services"] = joinList(services)
	rto, rpo := p.ScenarioObjectives(scenarioID)
	if rto != nil {
		facts["rto"] = rto.Human()
	}
	if rpo != nil {
		facts["rpo"] = rpo.Human()
	}
	return facts
}

// joinList writes "a, b and c".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// FillComms fills a template's subject and body with facts (plan facts
// and any incident-time values set), marking what is left as blanks, and
// returns the fields still unfilled.
func FillComms(t *plan.CommTemplate, facts map[string]string) (subject, body string, unfilled []string) {
	fill := func(s string) string {
		return placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
			key := placeholderRE.FindStringSubmatch(m)[1]
			if v, ok := facts[key]; ok && v != "" {
				return v
			}
			if !slices.Contains(unfilled, key) {
				unfilled = append(unfilled, key)
			}
			return Blank(key)
		})
	}
	subject, body = fill(t.Subject), fill(t.Body)
	slices.Sort(unfilled)
	return subject, strings.TrimRight(body, "\n") + "\n", unfilled
}

// CommsFiles renders, for every in-scope scenario, the templates written
// for it (or for every scenario), as comms/<scenario>/<template>.md, with
// plan facts filled in and the incident-time fields left as marked blanks.
func CommsFiles(p *plan.Plan) Files {
	files := Files{}
	for _, sid := range plan.Keys(p.Scenarios) {
		if !p.Scenarios[sid].InScope {
			continue
		}
		facts := CommsFacts(p, sid)
		for _, tid := range p.CommTemplates(sid) {
			t := p.Comms[tid]
			subject, body, unfilled := FillComms(t, facts)
			var b strings.Builder
			fmt.Fprintf(&b, "# %s: %s, %s\n\n", inline(p.Scenarios[sid].Title), t.Audience, t.Phase)
			if t.Channel != "" {
				fmt.Fprintf(&b, "Channel: %s\n\n", inline(t.Channel))
			}
			if len(unfilled) > 0 {
				fmt.Fprintf(&b, "Fill in before sending: %s. `drplan comms --scenario %s --template %s --set KEY=VALUE` prints it filled.\n\n", strings.Join(unfilled, ", "), sid, tid)
			}
			if subject != "" {
				fmt.Fprintf(&b, "**Subject:** %s\n\n", inline(subject))
			}
			b.WriteString(codeBlock("text", body, ""))
			files["comms/"+sid+"/"+tid+".md"] = []byte(b.String())
		}
	}
	return files
}
