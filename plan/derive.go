package plan

import (
	"slices"
	"time"
)

// Derivations shared by lint, the generators and verify, so that a figure
// is computed one way everywhere (a threshold lint checks is the threshold
// the alert rules use).

// StepDeps returns the indexes of the steps step i waits for. A step that
// does not say (no `after`) waits for the step before it, so a runbook
// written as a plain numbered list runs in order; `after: []` means it can
// start at once, and `after: [a, b]` waits for exactly those steps.
func (rb *Runbook) StepDeps(i int) []int {
	s := rb.Steps[i]
	if s.After == nil {
		if i == 0 {
			return nil
		}
		return []int{i - 1}
	}
	var out []int
	for _, id := range s.After {
		for j := range rb.Steps[:i] {
			if rb.Steps[j].ID == id {
				out = append(out, j)
				break
			}
		}
	}
	return out
}

// Waits is the time the runbook's pre-conditions spend before step 1 may
// start (e.g. three consecutive minutes of SLO breach).
func (rb *Runbook) Waits() time.Duration {
	var d time.Duration
	for _, pc := range rb.Preconditions {
		if pc.Wait != nil {
			d += pc.Wait.Duration
		}
	}
	return d
}

// Finish returns, for each step, the earliest time it can be done counted
// from the start of step 1, running independent steps in parallel. dur
// gives each step's duration; use EstimateOf for the plan's estimates.
func (rb *Runbook) Finish(dur func(i int) time.Duration) []time.Duration {
	done := make([]time.Duration, len(rb.Steps))
	for i := range rb.Steps {
		var start time.Duration
		for _, j := range rb.StepDeps(i) {
			start = max(start, done[j])
		}
		done[i] = start + dur(i)
	}
	return done
}

// EstimateOf returns the estimate of step i, zero when it has none.
func (rb *Runbook) EstimateOf(i int) time.Duration {
	if e := rb.Steps[i].Estimate; e != nil {
		return e.Duration
	}
	return 0
}

// CriticalPath is the time from the start of step 1 to the last step that
// recovers tier (or to the end of the runbook when no step says), along the
// dependencies, with the given step durations.
func (rb *Runbook) CriticalPath(tier string, dur func(i int) time.Duration) time.Duration {
	done := rb.Finish(dur)
	var end time.Duration
	found := false
	for i, s := range rb.Steps {
		if slices.Contains(s.Recovers, tier) {
			end, found = max(end, done[i]), true
		}
	}
	if !found {
		for _, d := range done {
			end = max(end, d)
		}
	}
	return end
}

// ComponentTiers returns the tiers whose data or service a component
// carries, most critical first: the tiers of the services that depend on
// it, and the tiers of every component whose data replicates into it (a
// backup bucket holds the tiers it backs up).
func (p *Plan) ComponentTiers(id string) []string {
	ix := p.index()
	if tiers, ok := ix.componentTiers[id]; ok {
		return slices.Clone(tiers)
	}
	seen := map[string]bool{}
	tiers := map[string]bool{}
	var visit func(c string)
	visit = func(c string) {
		if seen[c] {
			return
		}
		seen[c] = true
		for t := range ix.direct[c] {
			tiers[t] = true
		}
		for _, from := range ix.inbound[c] {
			visit(from)
		}
	}
	visit(id)
	out := p.sortTiers(tiers)
	ix.componentTiers[id] = out
	return slices.Clone(out)
}

// derivedIndex holds what the derivations look up repeatedly, so that
// checking every component of a large plan stays linear in its size.
type derivedIndex struct {
	// direct maps a component to the tiers of the services that depend on it.
	direct map[string]map[string]bool
	// inbound maps a component to the components replicating into it.
	inbound        map[string][]string
	componentTiers map[string][]string
}

// index returns the plan's derived index, building it on first use. The
// plan must not change while it is in use; Reindex drops it.
func (p *Plan) index() *derivedIndex {
	if p.derived != nil {
		return p.derived
	}
	ix := &derivedIndex{
		direct:         map[string]map[string]bool{},
		inbound:        map[string][]string{},
		componentTiers: map[string][]string{},
	}
	for _, s := range p.Services {
		if s.Tier == "" {
			continue
		}
		for _, c := range s.DependsOn {
			if ix.direct[c] == nil {
				ix.direct[c] = map[string]bool{}
			}
			ix.direct[c][s.Tier] = true
		}
	}
	for _, rid := range Keys(p.Replication) {
		r := p.Replication[rid]
		ix.inbound[r.To] = append(ix.inbound[r.To], r.From)
	}
	p.derived = ix
	return ix
}

// Reindex drops the derived index, for a caller that changed the plan
// after deriving from it (lint rebuilds it on every run).
func (p *Plan) Reindex() { p.derived = nil }

// PathTiers returns the tiers whose data a replication path carries.
func (p *Plan) PathTiers(id string) []string {
	r := p.Replication[id]
	if r == nil {
		return nil
	}
	return p.ComponentTiers(r.From)
}

func (p *Plan) sortTiers(set map[string]bool) []string {
	var out []string
	for _, id := range p.TierIDs() {
		if set[id] {
			out = append(out, id)
		}
	}
	return out
}

// StrictestRPO returns the smallest RPO among tiers and the tier that has
// it; ok is false when none of them states an RPO.
func (p *Plan) StrictestRPO(tiers []string) (rpo Duration, tier string, ok bool) {
	for _, id := range tiers {
		t := p.Tiers[id]
		if t == nil || t.RPO == nil {
			continue
		}
		if !ok || t.RPO.Duration < rpo.Duration {
			rpo, tier, ok = *t.RPO, id, true
		}
	}
	return rpo, tier, ok
}

// AlertTiers returns the tiers an alert guards: those of its replication
// path, or of its component.
func (p *Plan) AlertTiers(id string) []string {
	a := p.Alerts[id]
	switch {
	case a == nil:
		return nil
	case a.Replication != "":
		return p.PathTiers(a.Replication)
	case a.Component != "":
		return p.ComponentTiers(a.Component)
	}
	return nil
}

// AlertThreshold is the threshold an alert fires at: the plan's explicit
// threshold, or else the strictest RPO of the tiers it guards (lag and
// backup freshness) or the game-day cadence of the tiers the runbook
// restores (staleness), or 90 days. ok is false when nothing gives one.
func (p *Plan) AlertThreshold(id string) (d Duration, ok bool) {
	a := p.Alerts[id]
	if a == nil {
		return Duration{}, false
	}
	if a.Threshold != nil {
		return *a.Threshold, true
	}
	switch a.Kind {
	case AlertReplicationLag, AlertBackupFreshness:
		rpo, _, ok := p.StrictestRPO(p.AlertTiers(id))
		return rpo, ok
	case AlertRunbookStaleness:
		if c, ok := p.RunbookCadence(a.Runbook); ok {
			return c, true
		}
		return Duration{90 * 24 * time.Hour}, true
	}
	return Duration{}, false
}

// RunbookCadence is the strictest game-day cadence among the tiers a
// runbook restores.
func (p *Plan) RunbookCadence(id string) (Duration, bool) {
	rb := p.Runbooks[id]
	if rb == nil || p.GameDays == nil {
		return Duration{}, false
	}
	var best Duration
	ok := false
	for _, t := range rb.Tiers {
		if c, has := p.GameDays.Cadence[t]; has && (!ok || c.Duration < best.Duration) {
			best, ok = c, true
		}
	}
	return best, ok
}

// StepsBefore returns, in order, the indexes of the steps that must be done
// before tier is serving again: the steps that recover it and every step
// they wait for, directly or not. When no step says it recovers tier, the
// whole runbook counts.
func (rb *Runbook) StepsBefore(tier string) []int {
	need := make([]bool, len(rb.Steps))
	found := false
	for i := len(rb.Steps) - 1; i >= 0; i-- {
		if slices.Contains(rb.Steps[i].Recovers, tier) {
			need[i], found = true, true
		}
		if need[i] {
			for _, j := range rb.StepDeps(i) {
				need[j] = true
			}
		}
	}
	var out []int
	for i := range rb.Steps {
		if need[i] || !found {
			out = append(out, i)
		}
	}
	return out
}

// RunbookTiers returns the tiers a runbook restores, most critical first:
// those in its tiers list and those its steps say they recover.
func (p *Plan) RunbookTiers(id string) []string {
	rb := p.Runbooks[id]
	if rb == nil {
		return nil
	}
	set := map[string]bool{}
	for _, t := range rb.Tiers {
		set[t] = true
	}
	for _, s := range rb.Steps {
		for _, t := range s.Recovers {
			set[t] = true
		}
	}
	return p.sortTiers(set)
}

// RunbookScenarios returns the in-scope scenarios that a runbook answers.
func (p *Plan) RunbookScenarios(id string) []string {
	var out []string
	for _, sid := range Keys(p.Scenarios) {
		if s := p.Scenarios[sid]; s.InScope && s.Runbook == id {
			out = append(out, sid)
		}
	}
	return out
}

// StrictestRTO returns the smallest RTO among tiers and the tier that has
// it; ok is false when none of them states an RTO.
func (p *Plan) StrictestRTO(tiers []string) (rto Duration, tier string, ok bool) {
	for _, id := range tiers {
		t := p.Tiers[id]
		if t == nil || t.RTO == nil {
			continue
		}
		if !ok || t.RTO.Duration < rto.Duration {
			rto, tier, ok = *t.RTO, id, true
		}
	}
	return rto, tier, ok
}

// ReplicaOf returns the continuous (sync or async) replication path that
// writes into component id, if any: such a component is a live replica,
// which copies whatever is written to its source, corruption and
// encryption included.
func (p *Plan) ReplicaOf(id string) (path string, ok bool) {
	for _, rid := range Keys(p.Replication) {
		if r := p.Replication[rid]; r.To == id && (r.Mode == ModeSync || r.Mode == ModeAsync) {
			return rid, true
		}
	}
	return "", false
}

// IsImmutable reports whether the component holds copies that cannot be
// altered or deleted before their retention ends: declared immutable, an S3
// bucket with Object Lock in COMPLIANCE mode, or an AWS Backup vault with
// Vault Lock in compliance mode.
func (c *Component) IsImmutable() bool {
	switch {
	case c.Immutable:
		return true
	case c.AWS == nil:
		return false
	case c.AWS.ObjectLock != nil && c.AWS.ObjectLock.Mode == "COMPLIANCE":
		return true
	}
	return c.AWS.VaultLock == "compliance"
}

// LatestDate is the most recent date the plan records (its review, a
// sign-off, a drill, a template review): the date a rendering describes
// when no other is given, so that the same plan renders the same bytes.
func (p *Plan) LatestDate() Date {
	var latest Date
	see := func(d Date) {
		if d.After(latest.Time) {
			latest = d
		}
	}
	if p.Review != nil {
		see(p.Review.LastReviewed)
	}
	for _, t := range p.Tiers {
		if t.SignOff != nil {
			for _, s := range t.SignOff.Given {
				see(s.Date)
			}
		}
	}
	for _, d := range p.Drills {
		see(d.Date)
	}
	for _, c := range p.Comms {
		if c.Review != nil {
			see(c.Review.Date)
		}
	}
	return latest
}

// AccountOf is the account the component lives in, and its name in the
// plan; nil when the component names none (or does not exist).
func (p *Plan) AccountOf(component string) (string, *Account) {
	c := p.Components[component]
	if c == nil || c.Account == "" {
		return "", nil
	}
	return c.Account, p.Accounts[c.Account]
}

// AccountsFor are the names of the plan's accounts with a purpose.
func (p *Plan) AccountsFor(purpose string) []string {
	var out []string
	for _, name := range Keys(p.Accounts) {
		if p.Accounts[name].Purpose == purpose {
			out = append(out, name)
		}
	}
	return out
}

// ComplianceLocked reports whether the component's copies are under a
// lock no principal of its account can lift: S3 Object Lock in
// COMPLIANCE mode or AWS Backup Vault Lock in compliance mode.
func (c *Component) ComplianceLocked() bool {
	if c.AWS == nil {
		return false
	}
	return c.AWS.ObjectLock != nil && c.AWS.ObjectLock.Mode == "COMPLIANCE" || c.AWS.VaultLock == "compliance"
}
