package generator

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

// StrategyOptions carry what the strategy document states about the plan
// beyond the plan itself.
type StrategyOptions struct {
	// Now is the date the document is rendered as of (review due, drill
	// age); it comes from the caller, never the clock.
	Now time.Time
	// SVG renders DOT as SVG (drplan runs the drplan-diagram helper);
	// without it no SVG is written.
	SVG func(dot []byte) ([]byte, error)
	// Diagram is the architecture diagram's file, embedded when set.
	Diagram string
}

// StrategyMarkdown renders strategy.md, the DR Strategy Document: what each
// tier is promised and who approved it, how the architecture delivers it,
// what is in scope, how to recover, how readiness is watched and proven,
// how to communicate, what it costs, and who keeps it current. It runs
// lint's rules itself and lists every finding the plan accepts as a known
// gap, and judges every drill against its objectives, so it never reads
// greener than `drplan lint` and the auditor site.
func StrategyMarkdown(p *plan.Plan, o StrategyOptions) []byte {
	st := lintPlan(p, o)
	w := &mdWriter{}
	w.f("# %s\n\n", inline(title(p)))
	if p.Description != "" {
		w.f("%s\n\n", paragraph(p.Description))
	}
	strategySummary(w, p, o, st)
	strategyKnownGaps(w, p, st)
	strategyObjectives(w, p, st)
	strategyArchitecture(w, p, o)
	strategyScope(w, p)
	strategyRunbooks(w, p)
	strategyMonitoring(w, p)
	strategyGameDays(w, p, o)
	strategyComms(w, p)
	strategyCost(w, p)
	strategyOwner(w, p, o)
	return []byte(w.String())
}

type mdWriter struct{ strings.Builder }

func (w *mdWriter) f(format string, args ...any) { fmt.Fprintf(w, format, args...) }

// table writes a Markdown table; cells are escaped by the caller.
func (w *mdWriter) table(head []string, rows [][]string) {
	w.f("| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	for _, r := range rows {
		w.f("| %s |\n", strings.Join(r, " | "))
	}
	w.f("\n")
}

func strategySummary(w *mdWriter, p *plan.Plan, o StrategyOptions, st lintStatus) {
	w.f("## Status\n\n")
	counts := map[report.Severity]int{}
	for _, f := range st.findings {
		counts[f.Severity]++
	}
	w.f("- **Lint** (as of %s): %d errors, %d warnings, %d info", o.Now.Format(time.DateOnly), counts[report.Error], counts[report.Warning], counts[report.Info])
	if len(st.findings) > 0 {
		w.f("; of these, %d accepted as known gaps and %d open (see [Known gaps](#known-gaps))", len(st.accepted), len(st.open))
	}
	if len(st.suppressed) > 0 {
		w.f("; %d suppressed as not applying", len(st.suppressed))
	}
	w.f(".\n")
	if last, id := lastDrill(p); last != nil {
		j := p.JudgeDrill(id)
		w.f("- **Last drill:** %s, runbook `%s` (%s), outcome %s", last.Date, last.Runbook, last.Environment, j.Outcome(last.Outcome))
		if j.RTO.Measured != nil && j.RTO.Verdict != plan.Missed {
			w.f(", measured RTO %s", j.RTO.Measured.Human())
			if j.RTO.Target != nil {
				w.f(" against %s (%s)", j.RTO.Target.Human(), j.RTO.Verdict)
			}
		}
		w.f(" (`%s`).\n", id)
	} else {
		w.f("- **Last drill:** none recorded.\n")
	}
	if p.Review != nil {
		due := p.Review.Due()
		state := "current"
		if o.Now.After(due.Time) {
			state = "**expired**"
		}
		w.f("- **Review:** last %s, due %s (%s).\n", p.Review.LastReviewed, due, state)
	}
	w.f("\n")
}

func lastDrill(p *plan.Plan) (*plan.Drill, string) {
	var best *plan.Drill
	var bestID string
	for _, id := range plan.Keys(p.Drills) {
		d := p.Drills[id]
		if best == nil || !d.Date.Before(best.Date.Time) {
			best, bestID = d, id
		}
	}
	return best, bestID
}

func strategyObjectives(w *mdWriter, p *plan.Plan, st lintStatus) {
	w.f("## 1. Objectives and tier classification\n\n")
	if len(p.Tiers) == 0 {
		w.f("The plan declares no tiers.\n\n")
		return
	}
	var rows [][]string
	for _, id := range p.TierIDs() {
		t := p.Tiers[id]
		rows = append(rows, []string{
			fmt.Sprintf("%s: %s", id, cell(t.Title)), dur(t.RTO), dur(t.RPO), cell(t.Strategy), cell(t.Trigger),
			cell(strings.Join(p.TierServices(id), ", ")),
		})
	}
	w.table([]string{"tier", "RTO", "RPO", "strategy", "trigger", "services"}, rows)
	w.f("### Tier notes\n\n")
	for _, id := range p.TierIDs() {
		t := p.Tiers[id]
		w.f("**%s: %s.**", id, inline(t.Title))
		if t.Description != "" {
			w.f(" %s", paragraph(t.Description))
		} else {
			w.f(" The plan gives no notes on this tier.")
		}
		w.f("\n\n")
	}
	w.f("### Sign-offs\n\n")
	w.f("Each sign-off is bound by digest to the RTO, RPO, strategy and services it approved; a change to any of them makes it stale. A current sign-off approves the objectives as written: the known gaps column counts the lint findings that say the plan does not deliver them.\n\n")
	var srows [][]string
	for _, id := range p.TierIDs() {
		gaps := "none"
		if n := tierGaps(st, id); n > 0 {
			gaps = fmt.Sprintf("[%d](#known-gaps)", n)
		}
		states := p.SignOffStates(id)
		if len(states) == 0 {
			srows = append(srows, []string{id, "—", "—", "—", "no sign-off required or given", gaps})
			continue
		}
		for _, s := range states {
			name, date, state := "—", "—", s.State
			if s.Given >= 0 {
				name, date = cell(s.Name), s.Date.String()
			}
			switch s.State {
			case "stale":
				state = "**stale**: objectives changed since"
			case "missing":
				state = "**missing**"
			}
			srows = append(srows, []string{id, cell(s.Role), name, date, state, gaps})
		}
	}
	w.table([]string{"tier", "role", "name", "date", "state", "known gaps"}, srows)
}

func strategyArchitecture(w *mdWriter, p *plan.Plan, o StrategyOptions) {
	w.f("## 2. Architecture\n\n")
	if o.Diagram != "" {
		w.f("![Architecture: regions, components, replication paths, DNS failover and the promotion boundary](%s)\n\n", o.Diagram)
		w.f("Replication: solid = synchronous, dashed = asynchronous, dotted = backup copy. Source: [architecture.dot](architecture.dot).\n\n")
	}
	var rrows [][]string
	for _, id := range plan.Keys(p.Regions) {
		rrows = append(rrows, []string{id, cell(p.Regions[id].Role), cell(p.Regions[id].Description)})
	}
	if len(rrows) > 0 {
		w.table([]string{"region", "role", "notes"}, rrows)
	}
	var arows [][]string
	for _, id := range plan.Keys(p.Accounts) {
		a := p.Accounts[id]
		arows = append(arows, []string{id, a.ID, a.Purpose, cell(a.Description)})
	}
	if len(arows) > 0 {
		w.f("### AWS accounts\n\n")
		w.table([]string{"account", "ID", "purpose", "notes"}, arows)
	}
	var crows [][]string
	for _, id := range plan.Keys(p.Components) {
		c := p.Components[id]
		row := []string{id, cell(c.Kind), cell(c.Region), cell(c.Role), cell(strings.Join(p.ComponentTiers(id), ", "))}
		if len(arows) > 0 {
			row = slices.Insert(row, 3, cell(c.Account))
		}
		crows = append(crows, row)
	}
	if len(crows) > 0 {
		w.f("### Components\n\n")
		head := []string{"component", "kind", "region", "role", "tiers"}
		if len(arows) > 0 {
			head = slices.Insert(head, 3, "account")
		}
		w.table(head, crows)
		// What is rebuilt rather than copied: the source it comes back from.
		rebuilt := false
		for _, id := range plan.Keys(p.Components) {
			c := p.Components[id]
			rb := c.Rebuild
			if rb == nil {
				continue
			}
			rebuilt = true
			by, what := "", "is rebuilt"
			if rb.By != "" {
				by = " by `" + rb.By + "`"
			}
			if c.IsStateless() {
				what = "holds no data of its own: it is rebuilt"
			}
			w.f("- `%s` %s%s (%s) from %s.\n", id, what, by, rb.Method, inline(rb.Source))
		}
		if rebuilt {
			w.f("\n")
		}
	}
	var prows [][]string
	for _, id := range plan.Keys(p.Replication) {
		r := p.Replication[id]
		lag := dur(r.ExpectedLag)
		if r.Interval != nil {
			lag = "every " + r.Interval.Human()
		}
		prows = append(prows, []string{id, r.From + " → " + r.To, r.Mode, cell(r.Mechanism), lag})
	}
	if len(prows) > 0 {
		w.f("### Replication paths\n\n")
		w.table([]string{"path", "from → to", "mode", "mechanism", "expected lag"}, prows)
	}
	for _, id := range plan.Keys(p.DNS) {
		d := p.DNS[id]
		w.f("### DNS failover: %s\n\n", inline(d.Record))
		w.f("Primary %s (%s), secondary %s (%s); TTL %s; health check %s every %s, failing after %d consecutive failures.\n\n",
			inline(d.Primary.Target), d.Primary.Region, inline(d.Secondary.Target), d.Secondary.Region,
			d.TTL.Human(), d.HealthCheck.Protocol+" "+inline(d.HealthCheck.Path), d.HealthCheck.Interval, d.HealthCheck.FailureThreshold)
	}
	if pr := p.Promotion; pr != nil {
		w.f("### Promotion boundary\n\n")
		if pr.Description != "" {
			w.f("%s\n\n", paragraph(pr.Description))
		}
		w.f("Promoted in a region failover: %s.\n\n", cell(strings.Join(pr.Components, ", ")))
		for _, np := range pr.NotPromoted {
			w.f("- Not promoted: `%s`: %s\n", np.Component, inline(np.Reason))
		}
		if len(pr.NotPromoted) > 0 {
			w.f("\n")
		}
	}
}

func strategyScope(w *mdWriter, p *plan.Plan) {
	w.f("## 3. Failure scenarios and declared scope\n\n")
	var rows [][]string
	for _, id := range plan.Keys(p.Scenarios) {
		s := p.Scenarios[id]
		scope := "out"
		if s.InScope {
			scope = "in"
		}
		rb := "—"
		if ids := s.RunbookIDs(); len(ids) > 0 {
			rb = runbookLinks(ids)
		}
		rows = append(rows, []string{fmt.Sprintf("%s (%s)", cell(s.Title), s.Class), scope, cell(s.Response), rb, dur(s.RTO), cell(s.Reason)})
	}
	w.table([]string{"scenario", "scope", "response", "runbook", "own RTO", "reason"}, rows)
}

// runbookLinks links each runbook's page: "[a](runbooks/a.md), [b](runbooks/b.md)".
func runbookLinks(ids []string) string {
	links := make([]string, len(ids))
	for i, id := range ids {
		links[i] = fmt.Sprintf("[%s](runbooks/%s.md)", id, id)
	}
	return strings.Join(links, ", ")
}

func strategyRunbooks(w *mdWriter, p *plan.Plan) {
	w.f("## 4. Runbooks\n\n")
	for _, id := range plan.Keys(p.Runbooks) {
		rb := p.Runbooks[id]
		total := slices.Max(append(rb.Finish(rb.EstimateOf), 0))
		w.f("- [%s](runbooks/%s.md): %d steps, %s estimated on the critical path plus %s of pre-condition waits.",
			inline(rb.Title), id, len(rb.Steps), plan.Duration{Duration: total}.Human(), plan.Duration{Duration: rb.Waits()}.Human())
		var used []string
		for _, sid := range plan.Keys(p.Scenarios) {
			if slices.Contains(p.Scenarios[sid].RunbookIDs(), id) {
				used = append(used, sid)
			}
		}
		if len(used) > 0 {
			w.f(" Answers: %s.", strings.Join(used, ", "))
		}
		w.f("\n")
	}
	w.f("\n### Data corruption: point-in-time recovery\n\n")
	found := false
	for _, sid := range plan.Keys(p.Scenarios) {
		s := p.Scenarios[sid]
		if s.Class == plan.ClassDataCorruption && s.InScope {
			found = true
			w.f("Scenario %s is answered by %s, not by region failover: a replica faithfully copies corruption.", sid, cell(s.Response))
			switch ids := s.RunbookIDs(); len(ids) {
			case 0:
			case 1:
				w.f(" Runbook: %s.", runbookLinks(ids))
			default:
				w.f(" Runbooks: %s.", runbookLinks(ids))
			}
			w.f("\n\n")
		}
	}
	if !found {
		w.f("The plan declares no data-corruption path.\n\n")
	}
}

func strategyMonitoring(w *mdWriter, p *plan.Plan) {
	w.f("## 5. Monitoring and readiness alerts\n\n")
	var rows [][]string
	for _, id := range plan.Keys(p.Alerts) {
		a := p.Alerts[id]
		threshold := "—"
		if t, ok := p.AlertThreshold(id); ok {
			threshold = t.Human()
		}
		if a.Kind == plan.AlertReplicationBacklog {
			threshold = fmt.Sprintf("> %d late", a.BacklogThreshold())
		}
		watches := a.Replication + a.Component + a.Runbook
		rows = append(rows, []string{id, a.Kind, cell(watches), threshold, dur(a.For), cell(alertGuards(p, id))})
	}
	w.table([]string{"alert", "kind", "watches", "threshold", "for", "guards"}, rows)
}

// alertGuards says what an alert guards, as lint judges it: the RPO of the
// tier it names, readiness, or (when it says nothing) the data of the
// tiers it watches, held to the strictest of their RPOs.
func alertGuards(p *plan.Plan, id string) string {
	a := p.Alerts[id]
	o := p.Objective(id)
	switch {
	case a.Guards != nil && a.Guards.Readiness != "":
		return "readiness: " + a.Guards.Readiness
	case a.Guards != nil:
		return a.Guards.Tier + "'s RPO (stated)"
	case o.Tier != "" && len(p.AlertTiers(id)) == 1:
		return o.Tier + "'s RPO"
	case o.Tier != "":
		return fmt.Sprintf("%s (held to %s's RPO, the strictest)", strings.Join(p.AlertTiers(id), ", "), o.Tier)
	}
	return strings.Join(p.AlertTiers(id), ", ")
}

func strategyGameDays(w *mdWriter, p *plan.Plan, o StrategyOptions) {
	w.f("## 6. Game days\n\n")
	if g := p.GameDays; g != nil {
		var cad []string
		for _, t := range plan.Keys(g.Cadence) {
			cad = append(cad, fmt.Sprintf("%s every %s", t, g.Cadence[t].Human()))
		}
		w.f("Cadence: %s.\n\n", strings.Join(cad, "; "))
		var rows [][]string
		for _, s := range g.Schedule {
			rows = append(rows, []string{s.Date.String(), cell(s.Scenario), cell(s.Runbook), s.Environment})
		}
		if len(rows) > 0 {
			w.f("### Scheduled\n\n")
			w.table([]string{"date", "scenario", "runbook", "environment"}, rows)
		}
	}
	w.f("### Recorded drills\n\n")
	var rows [][]string
	ids := plan.Keys(p.Drills)
	slices.SortStableFunc(ids, func(a, b string) int { return p.Drills[a].Date.Compare(p.Drills[b].Date.Time) })
	for _, id := range ids {
		d := p.Drills[id]
		j := p.JudgeDrill(id)
		rpo := dur(j.RPO.Measured)
		if d.Measured != nil && d.Measured.LostWrites != nil {
			rpo += fmt.Sprintf(" (%d lost writes)", *d.Measured.LostWrites)
		}
		rows = append(rows, []string{d.Date.String(), cell(d.Runbook), cell(orDash(d.Scenario)), d.Environment, cell(j.Outcome(d.Outcome)),
			dur(j.RTO.Measured), objective(j.RTO), rpo, objective(j.RPO)})
	}
	if len(rows) == 0 {
		w.f("None recorded.\n\n")
		return
	}
	w.f("Each drill is held to its scenario's own objectives where the scenario states them, otherwise to the strictest objective of the tiers its runbook restores. An outcome is qualified when a measured value missed its objective.\n\n")
	w.table([]string{"date", "runbook", "scenario", "environment", "outcome", "measured RTO", "RTO objective", "measured RPO", "RPO objective"}, rows)
}

// objective is "60 s (tier0)" or "12 h (scenario ransomware)".
func objective(j plan.Judged) string {
	if j.Target == nil {
		return "—"
	}
	return fmt.Sprintf("%s (%s)", j.Target.Human(), j.Of)
}

func strategyComms(w *mdWriter, p *plan.Plan) {
	w.f("## 7. Communications\n\n")
	var rows [][]string
	for _, id := range plan.Keys(p.Comms) {
		c := p.Comms[id]
		reviewed := "**not reviewed**"
		if c.Review != nil {
			reviewed = fmt.Sprintf("%s, %s", cell(c.Review.By), c.Review.Date)
		}
		scenarios := "all"
		if len(c.Scenarios) > 0 {
			scenarios = strings.Join(c.Scenarios, ", ")
		}
		rows = append(rows, []string{id, cell(scenarios), c.Audience, c.Phase, cell(c.Channel), reviewed})
	}
	w.f("Each scenario is sent the templates written for it (or for all scenarios): what a message may promise depends on the disaster. Each is filled per scenario in `comms/<scenario>/`.\n\n")
	w.table([]string{"template", "scenarios", "audience", "phase", "channel", "reviewed"}, rows)
}

func strategyCost(w *mdWriter, p *plan.Plan) {
	w.f("## 8. Cost\n\n")
	if p.Cost == nil {
		w.f("The plan states no cost model.\n\n")
		return
	}
	var monthly, hourly float64
	for _, it := range p.Cost.SteadyState {
		monthly += it.Monthly
	}
	for _, it := range p.Cost.DRState {
		hourly += it.PerHour
	}
	cur := p.Cost.Currency
	w.f("Steady state %s per month; a declared DR adds %s per hour (%s per day). Details: [cost.md](cost.md).\n\n",
		money(monthly, cur), money(hourly, cur), money(hourly*24, cur))
}

func strategyOwner(w *mdWriter, p *plan.Plan, o StrategyOptions) {
	w.f("## 9. Owner and review\n\n")
	if p.Owner != nil {
		w.f("Owned by %s (%s), team %s; contact %s.\n\n", inline(p.Owner.Person), inline(p.Owner.Role), inline(p.Owner.Team), inline(p.Owner.Contact))
	} else {
		w.f("The plan names no owner.\n\n")
	}
	if r := p.Review; r != nil {
		w.f("Reviewed every %s; last reviewed %s; next review due %s.", r.Cadence.Human(), r.LastReviewed, r.Due())
		if o.Now.After(r.Due().Time) {
			w.f(" **The document has expired.**")
		}
		w.f("\n")
	}
	if p.Version != "" {
		w.f("\nDocument version %s.\n", inline(p.Version))
	}
}

func dur(d *plan.Duration) string {
	if d == nil {
		return "—"
	}
	return d.Human()
}
