package plan

import (
	"cmp"
	"slices"
)

// Keys returns the keys of m in sorted order, for deterministic iteration.
func Keys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TierIDs returns the tier IDs ordered by level, then ID: the order in which
// people read tiers (Tier 0 first).
func (p *Plan) TierIDs() []string {
	ids := Keys(p.Tiers)
	slices.SortStableFunc(ids, func(a, b string) int {
		return cmp.Compare(p.Tiers[a].Level, p.Tiers[b].Level)
	})
	return ids
}
