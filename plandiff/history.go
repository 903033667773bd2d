package plandiff

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/drplan/drplan/plan"
)

// SignedVersion returns a lookup for lint's stale sign-offs: the latest
// committed version of the plan in dir in which tier's sign-off digest was
// digest, or nil. It reads the history lazily, newest first and at most
// limit commits back, only when a stale sign-off asks; outside a git
// repository, or on any git error, it finds nothing and lint says what it
// says without history.
func SignedVersion(ctx context.Context, g *Git, dir string, load func(dir string) (*plan.Plan, error), limit int) func(tier, digest string) *plan.Plan {
	var (
		started  bool
		top, rel string
		commits  []string
		versions = map[string]*plan.Plan{} // commit -> plan, nil when it did not load
	)
	start := func() bool {
		started = true
		t, err := g.TopLevel(ctx)
		if err != nil {
			return false
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			return false
		}
		if r, err := filepath.EvalSymlinks(t); err == nil {
			t = r
		}
		if r, err := filepath.EvalSymlinks(abs); err == nil {
			abs = r
		}
		r, err := filepath.Rel(t, abs)
		if err != nil || !filepath.IsLocal(r) && r != "." {
			return false
		}
		out, err := g.run(ctx, nil, "-C", t, "log", "--format=%H", "-n", strconv.Itoa(limit), "--", filepath.ToSlash(r))
		if err != nil {
			return false
		}
		top, rel, commits = t, r, strings.Fields(string(out))
		return true
	}
	version := func(commit string) *plan.Plan {
		if p, ok := versions[commit]; ok {
			return p
		}
		versions[commit] = nil
		tmp, err := os.MkdirTemp("", "drplan-history-")
		if err != nil {
			return nil
		}
		defer os.RemoveAll(tmp)
		if err := g.Export(ctx, top, commit, []string{rel}, tmp); err != nil {
			return nil
		}
		p, err := load(filepath.Join(tmp, rel))
		if err != nil {
			return nil
		}
		versions[commit] = p
		return p
	}
	return func(tier, digest string) *plan.Plan {
		if !started && !start() || top == "" {
			return nil
		}
		for _, c := range commits {
			if p := version(c); p != nil && p.TierDigest(tier) == digest {
				return p
			}
		}
		return nil
	}
}
