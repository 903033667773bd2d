package lint

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR112",
		Severity: report.Error,
		Title:    "Every in-scope scenario has its own first messages, quoting only objectives it has",
		Rationale: "What a message may promise depends on the disaster: an AZ failure is handled inside the region, " +
			"a region failure moves service to the standby, data corruption is repaired by a restore and ransomware " +
			"is isolated and rebuilt from immutable backups, never failed over. One message for all of them tells " +
			"customers and executives something false in most of them. A template that quotes an RTO or RPO " +
			"(a {{rto}} or {{rpo}} field, or a duration beside the words RTO, RPO, objective, recovery time or " +
			"recovery point) must quote one the scenario it is sent for actually has.",
		Remediation: "Give each in-scope scenario templates for the status-page, exec-channel and " +
			"customer-email audiences (`scenarios: [...]` on a template limits it to those scenarios; a template " +
			"without it is sent for all), and quote objectives with {{rto}} and {{rpo}}, which render the " +
			"scenario's own, or state the scenario's objective in the text.",
		Check: checkDR112,
	})
}

// dr112Objective finds clauses that state an objective.
var (
	dr112Objective = regexp.MustCompile(`(?i)\b(RTO|RPO|objectives?|recovery time|recovery point)\b`)
	// A duration as people write it: "60 s", "5 minutes", "11m40s", "24h".
	dr112Duration = regexp.MustCompile(`(?i)\b([0-9]+(?:\.[0-9]+)?) ?(ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b|\b(?:[0-9]+[dhms]){2,}\b`)
	dr112Clause   = regexp.MustCompile(`[^.;\n]+`)
)

func checkDR112(c *Context) {
	p := c.Plan
	for _, sid := range plan.Keys(p.Scenarios) {
		s := p.Scenarios[sid]
		if !s.InScope {
			continue
		}
		templates := p.CommTemplates(sid)
		for _, a := range dr008Audiences {
			if !slices.ContainsFunc(plan.Keys(p.Comms), func(id string) bool { return p.Comms[id].Audience == a }) {
				continue // DR008 reports the audience missing altogether
			}
			// The first message is the one that must be ready: an update or
			// a resolution written for the scenario does not make up for a
			// declaration that is not.
			first := func(id string) bool { return p.Comms[id].Audience == a && p.Comms[id].Phase == "declared" }
			if !slices.ContainsFunc(plan.Keys(p.Comms), first) {
				first = func(id string) bool { return p.Comms[id].Audience == a } // the plan names no phases
			}
			if !slices.ContainsFunc(templates, first) {
				c.Report(At("scenarios", sid), "scenario %q has no declared-phase %s template written for it: its first message would be another scenario's or written during the incident", sid, a)
			}
		}
		rto, rpo := p.ScenarioObjectives(sid)
		for _, tid := range templates {
			dr112Quotes(c, tid, sid, rto, rpo)
		}
	}
}

// dr112Quotes reports what template tid quotes that scenario sid does not
// have.
func dr112Quotes(c *Context, tid, sid string, rto, rpo *plan.Duration) {
	t := c.Plan.Comms[tid]
	text := t.Subject + "\n" + t.Body
	fields := plan.Placeholders(text)
	for _, f := range []struct {
		name string
		have *plan.Duration
	}{{"rto", rto}, {"rpo", rpo}} {
		if f.have == nil && slices.Contains(fields, f.name) {
			c.Report(At("comms", tid, "body"), "template %q quotes {{%s}}, but scenario %q has no %s (neither its own nor its tiers'): the message would go out with a blank",
				tid, f.name, sid, strings.ToUpper(f.name))
		}
	}
	for _, clause := range dr112Clause.FindAllString(plan.PlaceholderRE().ReplaceAllString(text, ""), -1) {
		if !dr112Objective.MatchString(clause) {
			continue
		}
		for _, lit := range dr112Duration.FindAllString(clause, -1) {
			d, ok := dr112Parse(lit)
			if !ok {
				continue
			}
			if (rto != nil && d == rto.Duration) || (rpo != nil && d == rpo.Duration) {
				continue
			}
			c.Report(At("comms", tid, "body"), "template %q states an objective of %s (%q), which scenario %q does not have (its objectives: %s)",
				tid, plan.Duration{Duration: d}.Human(), strings.TrimSpace(clause), sid, dr112Objectives(rto, rpo))
		}
	}
}

// dr112Parse reads a duration as dr112Duration found it.
func dr112Parse(lit string) (time.Duration, bool) {
	if d, err := plan.ParseDuration(lit); err == nil {
		return d.Duration, true
	}
	m := dr112Duration.FindStringSubmatch(lit)
	if m == nil || m[1] == "" {
		return 0, false
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	unit := strings.ToLower(m[2])
	var u time.Duration
	switch {
	case unit == "ms":
		u = time.Millisecond
	case strings.HasPrefix(unit, "s"):
		u = time.Second
	case strings.HasPrefix(unit, "m"):
		u = time.Minute
	case strings.HasPrefix(unit, "h"):
		u = time.Hour
	case strings.HasPrefix(unit, "d"):
		u = 24 * time.Hour
	default:
		return 0, false
	}
	return time.Duration(n * float64(u)), true
}

func dr112Objectives(rto, rpo *plan.Duration) string {
	var out []string
	if rto != nil {
		out = append(out, "RTO "+rto.Human())
	}
	if rpo != nil {
		out = append(out, "RPO "+rpo.Human())
	}
	if len(out) == 0 {
		return "none stated"
	}
	return strings.Join(out, ", ")
}
