package lint

import (
	"strings"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR003",
		Severity: report.Error,
		Title:    "Every disaster class is declared in or out of scope, with the reason and the response",
		Rationale: "The first question in an incident is which disaster this is, because the responses exclude " +
			"each other: a replica faithfully replicates corruption and encryption, so data corruption and " +
			"ransomware are answered by a restore to a point before the event, never by the failover that " +
			"answers a region failure. A plan that is silent about a class leaves that decision to whoever is " +
			"on call; one that puts a class out of scope without saying why cannot be reviewed; one that takes " +
			"a class in scope without a response or a runbook promises what nobody has written down.",
		Remediation: "Declare a scenario for each of az-failure, region-failure, data-corruption and ransomware " +
			"(or security-incident), each with inScope and a reason. Give an in-scope scenario its response " +
			"(failover, no-failover, restore or isolate-and-restore) and, unless the response is no-failover, " +
			"the runbook that carries it out.",
		Check: checkDR003,
	})
}

// dr003Classes are the disaster classes every plan must take a position on;
// the second entry of a pair also covers the class.
var dr003Classes = []struct{ class, alt string }{
	{plan.ClassAZFailure, ""},
	{plan.ClassRegionFailure, ""},
	{plan.ClassDataCorruption, ""},
	{plan.ClassRansomware, "security-incident"},
}

func checkDR003(c *Context) {
	p := c.Plan
	declared := map[string]bool{}
	for _, s := range p.Scenarios {
		declared[s.Class] = true
	}
	for _, want := range dr003Classes {
		if declared[want.class] || (want.alt != "" && declared[want.alt]) {
			continue
		}
		alt := ""
		if want.alt != "" {
			alt = " (or " + want.alt + ")"
		}
		c.Report(At("scenarios"), "no scenario declares the %s class%s: the plan does not say whether it is in scope or how it is answered",
			want.class, alt)
	}

	for _, id := range plan.Keys(p.Scenarios) {
		s := p.Scenarios[id]
		if !s.InScope {
			if strings.TrimSpace(s.Reason) == "" {
				c.Report(At("scenarios", id, "reason"), "scenario %q (%s) is out of scope without a reason", id, s.Class)
			}
			continue
		}
		switch s.Response {
		case "":
			c.Report(At("scenarios", id, "response"),
				"scenario %q (%s) is in scope but has no response: failover, no-failover, restore or isolate-and-restore", id, s.Class)
		case "failover", "restore", "isolate-and-restore":
			if len(s.RunbookIDs()) == 0 {
				c.Report(At("scenarios", id, "runbook"),
					"scenario %q (%s) is answered by %s but names no runbook that carries it out", id, s.Class, s.Response)
			}
		}
	}
}
