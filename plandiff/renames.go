package plandiff

import (
	"encoding/json"
	"fmt"

	"github.com/drplan/drplan/plan"
)

// A key renamed with nothing else changed is one change, "renamed", not an
// element removed and another added; and references to it that only
// follow the rename (a service's dependencies, a scenario's runbook, a
// step's `after`) report nothing. Tiers and regions are not matched: a
// tier's ID is part of what its sign-off approved, and a region's ID is the
// AWS region itself.

// renames maps, per kind of element, an old key to its new one.
type renames map[string]map[string]string

// findRenames pairs keys only in a with keys only in b whose elements are
// identical, when the pairing is unambiguous.
func findRenames[V any](a, b map[string]V) map[string]string {
	gone := map[string][]byte{}
	for k, v := range a {
		if _, ok := b[k]; !ok {
			gone[k] = canonical(v)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	byContent := map[string][]string{}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			byContent[string(canonical(v))] = append(byContent[string(canonical(v))], k)
		}
	}
	out := map[string]string{}
	taken := map[string]int{}
	for _, k := range plan.Keys(gone) {
		if news := byContent[string(gone[k])]; len(news) == 1 {
			out[k] = news[0]
			taken[news[0]]++
		}
	}
	// Two identical elements removed and one added: which was renamed is
	// a guess, so neither is.
	for old, n := range out {
		if taken[n] > 1 {
			delete(out, old)
		}
	}
	return out
}

// canonical is an element's content, as JSON (maps sorted by key).
func canonical(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(fmt.Sprintf("unencodable %p", &v))
	}
	return b
}

func (c *comparer) findAllRenames() {
	c.renamed = renames{
		"service":     findRenames(c.base.Services, c.head.Services),
		"component":   findRenames(c.base.Components, c.head.Components),
		"replication": findRenames(c.base.Replication, c.head.Replication),
		"dns":         findRenames(c.base.DNS, c.head.DNS),
		"scenario":    findRenames(c.base.Scenarios, c.head.Scenarios),
		"runbook":     findRenames(c.base.Runbooks, c.head.Runbooks),
		"alert":       findRenames(c.base.Alerts, c.head.Alerts),
		"drill":       findRenames(c.base.Drills, c.head.Drills),
		"comms":       findRenames(c.base.Comms, c.head.Comms),
	}
}

// ref maps a base reference to a kind of element through its rename.
func (c *comparer) ref(kind, id string) string {
	if n, ok := c.renamed[kind][id]; ok {
		return n
	}
	return id
}

func (c *comparer) refs(kind string, ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = c.ref(kind, id)
	}
	return out
}

// renamedKey handles the key id of a section compared by identity: an old
// name of a renamed element is skipped, a new one reported as the rename.
// It says whether the caller is done with id.
func (c *comparer) renamedKey(kind, section, label, id string) bool {
	for old, n := range c.renamed[kind] {
		switch id {
		case old:
			return true
		case n:
			c.add(Change{Kind: kind + ".id", Path: plan.Path(section, id), Effect: Renamed, Before: old, After: n,
				Message: fmt.Sprintf("%s %s renamed to %s, nothing else changed", label, old, n)})
			return true
		}
	}
	return false
}

// stepRenames pairs steps only in a with steps only in b that are the same
// step under another id: identical but for their id and number (and for
// `after` entries that name other renamed steps, which are not followed:
// such a step shows as changed).
func stepRenames(a, b *plan.Runbook) map[string]string {
	strip := func(rb *plan.Runbook) map[string]plan.Step {
		m := map[string]plan.Step{}
		for _, s := range rb.Steps {
			cp := *s
			cp.ID, cp.Number = "", 0
			m[s.ID] = cp
		}
		return m
	}
	return findRenames(strip(a), strip(b))
}
