package lint

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR114",
		Severity: report.Error,
		Title:    "Failback is a runbook, not a paragraph",
		Rationale: "A region failover ends with the business running in the standby region, with no standby of " +
			"its own and at the cost of a declared DR, until someone brings it back. The way back is harder than " +
			"the way out: the old primary has diverged (an Aurora Global Database failover with " +
			"--allow-data-loss leaves it with commits the new writer never saw) and must rejoin as a secondary " +
			"before a switchover, the ElastiCache global datastore and MirrorMaker 2 flows are reversed, DNS or " +
			"routing controls are flipped back, each with its own failure modes. Written as a post-action " +
			"(\"schedule the failback\") or a rollback that says \"during the failback\", it has no commands, no " +
			"expected output, no rollbacks and no drill, and is improvised after a long incident. A failback " +
			"runbook nobody has drilled or scheduled is a procedure nobody has seen work.",
		Remediation: "Write the failback as a runbook of its own with `failbackFor: <failover runbook>`: rejoin " +
			"and resynchronise the old primary, reconcile what the failover lost, switch over without data " +
			"loss (`aws rds switchover-global-cluster`), reverse the cache and event flows, move traffic back, " +
			"each step with expected output and a rollback. Schedule it in the game days (a production " +
			"switchover drill exercises it) and record its drills.",
		Check: checkDR114,
	})
}

// failbackWords find prose that relies on a way back to the original
// site. Words like "reverse" or "go back" are left out: they appear in
// irreversible reasons and details for other reasons.
var failbackWords = regexp.MustCompile(`(?i)\bfail(?:s|ed|ing)?[- ]?back\b|\bswitch(?:es|ed|ing)?[- ]back\b|\bswitchover back\b|\bfail(?:s|ed|ing)? over back\b`)

func checkDR114(c *Context) {
	p := c.Plan
	for _, id := range plan.Keys(p.Runbooks) {
		rb := p.Runbooks[id]
		if len(rb.FailbackFor) > 0 {
			checkFailbackDrilled(c, id)
			continue
		}
		if len(p.FailbacksOf(id)) > 0 {
			continue
		}
		mentions := failbackMentions(rb)
		var region []string
		for _, sid := range p.RunbookScenarios(id) {
			if s := p.Scenarios[sid]; s.Class == plan.ClassRegionFailure && s.Response != "no-failover" {
				region = append(region, fmt.Sprintf("%q", sid))
			}
		}
		relies := ""
		if len(mentions) > 0 {
			relies = fmt.Sprintf(" and relies on a failback (%s)", andList(mentions))
		}
		lacks := fmt.Sprintf("no runbook states failbackFor: %q: the way back has no commands, expected output, rollbacks or drill", id)
		switch {
		case len(region) > 0:
			moved := "its tiers"
			if ts := p.RunbookTiers(id); len(ts) > 0 {
				moved = andList(ts)
			}
			c.Report(At("runbooks", id), "runbook %q fails %s over to the standby region (scenario %s)%s, but %s",
				id, moved, strings.Join(region, ", "), relies, lacks)
		case len(mentions) > 0:
			c.Report(At("runbooks", id), "runbook %q relies on a failback (%s), but %s", id, andList(mentions), lacks)
		}
	}
}

// failbackMentions lists the places of a runbook that rely on a failback:
// irreversible reasons, comments in rollback commands, post-actions.
func failbackMentions(rb *plan.Runbook) []string {
	var out []string
	for i, s := range rb.Steps {
		if failbackWords.MatchString(s.Irreversible) {
			out = append(out, fmt.Sprintf("the irreversible reason of %s", stepRef(rb, i)))
		}
		if s.Rollback != nil && failbackWords.MatchString(shellComments(s.Rollback.Command)) {
			out = append(out, fmt.Sprintf("the rollback of %s", stepRef(rb, i)))
		}
	}
	for i, pa := range rb.PostActions {
		if failbackWords.MatchString(pa.Title + "\n" + pa.Detail + "\n" + shellComments(pa.Command)) {
			out = append(out, fmt.Sprintf("post-action %d %q", i+1, pa.Title))
		}
	}
	return out
}

// shellComments returns the comment lines of a script.
func shellComments(script string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(script, "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "#") {
			b.WriteString(t + "\n")
		}
	}
	return b.String()
}

// checkFailbackDrilled warns about a failback runbook that no drill has
// run and no game day will.
func checkFailbackDrilled(c *Context, id string) {
	p := c.Plan
	for _, d := range p.Drills {
		if d.Runbook == id {
			return
		}
	}
	if p.GameDays != nil && slices.ContainsFunc(p.GameDays.Schedule, func(g plan.ScheduledDrill) bool { return g.Runbook == id }) {
		return
	}
	c.ReportAs(report.Warning, At("runbooks", id),
		"failback runbook %q (for %s) has no recorded drill and no scheduled game day: nobody has seen the way back work",
		id, andList(quoteIDs(p.Runbooks[id].FailbackFor)))
}
