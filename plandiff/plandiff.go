// Package plandiff compares two versions of a DR plan and says, in plain
// words, what changed in substance: what the plan promised before and what it
// promises now. It compares the typed models, not the text, so that moving a
// field, reordering map keys or restating "60s" as "1m" reports nothing,
// while loosening an objective, dropping a rollback or moving a service to
// another tier does. Changes that invalidate a business sign-off are listed
// apart, because they need an approval before the plan is true again.
package plandiff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drplan/drplan/plan"
)

// Sections group changes the way a reviewer reads a plan; Markdown output
// follows this order.
var Sections = []Section{
	{"objectives", "Objectives and sign-offs"},
	{"services", "Services"},
	{"architecture", "Architecture"},
	{"scope", "Scope"},
	{"runbooks", "Runbooks"},
	{"monitoring", "Monitoring"},
	{"drills", "Game days and drills"},
	{"comms", "Communication"},
	{"cost", "Cost"},
	{"ownership", "Ownership and review"},
}

// Section is a group of changes: its ID (the JSON "section" value) and its
// heading.
type Section struct {
	ID    string
	Title string
}

// Effects of a change: the JSON "effect" values.
const (
	Added     = "added"
	Removed   = "removed"
	Changed   = "changed"
	Loosened  = "loosened"  // an objective, bound or cadence promises less
	Tightened = "tightened" // ... promises more
	Increased = "increased" // a quantity (cost, capacity, estimate, lag) grew
	Decreased = "decreased"
	Reordered = "reordered"
	Renamed   = "renamed" // a key or step id changed, nothing else
)

// Change is one change of substance.
type Change struct {
	// Section is one of Sections' IDs.
	Section string `json:"section"`
	// Kind names what changed, e.g. "tier.rpo", "step.rollback"; stable.
	Kind string `json:"kind"`
	// Path is the node in the plan ("tiers.tier1.rpo"); for a removal, in
	// the base plan, otherwise in the head plan.
	Path string `json:"path"`
	// Effect is one of the effect constants.
	Effect string `json:"effect"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	// Delta is After - Before for durations and amounts ("+30s", "-1200").
	Delta   string `json:"delta,omitempty"`
	Message string `json:"message"`
	// Detail is a unified diff of a changed text (a command, a message body).
	Detail string `json:"detail,omitempty"`
	// Pos is where the node is written (head, or base for a removal).
	Pos *plan.Pos `json:"pos,omitempty"`

	// inBase says Path is already a path in base (a whole element removed).
	inBase bool
}

// Invalidation is a tier whose objectives changed so that sign-offs that
// were current in the base plan no longer match the head plan's digest.
type Invalidation struct {
	Tier  string `json:"tier"`
	Title string `json:"title,omitempty"`
	// Because lists what the sign-off digest covers that changed.
	Because []string `json:"because"`
	// SignOffs are the approvals that are stale now.
	SignOffs []StaleSignOff `json:"signoffs"`
	Pos      *plan.Pos      `json:"pos,omitempty"`
}

// StaleSignOff is one approval that no longer matches the tier.
type StaleSignOff struct {
	Role string `json:"role"`
	Name string `json:"name"`
	Date string `json:"date"`
}

// Diff is the comparison of one plan at two versions.
type Diff struct {
	// Name is the plan's name (the head's, or the base's if it was removed).
	Name string `json:"name"`
	// Path is where the plan lives, as the user named it.
	Path string `json:"path,omitempty"`
	// Status is "changed", "unchanged", "added" or "removed".
	Status      string         `json:"status"`
	Invalidated []Invalidation `json:"signoffsInvalidated"`
	Changes     []Change       `json:"changes"`
}

// Plan statuses.
const (
	StatusChanged   = "changed"
	StatusUnchanged = "unchanged"
	StatusAdded     = "added"
	StatusRemoved   = "removed"
)

// Compare reports what changed from base to head. Either may be nil for a
// plan that was added or removed.
func Compare(base, head *plan.Plan) *Diff {
	d := &Diff{Invalidated: []Invalidation{}, Changes: []Change{}}
	switch {
	case base == nil && head == nil:
		d.Status = StatusUnchanged
		return d
	case base == nil:
		d.Name, d.Status = head.Name, StatusAdded
		return d
	case head == nil:
		d.Name, d.Status = base.Name, StatusRemoved
		return d
	}
	d.Name = head.Name
	c := &comparer{base: base, head: head}
	c.findAllRenames()
	c.invalidations(d)
	c.objectives()
	c.services()
	c.architecture()
	c.scope()
	c.runbooks()
	c.monitoring()
	c.drills()
	c.comms()
	c.cost()
	c.ownership()
	// Sections are emitted in order already; a stable sort by section keeps
	// that true if a comparison reports into another section.
	slices.SortStableFunc(c.changes, func(a, b Change) int {
		return sectionIndex(a.Section) - sectionIndex(b.Section)
	})
	d.Changes = append(d.Changes, c.changes...)
	if len(d.Changes) > 0 || len(d.Invalidated) > 0 {
		d.Status = StatusChanged
	} else {
		d.Status = StatusUnchanged
	}
	return d
}

func sectionIndex(id string) int {
	return slices.IndexFunc(Sections, func(s Section) bool { return s.ID == id })
}

// comparer walks both plans section by section, collecting changes.
type comparer struct {
	base, head *plan.Plan
	changes    []Change
	// section is the section the current comparison reports into.
	section string
	// basePaths maps the head path of a list element compared by identity
	// (a step, a pre-condition) to its path in base, where it may sit at
	// another index: a removal is located in base.
	basePaths map[string]string
	// renamed are the elements whose key changed and nothing else.
	renamed renames
}

// mapBase records that the node at headPath was at basePath in base.
func (c *comparer) mapBase(headPath, basePath string) {
	if headPath == basePath {
		return
	}
	if c.basePaths == nil {
		c.basePaths = map[string]string{}
	}
	c.basePaths[headPath] = basePath
}

// inBase translates a head path to the same node's path in base.
func (c *comparer) inBase(path string) string {
	for p := path; ; {
		if bp, ok := c.basePaths[p]; ok {
			return bp + path[len(p):]
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			return path
		}
		p = p[:i]
	}
}

// add records a change at path; removed changes are located in the base.
func (c *comparer) add(ch Change) {
	ch.Section = c.section
	src := c.head.Source
	if ch.Effect == Removed {
		if !ch.inBase {
			ch.Path = c.inBase(ch.Path)
		}
		src = c.base.Source
	}
	if src != nil {
		if p := src.Pos(ch.Path); p.IsValid() {
			ch.Pos = &p
		}
	}
	c.changes = append(c.changes, ch)
}

// invalidations finds the tiers whose sign-offs were current in base and
// are not in head.
func (c *comparer) invalidations(d *Diff) {
	for _, id := range c.head.TierIDs() {
		bt, ht := c.base.Tiers[id], c.head.Tiers[id]
		if bt == nil || ht == nil || bt.SignOff == nil {
			continue
		}
		was, now := c.base.TierDigest(id), c.head.TierDigest(id)
		if was == now {
			continue
		}
		// A sign-off current in base is invalidated when head's, for the
		// same role, does not match the changed tier, or was dropped.
		headBy := map[string]plan.SignOff{}
		if ht.SignOff != nil {
			for _, s := range ht.SignOff.Given {
				headBy[s.Role] = s
			}
		}
		var stale []StaleSignOff
		for _, s := range bt.SignOff.Given {
			if s.Digest != was {
				continue
			}
			if h, ok := headBy[s.Role]; ok {
				if h.Digest == now {
					continue
				}
				s = h
			}
			stale = append(stale, StaleSignOff{Role: s.Role, Name: s.Name, Date: s.Date.String()})
		}
		if len(stale) == 0 {
			continue
		}
		inv := Invalidation{Tier: id, Title: ht.Title, SignOffs: stale}
		if s := objectiveChange("RTO", bt.RTO, ht.RTO); s != "" {
			inv.Because = append(inv.Because, s)
		}
		if s := objectiveChange("RPO", bt.RPO, ht.RPO); s != "" {
			inv.Because = append(inv.Because, s)
		}
		if bt.Strategy != ht.Strategy {
			inv.Because = append(inv.Because, fmt.Sprintf("strategy %s to %s", orNone(bt.Strategy), orNone(ht.Strategy)))
		}
		added, removed := setDiff(c.base.TierServices(id), c.head.TierServices(id))
		if len(added) > 0 {
			inv.Because = append(inv.Because, "services added: "+strings.Join(added, ", "))
		}
		if len(removed) > 0 {
			inv.Because = append(inv.Because, "services removed: "+strings.Join(removed, ", "))
		}
		if p := c.head.Source.Pos("tiers", id); p.IsValid() {
			inv.Pos = &p
		}
		d.Invalidated = append(d.Invalidated, inv)
	}
}

func objectiveChange(name string, a, b *plan.Duration) string {
	if durEqual(a, b) {
		return ""
	}
	return fmt.Sprintf("%s %s to %s", name, humanDur(a), humanDur(b))
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// setDiff returns the elements only in b (added) and only in a (removed),
// sorted: for lists whose order carries no meaning.
func setDiff(a, b []string) (added, removed []string) {
	in := func(list []string, s string) bool { return slices.Contains(list, s) }
	for _, s := range b {
		if !in(a, s) && !in(added, s) {
			added = append(added, s)
		}
	}
	for _, s := range a {
		if !in(b, s) && !in(removed, s) {
			removed = append(removed, s)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	return added, removed
}

// keys returns the union of two maps' keys, sorted.
func keys[V any](a, b map[string]V) []string {
	out := plan.Keys(a)
	for _, k := range plan.Keys(b) {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
