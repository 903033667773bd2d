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
		ID:       "DR117",
		Severity: report.Error,
		Title:    "Failover steps are ordered so that fencing comes first and consumers start on translated offsets",
		Rationale: "Parallel steps shorten a failover, and `after: []` makes a step start at once; the order that " +
			"remains must still be safe. Until the old primary's writers are fenced, promoting the standby or " +
			"activating writers and consumers in the recovery region gives two sites that each believe they " +
			"are primary: writes on both sides diverge, and events are consumed twice. When the fence waits " +
			"for an approval (\"from here on we are committed to the failover\"), a promotion-side step that " +
			"does not wait for it runs before anyone decided to fail over. Event consumers on a mirrored Kafka " +
			"cluster (MirrorMaker 2 or MSK Replicator, both asynchronous) must resume from translated offsets: " +
			"a group without them restarts from the earliest or the latest offset and re-processes or skips " +
			"events (the OrderFlow reference plan's 2025 drill re-sent 3,100 webhooks that way); and `kafka-consumer-groups " +
			"--reset-offsets` only works on a group with no active members, so a reset planned after the " +
			"consumers started cannot run.",
		Remediation: "Make every promote, activate and start-consumers step wait (`after`, directly or through " +
			"other steps) for the fence steps; keep only harmless preparation (pre-scaling, read-only checks) " +
			"in parallel with the decision. Add a step that translates or resets the consumer groups' offsets " +
			"on the mirror cluster and make the consumers wait for it; move offset resets out of the " +
			"post-actions. State a step's effects (`effects: [\"fence\"]`, ...) where its id, title and " +
			"command do not say it.",
		Check: checkDR117,
	})
}

var (
	fenceWordRE    = regexp.MustCompile(`(?i)\bfenc(?:e|es|ed|ing)\b`)
	promoteCmdRE   = regexp.MustCompile(`\b(?:failover-global-cluster|switchover-global-cluster|promote-read-replica(?:-db-cluster)?|failover-global-replication-group)\b|\bpg_ctl(?:cluster)?\b.*\bpromote\b|\bpg_promote\s*\(`)
	promoteWordRE  = regexp.MustCompile(`(?i)\bpromot(?:e|es|ed|ing)\b`)
	activateWordRE = regexp.MustCompile(`(?i)\bactivat(?:e|es|ed|ing)\b`)
	translateRE    = regexp.MustCompile(`(?im)^translat\w*\b.*\boffsets?\b`)
	resetOffsetsRE = regexp.MustCompile(`--reset-offsets\b`)
	consumersRE    = regexp.MustCompile(`(?i)\b(?:start|starts|starting|resume|resumes|resuming|enable|enables|enabling)\b.*\bconsumers?\b`)
)

// stepEffects returns what a step does: as the plan states it, or as its
// id, title and command say.
func stepEffects(s *plan.Step) []string {
	if s.Effects != nil {
		return s.Effects
	}
	name := strings.ReplaceAll(s.ID, "-", " ") + "\n" + s.Title
	var out []string
	if fenceWordRE.MatchString(name) {
		out = append(out, plan.EffectFence)
	}
	if promoteCmdRE.MatchString(s.Command) || promoteWordRE.MatchString(name) {
		out = append(out, plan.EffectPromote)
	}
	if activateWordRE.MatchString(name) {
		out = append(out, plan.EffectActivate)
	}
	if translateRE.MatchString(name) || resetsOffsets(s.Command) {
		out = append(out, plan.EffectTranslateOffsets)
	}
	if consumersRE.MatchString(name) {
		out = append(out, plan.EffectStartConsumers)
	}
	return out
}

// resetsOffsets reports whether a command moves consumer offsets: a
// kafka-consumer-groups reset that is executed, not a dry run.
func resetsOffsets(cmd string) bool {
	return resetOffsetsRE.MatchString(cmd) && strings.Contains(cmd, "--execute")
}

// promotionSide are the effects that make the recovery site act as primary.
var promotionSide = []string{plan.EffectPromote, plan.EffectActivate, plan.EffectStartConsumers}

func checkDR117(c *Context) {
	p := c.Plan
	mirror := ""
	for _, rid := range plan.Keys(p.Replication) {
		if m := p.Replication[rid].Mechanism; m == "mirrormaker2" || m == "msk-replicator" {
			mirror = rid
			break
		}
	}
	for _, id := range plan.Keys(p.Runbooks) {
		if !answersFailover(p, id) {
			continue
		}
		rb := p.Runbooks[id]
		effects := make([][]string, len(rb.Steps))
		var fences, translators []int
		for i, s := range rb.Steps {
			effects[i] = stepEffects(s)
			if slices.Contains(effects[i], plan.EffectFence) {
				fences = append(fences, i)
			}
			if slices.Contains(effects[i], plan.EffectTranslateOffsets) {
				translators = append(translators, i)
			}
		}
		anc := ancestors(rb)
		consumersStart := -1
		for i := range rb.Steps {
			side := slices.ContainsFunc(effects[i], func(e string) bool { return slices.Contains(promotionSide, e) })
			for _, f := range fences {
				if f == i || !side || anc[i][f] {
					continue
				}
				gate := ""
				if a := rb.Steps[f].Approval; a != nil {
					gate = fmt.Sprintf(", and so before the %s's approval of the fence", a.Role)
				}
				c.Report(At("runbooks", id, "steps", i, "after"),
					"%s of runbook %q (%s) can start before %s (fence) is done%s: both sites can act as primary at once",
					stepRef(rb, i), id, strings.Join(effects[i], ", "), stepRef(rb, f), gate)
			}
			if slices.Contains(effects[i], plan.EffectStartConsumers) {
				if consumersStart < 0 {
					consumersStart = i
				}
				if mirror != "" && !slices.ContainsFunc(translators, func(t int) bool { return anc[i][t] }) {
					why := "no step of the runbook translates the consumer groups' offsets"
					if len(translators) > 0 {
						why = fmt.Sprintf("it does not wait for %s, which translates them", stepRef(rb, translators[0]))
					}
					c.Report(At("runbooks", id, "steps", i, "after"),
						"%s of runbook %q starts consumers on the cluster replication path %q mirrors into, but %s: groups without translated offsets restart from the earliest or latest offset",
						stepRef(rb, i), id, mirror, why)
				}
			}
		}
		if consumersStart < 0 {
			continue
		}
		for k, pa := range rb.PostActions {
			if resetsOffsets(pa.Command) {
				c.Report(At("runbooks", id, "postActions", k),
					"post-action %d %q of runbook %q resets consumer offsets after %s started the consumers: kafka-consumer-groups --reset-offsets refuses a group with active members",
					k+1, pa.Title, id, stepRef(rb, consumersStart))
			}
		}
	}
}

// answersFailover reports whether an in-scope scenario fails over with
// the runbook.
func answersFailover(p *plan.Plan, id string) bool {
	for _, sid := range p.RunbookScenarios(id) {
		if s := p.Scenarios[sid]; s.Response == "failover" || s.Response == "" && s.Class == plan.ClassRegionFailure {
			return true
		}
	}
	return false
}

// ancestors returns, for each step, the set of steps it waits for,
// directly or not.
func ancestors(rb *plan.Runbook) []map[int]bool {
	out := make([]map[int]bool, len(rb.Steps))
	for i := range rb.Steps {
		out[i] = map[int]bool{}
		for _, j := range rb.StepDeps(i) {
			out[i][j] = true
			for k := range out[j] {
				out[i][k] = true
			}
		}
	}
	return out
}
