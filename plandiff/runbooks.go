package plandiff

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/drplan/drplan/plan"
)

// Runbooks are compared step by step, by step id. Unlike most lists, the
// order of steps carries meaning (a step without `after` waits for the one
// before it), so a step moving is reported; a step's number is only its
// position and is not compared.

func (c *comparer) runbooks() {
	c.section = "runbooks"
	for _, id := range keys(c.base.Runbooks, c.head.Runbooks) {
		if c.renamedKey("runbook", "runbooks", "Runbook", id) {
			continue
		}
		a, b := c.base.Runbooks[id], c.head.Runbooks[id]
		path := plan.Path("runbooks", id)
		subject := "runbook " + id
		what := ""
		if r := cmpOr(b, a); r != nil {
			what = fmt.Sprintf("%s (%s)", r.Title, count(len(r.Steps), "step"))
		}
		if !c.presence("runbook", path, "Runbook "+id, a != nil, b != nil, what) {
			continue
		}
		c.text("runbook.owner", path+".owner", subject, "owner", a.Owner, b.Owner)
		c.set("runbook.tiers", path+".tiers", subject, "tiers", a.Tiers, b.Tiers)
		c.preconditions(path, subject, a, b)
		c.steps(path, subject, a, b)
		c.set("runbook.post-actions", path+".postActions", subject, "post-actions", postActions(a), postActions(b))
		c.criticalPaths(id, path, subject, a, b)
		c.suppressions(path, subject, a.Suppress, b.Suppress, a.Accept, b.Accept)
	}
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func standing(s *plan.StandingApproval) string {
	if s == nil {
		return ""
	}
	return s.String()
}

func postActions(rb *plan.Runbook) []string {
	out := make([]string, len(rb.PostActions))
	for i, p := range rb.PostActions {
		out[i] = p.Title
	}
	return out
}

// preconditions compares pre-conditions by what they check.
func (c *comparer) preconditions(path, subject string, a, b *plan.Runbook) {
	index := func(rb *plan.Runbook) map[string]int {
		m := map[string]int{}
		for i, p := range rb.Preconditions {
			m[p.Check] = i
		}
		return m
	}
	ia, ib := index(a), index(b)
	for _, check := range keys(ia, ib) {
		i, inA := ia[check]
		j, inB := ib[check]
		switch {
		case !inA:
			c.add(Change{Kind: "runbook.precondition", Path: plan.Path(path, "preconditions", j), Effect: Added, After: check,
				Message: fmt.Sprintf("%s: pre-condition added: %q", subject, check)})
		case !inB:
			c.add(Change{Kind: "runbook.precondition", Path: plan.Path(path, "preconditions", i), Effect: Removed, Before: check, inBase: true,
				Message: fmt.Sprintf("%s: pre-condition removed: %q", subject, check)})
		default:
			pa, pb := a.Preconditions[i], b.Preconditions[j]
			pp := plan.Path(path, "preconditions", j)
			c.mapBase(pp, plan.Path(path, "preconditions", i))
			sub := fmt.Sprintf("%s: pre-condition %q", subject, abbreviate(check))
			c.duration("runbook.precondition-wait", pp+".wait", sub, "wait", pa.Wait, pb.Wait, false)
			c.block("runbook.precondition-command", pp+".command", sub, "command", pa.Command, pb.Command)
			c.text("runbook.precondition-expect", pp+".expect", sub, "expected output", pa.Expect, pb.Expect)
		}
	}
}

func abbreviate(s string) string {
	const n = 60
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "..."
	}
	return s
}

func (c *comparer) steps(path, subject string, a, b *plan.Runbook) {
	ren := stepRenames(a, b)
	ia, ib := stepIndex(a), stepIndex(b)
	// A renamed step is found in base under its old id.
	for old, n := range ren {
		ia[n] = ia[old]
	}
	// Steps in head order, then steps removed, in base order.
	for j, sb := range b.Steps {
		sp := plan.Path(path, "steps", j)
		i, ok := ia[sb.ID]
		if !ok {
			c.add(Change{Kind: "step", Path: sp, Effect: Added, After: sb.ID,
				Message: fmt.Sprintf("%s: step %d %s added: %s", subject, j+1, sb.ID, sb.Title)})
			continue
		}
		c.mapBase(sp, plan.Path(path, "steps", i))
		if old := a.Steps[i].ID; old != sb.ID {
			c.add(Change{Kind: "step.id", Path: sp + ".id", Effect: Renamed, Before: old, After: sb.ID,
				Message: fmt.Sprintf("%s: step %s renamed to %s", subject, old, sb.ID)})
		}
		c.step(sp, fmt.Sprintf("%s step %s", subject, sb.ID), a, i, b, j, ren)
	}
	for i, sa := range a.Steps {
		_, kept := ib[sa.ID]
		if _, renamed := ren[sa.ID]; !kept && !renamed {
			c.add(Change{Kind: "step", Path: plan.Path(path, "steps", i), Effect: Removed, Before: sa.ID, inBase: true,
				Message: fmt.Sprintf("%s: step %s removed (was step %d: %s)", subject, sa.ID, i+1, sa.Title)})
		}
	}
	c.stepOrder(path, subject, a, b, ia)
}

func stepIndex(rb *plan.Runbook) map[string]int {
	m := make(map[string]int, len(rb.Steps))
	for i, s := range rb.Steps {
		m[s.ID] = i
	}
	return m
}

// step compares step i of a with step j of b, the same step by id.
func (c *comparer) step(sp, subject string, a *plan.Runbook, i int, b *plan.Runbook, j int, ren map[string]string) {
	x, y := a.Steps[i], b.Steps[j]
	c.block("step.command", sp+".command", subject, "command", x.Command, y.Command)
	c.text("step.expect", sp+".expect", subject, "expected output", x.Expect, y.Expect)
	c.text("step.owner", sp+".owner", subject, "owner", x.Owner, y.Owner)
	c.duration("step.timeout", sp+".timeout", subject, "timeout", x.Timeout, y.Timeout, true)
	c.duration("step.estimate", sp+".estimate", subject, "estimate", x.Estimate, y.Estimate, false)
	// What the step waits for, as it runs: a step without `after` waits for
	// the step before it, so inserting a step in front of it counts.
	c.set("step.after", sp+".after", subject, "waits for", renamed(depIDs(a, i), ren), depIDs(b, j))
	c.set("step.recovers", sp+".recovers", subject, "tiers it recovers", x.Recovers, y.Recovers)
	c.set("step.measures", sp+".measures", subject, "measures", x.Measures, y.Measures)
	switch {
	case x.Approval == nil && y.Approval != nil:
		c.add(Change{Kind: "step.approval", Path: sp + ".approval", Effect: Added, After: y.Approval.Role,
			Message: fmt.Sprintf("%s: approval gate added: waits for the %s's go-ahead", subject, y.Approval.Role)})
	case x.Approval != nil && y.Approval == nil:
		c.add(Change{Kind: "step.approval", Path: sp + ".approval", Effect: Removed, Before: x.Approval.Role,
			Message: fmt.Sprintf("%s: approval gate removed: no longer waits for the %s's go-ahead", subject, x.Approval.Role)})
	case x.Approval != nil:
		c.text("step.approval", sp+".approval.role", subject, "approving role", x.Approval.Role, y.Approval.Role)
		// A standing approval lets automated runs pass the gate: giving,
		// renewing or withdrawing one changes what the runbook does unattended.
		c.text("step.standing-approval", sp+".approval.standing", subject, "standing approval for automated runs",
			standing(x.Approval.Standing), standing(y.Approval.Standing))
	}
	switch {
	case x.Rollback != nil && y.Rollback == nil:
		msg := fmt.Sprintf("%s: rollback removed", subject)
		if y.Irreversible != "" {
			msg += fmt.Sprintf("; now marked irreversible: %q", y.Irreversible)
		} else {
			msg += ", and the step is not marked irreversible: nothing undoes it"
		}
		c.add(Change{Kind: "step.rollback", Path: sp + ".rollback", Effect: Removed, Before: x.Rollback.Command, Message: msg})
	case x.Rollback == nil && y.Rollback != nil:
		c.add(Change{Kind: "step.rollback", Path: sp + ".rollback", Effect: Added, After: y.Rollback.Command,
			Message: fmt.Sprintf("%s: rollback added", subject)})
	case x.Rollback != nil:
		c.block("step.rollback-command", sp+".rollback.command", subject, "rollback command", x.Rollback.Command, y.Rollback.Command)
		c.text("step.rollback-expect", sp+".rollback.expect", subject, "rollback's expected output", x.Rollback.Expect, y.Rollback.Expect)
	}
	// Marking a step irreversible is reported with its rollback's removal.
	if !(x.Rollback != nil && y.Rollback == nil && x.Irreversible == "") {
		c.text("step.irreversible", sp+".irreversible", subject, "irreversible reason", x.Irreversible, y.Irreversible)
	}
	c.suppressions(sp, subject, x.Suppress, y.Suppress, x.Accept, y.Accept)
}

// renamed maps ids through renames.
func renamed(ids []string, ren map[string]string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if n, ok := ren[id]; ok {
			out[i] = n
		}
	}
	return out
}

func depIDs(rb *plan.Runbook, i int) []string {
	var out []string
	for _, j := range rb.StepDeps(i) {
		out = append(out, rb.Steps[j].ID)
	}
	return out
}

// stepOrder reports the steps kept from base whose order relative to the
// others changed. The steps that stay in order are a longest increasing
// run of base positions taken in head order; the rest moved.
func (c *comparer) stepOrder(path, subject string, a, b *plan.Runbook, ia map[string]int) {
	var seq []int   // base index of each kept step, in head order
	var heads []int // its head index
	for j, s := range b.Steps {
		if i, ok := ia[s.ID]; ok {
			seq = append(seq, i)
			heads = append(heads, j)
		}
	}
	keep := longestIncreasing(seq)
	for k, i := range seq {
		if keep[k] {
			continue
		}
		j := heads[k]
		c.add(Change{Kind: "step.order", Path: plan.Path(path, "steps", j), Effect: Reordered,
			Before: fmt.Sprint(i + 1), After: fmt.Sprint(j + 1),
			Message: fmt.Sprintf("%s: step %s moved to position %d (was %d)%s", subject, b.Steps[j].ID, j+1, i+1, neighbours(b, j))})
	}
}

func neighbours(rb *plan.Runbook, j int) string {
	var parts []string
	if j > 0 {
		parts = append(parts, "after "+rb.Steps[j-1].ID)
	}
	if j+1 < len(rb.Steps) {
		parts = append(parts, "before "+rb.Steps[j+1].ID)
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, " and ")
}

// longestIncreasing marks the elements of one longest strictly increasing
// subsequence of seq, in O(n log n) so large runbooks stay cheap.
func longestIncreasing(seq []int) []bool {
	tails := []int{} // tails[l] = index in seq ending the best run of length l+1
	prev := make([]int, len(seq))
	for k, v := range seq {
		l := sort.Search(len(tails), func(m int) bool { return seq[tails[m]] >= v })
		if l > 0 {
			prev[k] = tails[l-1]
		} else {
			prev[k] = -1
		}
		if l == len(tails) {
			tails = append(tails, k)
		} else {
			tails[l] = k
		}
	}
	keep := make([]bool, len(seq))
	if len(tails) == 0 {
		return keep
	}
	for k := tails[len(tails)-1]; k >= 0; k = prev[k] {
		keep[k] = true
	}
	return keep
}

// criticalPaths reports, per tier the runbook restores, a change in the
// time from the start of the pre-conditions to the tier serving again, as
// the estimates and dependencies give it: the figure lint holds against
// the tier's RTO.
func (c *comparer) criticalPaths(id, path, subject string, a, b *plan.Runbook) {
	tiers := c.head.RunbookTiers(id)
	for _, t := range tiers {
		if !slices.Contains(c.base.RunbookTiers(id), t) {
			continue
		}
		pa := plan.Duration{Duration: a.Waits() + a.CriticalPath(t, a.EstimateOf)}
		pb := plan.Duration{Duration: b.Waits() + b.CriticalPath(t, b.EstimateOf)}
		if pa.Duration == pb.Duration || (len(a.Steps) == 0 && len(b.Steps) == 0) {
			continue
		}
		c.duration("runbook.critical-path", path, subject, "time to restore "+t+" (pre-condition waits and critical path)", &pa, &pb, false)
	}
}
