package plan

import (
	"fmt"
	"slices"
	"strings"
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
// it, and the tiers of the data that replicates into it (a backup bucket
// holds the tiers it backs up): those an inbound path states it carries,
// or else those of the path's source.
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
		for _, rid := range ix.inbound[c] {
			// A path that states what it carries brings those tiers
			// only; one that does not brings its source's.
			if r := p.Replication[rid]; r.Carries != nil {
				for _, t := range r.Carries {
					tiers[t] = true
				}
			} else {
				visit(r.From)
			}
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
	// inbound maps a component to the replication paths into it.
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
		ix.inbound[r.To] = append(ix.inbound[r.To], rid)
	}
	p.derived = ix
	return ix
}

// Reindex drops the derived index, for a caller that changed the plan
// after deriving from it (lint rebuilds it on every run).
func (p *Plan) Reindex() { p.derived = nil }

// PathTiers returns the tiers whose RPO a replication path is relied on
// for, most critical first: those it states it carries (none for
// `carries: []`), or else those of the data at its source.
func (p *Plan) PathTiers(id string) []string {
	r := p.Replication[id]
	if r == nil {
		return nil
	}
	if r.Carries != nil {
		set := map[string]bool{}
		for _, t := range r.Carries {
			set[t] = true
		}
		return p.sortTiers(set)
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

// AlertScope returns the tiers whose data an alert watches: those its
// replication path carries, or its component's.
func (p *Plan) AlertScope(id string) []string {
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

// AlertTiers returns the tiers whose RPO an alert guards: the tier it
// states, none when it states it guards readiness, or else every tier of
// its scope (an alert within the strictest of their RPOs is within all).
func (p *Plan) AlertTiers(id string) []string {
	a := p.Alerts[id]
	if a == nil {
		return nil
	}
	if g := a.Guards; g != nil {
		if g.Tier != "" {
			return []string{g.Tier}
		}
		return nil
	}
	return p.AlertScope(id)
}

// AlertObjective is the objective an alert is judged against and why.
type AlertObjective struct {
	// Tier is the tier whose RPO the alert guards; "" when it guards none
	// (readiness, or no tier of its scope states an RPO).
	Tier string
	RPO  Duration
	// Stated is true when the plan says which tier the alert guards.
	Stated bool
	// Readiness is what the alert guards when it guards no RPO.
	Readiness string
}

// Objective returns what alert id is judged against: the RPO of the tier
// it says it guards, nothing for a readiness alert, or, when it is silent,
// the strictest RPO of the tiers its path or component carries.
func (p *Plan) Objective(id string) AlertObjective {
	a := p.Alerts[id]
	if a == nil {
		return AlertObjective{}
	}
	if g := a.Guards; g != nil {
		if g.Readiness != "" || g.Tier == "" {
			return AlertObjective{Stated: true, Readiness: g.Readiness}
		}
		o := AlertObjective{Tier: g.Tier, Stated: true}
		if t := p.Tiers[g.Tier]; t != nil && t.RPO != nil {
			o.RPO = *t.RPO
		}
		return o
	}
	rpo, tier, ok := p.StrictestRPO(p.AlertScope(id))
	if !ok {
		return AlertObjective{}
	}
	return AlertObjective{Tier: tier, RPO: rpo}
}

// Why says, for a message, why the objective is the one used: "which it
// guards as stated" or "the strictest RPO of the tiers replication path
// "x" carries (tier0, tier1), as the alert does not say which it guards".
func (o AlertObjective) Why(p *Plan, id string) string {
	if o.Stated {
		return "which it guards as stated"
	}
	a := p.Alerts[id]
	what := fmt.Sprintf("component %q", a.Component)
	if a.Replication != "" {
		what = fmt.Sprintf("replication path %q", a.Replication)
	}
	return fmt.Sprintf("the strictest RPO of the tiers %s carries (%s), as the alert does not say which it guards",
		what, strings.Join(p.AlertScope(id), ", "))
}

// AlertThreshold is the threshold an alert fires at: the plan's explicit
// threshold, or else the RPO of the tier it guards (lag and backup
// freshness; see Objective) or the game-day cadence of the tiers the
// runbook restores (staleness), or 90 days. ok is false when nothing gives
// one. A replication-backlog alert counts, see BacklogThreshold.
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
		o := p.Objective(id)
		if o.Tier == "" || p.Tiers[o.Tier] == nil || p.Tiers[o.Tier].RPO == nil {
			return Duration{}, false
		}
		return o.RPO, true
	case AlertRunbookStaleness:
		if c, ok := p.RunbookCadence(a.Runbook); ok {
			return c, true
		}
		return Duration{90 * 24 * time.Hour}, true
	}
	return Duration{}, false
}

// BacklogThreshold is the number of late objects or operations above
// which a replication-backlog alert fires: the plan's thresholdCount, or
// 0 (any late object fires it).
func (a *Alert) BacklogThreshold() int64 {
	if a.ThresholdCount != nil {
		return *a.ThresholdCount
	}
	return 0
}

// cloudWatchLag lists the mechanisms whose lag drplan reads from a
// CloudWatch metric by default; CloudWatch publishes them once a minute.
var cloudWatchLag = map[string]bool{
	"aurora-global-database":       true,
	"rds-read-replica":             true,
	"msk-replicator":               true,
	"elasticache-global-datastore": true,
	"s3-crr":                       true,
}

// MetricPeriod is the resolution of the metric an alert watches, the time
// between two samples: the period the plan states on the alert's metric or
// its path's, else one minute for a CloudWatch metric (the default metric
// of a CloudWatch-measured mechanism, or a metric named in the CloudWatch
// exporter's aws_ scheme). ok is false when nothing says.
func (p *Plan) MetricPeriod(id string) (Duration, bool) {
	a := p.Alerts[id]
	if a == nil {
		return Duration{}, false
	}
	m := a.Metric
	var path *ReplicationPath
	if a.Replication != "" {
		path = p.Replication[a.Replication]
	}
	if m == nil && path != nil {
		m = path.Metric
	}
	switch {
	case m != nil && m.Period != nil:
		return *m.Period, true
	case m != nil && strings.HasPrefix(m.Name, "aws_"):
		return Duration{time.Minute}, true
	case m == nil && path != nil && cloudWatchLag[path.Mechanism]:
		return Duration{time.Minute}, true
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
		if s := p.Scenarios[sid]; s.InScope && slices.Contains(s.RunbookIDs(), id) {
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

// LostRegion is the region a scenario loses: the one it states, or else
// the plan's only primary region. ok is false when neither says.
func (p *Plan) LostRegion(id string) (region string, ok bool) {
	s := p.Scenarios[id]
	if s == nil {
		return "", false
	}
	if s.Region != "" {
		return s.Region, true
	}
	for _, r := range Keys(p.Regions) {
		if p.Regions[r].Role != "primary" {
			continue
		}
		if region != "" {
			return "", false // several primaries: the plan must say which
		}
		region = r
	}
	return region, region != ""
}

// FailbacksOf returns the runbooks that state they reverse runbook id.
func (p *Plan) FailbacksOf(id string) []string {
	var out []string
	for _, rid := range Keys(p.Runbooks) {
		if slices.Contains(p.Runbooks[rid].FailbackFor, id) {
			out = append(out, rid)
		}
	}
	return out
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
