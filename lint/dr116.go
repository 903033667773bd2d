package lint

import (
	"fmt"
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
		ID:       "DR116",
		Severity: report.Error,
		Title:    "The plan's readiness claims agree with its schedule, its alerts and its restore sources",
		Rationale: "A plan reads ready when its gaps are accepted for a reason, its readiness alerts are quiet and " +
			"its backups are watched. Each can be contradicted by the plan itself: an accepted finding whose " +
			"reason is a drill (\"re-drilled in the 2026-12 game day\") that the game-day schedule does not hold " +
			"has no remedy behind it; a runbook-staleness alert whose runbook has no successful drill within its " +
			"threshold is already firing (a missing series fires too), so the page the plan relies on to force " +
			"a re-validation is noise nobody acts on; and a restore source (a nightly dump in an Object Lock " +
			"bucket, a cross-region copy in a backup vault) that no freshness alert watches can stop receiving " +
			"copies for weeks, found out only during the restore. S3 Cross-Region Replication and AWS Backup " +
			"copy jobs are asynchronous and fail independently of the backup that feeds them.",
		Remediation: "Schedule the drill the reason cites (gamedays.schedule, with its runbook) or correct the " +
			"reason; run the overdue drill, or accept the firing alert with the date of the booked game day; add " +
			"a backup-freshness alert on each restore source, or on its upstream copy with a replication-lag " +
			"alert on every path into it.",
		Check: checkDR116,
	})
}

var (
	drillWordsRE = regexp.MustCompile(`(?i)\b(?:re-?)?drill(?:s|ed|ing)?\b|\bgame[- ]?days?\b`)
	isoPeriodRE  = regexp.MustCompile(`\b(20[0-9]{2})-(0[1-9]|1[0-2])(?:-([0-3][0-9]))?\b`)
	monthYearRE  = regexp.MustCompile(`\b(January|February|March|April|May|June|July|August|September|October|November|December) (20[0-9]{2})\b`)
)

func checkDR116(c *Context) {
	checkCitedDrills(c)
	checkFiringStaleness(c)
	checkRestoreSources(c)
}

// period is a span of dates a reason names: a day or a month.
type period struct {
	from, to time.Time // to is exclusive
	text     string
}

func (pd period) contains(t time.Time) bool { return !t.Before(pd.from) && t.Before(pd.to) }

// citedPeriods returns the dates and months a text names.
func citedPeriods(s string) []period {
	var out []period
	for _, m := range isoPeriodRE.FindAllStringSubmatch(s, -1) {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if m[3] != "" {
			d, _ := strconv.Atoi(m[3])
			from := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
			out = append(out, period{from, from.AddDate(0, 0, 1), from.Format("2006-01-02")})
			continue
		}
		from := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC)
		out = append(out, period{from, from.AddDate(0, 1, 0), from.Format("January 2006")})
	}
	for _, m := range monthYearRE.FindAllStringSubmatch(s, -1) {
		from, err := time.Parse("January 2006", m[1]+" "+m[2])
		if err == nil {
			out = append(out, period{from, from.AddDate(0, 1, 0), m[0]})
		}
	}
	return out
}

// checkCitedDrills holds accept and suppress reasons that cite a drill in
// a given month or on a given day to the schedule and the drill records.
func checkCitedDrills(c *Context) {
	p := c.Plan
	for _, s := range collectSuppressions(p) {
		if !drillWordsRE.MatchString(s.s.Reason) {
			continue
		}
		rb := nodeRunbook(p, s.at)
		for _, pd := range citedPeriods(s.s.Reason) {
			if drillIn(p, rb, pd) {
				continue
			}
			kind := "suppression"
			if s.accept {
				kind = "accept"
			}
			which, next := "no game day", ""
			if rb != "" {
				which = fmt.Sprintf("no game day of runbook %q", rb)
				if d, ok := nextGameDay(p, rb, pd.from); ok {
					next = fmt.Sprintf(" (its next is on %s)", d)
				}
			}
			c.Report(s.at, "the %s of %s on %s cites a drill in %s as its reason, but %s is scheduled or recorded then%s: the gap has no remedy booked",
				kind, s.s.Rule, nodeName(s.node), pd.text, which, next)
		}
	}
}

// nodeRunbook is the runbook a plan node is about, "" when none.
func nodeRunbook(p *plan.Plan, at []any) string {
	if len(at) < 2 {
		return ""
	}
	id, _ := at[1].(string)
	switch at[0] {
	case "runbooks":
		return id
	case "drills":
		if d := p.Drills[id]; d != nil {
			return d.Runbook
		}
	case "alerts":
		if a := p.Alerts[id]; a != nil {
			return a.Runbook
		}
	case "scenarios":
		if s := p.Scenarios[id]; s != nil {
			return s.Runbook
		}
	}
	return ""
}

func nodeName(node string) string {
	if node == "" {
		return "the plan"
	}
	return node
}

// gameDayRunbook is the runbook a scheduled game day exercises: its own,
// or its scenario's.
func gameDayRunbook(p *plan.Plan, g plan.ScheduledDrill) string {
	if g.Runbook != "" {
		return g.Runbook
	}
	if s := p.Scenarios[g.Scenario]; s != nil {
		return s.Runbook
	}
	return ""
}

// drillIn reports whether a game day is scheduled, or a drill recorded, in
// pd (of runbook rb, when rb is set).
func drillIn(p *plan.Plan, rb string, pd period) bool {
	if p.GameDays != nil {
		for _, g := range p.GameDays.Schedule {
			if pd.contains(g.Date.Time) && (rb == "" || gameDayRunbook(p, g) == rb) {
				return true
			}
		}
	}
	for _, d := range p.Drills {
		if pd.contains(d.Date.Time) && (rb == "" || d.Runbook == rb) {
			return true
		}
	}
	return false
}

func nextGameDay(p *plan.Plan, rb string, after time.Time) (plan.Date, bool) {
	if p.GameDays == nil {
		return plan.Date{}, false
	}
	var best plan.Date
	found := false
	for _, g := range p.GameDays.Schedule {
		if gameDayRunbook(p, g) == rb && !g.Date.Before(after) && (!found || g.Date.Before(best.Time)) {
			best, found = g.Date, true
		}
	}
	return best, found
}

// checkFiringStaleness reports runbook-staleness alerts that fire already
// at c.Now: no successful drill of their runbook within their threshold.
func checkFiringStaleness(c *Context) {
	p := c.Plan
	if c.Now.IsZero() {
		return
	}
	for _, id := range plan.Keys(p.Alerts) {
		a := p.Alerts[id]
		if a.Kind != plan.AlertRunbookStaleness || a.Runbook == "" {
			continue
		}
		th, ok := p.AlertThreshold(id)
		if !ok {
			continue
		}
		last := ""
		for _, did := range plan.Keys(p.Drills) {
			d := p.Drills[did]
			if d.Runbook == a.Runbook && d.Outcome == "success" && (last == "" || d.Date.After(p.Drills[last].Date.Time)) {
				last = did
			}
		}
		now := c.Now.Format("2006-01-02")
		if last == "" {
			c.Report(At("alerts", id), "alert %q is firing as of %s: runbook %q has no successful drill on record, and the alert fires on the missing series",
				id, now, a.Runbook)
			continue
		}
		d := p.Drills[last]
		if age := c.Now.Sub(d.Date.Time); age > th.Duration {
			c.Report(At("alerts", id), "alert %q is firing as of %s: the last successful drill of runbook %q was %q on %s, %s ago, beyond its threshold of %s",
				id, now, a.Runbook, last, d.Date, ageHuman(age), th.Human())
		}
	}
}

// checkRestoreSources reports backup stores that a recovery restores from
// and that no freshness alert watches.
func checkRestoreSources(c *Context) {
	p := c.Plan
	uses := map[string][]string{}
	use := func(comp, what string) {
		if !slices.Contains(uses[comp], what) {
			uses[comp] = append(uses[comp], what)
		}
	}
	for _, sid := range plan.Keys(p.Scenarios) {
		s := p.Scenarios[sid]
		if !s.InScope {
			continue
		}
		for _, src := range s.RestoreFrom {
			if comp := p.Components[src]; comp != nil && isBackupStore(comp) {
				use(src, fmt.Sprintf("scenario %q", sid))
			}
		}
		for _, rbID := range s.RunbookIDs() {
			rb := p.Runbooks[rbID]
			if rb == nil {
				continue
			}
			for i, st := range rb.Steps {
				if !restoreCommand.MatchString(st.Command) {
					continue
				}
				for _, cid := range plan.Keys(p.Components) {
					if comp := p.Components[cid]; isBackupStore(comp) && mentionsStore(st.Command, comp) {
						use(cid, fmt.Sprintf("%s of runbook %q", stepRef(rb, i), rbID))
					}
				}
			}
		}
	}
	for _, cid := range plan.Keys(uses) {
		if watched(p, cid, map[string]bool{}) {
			continue
		}
		c.Report(At("components", cid), "component %q is restored from by %s, but no backup-freshness alert watches it (nor a replication-lag alert on each path into it from a watched source): copies that stop arriving are found during the restore",
			cid, andList(uses[cid]))
	}
}

// isBackupStore reports whether a component holds copies to restore from.
func isBackupStore(c *plan.Component) bool {
	return c.Kind == plan.KindAWSBackup || c.Kind == plan.KindS3 && c.Role == "backup"
}

// mentionsStore reports whether a command names the component's bucket
// or vault.
func mentionsStore(cmd string, c *plan.Component) bool {
	if c.AWS == nil {
		return false
	}
	for _, name := range []string{c.AWS.Bucket, c.AWS.VaultName} {
		if name != "" && containsName(cmd, name) {
			return true
		}
	}
	return false
}

// containsName reports whether name occurs in s as a whole name, not as
// part of a longer one (orderflow-vault is not in orderflow-vault-usw2).
func containsName(s, name string) bool {
	isNameByte := func(b byte) bool {
		return b == '-' || b == '_' || b == '.' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
	}
	for i := 0; ; {
		k := strings.Index(s[i:], name)
		if k < 0 {
			return false
		}
		start, end := i+k, i+k+len(name)
		if (start == 0 || !isNameByte(s[start-1])) && (end == len(s) || !isNameByte(s[end])) {
			return true
		}
		i = start + 1
	}
}

// watched reports whether copies arriving in component id are watched: a
// backup-freshness alert on it, or a replication-lag alert on every path
// into it whose source is live data or itself watched.
func watched(p *plan.Plan, id string, seen map[string]bool) bool {
	if seen[id] {
		return false
	}
	seen[id] = true
	lagAlerted := map[string]bool{}
	for _, a := range p.Alerts {
		switch {
		case a.Kind == plan.AlertBackupFreshness && a.Component == id:
			return true
		case a.Kind == plan.AlertReplicationLag && a.Replication != "":
			lagAlerted[a.Replication] = true
		}
	}
	inbound := 0
	for _, rid := range plan.Keys(p.Replication) {
		r := p.Replication[rid]
		if r.To != id {
			continue
		}
		inbound++
		if !lagAlerted[rid] {
			return false
		}
		if from := p.Components[r.From]; from != nil && isBackupStore(from) && !watched(p, r.From, seen) {
			return false
		}
	}
	return inbound > 0
}
