package plandiff

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/drplan/drplan/plan"
)

// Each section compares nodes by identity (their map key, a step's id, a
// sign-off's role, a cost line's item), never by position in the file.

func (c *comparer) objectives() {
	c.section = "objectives"
	for _, id := range keys(c.base.Tiers, c.head.Tiers) {
		a, b := c.base.Tiers[id], c.head.Tiers[id]
		path := plan.Path("tiers", id)
		subject := tierName(id)
		what := ""
		if t := cmpOr(b, a); t != nil {
			what = t.Title
		}
		if !c.presence("tier", path, tierName(id), a != nil, b != nil, what) {
			continue
		}
		if a.Level != b.Level {
			c.add(Change{Kind: "tier.level", Path: path + ".level", Effect: Changed, Before: fmt.Sprint(a.Level), After: fmt.Sprint(b.Level),
				Message: fmt.Sprintf("%s: level changed from %d to %d", subject, a.Level, b.Level)})
		}
		c.duration("tier.rto", path+".rto", subject, "RTO", a.RTO, b.RTO, true)
		c.duration("tier.rpo", path+".rpo", subject, "RPO", a.RPO, b.RPO, true)
		c.text("tier.strategy", path+".strategy", subject, "strategy", a.Strategy, b.Strategy)
		c.text("tier.trigger", path+".trigger", subject, "trigger", a.Trigger, b.Trigger)
		c.load("tier.peak-load", path+".peakLoad", subject, a.PeakLoad, b.PeakLoad)
		c.text("tier.downtime-cost", path+".downtimeCost", subject, "downtime cost category", a.DowntimeCost, b.DowntimeCost)
		c.signOffs(id, a.SignOff, b.SignOff)
		c.suppressions(path, subject, a.Suppress, b.Suppress, a.Accept, b.Accept)
	}
}

// tierName names a tier in a message: "tier1" reads as it is, "gold" as
// "tier gold".
func tierName(id string) string {
	if strings.HasPrefix(strings.ToLower(id), "tier") {
		return id
	}
	return "tier " + id
}

// cmpOr returns the first non-nil pointer.
func cmpOr[T any](ps ...*T) *T {
	for _, p := range ps {
		if p != nil {
			return p
		}
	}
	return nil
}

func (c *comparer) signOffs(tier string, a, b *plan.SignOffs) {
	path := plan.Path("tiers", tier, "signoff")
	subject := tierName(tier)
	var reqA, reqB []string
	givenA, givenB := map[string]plan.SignOff{}, map[string]plan.SignOff{}
	if a != nil {
		reqA = a.Required
		for _, s := range a.Given {
			givenA[s.Role] = s
		}
	}
	if b != nil {
		reqB = b.Required
		for _, s := range b.Given {
			givenB[s.Role] = s
		}
	}
	c.set("tier.signoff-required", path+".required", subject, "required sign-offs", reqA, reqB)
	digest := c.head.TierDigest(tier)
	for _, role := range keys(givenA, givenB) {
		x, inA := givenA[role]
		y, inB := givenB[role]
		current := ""
		if inB && y.Digest == digest {
			current = ", matching the tier as it stands"
		} else if inB {
			current = ", but not matching the tier as it stands"
		}
		switch {
		case !inA:
			c.add(Change{Kind: "tier.signoff", Path: path + ".given", Effect: Added, After: role,
				Message: fmt.Sprintf("%s: signed off by %s (%s) on %s%s", subject, y.Name, role, y.Date, current)})
		case !inB:
			c.add(Change{Kind: "tier.signoff", Path: path + ".given", Effect: Removed, Before: role,
				Message: fmt.Sprintf("%s: sign-off by %s (%s) of %s removed", subject, x.Name, role, x.Date)})
		case x.Digest != y.Digest || x.Name != y.Name || !x.Date.Equal(y.Date.Time):
			c.add(Change{Kind: "tier.signoff", Path: path + ".given", Effect: Changed, Before: x.Date.String(), After: y.Date.String(),
				Message: fmt.Sprintf("%s: signed off again by %s (%s) on %s%s", subject, y.Name, role, y.Date, current)})
		}
	}
}

func (c *comparer) services() {
	c.section = "services"
	for _, id := range keys(c.base.Services, c.head.Services) {
		if c.renamedKey("service", "services", "Service", id) {
			continue
		}
		a, b := c.base.Services[id], c.head.Services[id]
		path := plan.Path("services", id)
		subject := "service " + id
		what := ""
		if s := cmpOr(b, a); s != nil && s.Tier != "" {
			what = "in " + s.Tier
		}
		if !c.presence("service", path, "Service "+id, a != nil, b != nil, what) {
			continue
		}
		if a.Tier != b.Tier {
			c.add(Change{Kind: "service.tier", Path: path + ".tier", Effect: Changed, Before: a.Tier, After: b.Tier,
				Message: fmt.Sprintf("%s moved from %s to %s", subject, orNone(a.Tier), orNone(b.Tier))})
		}
		c.set("service.depends-on", path+".dependsOn", subject, "dependencies", c.refs("component", a.DependsOn), b.DependsOn)
		c.load("service.peak-load", path+".peakLoad", subject, a.PeakLoad, b.PeakLoad)
		c.suppressions(path, subject, a.Suppress, b.Suppress, a.Accept, b.Accept)
	}
}

func (c *comparer) architecture() {
	c.section = "architecture"
	for _, id := range keys(c.base.Regions, c.head.Regions) {
		a, b := c.base.Regions[id], c.head.Regions[id]
		path := plan.Path("regions", id)
		what := ""
		if r := cmpOr(b, a); r != nil {
			what = r.Role
		}
		if c.presence("region", path, "Region "+id, a != nil, b != nil, what) {
			c.text("region.role", path+".role", "region "+id, "role", a.Role, b.Role)
		}
	}
	for _, id := range keys(c.base.Accounts, c.head.Accounts) {
		a, b := c.base.Accounts[id], c.head.Accounts[id]
		path := plan.Path("accounts", id)
		what := ""
		if x := cmpOr(b, a); x != nil {
			what = x.ID + ", " + x.Purpose
		}
		if c.presence("account", path, "Account "+id, a != nil, b != nil, what) {
			c.text("account.id", path+".id", "account "+id, "account ID", a.ID, b.ID)
			c.text("account.purpose", path+".purpose", "account "+id, "purpose", a.Purpose, b.Purpose)
		}
	}
	for _, id := range keys(c.base.Components, c.head.Components) {
		if c.renamedKey("component", "components", "Component", id) {
			continue
		}
		c.component(id, c.base.Components[id], c.head.Components[id])
	}
	for _, id := range keys(c.base.Replication, c.head.Replication) {
		if c.renamedKey("replication", "replication", "Replication path", id) {
			continue
		}
		a, b := c.base.Replication[id], c.head.Replication[id]
		path := plan.Path("replication", id)
		subject := "replication path " + id
		what := ""
		if r := cmpOr(b, a); r != nil {
			what = fmt.Sprintf("%s -> %s, %s, %s", r.From, r.To, r.Mode, r.Mechanism)
		}
		if !c.presence("replication", path, "Replication path "+id, a != nil, b != nil, what) {
			continue
		}
		c.text("replication.from", path+".from", subject, "source", c.ref("component", a.From), b.From)
		c.text("replication.to", path+".to", subject, "target", c.ref("component", a.To), b.To)
		c.text("replication.mode", path+".mode", subject, "mode", a.Mode, b.Mode)
		c.text("replication.mechanism", path+".mechanism", subject, "mechanism", a.Mechanism, b.Mechanism)
		c.duration("replication.expected-lag", path+".expectedLag", subject, "expected lag", a.ExpectedLag, b.ExpectedLag, false)
		c.duration("replication.interval", path+".interval", subject, "interval", a.Interval, b.Interval, true)
		c.text("replication.metric", path+".metric", subject, "metric", metricName(a.Metric), metricName(b.Metric))
		c.duration("replication.metric-period", path+".metric.period", subject, "metric period", metricPeriod(a.Metric), metricPeriod(b.Metric), false)
		c.text("replication.carries", path+".carries", subject, "tiers whose RPO it carries", carriesText(a.Carries), carriesText(b.Carries))
		c.suppressions(path, subject, a.Suppress, b.Suppress, a.Accept, b.Accept)
	}
	for _, id := range keys(c.base.DNS, c.head.DNS) {
		if c.renamedKey("dns", "dns", "DNS failover", id) {
			continue
		}
		a, b := c.base.DNS[id], c.head.DNS[id]
		path := plan.Path("dns", id)
		subject := "DNS failover " + id
		what := ""
		if r := cmpOr(b, a); r != nil {
			what = r.Record
		}
		if !c.presence("dns", path, "DNS failover "+id, a != nil, b != nil, what) {
			continue
		}
		c.text("dns.record", path+".record", subject, "record", a.Record, b.Record)
		c.duration("dns.ttl", path+".ttl", subject, "TTL", &a.TTL, &b.TTL, true)
		c.text("dns.primary", path+".primary", subject, "primary target", dnsTarget(a.Primary), dnsTarget(b.Primary))
		c.text("dns.secondary", path+".secondary", subject, "secondary target", dnsTarget(a.Secondary), dnsTarget(b.Secondary))
		hp := path + ".healthCheck"
		c.text("dns.health-check", hp+".protocol", subject, "health check protocol", a.HealthCheck.Protocol, b.HealthCheck.Protocol)
		c.text("dns.health-check", hp+".path", subject, "health check path", a.HealthCheck.Path, b.HealthCheck.Path)
		c.text("dns.health-check", hp+".interval", subject, "health check interval", a.HealthCheck.Interval, b.HealthCheck.Interval)
		if x, y := a.HealthCheck.FailureThreshold, b.HealthCheck.FailureThreshold; x != y {
			c.add(Change{Kind: "dns.health-check", Path: hp + ".failureThreshold", Effect: Changed, Before: fmt.Sprint(x), After: fmt.Sprint(y),
				Message: fmt.Sprintf("%s: health check fails over after %d failed checks, was %d", subject, y, x)})
		}
		c.suppressions(path, subject, a.Suppress, b.Suppress, a.Accept, b.Accept)
	}
	var pa, pb plan.Promotion
	if c.base.Promotion != nil {
		pa = *c.base.Promotion
	}
	if c.head.Promotion != nil {
		pb = *c.head.Promotion
	}
	c.set("promotion.components", "promotion.components", "promotion boundary", "promoted components", c.refs("component", pa.Components), pb.Components)
	c.set("promotion.not-promoted", "promotion.notPromoted", "promotion boundary", "components deliberately not promoted",
		c.refs("component", notPromoted(pa.NotPromoted)), notPromoted(pb.NotPromoted))
}

// rebuild words how a component is rebuilt: "gitops from deploy.git by argocd".
func rebuild(r *plan.Rebuild) string {
	if r == nil {
		return ""
	}
	s := r.Method + " from " + r.Source
	if r.By != "" {
		s += " by " + r.By
	}
	return s
}

// load compares a stated peak load; stating or dropping one is a change of
// its own, not an increase from zero.
func (c *comparer) load(kind, path, subject string, a, b *float64) {
	switch {
	case a != nil && b != nil:
		c.number(kind, path, subject, "peak load", *a, *b, "")
	case a != nil || b != nil:
		c.text(kind, path, subject, "peak load", optNum(a), optNum(b))
	}
}

func optNum(f *float64) string {
	if f == nil {
		return ""
	}
	return formatNum(*f)
}

func (c *comparer) component(id string, a, b *plan.Component) {
	path := plan.Path("components", id)
	subject := "component " + id
	what := ""
	if x := cmpOr(b, a); x != nil {
		what = strings.TrimSpace(x.Kind + " " + x.Role + " in " + x.Region)
	}
	if !c.presence("component", path, "Component "+id, a != nil, b != nil, what) {
		return
	}
	c.text("component.kind", path+".kind", subject, "kind", a.Kind, b.Kind)
	c.text("component.region", path+".region", subject, "region", a.Region, b.Region)
	c.text("component.account", path+".account", subject, "account", a.Account, b.Account)
	c.text("component.role", path+".role", subject, "role", a.Role, b.Role)
	c.text("component.engine", path+".engine", subject, "engine", engine(a.Engine), engine(b.Engine))
	c.text("component.state", path+".state", subject, "state", a.State, b.State)
	c.text("component.rebuild", path+".rebuild", subject, "rebuild", rebuild(a.Rebuild), rebuild(b.Rebuild))
	var ca, cb plan.Capacity
	if a.Capacity != nil {
		ca = *a.Capacity
	}
	if b.Capacity != nil {
		cb = *b.Capacity
	}
	cp := path + ".capacity"
	c.number("component.capacity", cp+".percentOfPrimary", subject, "standby capacity", ca.PercentOfPrimary, cb.PercentOfPrimary, "% of primary")
	c.number("component.capacity", cp+".floorPercent", subject, "standby capacity floor", ca.FloorPercent, cb.FloorPercent, "%")
	c.duration("component.scale-up", cp+".scaleUpTime", subject, "scale-up time", ca.ScaleUpTime, cb.ScaleUpTime, false)
	c.text("component.scaler", cp+".scaler", subject, "scaler", ca.Scaler, cb.Scaler)
	var ba, bb plan.Backup
	var ra, rb *plan.Duration
	if a.Backup != nil {
		ba, ra = *a.Backup, &a.Backup.Retention
	}
	if b.Backup != nil {
		bb, rb = *b.Backup, &b.Backup.Retention
	}
	c.duration("component.backup-retention", path+".backup.retention", subject, "backup retention", ra, rb, false)
	c.flag("component.pitr", path+".backup.pointInTimeRecovery", subject, ba.PointInTimeRecovery, bb.PointInTimeRecovery,
		"point-in-time recovery enabled", "point-in-time recovery no longer enabled")
	c.flag("component.immutable", path, subject, a.IsImmutable(), b.IsImmutable(),
		"now holds immutable copies", "no longer holds immutable copies")
	c.awsFields(path+".aws", subject, a.AWS, b.AWS)
	c.suppressions(path, subject, a.Suppress, b.Suppress, a.Accept, b.Accept)
}

// awsFields compares the AWS identifiers and declared properties field by
// field, through their JSON names: every one of them is something verify
// looks up, so any change is worth a reviewer's eye.
func (c *comparer) awsFields(path, subject string, a, b *plan.AWS) {
	fa, fb := jsonFields(a), jsonFields(b)
	for _, k := range keys(fa, fb) {
		c.text("component.aws", path+"."+k, subject, "aws."+k, fa[k], fb[k])
	}
}

func jsonFields(v any) map[string]string {
	out := map[string]string{}
	raw, err := json.Marshal(v)
	if err != nil {
		return out
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return out
	}
	for k, v := range m {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = s
		} else {
			out[k] = string(v)
		}
	}
	return out
}

func engine(e *plan.Engine) string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(e.Name + " " + e.Version)
}

func metricName(m *plan.Metric) string {
	if m == nil {
		return ""
	}
	return m.Name
}

func metricPeriod(m *plan.Metric) *plan.Duration {
	if m == nil {
		return nil
	}
	return m.Period
}

// carriesText is a path's stated tiers: "" when unstated (inferred),
// "none" for a path that carries no tier's RPO.
func carriesText(tiers []string) string {
	switch {
	case tiers == nil:
		return ""
	case len(tiers) == 0:
		return "none"
	}
	return strings.Join(slices.Sorted(slices.Values(tiers)), ", ")
}

func guardText(g *plan.AlertGuard) string {
	switch {
	case g == nil:
		return ""
	case g.Tier != "":
		return "the RPO of " + g.Tier
	}
	return "readiness: " + g.Readiness
}

func countText(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

func dnsTarget(t plan.DNSTarget) string {
	return strings.TrimSpace(t.Target + " (" + t.Region + ")")
}

func notPromoted(list []plan.NotPromoted) []string {
	out := make([]string, len(list))
	for i, n := range list {
		out[i] = n.Component
	}
	return out
}

func (c *comparer) scope() {
	c.section = "scope"
	for _, id := range keys(c.base.Scenarios, c.head.Scenarios) {
		if c.renamedKey("scenario", "scenarios", "Scenario", id) {
			continue
		}
		a, b := c.base.Scenarios[id], c.head.Scenarios[id]
		path := plan.Path("scenarios", id)
		subject := "scenario " + id
		what := ""
		if s := cmpOr(b, a); s != nil {
			what = "out of scope"
			if s.InScope {
				what = "in scope"
			}
		}
		if !c.presence("scenario", path, "Scenario "+id, a != nil, b != nil, what) {
			continue
		}
		if a.InScope != b.InScope {
			ch := Change{Kind: "scenario.scope", Path: path + ".inScope", Effect: Changed, Before: "in", After: "out",
				Message: fmt.Sprintf("%s moved out of scope", subject)}
			if b.InScope {
				ch.Before, ch.After = "out", "in"
				ch.Message = fmt.Sprintf("%s moved into scope", subject)
			}
			if r := firstLine(b.Reason); r != "" {
				ch.Message += ": " + r
			}
			c.add(ch)
		}
		c.text("scenario.class", path+".class", subject, "class", a.Class, b.Class)
		c.text("scenario.response", path+".response", subject, "response", a.Response, b.Response)
		// runbook and runbooks are one list: moving a runbook from one field
		// to the other is no change.
		if ra, rb := c.refs("runbook", a.RunbookIDs()), b.RunbookIDs(); len(ra) <= 1 && len(rb) <= 1 {
			field := ".runbook"
			if b.Runbook == "" && len(b.Runbooks) > 0 {
				field = ".runbooks"
			}
			c.text("scenario.runbook", path+field, subject, "runbook", strings.Join(ra, ""), strings.Join(rb, ""))
		} else {
			c.set("scenario.runbooks", path+".runbooks", subject, "runbooks", ra, rb)
		}
		c.set("scenario.restore-from", path+".restoreFrom", subject, "restore sources", c.refs("component", a.RestoreFrom), b.RestoreFrom)
		c.duration("scenario.rto", path+".rto", subject, "RTO", a.RTO, b.RTO, true)
		c.duration("scenario.rpo", path+".rpo", subject, "RPO", a.RPO, b.RPO, true)
		c.set("scenario.tiers", path+".tiers", subject, "tiers", a.Tiers, b.Tiers)
		c.suppressions(path, subject, a.Suppress, b.Suppress, a.Accept, b.Accept)
	}
}

// firstLine is the first sentence-ish line of a prose field, for a message.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i]) + " ..."
	}
	return s
}

func (c *comparer) monitoring() {
	c.section = "monitoring"
	for _, id := range keys(c.base.Alerts, c.head.Alerts) {
		if c.renamedKey("alert", "alerts", "Alert", id) {
			continue
		}
		a, b := c.base.Alerts[id], c.head.Alerts[id]
		path := plan.Path("alerts", id)
		subject := "alert " + id
		what := ""
		if x := cmpOr(b, a); x != nil {
			what = x.Kind
		}
		if !c.presence("alert", path, "Alert "+id, a != nil, b != nil, what) {
			continue
		}
		c.text("alert.kind", path+".kind", subject, "kind", a.Kind, b.Kind)
		c.text("alert.severity", path+".severity", subject, "severity", a.Severity, b.Severity)
		c.text("alert.replication", path+".replication", subject, "replication path", c.ref("replication", a.Replication), b.Replication)
		c.text("alert.component", path+".component", subject, "component", c.ref("component", a.Component), b.Component)
		c.text("alert.runbook", path+".runbook", subject, "runbook", c.ref("runbook", a.Runbook), b.Runbook)
		// The threshold the alert really fires at, derived from the plan
		// when not written: loosening an RPO loosens the alerts that guard it.
		ta, okA := c.base.AlertThreshold(id)
		tb, okB := c.head.AlertThreshold(id)
		var pa, pb *plan.Duration
		if okA {
			pa = &ta
		}
		if okB {
			pb = &tb
		}
		field := "threshold"
		if a.Threshold == nil && b.Threshold == nil {
			field = "threshold (derived from the plan)"
		}
		c.duration("alert.threshold", path+".threshold", subject, field, pa, pb, true)
		c.duration("alert.for", path+".for", subject, "hold time (for)", a.For, b.For, true)
		c.text("alert.guards", path+".guards", subject, "what it guards", guardText(a.Guards), guardText(b.Guards))
		c.text("alert.threshold-count", path+".thresholdCount", subject, "threshold (late operations)", countText(a.ThresholdCount), countText(b.ThresholdCount))
		c.text("alert.metric", path+".metric", subject, "metric", metricName(a.Metric), metricName(b.Metric))
		c.duration("alert.metric-period", path+".metric.period", subject, "metric period", metricPeriod(a.Metric), metricPeriod(b.Metric), false)
		c.suppressions(path, subject, a.Suppress, b.Suppress, a.Accept, b.Accept)
	}
}

func (c *comparer) drills() {
	c.section = "drills"
	var ga, gb plan.GameDays
	if c.base.GameDays != nil {
		ga = *c.base.GameDays
	}
	if c.head.GameDays != nil {
		gb = *c.head.GameDays
	}
	for _, tier := range keys(ga.Cadence, gb.Cadence) {
		var a, b *plan.Duration
		if d, ok := ga.Cadence[tier]; ok {
			a = &d
		}
		if d, ok := gb.Cadence[tier]; ok {
			b = &d
		}
		c.duration("gameday.cadence", plan.Path("gamedays", "cadence", tier), "game days", tier+" cadence", a, b, true)
	}
	c.set("gameday.schedule", "gamedays.schedule", "game-day schedule", "drills", c.schedule(ga.Schedule), c.schedule(gb.Schedule))
	c.suppressions("gamedays", "game days", ga.Suppress, gb.Suppress, ga.Accept, gb.Accept)
	for _, id := range keys(c.base.Drills, c.head.Drills) {
		if c.renamedKey("drill", "drills", "Drill record", id) {
			continue
		}
		a, b := c.base.Drills[id], c.head.Drills[id]
		path := plan.Path("drills", id)
		subject := "drill record " + id
		what := ""
		if d := cmpOr(b, a); d != nil {
			what = drillSummary(d)
		}
		if !c.presence("drill", path, "Drill record "+id, a != nil, b != nil, what) {
			continue
		}
		// A recorded result is history: rewriting one is worth a question.
		c.text("drill.outcome", path+".outcome", subject, "outcome", a.Outcome, b.Outcome)
		var ma, mb plan.Measured
		if a.Measured != nil {
			ma = *a.Measured
		}
		if b.Measured != nil {
			mb = *b.Measured
		}
		c.duration("drill.measured-rto", path+".measured.rto", subject, "measured RTO", ma.RTO, mb.RTO, false)
		c.duration("drill.measured-rpo", path+".measured.rpo", subject, "measured RPO", ma.RPO, mb.RPO, false)
		c.suppressions(path, subject, a.Suppress, b.Suppress, a.Accept, b.Accept)
	}
}

// schedule words scheduled drills, following renames (a no-op for head).
func (c *comparer) schedule(list []plan.ScheduledDrill) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fmt.Sprintf("%s %s", s.Date, c.ref("scenario", s.Scenario))
		if s.Runbook != "" {
			out[i] += " (" + c.ref("runbook", s.Runbook) + ")"
		}
		out[i] += " in " + s.Environment
	}
	return out
}

func drillSummary(d *plan.Drill) string {
	s := fmt.Sprintf("%s of %s in %s, %s", d.Date, d.Runbook, d.Environment, d.Outcome)
	if d.Measured != nil && d.Measured.RTO != nil {
		s += ", measured RTO " + d.Measured.RTO.Human()
	}
	return s
}

func (c *comparer) comms() {
	c.section = "comms"
	for _, id := range keys(c.base.Comms, c.head.Comms) {
		if c.renamedKey("comms", "comms", "Template", id) {
			continue
		}
		a, b := c.base.Comms[id], c.head.Comms[id]
		path := plan.Path("comms", id)
		subject := "template " + id
		what := ""
		if t := cmpOr(b, a); t != nil {
			what = t.Audience + ", " + t.Phase
		}
		if !c.presence("comms", path, "Template "+id, a != nil, b != nil, what) {
			continue
		}
		c.text("comms.audience", path+".audience", subject, "audience", a.Audience, b.Audience)
		c.text("comms.phase", path+".phase", subject, "phase", a.Phase, b.Phase)
		c.text("comms.channel", path+".channel", subject, "channel", a.Channel, b.Channel)
		c.text("comms.subject", path+".subject", subject, "subject", a.Subject, b.Subject)
		c.block("comms.body", path+".body", subject, "body", a.Body, b.Body)
		c.text("comms.review", path+".review", subject, "review", commReview(a.Review), commReview(b.Review))
		c.suppressions(path, subject, a.Suppress, b.Suppress, a.Accept, b.Accept)
	}
}

func commReview(r *plan.CommReview) string {
	if r == nil {
		return ""
	}
	return r.By + " on " + r.Date.String()
}

func (c *comparer) cost() {
	c.section = "cost"
	var ca, cb plan.CostModel
	if c.base.Cost != nil {
		ca = *c.base.Cost
	}
	if c.head.Cost != nil {
		cb = *c.head.Cost
	}
	cur := " " + cmpOrString(cb.Currency, ca.Currency, "")
	cur = strings.TrimRight(cur, " ")
	c.text("cost.currency", "cost.currency", "cost model", "currency", ca.Currency, cb.Currency)
	steady := func(list []plan.SteadyCost) (map[string]float64, float64) {
		m, total := map[string]float64{}, 0.0
		for _, l := range list {
			m[l.Item] += l.Monthly
			total += l.Monthly
		}
		return m, total
	}
	hourly := func(list []plan.DRCost) (map[string]float64, float64) {
		m, total := map[string]float64{}, 0.0
		for _, l := range list {
			m[l.Item] += l.PerHour
			total += l.PerHour
		}
		return m, total
	}
	ma, ta := steady(ca.SteadyState)
	mb, tb := steady(cb.SteadyState)
	c.number("cost.steady-state", "cost.steadyState", "cost model", "steady-state total", ta, tb, cur+"/month")
	c.costLines("cost.steady-state-item", "cost.steadyState", "steady-state line", ma, mb, cur+"/month")
	ha, hta := hourly(ca.DRState)
	hb, htb := hourly(cb.DRState)
	c.number("cost.dr-state", "cost.drState", "cost model", "extra cost while a DR is declared", hta, htb, cur+"/hour")
	c.costLines("cost.dr-state-item", "cost.drState", "DR-state line", ha, hb, cur+"/hour")
	c.suppressions("cost", "cost model", ca.Suppress, cb.Suppress, ca.Accept, cb.Accept)

	var da, db map[string]*plan.DowntimeCost
	if c.base.Business != nil {
		da = c.base.Business.DowntimeCost
	}
	if c.head.Business != nil {
		db = c.head.Business.DowntimeCost
	}
	for _, id := range keys(da, db) {
		a, b := da[id], db[id]
		path := plan.Path("business", "downtimeCost", id)
		if !c.presence("business.downtime-cost", path, "Downtime cost "+id, a != nil, b != nil, "") {
			continue
		}
		c.number("business.downtime-cost", path+".perMinute", "downtime cost "+id, "cost per minute", a.PerMinute, b.PerMinute,
			strings.TrimRight(" "+cmpOrString(b.Currency, a.Currency, ""), " ")+"/min")
	}
}

// costLines reports line items, keyed by their description, whose amount
// changed or that appeared or went.
func (c *comparer) costLines(kind, path, what string, a, b map[string]float64, unit string) {
	for _, item := range keys(a, b) {
		x, inA := a[item]
		y, inB := b[item]
		switch {
		case !inA:
			c.add(Change{Kind: kind, Path: path, Effect: Added, After: formatNum(y),
				Message: fmt.Sprintf("%s added: %q, %s%s", what, item, groupThousands(y), unit)})
		case !inB:
			c.add(Change{Kind: kind, Path: path, Effect: Removed, Before: formatNum(x),
				Message: fmt.Sprintf("%s removed: %q, %s%s", what, item, groupThousands(x), unit)})
		default:
			c.number(kind, path, fmt.Sprintf("%s %q", what, item), "amount", x, y, unit)
		}
	}
}

func cmpOrString(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func (c *comparer) ownership() {
	c.section = "ownership"
	c.text("plan.name", "name", "plan", "name", c.base.Name, c.head.Name)
	c.text("plan.version", "version", "plan", "version", c.base.Version, c.head.Version)
	var oa, ob plan.Owner
	if c.base.Owner != nil {
		oa = *c.base.Owner
	}
	if c.head.Owner != nil {
		ob = *c.head.Owner
	}
	c.text("owner", "owner.team", "owner", "team", oa.Team, ob.Team)
	c.text("owner", "owner.person", "owner", "person", oa.Person, ob.Person)
	c.text("owner", "owner.contact", "owner", "contact", oa.Contact, ob.Contact)
	c.text("owner", "owner.role", "owner", "role", oa.Role, ob.Role)
	var ra, rb plan.Review
	var ca, cb *plan.Duration
	if c.base.Review != nil {
		ra, ca = *c.base.Review, &c.base.Review.Cadence
	}
	if c.head.Review != nil {
		rb, cb = *c.head.Review, &c.head.Review.Cadence
	}
	c.duration("review.cadence", "review.cadence", "review", "cadence", ca, cb, true)
	c.text("review.last-reviewed", "review.lastReviewed", "review", "last reviewed", ra.LastReviewed.String(), rb.LastReviewed.String())
	c.text("review.reviewed-by", "review.reviewedBy", "review", "reviewed by", ra.ReviewedBy, rb.ReviewedBy)
	if c.base.Review != nil && c.head.Review != nil {
		if da, db := ra.Due(), rb.Due(); !da.Equal(db.Time) {
			c.add(Change{Kind: "review.due", Path: "review", Effect: Changed, Before: da.String(), After: db.String(),
				Message: fmt.Sprintf("review: the plan now expires on %s (was %s)", db, da)})
		}
	}
	c.suppressions("", "plan", c.base.Suppress, c.head.Suppress, c.base.Accept, c.head.Accept)
}
