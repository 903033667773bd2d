package plan

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Verdict is how one measured value of a drill compares with the objective
// it was held to. Every document that shows a drill (strategy document,
// auditor site) takes it from JudgeDrill, so they cannot disagree.
type Verdict string

// Verdicts, as the documents print them.
const (
	Met         Verdict = "met"
	Missed      Verdict = "missed"
	NotShown    Verdict = "not shown" // within the objective, but the drill did not complete
	NotMeasured Verdict = "not measured"
	NoTarget    Verdict = "no target"
)

// Judged is one measured value against its objective.
type Judged struct {
	Measured, Target *Duration
	// Of names whose objective Target is: "scenario region-failure" or
	// "tier0".
	Of      string
	Verdict Verdict
}

// DrillJudgement is a drill's RTO and RPO against its objectives.
type DrillJudgement struct {
	RTO, RPO Judged
	// Completed is true when the drill's outcome is success.
	Completed bool
}

// DrillObjectives returns the objectives drill id is held to, the way
// lint's DR105 holds it: its scenario's own RTO and RPO when the scenario
// states them, otherwise the strictest of the tiers its runbook restores.
func (p *Plan) DrillObjectives(id string) (rto, rpo Judged) {
	d := p.Drills[id]
	if d == nil {
		return
	}
	tiers := p.RunbookTiers(d.Runbook)
	var scen *Scenario
	if d.Scenario != "" {
		scen = p.Scenarios[d.Scenario]
	}
	pick := func(own *Duration, strictest func([]string) (Duration, string, bool)) Judged {
		if own != nil {
			return Judged{Target: own, Of: "scenario " + d.Scenario}
		}
		if v, tier, ok := strictest(tiers); ok {
			return Judged{Target: &v, Of: tier}
		}
		return Judged{}
	}
	var ownRTO, ownRPO *Duration
	if scen != nil {
		ownRTO, ownRPO = scen.RTO, scen.RPO
	}
	return pick(ownRTO, p.StrictestRTO), pick(ownRPO, p.StrictestRPO)
}

// JudgeDrill compares what drill id measured with its objectives. A value
// beyond its objective is missed whatever the outcome; a value within it
// counts as met only when the drill completed (outcome success).
func (p *Plan) JudgeDrill(id string) DrillJudgement {
	d := p.Drills[id]
	if d == nil {
		return DrillJudgement{}
	}
	j := DrillJudgement{Completed: d.Outcome == "success"}
	j.RTO, j.RPO = p.DrillObjectives(id)
	if m := d.Measured; m != nil {
		j.RTO.Measured, j.RPO.Measured = m.RTO, m.RPO
	}
	j.RTO.Verdict = verdict(j.RTO, j.Completed)
	j.RPO.Verdict = verdict(j.RPO, j.Completed)
	return j
}

func verdict(v Judged, completed bool) Verdict {
	switch {
	case v.Measured == nil:
		return NotMeasured
	case v.Target == nil:
		return NoTarget
	case v.Measured.Duration > v.Target.Duration:
		return Missed
	case !completed:
		return NotShown
	}
	return Met
}

// Missed reports whether the drill missed its RTO or its RPO.
func (j DrillJudgement) Missed() bool { return j.RTO.Verdict == Missed || j.RPO.Verdict == Missed }

// Outcome is the drill's recorded outcome qualified by the judgement, so
// that no document calls a drill a plain "success" when it missed an
// objective: the verdict leads, "RTO missed: 11 min 40 s against 60 s
// (recorded as success)".
func (j DrillJudgement) Outcome(recorded string) string {
	var missed []string
	for _, v := range []struct {
		name string
		j    Judged
	}{{"RTO", j.RTO}, {"RPO", j.RPO}} {
		if v.j.Verdict == Missed {
			missed = append(missed, fmt.Sprintf("%s missed: %s against %s", v.name, v.j.Measured.Human(), v.j.Target.Human()))
		}
	}
	if len(missed) == 0 {
		return recorded
	}
	return strings.Join(missed, "; ") + " (recorded as " + recorded + ")"
}

// LatestDrill returns the most recent drill of runbook id (of two on the
// same date, the later ID), or "" when it has none.
func (p *Plan) LatestDrill(runbook string) string {
	best := ""
	for _, id := range Keys(p.Drills) {
		d := p.Drills[id]
		if d.Runbook != runbook {
			continue
		}
		if best == "" || !d.Date.Before(p.Drills[best].Date.Time) {
			best = id
		}
	}
	return best
}

// SignOffState is one required or given approval of a tier.
type SignOffState struct {
	Role, Name string
	Date       *Date
	// Given is the index in signoff.given, -1 for a missing approval.
	Given int
	// State is "current", "stale" (the objectives changed since) or
	// "missing".
	State string
}

// SignOffStates returns the sign-offs of tier id, given ones first in
// order, then required roles nobody signed.
func (p *Plan) SignOffStates(id string) []SignOffState {
	t := p.Tiers[id]
	if t == nil || t.SignOff == nil {
		return nil
	}
	digest := p.TierDigest(id)
	var out []SignOffState
	given := map[string]bool{}
	for i, s := range t.SignOff.Given {
		state := "current"
		if s.Digest != digest {
			state = "stale"
		}
		given[s.Role] = true
		out = append(out, SignOffState{Role: s.Role, Name: s.Name, Date: &t.SignOff.Given[i].Date, Given: i, State: state})
	}
	for _, r := range t.SignOff.Required {
		if !given[r] {
			out = append(out, SignOffState{Role: r, Given: -1, State: "missing"})
		}
	}
	return out
}

// TierMeasuredRTO returns how long the latest drill of a runbook restoring
// tier id took to bring it back, and that drill. The drill's measured RTO
// counts for every tier it restores; a tier its steps bring back later
// (a restore after the failover) counts until its last recovering step
// finished, from the drill's step timings. Steps the drill did not time
// count nothing: they were added since, and an estimate would pass for a
// measurement. ok is false when no such drill measured an RTO.
func (p *Plan) TierMeasuredRTO(id string) (rto Duration, drill string, ok bool) {
	for _, did := range Keys(p.Drills) {
		d := p.Drills[did]
		if d.Measured == nil || d.Measured.RTO == nil || !slices.Contains(p.RunbookTiers(d.Runbook), id) {
			continue
		}
		if drill == "" || !d.Date.Before(p.Drills[drill].Date.Time) {
			drill = did
		}
	}
	if drill == "" {
		return Duration{}, "", false
	}
	d := p.Drills[drill]
	rto = *d.Measured.RTO
	rb := p.Runbooks[d.Runbook]
	timed := map[string]time.Duration{}
	for _, s := range d.Steps {
		timed[s.ID] = s.Duration.Duration
	}
	recovers := slices.ContainsFunc(rb.Steps, func(s *Step) bool { return slices.Contains(s.Recovers, id) })
	if recovers && len(timed) > 0 {
		steps := rb.CriticalPath(id, func(i int) time.Duration {
			return timed[rb.Steps[i].ID]
		})
		rto.Duration = max(rto.Duration, steps)
	}
	return rto, drill, true
}

// AppliesTo reports whether the template is written for scenario id: it
// names it, or names no scenario at all.
func (t *CommTemplate) AppliesTo(id string) bool {
	return len(t.Scenarios) == 0 || slices.Contains(t.Scenarios, id)
}

// CommTemplates returns the templates that apply to scenario id.
func (p *Plan) CommTemplates(id string) []string {
	var out []string
	for _, tid := range Keys(p.Comms) {
		if p.Comms[tid].AppliesTo(id) {
			out = append(out, tid)
		}
	}
	return out
}

// placeholderRE matches a {{placeholder}} of a comms template.
var placeholderRE = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.]+)\s*\}\}`)

// PlaceholderRE matches a {{placeholder}} of a comms template; its first
// group is the field's name.
func PlaceholderRE() *regexp.Regexp { return placeholderRE }

// Placeholders returns the fields a template text names, in order.
func Placeholders(s string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// ScenarioTiers returns the tiers scenario id affects: those it lists, or
// those its runbook restores.
func (p *Plan) ScenarioTiers(id string) []string {
	s := p.Scenarios[id]
	if s == nil {
		return nil
	}
	if len(s.Tiers) > 0 {
		return s.Tiers
	}
	var tiers []string
	for _, rb := range s.RunbookIDs() {
		for _, t := range p.RunbookTiers(rb) {
			if !slices.Contains(tiers, t) {
				tiers = append(tiers, t)
			}
		}
	}
	return tiers
}

// ScenarioObjectives returns the RTO and RPO scenario id is held to: its
// own where it states them, else the strictest of its tiers; nil when
// neither says.
func (p *Plan) ScenarioObjectives(id string) (rto, rpo *Duration) {
	s := p.Scenarios[id]
	if s == nil {
		return nil, nil
	}
	rto, rpo = s.RTO, s.RPO
	tiers := p.ScenarioTiers(id)
	if rto == nil {
		if d, _, ok := p.StrictestRTO(tiers); ok {
			rto = &d
		}
	}
	if rpo == nil {
		if d, _, ok := p.StrictestRPO(tiers); ok {
			rpo = &d
		}
	}
	return rto, rpo
}
