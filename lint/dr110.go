package lint

import (
	"fmt"
	"slices"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

func init() {
	mustRegister(&Rule{
		ID:       "DR110",
		Severity: report.Error,
		Title:    "A tier whose failover is automated has a failover runbook that does not wait for people",
		Rationale: "A tier's trigger says how its failover starts; \"automated\" promises that no human decision sits " +
			"between detection and recovery, which is what short RTOs are signed off on. A runbook that stops for " +
			"an approval or waits on a pre-condition (\"SLO-breaching for more than 3 consecutive minutes\") before " +
			"the tier is back contradicts it: a pre-condition that waits 3 minutes cannot sit inside a 60 s RTO " +
			"unless the tier's failover is automated and does not wait for it. The objective was approved on a " +
			"mechanism that does not exist. A gate whose role approved in advance for automated runs (a standing " +
			"approval, in force until it expires) does not stop the run: `drplan run --yes` passes it and " +
			"journals who approved it; an expired one is a gate again.",
		Remediation: "Automate the tier's failover (a controller that promotes on the health signal, without the " +
			"approval gates and waits on the tier's path), or set the tier's trigger to on-alert or manual and " +
			"restate its RTO to include the decision time. Where the role has approved the step in advance for " +
			"automated runs, record it as approval.standing (approvedBy, date, expires, reference) and renew it " +
			"before it expires.",
		Check: checkDR110,
	})
}

// failoverRunbook reports whether a runbook fails over: a runbook that
// in-scope scenarios use only for restores (corruption, ransomware) is not
// what a tier's failover trigger describes.
func failoverRunbook(p *plan.Plan, id string) bool {
	scens := p.RunbookScenarios(id)
	if len(scens) == 0 {
		return true
	}
	for _, sid := range scens {
		if s := p.Scenarios[sid]; s.Response == "failover" || s.Class == plan.ClassRegionFailure {
			return true
		}
	}
	return false
}

func checkDR110(c *Context) {
	p := c.Plan
	for _, t := range p.TierIDs() {
		if p.Tiers[t].Trigger != "automated" {
			continue
		}
		for _, id := range plan.Keys(p.Runbooks) {
			rb := p.Runbooks[id]
			if !slices.Contains(p.RunbookTiers(id), t) || !failoverRunbook(p, id) {
				continue
			}
			var holds []string
			if w := rb.Waits(); w > 0 {
				holds = append(holds, fmt.Sprintf("waits %s on pre-conditions", durText(w)))
			}
			var gates []string
			for _, i := range rb.StepsBefore(t) {
				a := rb.Steps[i].Approval
				if a == nil {
					continue
				}
				// An approval given in advance for automated runs does not
				// stop one, as long as it is in force.
				st, ok := a.StandingAt(c.Now)
				switch {
				case ok:
					continue
				case st != nil && st.Expired(c.Now):
					gates = append(gates, fmt.Sprintf("%s (%s; its standing approval by %s expired on %s)", stepRef(rb, i), a.Role, st.ApprovedBy, st.Expires))
				case st != nil:
					gates = append(gates, fmt.Sprintf("%s (%s; its standing approval by %s is dated %s, not yet given)", stepRef(rb, i), a.Role, st.ApprovedBy, st.Date))
				default:
					gates = append(gates, fmt.Sprintf("%s (%s)", stepRef(rb, i), a.Role))
				}
			}
			if len(gates) > 0 {
				holds = append(holds, "stops for approval at "+andList(gates))
			}
			if len(holds) == 0 {
				continue
			}
			c.Report(At("tiers", t, "trigger"),
				"%s's failover is \"automated\", but runbook %q %s before %s is back: the failover is not automated as stated",
				t, id, andList(holds), t)
		}
	}
}
