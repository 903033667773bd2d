// Package verify compares a plan with live AWS, read-only, and reports
// every place where they disagree. It reads AWS through the real
// aws-sdk-go-v2 clients (Live) into an Observed state, then compares
// the plan with that state (Compare); a recorded state can be compared
// again offline, which is how `drplan verify --snapshot` reproduces a
// finding without credentials.
package verify

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/lint"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

// maxRounds bounds the fetch rounds: a check that needs one object to
// know the next (the S3 replication rule that names a lag metric) adds a
// round; none chains deeper than this.
const maxRounds = 4

// Live reads from AWS everything the plans' checks need. Failures are
// recorded per resource, never returned: the error is only for a
// configuration that cannot be loaded at all.
func Live(ctx context.Context, plans []*plan.Plan, cfg Config) (*Observed, error) {
	s, err := newSession(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s.plans = plans
	obs := &Observed{TakenAt: time.Now().UTC().Truncate(time.Second), DefaultRegion: s.base.Region}
	// Without credentials every read would fail the same way; say so
	// once, as a configuration error, rather than as a finding per
	// resource. Accounts reached through a profile of their own do not
	// need the caller's.
	if s.needsCaller(pending(plans, obs), cfg) {
		if _, err := s.base.Credentials.Retrieve(ctx); err != nil {
			return nil, fmt.Errorf("no usable AWS credentials (environment, --profile, SSO or instance role): %w", err)
		}
	}
	var done atomic.Int64
	total := 0
	for range maxRounds {
		keys := pending(plans, obs)
		if len(keys) == 0 {
			break
		}
		if err := s.reach(ctx, cfg, keys); err != nil {
			return nil, err
		}
		total += len(keys)
		collect(ctx, s, keys, obs, cfg, &done, total)
	}
	obs.sortResources()
	if err := nothingRead(obs, s); err != nil {
		return obs, err
	}
	return obs, nil
}

// needsCaller reports whether any of keys is read with the caller's
// credentials: in no account, in one the plans reach with no profile of
// its own, or through a role assumed with them.
func (s *session) needsCaller(keys []fetchKey, cfg Config) bool {
	profiled := map[string]bool{}
	if cfg.AssumeRole == "" {
		for _, p := range s.plans {
			for _, a := range p.Accounts {
				if a.Role == "" && a.Profile != "" {
					profiled[a.ID] = true
				}
			}
		}
	}
	for _, k := range keys {
		if !profiled[k.Account] {
			return true
		}
	}
	return false
}

// NothingVerifiedError is Live's answer when AWS answered none of the
// reads: no credentials that work, no permission, or no AWS reachable.
// Every check would be "could not verify"; that is not a result.
type NothingVerifiedError struct {
	// Lines say, per account and region, what kept verify out.
	Lines []string
	// Throttled counts the reads AWS throttled past every retry: a
	// reader on a schedule backs off.
	Throttled int
}

func (e *NothingVerifiedError) Error() string {
	return "nothing verified: every AWS read failed\n  " + strings.Join(e.Lines, "\n  ")
}

// nothingRead is a NothingVerifiedError when obs holds reads and every
// one failed; partial failures are DR201 findings, as each check's own.
func nothingRead(obs *Observed, s *session) error {
	type place struct{ account, region string }
	first := map[place]*Resource{}
	var places []place
	for _, r := range obs.Resources {
		if r.Error == "" {
			return nil
		}
		pl := place{r.Account, r.Region}
		if _, seen := first[pl]; !seen {
			first[pl] = r
			places = append(places, pl)
		}
	}
	if len(places) == 0 {
		return nil
	}
	slices.SortFunc(places, func(a, b place) int {
		return cmp.Or(cmp.Compare(a.account, b.account), cmp.Compare(a.region, b.region))
	})
	e := &NothingVerifiedError{Throttled: obs.Throttled()}
	for _, pl := range places {
		r := first[pl]
		what := "can't reach AWS"
		if r.denied {
			what = "no permission"
		}
		who := "the caller's account"
		if a := s.accounts[pl.account]; a != nil && pl.account != "" {
			who = "account " + a.label() + " through " + a.how
		}
		e.Lines = append(e.Lines, fmt.Sprintf("%s, %s: %s: %s", who, pl.region, what, r.Error))
	}
	return e
}

// pending lists what the checks would look up and obs does not hold yet.
func pending(plans []*plan.Plan, obs *Observed) []fetchKey {
	want := map[fetchKey]bool{}
	for _, p := range plans {
		c := newChecker(p, obs, obs.DefaultRegion)
		c.planned = want
		c.run()
	}
	keys := make([]fetchKey, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	// Longest first, so the run does not end waiting on a slow fetch
	// started last; otherwise a stable order, so that load on the
	// endpoints is repeatable.
	sortKeys(keys)
	slices.SortStableFunc(keys, func(a, b fetchKey) int { return cost[b.Kind] - cost[a.Kind] })
	return keys
}

// cost is how many calls a fetch of each kind makes (at least).
var cost = map[string]int{kindBucket: 4, kindFailover: 3, kindBackupPlan: 2}

// Compare checks one plan against an observed state. Every check is
// returned, the ones that hold too, each at the plan line that declared
// what it checks.
func Compare(p *plan.Plan, obs *Observed) []evidence.Check {
	return newChecker(p, obs, obs.DefaultRegion).run()
}

// Outcome is one plan compared with AWS.
type Outcome struct {
	// Checks are every check, the ones that hold too.
	Checks []evidence.Check
	// Findings are the checks that did not hold, with the severity of
	// their rule and the plan node they are about, after the plan's
	// accept lists; Suppressed are the ones its suppress lists silence.
	Findings, Suppressed []report.Finding
}

// Verify compares one plan with an observed state, as Compare, and turns
// the checks that did not hold into report findings.
func Verify(p *plan.Plan, obs *Observed) Outcome {
	c := newChecker(p, obs, obs.DefaultRegion)
	out := Outcome{Checks: c.run()}
	// One fact judged from two places of the plan is one finding, at the
	// first place, naming the second.
	also := map[int][]string{}
	merged := map[int]bool{}
	for _, sf := range c.same {
		if sf.drop < 0 {
			continue
		}
		keep, drop := out.Checks[sf.keep], out.Checks[sf.drop]
		if keep.Status == evidence.Mismatch && drop.Status == evidence.Mismatch {
			merged[sf.drop] = true
			at := drop.Pos.String()
			if drop.Pos.File == keep.Pos.File {
				at = fmt.Sprintf("line %d", drop.Pos.Line) // the finding names the file
			}
			also[sf.keep] = append(also[sf.keep], fmt.Sprintf("%s (%s %s at %s)", sf.also, drop.RuleID, drop.ID, at))
		}
	}
	var fs []report.Finding
	for i, ch := range out.Checks {
		if ch.Status == evidence.OK || merged[i] {
			continue
		}
		sev := report.Error
		if r, ok := RuleByID(ch.RuleID); ok {
			sev = r.Severity
		}
		msg := ch.Message
		if ch.Component != "" {
			msg = fmt.Sprintf("%s: %s", ch.Component, msg)
		}
		for _, a := range also[i] {
			msg += "; " + a
		}
		fs = append(fs, report.Finding{RuleID: ch.RuleID, Severity: sev, Message: msg, Pos: ch.Pos, Path: c.nodes[i]})
	}
	// The plan's suppress and accept lists apply as they do to lint's
	// findings: one mechanism, one meaning.
	out.Findings, out.Suppressed = lint.ApplySuppressions(p, fs, obs.TakenAt)
	return out
}
