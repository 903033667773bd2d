package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// TierDigest is the digest a sign-off of tier id must carry to be current.
// It covers what a business approver signs: the tier's RTO, RPO, strategy
// and the services in it. Durations are canonicalised ("60s" and "1m" are
// the same objective) and services sorted, so reformatting the plan never
// invalidates a sign-off, while any change of substance does.
func (p *Plan) TierDigest(id string) string {
	t := p.Tiers[id]
	if t == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("drplan-tier-signoff/v1\n")
	b.WriteString("tier=" + id + "\n")
	b.WriteString("rto=" + optDuration(t.RTO) + "\n")
	b.WriteString("rpo=" + optDuration(t.RPO) + "\n")
	b.WriteString("strategy=" + t.Strategy + "\n")
	b.WriteString("services=" + strings.Join(p.TierServices(id), ",") + "\n")
	sum := sha256.Sum256([]byte(b.String()))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func optDuration(d *Duration) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// TierServices lists the IDs of the services in tier id, sorted.
func (p *Plan) TierServices(id string) []string {
	var out []string
	for sid, s := range p.Services {
		if s.Tier == id {
			out = append(out, sid)
		}
	}
	sort.Strings(out)
	return out
}
