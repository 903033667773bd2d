package plandiff

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/drplan/drplan/plan"
)

// The comparisons below are shared by every section: each compares one
// field of a node present in both plans, and words the change for people.

func durEqual(a, b *plan.Duration) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Duration == b.Duration
}

func humanDur(d *plan.Duration) string {
	if d == nil {
		return "(none)"
	}
	return d.Human()
}

func canonDur(d *plan.Duration) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// presence reports a node added or removed, and says whether it is in both
// plans (so its fields can be compared).
func (c *comparer) presence(kind, path, subject string, inBase, inHead bool, what string) bool {
	switch {
	case inBase && inHead:
		return true
	case inHead:
		c.add(Change{Kind: kind, Path: path, Effect: Added, After: what, Message: joinWords(subject, "added", what)})
	case inBase:
		c.add(Change{Kind: kind, Path: path, Effect: Removed, Before: what, inBase: true, Message: joinWords(subject, "removed", what)})
	}
	return false
}

func joinWords(subject, verb, what string) string {
	switch {
	case what == "":
		return subject + " " + verb
	case strings.HasPrefix(what, "in "):
		// "in tier0", "in scope": reads on without a colon.
		return subject + " " + verb + " " + what
	}
	return subject + " " + verb + ": " + what
}

// text reports a changed one-line string field.
func (c *comparer) text(kind, path, subject, field, a, b string) {
	if a == b {
		return
	}
	ch := Change{Kind: kind, Path: path, Before: a, After: b}
	switch {
	case a == "":
		ch.Effect, ch.Message = Added, fmt.Sprintf("%s: %s set to %q", subject, field, b)
	case b == "":
		ch.Effect, ch.Message = Removed, fmt.Sprintf("%s: %s removed (was %q)", subject, field, a)
	default:
		ch.Effect, ch.Message = Changed, fmt.Sprintf("%s: %s changed from %q to %q", subject, field, a, b)
	}
	c.add(ch)
}

// block reports a changed multi-line text (a command, a message body):
// the message names it, the detail shows the lines that changed.
func (c *comparer) block(kind, path, subject, field, a, b string) {
	if a == b {
		return
	}
	ch := Change{Kind: kind, Path: path, Before: a, After: b, Detail: lineDiff(a, b)}
	switch {
	case a == "":
		ch.Effect, ch.Message = Added, fmt.Sprintf("%s: %s added", subject, field)
	case b == "":
		ch.Effect, ch.Message = Removed, fmt.Sprintf("%s: %s removed", subject, field)
	default:
		ch.Effect, ch.Message = Changed, fmt.Sprintf("%s: %s changed", subject, field)
	}
	c.add(ch)
}

// lineDiff is the unified diff of two texts without its file header.
func lineDiff(a, b string) string {
	if !strings.HasSuffix(a, "\n") {
		a += "\n"
	}
	if !strings.HasSuffix(b, "\n") {
		b += "\n"
	}
	out := string(diff.Diff("before", []byte(a), "after", []byte(b)))
	if i := strings.Index(out, "@@"); i >= 0 {
		out = out[i:]
	}
	return strings.TrimSuffix(out, "\n")
}

// duration reports a changed duration. For a bound (an objective, a
// timeout, a threshold, a cadence) a longer value promises less: loosened;
// for a quantity (an estimate, a lag) it is increased.
func (c *comparer) duration(kind, path, subject, field string, a, b *plan.Duration, bound bool) {
	if durEqual(a, b) {
		return
	}
	ch := Change{Kind: kind, Path: path, Before: canonDur(a), After: canonDur(b)}
	switch {
	case a == nil:
		ch.Effect, ch.Message = Added, fmt.Sprintf("%s: %s set to %s", subject, field, b.Human())
	case b == nil:
		ch.Effect, ch.Message = Removed, fmt.Sprintf("%s: %s removed (was %s)", subject, field, a.Human())
	default:
		delta := plan.Duration{Duration: b.Duration - a.Duration}
		ch.Delta = delta.String()
		if delta.Duration > 0 {
			ch.Delta = "+" + ch.Delta
		}
		longer, shorter := Increased, Decreased
		if bound {
			longer, shorter = Loosened, Tightened
		}
		ch.Effect = shorter
		if delta.Duration > 0 {
			ch.Effect = longer
		}
		abs := delta
		if abs.Duration < 0 {
			abs.Duration = -abs.Duration
		}
		ch.Message = fmt.Sprintf("%s: %s %s from %s to %s (by %s)", subject, field, ch.Effect, a.Human(), b.Human(), abs.Human())
	}
	c.add(ch)
}

// number reports a changed amount; unit is appended to the figures.
func (c *comparer) number(kind, path, subject, field string, a, b float64, unit string) {
	if a == b {
		return
	}
	delta := b - a
	ch := Change{Kind: kind, Path: path, Before: formatNum(a), After: formatNum(b), Delta: signed(delta)}
	ch.Effect = Decreased
	if delta > 0 {
		ch.Effect = Increased
	}
	ch.Message = fmt.Sprintf("%s: %s %s from %s to %s (%s%s)", subject, field, ch.Effect,
		groupThousands(a)+unit, groupThousands(b)+unit, signedHuman(delta), unit)
	c.add(ch)
}

// formatNum writes a figure without a needless fraction, for JSON.
func formatNum(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func signed(f float64) string {
	if f > 0 {
		return "+" + formatNum(f)
	}
	return formatNum(f)
}

// signedHuman writes a signed figure with thousands separators, for people.
func signedHuman(f float64) string {
	s := groupThousands(math.Abs(f))
	if f < 0 {
		return "-" + s
	}
	return "+" + s
}

func groupThousands(f float64) string {
	if f < 0 {
		return "-" + groupThousands(-f)
	}
	s := formatNum(f)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// flag reports a changed boolean with a phrase for each state.
func (c *comparer) flag(kind, path, subject string, a, b bool, on, off string) {
	if a == b {
		return
	}
	ch := Change{Kind: kind, Path: path, Before: strconv.FormatBool(a), After: strconv.FormatBool(b), Effect: Changed}
	if b {
		ch.Message = subject + ": " + on
	} else {
		ch.Message = subject + ": " + off
	}
	c.add(ch)
}

// set reports elements added to and removed from a list whose order
// carries no meaning, one change per element.
func (c *comparer) set(kind, path, subject, field string, a, b []string) {
	added, removed := setDiff(a, b)
	for _, s := range added {
		c.add(Change{Kind: kind, Path: path, Effect: Added, After: s, Message: fmt.Sprintf("%s: %s gained %s", subject, field, s)})
	}
	for _, s := range removed {
		c.add(Change{Kind: kind, Path: path, Effect: Removed, Before: s, Message: fmt.Sprintf("%s: %s lost %s", subject, field, s)})
	}
}

// suppressions reports findings newly silenced or accepted on a node, or
// no longer: a reviewer should see a gap being waved through.
func (c *comparer) suppressions(path, subject string, baseSup, headSup, baseAcc, headAcc []plan.Suppression) {
	c.suppressionList("suppression", childPath(path, "suppress"), subject, "suppresses", baseSup, headSup)
	c.suppressionList("acceptance", childPath(path, "accept"), subject, "accepts", baseAcc, headAcc)
}

func (c *comparer) suppressionList(kind, path, subject, verb string, a, b []plan.Suppression) {
	index := func(list []plan.Suppression) map[string]plan.Suppression {
		m := map[string]plan.Suppression{}
		for _, s := range list {
			m[s.Rule] = s
		}
		return m
	}
	am, bm := index(a), index(b)
	for _, rule := range keys(am, bm) {
		x, inA := am[rule]
		y, inB := bm[rule]
		switch {
		case !inA:
			c.add(Change{Kind: kind, Path: path, Effect: Added, After: rule,
				Message: fmt.Sprintf("%s now %s %s%s: %q", subject, verb, rule, until(y.Expires), y.Reason)})
		case !inB:
			c.add(Change{Kind: kind, Path: path, Effect: Removed, Before: rule,
				Message: fmt.Sprintf("%s no longer %s %s", subject, verb, rule)})
		case dateStr(x.Expires) != dateStr(y.Expires):
			c.add(Change{Kind: kind, Path: path, Effect: Changed, Before: dateStr(x.Expires), After: dateStr(y.Expires),
				Message: fmt.Sprintf("%s %s %s: expiry changed from %s to %s", subject, verb, rule, orNone(dateStr(x.Expires)), orNone(dateStr(y.Expires)))})
		case x.Reason != y.Reason:
			c.add(Change{Kind: kind, Path: path, Effect: Changed, Before: x.Reason, After: y.Reason,
				Message: fmt.Sprintf("%s %s %s: reason changed to %q", subject, verb, rule, y.Reason)})
		}
	}
}

func until(d *plan.Date) string {
	if d == nil {
		return ""
	}
	return " until " + d.String()
}

func dateStr(d *plan.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func childPath(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}
