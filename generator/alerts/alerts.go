// Package alerts renders a plan's readiness alerts as Prometheus alerting
// rules: a rule file, the same groups as a prometheus-operator
// PrometheusRule resource, and promtool unit tests that prove each rule
// fires when its threshold is crossed (after its `for`) and stays silent at
// the threshold.
//
// Every threshold comes from the plan's own derivations (plan.AlertThreshold,
// plan.StrictestRPO, the standby's capacity floor), the ones lint's DR006
// checks, so a figure is never typed twice: change a tier's RPO and the lag
// and backup-freshness rules that guard it follow.
//
// One rule per plan alert, named after the alert's ID, in one group per
// kind (drplan-<plan>-<kind>), ordered by alert ID. Each rule aggregates its
// series by the labels the plan's metric selects on (max for lag and age,
// min for capacity), so a plan alert fires as one Prometheus alert, labelled
// with those labels and with:
//
//   - plan: the plan's name;
//   - tier: the tier whose RPO it guards (lag, backlog, backup freshness:
//     the one it names in guards, or else the strictest of its path's or
//     component's), or else the most critical tier it watches: for a runbook,
//     of the tiers it names and those of the scenarios it answers; for a
//     standby no service runs on yet, of the tiers of the plan's failover
//     scenario. Omitted when it guards none;
//   - severity: the plan's "page" becomes "critical" and "ticket" becomes
//     "warning" (no severity means page, as in the schema).
//
// Annotations: summary (the alert's title), description (the numbers: the
// threshold and where it comes from, the RPO and tiers it guards, the
// `for`), threshold, rpo (when it guards an RPO), and runbook_url: the
// alert's runbook, or else the runbook of the in-scope scenario covering the
// tiers it guards (one that fails over for lag and standby capacity, one
// that restores for backup freshness); omitted when there is none.
//
// Metrics and units. A metric declared on the alert wins, then the one on
// its replication path, then the default below. A metric whose unit is
// milliseconds is compared with the threshold in milliseconds, any other in
// seconds. Freshness and staleness metrics are Unix timestamps of the last
// success when their name contains "timestamp" (the Prometheus convention,
// e.g. ..._timestamp_seconds), and ages otherwise; a missing series counts as
// never (absent), so a runbook that was never drilled, or a vault with no
// recovery point, alerts too.
//
// Default metrics, when neither the alert nor its path names one. CloudWatch
// metrics are named as in the reference plan, in the CloudWatch exporter's
// scheme: aws_<namespace>_<metric in snake_case>_<statistic>, dimensions as
// snake_case labels. Exporters differ in the details (YACE, for one, names
// dimension labels dimension_<Name>): where yours does, name the metric in
// the plan, which overrides any default.
//
//   - aurora-global-database: aws_rds_aurora_global_db_replication_lag_average
//     (CloudWatch AuroraGlobalDBReplicationLag, milliseconds), labelled
//     dbcluster_identifier with the clusterId of the path's target: AWS
//     publishes the metric for the secondary cluster only.
//   - rds-read-replica: aws_rds_replica_lag_average (ReplicaLag, seconds),
//     dbinstance_identifier of the target's instanceId.
//   - mirrormaker2: kafka_connect_mirror_source_connector_replication_latency_ms_max
//     (MirrorMaker 2's MirrorSourceConnector replication-latency-ms-max via
//     the JMX exporter, milliseconds), unlabelled: add labels (target, topic)
//     when one Prometheus sees several flows.
//   - msk-replicator: aws_kafka_replication_latency_maximum (MSK Replicator's
//     ReplicationLatency, milliseconds), unlabelled: the plan does not carry
//     the replicator's name.
//   - elasticache-global-datastore:
//     aws_elasticache_global_datastore_replication_lag_average
//     (GlobalDatastoreReplicationLag, seconds), replication_group_id of the
//     target's replicationGroupId.
//   - s3-crr: aws_s3_replication_latency_maximum (ReplicationLatency,
//     seconds), source_bucket and destination_bucket of the two buckets.
//   - postgres-streaming: pg_replication_lag_seconds (postgres_exporter).
//   - backup freshness of an aws-backup component:
//     aws_backup_recovery_point_creation_timestamp_seconds{backup_vault_name}
//     (no CloudWatch metric gives the newest recovery point's time; export
//     it, e.g. from the Backup API by a job that pushes it).
//   - replication backlog (a count of late operations, compared with the
//     alert's thresholdCount, 0 when it states none) of an s3-crr path:
//     aws_s3_operations_failed_replication_sum (OperationsFailedReplication),
//     source_bucket and destination_bucket; no default for other mechanisms.
//   - runbook staleness: drplan_drill_last_success_timestamp_seconds{plan,
//     runbook}, which `drplan run` pushes after a successful drill.
//   - standby capacity: drplan_standby_capacity_percent{plan, component}, the
//     standby's capacity in percent of the primary's, to be defined as a
//     recording rule for the platform (e.g. from kube_node_status_allocatable
//     of both clusters); it alerts below the component's floorPercent (or its
//     percentOfPrimary when it states no floor). A duration threshold on a
//     standby-capacity alert does not apply and is ignored.
//
// `for` is the alert's, or 1m for replication lag and none otherwise.
//
// A plan with AWS resources also gets the group drplan-<plan>-verify, on the
// metrics of `drplan exporter --verify-interval`: verify-drift (critical)
// when an error finding of verify has lasted longer than one verify
// interval, and verify-stale (warning) when no run has succeeded for two
// intervals, held for one more. Options.VerifyInterval times them.
//
// An alert whose threshold cannot be derived (lint's DR006 reports the
// same alerts), or whose metric can be neither found nor defaulted, is an
// error naming it.
package alerts

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/drplan/drplan/plan"
)

// The files Files returns, relative to the plan's alerts/ folder.
const (
	RulesFile          = "prometheus-rules.yml"
	PrometheusRuleFile = "prometheusrule.yaml"
	TestsFile          = "prometheus-rules.test.yml"
)

// DrillMetric is the series `drplan run` pushes after a successful drill.
const DrillMetric = "drplan_drill_last_success_timestamp_seconds"

// Options adjust the rendering.
type Options struct {
	// RunbookURL gives the runbook_url annotation for a runbook; default
	// "../runbooks/<id>.md", the rendered runbook next to alerts/.
	RunbookURL func(runbookID string) string
	// VerifyInterval is the exporter's --verify-interval, which the
	// verify alerts are timed by; DefaultVerifyInterval when zero.
	VerifyInterval time.Duration
}

// DefaultVerifyInterval is the verify schedule the alerts assume unless
// told otherwise: AWS ARC's own evaluation period for a Region-switch plan.
const DefaultVerifyInterval = 30 * time.Minute

// The verify alerts, in every plan that declares AWS resources, on the
// metrics `drplan exporter --verify-interval` serves.
const (
	// VerifyDrift fires when a verify mismatch at error (an unaccepted
	// finding other than DR201) has been reported for longer than one
	// interval: the runs before and after it both saw it.
	VerifyDrift = "verify-drift"
	// VerifyStale fires when no verify run has succeeded for
	// StaleIntervals intervals, held for one more: verify not running is
	// as bad as drift, since drift then goes unseen.
	VerifyStale = "verify-stale"
	// StaleIntervals is how long without a successful run counts as
	// stale, in intervals: the exporter's back-off on throttling stretches
	// one gap to two, never three.
	StaleIntervals = 2
)

// Files returns the rule file, the PrometheusRule resource and the promtool
// unit tests for the plan's alerts, keyed by file name. The output depends
// only on the plan and the options.
func Files(p *plan.Plan, o Options) (map[string][]byte, error) {
	if o.RunbookURL == nil {
		o.RunbookURL = func(id string) string { return "../runbooks/" + id + ".md" }
	}
	if o.VerifyInterval <= 0 {
		o.VerifyInterval = DefaultVerifyInterval
	}
	g := &gen{p: p, o: o}
	var errs []error
	for _, id := range plan.Keys(p.Alerts) {
		r, err := g.rule(id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		g.rules = append(g.rules, r)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if hasAWS(p) {
		g.rules = append(g.rules, g.verifyRules()...)
	}

	groups := g.groups()
	rules, err := encode(g.header("# Prometheus alerting rules: the readiness alerts of DR plan %q."), ruleFile{Groups: groups})
	if err != nil {
		return nil, err
	}
	operator, err := encode(g.header("# The readiness alerts of DR plan %q as a prometheus-operator PrometheusRule (the groups of "+RulesFile+").\n"+
		"# Add the labels your Prometheus selects rules by (ruleSelector), if any, when applying it."), prometheusRule{
		APIVersion: "monitoring.coreos.com/v1",
		Kind:       "PrometheusRule",
		Metadata: metadata{
			Name: "drplan-" + p.Name,
			Labels: map[string]string{
				"app.kubernetes.io/name":       "drplan-" + p.Name,
				"app.kubernetes.io/managed-by": "drplan",
			},
		},
		Spec: ruleFile{Groups: groups},
	})
	if err != nil {
		return nil, err
	}
	tests, err := encode(g.header("# promtool unit tests of the rules in "+RulesFile+" (DR plan %q): promtool test rules "+TestsFile+"."), g.tests())
	if err != nil {
		return nil, err
	}
	return map[string][]byte{RulesFile: rules, PrometheusRuleFile: operator, TestsFile: tests}, nil
}

// kinds is the order of the groups.
var kinds = []string{plan.AlertReplicationLag, plan.AlertReplicationBacklog, plan.AlertBackupFreshness, plan.AlertRunbookStaleness, plan.AlertStandbyCapacity, kindVerify}

// kindVerify is the group of the verify alerts.
const kindVerify = "verify"

// shape is how a rule compares its metric with the threshold.
type shape int

const (
	above     shape = iota // max(metric) > threshold
	below                  // min(metric) < threshold
	olderThan              // time() - max(metric) > threshold, or absent
	ageAbove               // max(metric) > threshold, or absent
	drift                  // the verify drift rule: its own tests
	stale                  // the verify stale rule: its own tests
)

type rule struct {
	id, kind    string
	expr        string
	forDur      time.Duration
	labels      map[string]string
	annotations map[string]string
	// templated annotations are Prometheus templates, not plan text.
	templated bool

	// What the unit tests need.
	metric    plan.Metric
	ms        bool // the metric is in milliseconds
	shape     shape
	threshold float64 // in the metric's unit (percent for capacity)
}

type gen struct {
	p     *plan.Plan
	o     Options
	rules []*rule
}

func (g *gen) rule(id string) (*rule, error) {
	a := g.p.Alerts[id]
	fail := func(format string, args ...any) error {
		return fmt.Errorf("alert %q (%s): %s", id, a.Kind, fmt.Sprintf(format, args...))
	}
	r := &rule{id: id, kind: a.Kind, annotations: map[string]string{}}
	if a.For != nil {
		r.forDur = a.For.Duration
	} else if a.Kind == plan.AlertReplicationLag {
		r.forDur = time.Minute
	}
	severity := "critical"
	if a.Severity == "ticket" {
		severity = "warning"
	}
	r.labels = map[string]string{"plan": g.p.Name, "severity": severity}

	var (
		tiers     []string // tiers it guards, most critical first
		tier      string   // the tier label
		runbook   string   // for runbook_url
		what      string   // description: what it watches and when it fires
		guards    string   // description: what it guards and the threshold's origin
		threshold string   // threshold annotation
	)
	switch a.Kind {
	case plan.AlertReplicationLag, plan.AlertBackupFreshness:
		d, ok := g.p.AlertThreshold(id)
		if !ok {
			return nil, fail("no threshold: it states none, and none of the tiers it guards (%s) states an RPO (lint DR006 reports it)", g.tierList(g.p.AlertTiers(id), false))
		}
		tiers, tier = g.guarded(id)
		threshold = d.String()
		origin := "set in the plan"
		if a.Threshold == nil {
			origin = fmt.Sprintf("the RPO of %s", tier)
		}
		guards = g.guardsText(id, tiers) + "; the threshold is " + origin + "."

		m, err := g.metric(a)
		if err != nil {
			return nil, fail("%v", err)
		}
		r.metric, r.ms = m, m.Unit == "milliseconds"
		r.threshold = inUnit(d.Duration, r.ms)
		if a.Kind == plan.AlertReplicationLag {
			r.shape = above
			what = fmt.Sprintf("Replication lag on %s %s above %s%s.", g.pathText(a.Replication), isOrHasBeen(r.forDur), d.Human(), forText(r.forDur))
			runbook, _ = g.scenarioRunbook(g.p.AlertScope(id), "failover")
		} else {
			r.shape = ageAbove
			if strings.Contains(m.Name, "timestamp") {
				r.shape = olderThan
			}
			what = fmt.Sprintf("The newest recovery point of %s %s older than %s, or missing%s.", g.componentText(a.Component), isOrHasBeen(r.forDur), d.Human(), strings.Replace(forText(r.forDur), " for", ", for", 1))
			runbook, _ = g.scenarioRunbook(g.p.AlertScope(id), "restore", "isolate-and-restore")
		}

	case plan.AlertReplicationBacklog:
		// A count of late objects or operations, not an age.
		n := a.BacklogThreshold()
		tiers, tier = g.guarded(id)
		threshold = strconv.FormatInt(n, 10)
		origin := "set in the plan"
		if a.ThresholdCount == nil {
			origin = "any late operation (the plan states no thresholdCount)"
		}
		guards = g.guardsText(id, tiers) + "; the threshold is " + origin + "."
		m, err := g.metric(a)
		if err != nil {
			return nil, fail("%v", err)
		}
		r.metric, r.shape, r.threshold = m, above, float64(n)
		what = fmt.Sprintf("Replication on %s %s more than %s late operations%s.", g.pathText(a.Replication), hasOrHasHad(r.forDur), threshold, forText(r.forDur))
		runbook, _ = g.scenarioRunbook(g.p.AlertScope(id), "failover")

	case plan.AlertRunbookStaleness:
		if a.Runbook == "" {
			return nil, fail("it names no runbook")
		}
		d, ok := g.p.AlertThreshold(id)
		if !ok {
			return nil, fail("no threshold can be derived (lint DR006 reports it)")
		}
		tiers = g.runbookTiers(a.Runbook)
		tier = first(tiers)
		runbook = a.Runbook
		threshold = d.String()
		origin := "the 90-day default"
		if a.Threshold != nil {
			origin = "set in the plan"
		} else if _, ok := g.p.RunbookCadence(a.Runbook); ok {
			origin = "the game-day cadence of the tiers it restores"
		}
		title := ""
		if rb := g.p.Runbooks[a.Runbook]; rb != nil && rb.Title != "" {
			title = fmt.Sprintf(" (%s)", rb.Title)
		}
		what = fmt.Sprintf("Runbook %s%s has not been drilled successfully in more than %s, or never has been.", a.Runbook, title, d.Human())
		if r.forDur > 0 {
			what = strings.TrimSuffix(what, ".") + fmt.Sprintf(" (held%s).", forText(r.forDur))
		}
		guards = fmt.Sprintf("It restores %s; the threshold is %s.", g.tierList(tiers, false), origin)
		m := plan.Metric{Name: DrillMetric, Labels: map[string]string{"plan": g.p.Name, "runbook": a.Runbook}, Unit: "seconds"}
		if a.Metric != nil {
			m = *a.Metric
		}
		r.metric, r.ms = m, m.Unit == "milliseconds"
		r.threshold = inUnit(d.Duration, r.ms)
		r.shape = ageAbove
		if strings.Contains(m.Name, "timestamp") {
			r.shape = olderThan
		}

	case plan.AlertStandbyCapacity:
		c := g.p.Components[a.Component]
		switch {
		case a.Component == "":
			return nil, fail("it names no standby component")
		case c == nil:
			return nil, fail("component %q is not declared", a.Component)
		case c.Capacity == nil || (c.Capacity.FloorPercent <= 0 && c.Capacity.PercentOfPrimary <= 0):
			return nil, fail("no threshold: component %q states no capacity (floorPercent, percentOfPrimary)", a.Component)
		}
		floor, origin := c.Capacity.FloorPercent, "its floorPercent"
		if floor <= 0 {
			floor, origin = c.Capacity.PercentOfPrimary, "its planned percentOfPrimary (it states no floorPercent)"
		}
		// A standby serves the tiers of the services on it or, when none
		// depends on it directly (it waits for a failover), the tiers of
		// the scenario that fails over to it.
		tiers = g.p.ComponentTiers(a.Component)
		runbook, _ = g.scenarioRunbook(tiers, "failover")
		serves := "It serves %s."
		if sc := g.failoverScenario(); len(tiers) == 0 && sc != "" {
			tiers = g.sortTiers(g.p.ScenarioTiers(sc))
			runbook = g.p.Scenarios[sc].RunbookIDs()[0]
			serves = "It takes over %s in a failover (scenario " + sc + ")."
		}
		tier = first(tiers)
		threshold = num(floor) + "%"
		had := "has had"
		if r.forDur <= 0 {
			had = "has"
		}
		what = fmt.Sprintf("Standby %s %s less than %s%% of the primary's capacity%s.", g.componentText(a.Component), had, num(floor), forText(r.forDur))
		assume := fmt.Sprintf("The recovery estimates assume at least %s%% (%s)", num(floor), origin)
		if s := c.Capacity.ScaleUpTime; s != nil {
			assume += fmt.Sprintf(", from which it scales to full size in %s", s.Human())
			if c.Capacity.Scaler != "" {
				assume += " with " + c.Capacity.Scaler
			}
		}
		guards = assume + "."
		if len(tiers) > 0 {
			guards += " " + fmt.Sprintf(serves, g.tierList(tiers, false))
		}
		m := plan.Metric{Name: "drplan_standby_capacity_percent", Labels: map[string]string{"plan": g.p.Name, "component": a.Component}}
		if a.Metric != nil {
			m = *a.Metric
		}
		r.metric, r.shape, r.threshold = m, below, floor

	default:
		return nil, fail("unknown kind")
	}

	if tier != "" {
		r.labels["tier"] = tier
	}
	if o := g.p.Objective(id); o.Tier != "" && g.p.Tiers[o.Tier] != nil && g.p.Tiers[o.Tier].RPO != nil && (a.Kind == plan.AlertReplicationLag || a.Kind == plan.AlertBackupFreshness || a.Kind == plan.AlertReplicationBacklog) {
		r.annotations["rpo"] = o.RPO.String()
	}
	r.annotations["summary"] = a.Title
	if a.Title == "" {
		r.annotations["summary"] = fmt.Sprintf("%s alert %s of plan %s", a.Kind, id, g.p.Name)
	}
	r.annotations["description"] = what + " " + guards
	r.annotations["threshold"] = threshold
	if runbook != "" {
		r.annotations["runbook_url"] = g.o.RunbookURL(runbook)
	}
	r.expr = r.expression()
	return r, nil
}

// metric is the series a lag or backup-freshness alert watches.
func (g *gen) metric(a *plan.Alert) (plan.Metric, error) {
	if a.Metric != nil {
		return *a.Metric, nil
	}
	if a.Kind == plan.AlertBackupFreshness {
		c := g.p.Components[a.Component]
		if c == nil || c.Kind != plan.KindAWSBackup {
			return plan.Metric{}, fmt.Errorf("no metric: give the alert one (a default exists for aws-backup components only)")
		}
		m := plan.Metric{Name: "aws_backup_recovery_point_creation_timestamp_seconds", Unit: "seconds"}
		if c.AWS != nil && c.AWS.VaultName != "" {
			m.Labels = map[string]string{"backup_vault_name": c.AWS.VaultName}
		}
		return m, nil
	}
	path := g.p.Replication[a.Replication]
	if path == nil {
		return plan.Metric{}, fmt.Errorf("no metric: give the alert one, or a replication path that has one")
	}
	if a.Kind == plan.AlertReplicationBacklog {
		// The path's metric is its lag; a backlog is another series.
		if path.Mechanism != "s3-crr" {
			return plan.Metric{}, fmt.Errorf("no metric: drplan knows a default backlog metric for s3-crr only; give the alert one")
		}
		m := plan.Metric{Name: "aws_s3_operations_failed_replication_sum"}
		labels := map[string]string{}
		if c := g.p.Components[path.From]; c != nil && c.AWS != nil && c.AWS.Bucket != "" {
			labels["source_bucket"] = c.AWS.Bucket
		}
		if c := g.p.Components[path.To]; c != nil && c.AWS != nil && c.AWS.Bucket != "" {
			labels["destination_bucket"] = c.AWS.Bucket
		}
		if len(labels) > 0 {
			m.Labels = labels
		}
		return m, nil
	}
	if path.Metric != nil {
		return *path.Metric, nil
	}
	aws := func(id string) *plan.AWS {
		if c := g.p.Components[id]; c != nil && c.AWS != nil {
			return c.AWS
		}
		return &plan.AWS{}
	}
	from, to := aws(path.From), aws(path.To)
	labels := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			labels[k] = v
		}
	}
	var m plan.Metric
	switch path.Mechanism {
	case "aurora-global-database":
		m = plan.Metric{Name: "aws_rds_aurora_global_db_replication_lag_average", Unit: "milliseconds"}
		set("dbcluster_identifier", to.ClusterID)
	case "rds-read-replica":
		m = plan.Metric{Name: "aws_rds_replica_lag_average", Unit: "seconds"}
		set("dbinstance_identifier", to.InstanceID)
	case "mirrormaker2":
		m = plan.Metric{Name: "kafka_connect_mirror_source_connector_replication_latency_ms_max", Unit: "milliseconds"}
	case "msk-replicator":
		m = plan.Metric{Name: "aws_kafka_replication_latency_maximum", Unit: "milliseconds"}
	case "elasticache-global-datastore":
		m = plan.Metric{Name: "aws_elasticache_global_datastore_replication_lag_average", Unit: "seconds"}
		set("replication_group_id", to.ReplicationGroupID)
	case "s3-crr":
		m = plan.Metric{Name: "aws_s3_replication_latency_maximum", Unit: "seconds"}
		set("source_bucket", from.Bucket)
		set("destination_bucket", to.Bucket)
	case "postgres-streaming":
		m = plan.Metric{Name: "pg_replication_lag_seconds", Unit: "seconds"}
	default:
		return plan.Metric{}, fmt.Errorf("no metric: replication path %q (%s) has none and drplan knows no default for %s; give the path or the alert a metric",
			a.Replication, path.Mechanism, path.Mechanism)
	}
	if len(labels) > 0 {
		m.Labels = labels
	}
	return m, nil
}

// expression is the rule's PromQL.
func (r *rule) expression() string {
	sel := selector(r.metric)
	keys := plan.Keys(r.metric.Labels)
	agg := func(op string) string {
		if len(keys) == 0 {
			return fmt.Sprintf("%s(%s)", op, sel)
		}
		return fmt.Sprintf("%s by (%s) (%s)", op, strings.Join(keys, ", "), sel)
	}
	thr := num(r.threshold)
	switch r.shape {
	case below:
		return fmt.Sprintf("%s < %s", agg("min"), thr)
	case olderThan:
		now := "time()"
		if r.ms {
			now = "time() * 1000"
		}
		return fmt.Sprintf("(%s - %s) > %s or absent(%s)", now, agg("max"), thr, sel)
	case ageAbove:
		return fmt.Sprintf("%s > %s or absent(%s)", agg("max"), thr, sel)
	}
	return fmt.Sprintf("%s > %s", agg("max"), thr)
}

func selector(m plan.Metric) string {
	keys := plan.Keys(m.Labels)
	if len(keys) == 0 {
		return m.Name
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Quote(m.Labels[k])
	}
	return m.Name + "{" + strings.Join(parts, ", ") + "}"
}

// scenarioRunbook is the runbook of the in-scope scenario covering one of
// tiers, preferring one whose response is among responses, then by ID.
// Of a scenario answered by several runbooks it names the first that
// restores one of tiers, else the scenario's first runbook.
func (g *gen) scenarioRunbook(tiers []string, responses ...string) (runbook, scenario string) {
	overlaps := func(ts []string) bool {
		return slices.ContainsFunc(ts, func(t string) bool { return slices.Contains(tiers, t) })
	}
	pick := func(id string) string {
		ids := g.p.Scenarios[id].RunbookIDs()
		for _, rb := range ids {
			if overlaps(g.p.RunbookTiers(rb)) {
				return rb
			}
		}
		return ids[0]
	}
	fallback := ""
	for _, id := range plan.Keys(g.p.Scenarios) {
		s := g.p.Scenarios[id]
		if !s.InScope || len(s.RunbookIDs()) == 0 || !overlaps(g.p.ScenarioTiers(id)) {
			continue
		}
		if slices.Contains(responses, s.Response) {
			return pick(id), id
		}
		if fallback == "" {
			fallback = id
		}
	}
	if fallback == "" {
		return "", ""
	}
	return pick(fallback), fallback
}

// failoverScenario is the first in-scope scenario that fails over with a
// runbook: what a standby no service depends on directly is there for.
func (g *gen) failoverScenario() string {
	for _, id := range plan.Keys(g.p.Scenarios) {
		if s := g.p.Scenarios[id]; s.InScope && len(s.RunbookIDs()) > 0 && s.Response == "failover" {
			return id
		}
	}
	return ""
}

// runbookTiers are the tiers a runbook restores: those it names
// (plan.RunbookTiers) and those of the in-scope scenarios it answers.
func (g *gen) runbookTiers(id string) []string {
	tiers := g.p.RunbookTiers(id)
	for _, sid := range g.p.RunbookScenarios(id) {
		tiers = append(tiers, g.p.Scenarios[sid].Tiers...)
	}
	return g.sortTiers(tiers)
}

// sortTiers orders tiers most critical first, without duplicates.
func (g *gen) sortTiers(tiers []string) []string {
	var out []string
	for _, id := range g.p.TierIDs() {
		if slices.Contains(tiers, id) {
			out = append(out, id)
		}
	}
	return out
}

// tierList names tiers, with their RPOs when withRPO.
func (g *gen) tierList(tiers []string, withRPO bool) string {
	if len(tiers) == 0 {
		return "no tier"
	}
	parts := make([]string, len(tiers))
	for i, id := range tiers {
		parts[i] = id
		if t := g.p.Tiers[id]; withRPO && t != nil && t.RPO != nil {
			parts[i] += fmt.Sprintf(" (RPO %s)", t.RPO.Human())
		}
	}
	return strings.Join(parts, ", ")
}

func (g *gen) pathText(id string) string {
	r := g.p.Replication[id]
	if r == nil {
		return id
	}
	return fmt.Sprintf("%s (%s -> %s, %s)", id, r.From, r.To, r.Mechanism)
}

func (g *gen) componentText(id string) string {
	c := g.p.Components[id]
	if c == nil {
		return id
	}
	var parts []string
	if c.AWS != nil && c.AWS.VaultName != "" {
		parts = append(parts, "vault "+c.AWS.VaultName)
	}
	if c.AWS != nil && c.AWS.ClusterName != "" {
		parts = append(parts, c.AWS.ClusterName)
	}
	if c.Region != "" {
		parts = append(parts, c.Region)
	}
	if len(parts) == 0 {
		return id
	}
	return fmt.Sprintf("%s (%s)", id, strings.Join(parts, ", "))
}

// guarded returns the tiers whose RPO alert id guards and the tier it is
// labelled with: the one whose RPO it is held to (plan.Objective), or else
// the most critical of those its path or component carries.
func (g *gen) guarded(id string) (tiers []string, tier string) {
	tiers = g.p.AlertTiers(id)
	if o := g.p.Objective(id); o.Tier != "" {
		return tiers, o.Tier
	}
	return tiers, first(g.p.AlertScope(id))
}

// guardsText says what an alert guards, for its description.
func (g *gen) guardsText(id string, tiers []string) string {
	a := g.p.Alerts[id]
	switch {
	case a.Guards != nil && a.Guards.Readiness != "":
		return "It guards readiness, no RPO: " + strings.TrimSuffix(a.Guards.Readiness, ".")
	case a.Guards != nil:
		return fmt.Sprintf("It guards the RPO of %s, as the plan states", g.tierList(tiers, true))
	}
	return fmt.Sprintf("It guards the data of %s", g.tierList(tiers, true))
}

func hasOrHasHad(forDur time.Duration) string {
	if forDur > 0 {
		return "has had"
	}
	return "has"
}

func isOrHasBeen(forDur time.Duration) string {
	if forDur > 0 {
		return "has been"
	}
	return "is"
}

func forText(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return " for " + plan.Duration{Duration: d}.Human()
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// inUnit is d in milliseconds or seconds.
func inUnit(d time.Duration, ms bool) float64 {
	if ms {
		return float64(d) / float64(time.Millisecond)
	}
	return d.Seconds()
}

// num formats a number as PromQL and promtool read it, without exponent.
func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// ---------------------------------------------------------------------------
// Rule files

type ruleFile struct {
	Groups []group `yaml:"groups"`
}

type group struct {
	Name  string     `yaml:"name"`
	Rules []promRule `yaml:"rules"`
}

type promRule struct {
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for,omitempty"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

type prometheusRule struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   metadata `yaml:"metadata"`
	Spec       ruleFile `yaml:"spec"`
}

type metadata struct {
	Name   string            `yaml:"name"`
	Labels map[string]string `yaml:"labels,omitempty"`
}

func (g *gen) groups() []group {
	var out []group
	for _, kind := range kinds {
		grp := group{Name: "drplan-" + g.p.Name + "-" + kind}
		for _, r := range g.rules {
			if r.kind != kind {
				continue
			}
			pr := promRule{Alert: r.id, Expr: r.expr, Labels: r.labels, Annotations: map[string]string{}}
			if r.forDur > 0 {
				pr.For = promDuration(r.forDur)
			}
			// Prometheus expands annotations as Go templates; plan text is
			// literal.
			for k, v := range r.annotations {
				if !r.templated {
					v = escapeTemplate(v)
				}
				pr.Annotations[k] = v
			}
			grp.Rules = append(grp.Rules, pr)
		}
		if len(grp.Rules) > 0 {
			out = append(out, grp)
		}
	}
	return out
}

// escapeTemplate makes s expand to itself in a Prometheus template.
func escapeTemplate(s string) string {
	return strings.ReplaceAll(s, "{{", `{{ "{{" }}`)
}

// promDuration writes d as a Prometheus duration: the plan's canonical form
// (units w, d, h, m, s, ms, largest first) is one.
func promDuration(d time.Duration) string { return plan.Duration{Duration: d}.String() }

// header is the files' opening comment; format takes the plan's name.
func (g *gen) header(format string) string {
	return fmt.Sprintf(format, g.p.Name) + "\n# Rendered by drplan from the plan; do not edit: change the plan and render again.\n"
}

func encode(header string, v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ---------------------------------------------------------------------------
// promtool unit tests

type testFile struct {
	RuleFiles          []string    `yaml:"rule_files"`
	EvaluationInterval string      `yaml:"evaluation_interval"`
	Tests              []testGroup `yaml:"tests"`
}

type testGroup struct {
	Name        string      `yaml:"name"`
	Interval    string      `yaml:"interval"`
	InputSeries []series    `yaml:"input_series"`
	AlertTests  []alertTest `yaml:"alert_rule_test"`
}

type series struct {
	Series string `yaml:"series"`
	Values string `yaml:"values"`
}

type alertTest struct {
	EvalTime  string     `yaml:"eval_time"`
	Alertname string     `yaml:"alertname"`
	ExpAlerts []expAlert `yaml:"exp_alerts"`
}

type expAlert struct {
	ExpLabels      map[string]string `yaml:"exp_labels"`
	ExpAnnotations map[string]string `yaml:"exp_annotations"`
}

// step is the input series' interval and the rules' evaluation interval.
const step = time.Minute

func (g *gen) tests() testFile {
	// Rules are evaluated every step, or more often when the verify
	// interval needs it; the other rules' tests hold at any finer step.
	tf := testFile{RuleFiles: []string{RulesFile}, EvaluationInterval: promDuration(min(step, verifyStep(g.o.VerifyInterval))), Tests: []testGroup{}}
	for _, kind := range kinds {
		for _, r := range g.rules {
			if r.kind == kind {
				tf.Tests = append(tf.Tests, r.tests()...)
			}
		}
	}
	return tf
}

// tests are the rule's test cases: a series past the threshold fires once
// `for` has elapsed (and not at the evaluation before), a series at the
// threshold never does, and for ages a missing series fires too.
func (r *rule) tests() []testGroup {
	switch r.shape {
	case drift:
		return r.driftTests()
	case stale:
		return r.staleTests()
	}
	// The first evaluation at which an alert active from time 0 is firing.
	steps := int((r.forDur + step - 1) / step)
	fireAt := time.Duration(steps) * step
	samples := steps + 5
	const unit = 1                // one millisecond or second past the threshold
	perStep := inUnit(step, r.ms) // a timestamp's increase per step

	var past, at string // series values past and at the threshold
	thr := r.threshold
	switch r.shape {
	case above, ageAbove:
		past = fmt.Sprintf("%s+0x%d", num(thr+unit), samples)
		at = fmt.Sprintf("%s+0x%d", num(thr), samples)
	case below:
		d := 1.0
		if thr <= 1 {
			d = thr / 2
		}
		past = fmt.Sprintf("%s+0x%d", num(thr-d), samples)
		at = fmt.Sprintf("%s+0x%d", num(thr), samples)
	case olderThan:
		// promtool's clock starts at 0: a last success before it is a
		// negative timestamp. Past: one unit more than the threshold ago
		// at time 0, never again. At: exactly the threshold ago at every
		// evaluation.
		past = fmt.Sprintf("%s+0x%d", num(-(thr + unit)), samples)
		at = fmt.Sprintf("%s+%sx%d", num(-thr), num(perStep), samples)
	}

	labels := map[string]string{}
	for k, v := range r.metric.Labels {
		labels[k] = v
	}
	for k, v := range r.labels {
		labels[k] = v
	}
	want := []expAlert{{ExpLabels: labels, ExpAnnotations: r.annotations}}
	none := []expAlert{}
	sel := seriesSelector(r.metric)
	cmp := map[shape]string{above: "above", below: "below", olderThan: "when older than", ageAbove: "when older than"}[r.shape]

	firing := []alertTest{}
	if fireAt > 0 {
		firing = append(firing, alertTest{EvalTime: promDuration(fireAt - step), Alertname: r.id, ExpAlerts: none})
	}
	firing = append(firing, alertTest{EvalTime: promDuration(fireAt), Alertname: r.id, ExpAlerts: want})
	out := []testGroup{{
		Name:        fmt.Sprintf("%s fires %s its threshold %s", r.id, cmp, forName(r.forDur)),
		Interval:    promDuration(step),
		InputSeries: []series{{Series: sel, Values: past}},
		AlertTests:  firing,
	}, {
		Name:        fmt.Sprintf("%s stays silent at its threshold", r.id),
		Interval:    promDuration(step),
		InputSeries: []series{{Series: sel, Values: at}},
		AlertTests: []alertTest{
			{EvalTime: promDuration(fireAt), Alertname: r.id, ExpAlerts: none},
			{EvalTime: promDuration(fireAt + 4*step), Alertname: r.id, ExpAlerts: none},
		},
	}}
	if r.shape == olderThan || r.shape == ageAbove {
		out = append(out, testGroup{
			Name:        fmt.Sprintf("%s fires when the series is missing (never succeeded)", r.id),
			Interval:    promDuration(step),
			InputSeries: []series{},
			AlertTests:  slices.Clone(firing),
		})
	}
	return out
}

func forName(d time.Duration) string {
	if d <= 0 {
		return "at once (no for)"
	}
	return "after its for (" + promDuration(d) + ")"
}

// seriesSelector is the metric as promtool's series notation: the name and
// every label.
func seriesSelector(m plan.Metric) string {
	keys := plan.Keys(m.Labels)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Quote(m.Labels[k])
	}
	return m.Name + "{" + strings.Join(parts, ", ") + "}"
}

// ---------------------------------------------------------------------------
// verify alerts

const (
	findingsMetric    = "drplan_verify_findings"
	lastSuccessMetric = "drplan_verify_last_success_timestamp_seconds"
)

// hasAWS reports whether verify checks anything of p.
func hasAWS(p *plan.Plan) bool {
	for _, c := range p.Components {
		if c.AWS != nil {
			return true
		}
	}
	return false
}

// verifyRules are the drift and stale alerts of the plan.
func (g *gen) verifyRules() []*rule {
	iv := g.o.VerifyInterval
	ivText := plan.Duration{Duration: iv}.Human()
	name := g.p.Name
	sel := fmt.Sprintf(`%s{plan=%q, severity="error"}`, findingsMetric, name)
	d := &rule{
		id: VerifyDrift, kind: kindVerify, shape: drift, forDur: iv, templated: true,
		expr:   fmt.Sprintf("max by (plan, rule) (%s) > 0", sel),
		labels: map[string]string{"plan": name, "severity": "critical"},
		annotations: map[string]string{
			"summary": "AWS has drifted from the DR plan",
			"description": fmt.Sprintf("drplan verify has found AWS disagreeing with plan %s under rule {{ $labels.rule }} ({{ $value }} findings) at every run for %s (the verify interval): "+
				"a standby, replica, protection or setting the plan relies on is not as declared. See the exporter's log or its evidence record, or run drplan verify on the plan.", name, ivText),
			"runbook_url": "https://github.com/drplan/drplan/blob/main/docs/verify.md#rules",
		},
	}
	lsel := fmt.Sprintf("%s{plan=%q}", lastSuccessMetric, name)
	st := &rule{
		id: VerifyStale, kind: kindVerify, shape: stale, forDur: iv,
		expr:   fmt.Sprintf("(time() - max(%s)) > %s or absent(%s)", lsel, num((StaleIntervals * iv).Seconds()), lsel),
		labels: map[string]string{"plan": name, "severity": "warning"},
		annotations: map[string]string{
			"summary": "drplan verify has not succeeded for the DR plan",
			"description": fmt.Sprintf("No drplan verify run of plan %s has been able to check AWS for %s (%d verify intervals of %s, held for one more): drift would go unseen. "+
				"Check the exporter is running with --verify-interval, and its log for AWS errors (credentials, permissions, throttling).", name,
				plan.Duration{Duration: (StaleIntervals + 1) * iv}.Human(), StaleIntervals, ivText),
			"runbook_url": "https://github.com/drplan/drplan/blob/main/docs/verify.md#continuous-verification",
		},
	}
	return []*rule{d, st}
}

// driftTests: an error finding present across two runs fires once the
// interval has passed; one seen by a single run and gone at the next does
// not; warnings (DR201, accepted findings) never do.
func (r *rule) driftTests() []testGroup {
	iv := r.forDur
	vs := verifyStep(iv)
	steps := int(iv / vs)
	p := r.labels["plan"]
	ser := func(rule, sev string) string {
		return fmt.Sprintf(`%s{plan=%q, rule=%q, severity=%q}`, findingsMetric, p, rule, sev)
	}
	labels := map[string]string{"plan": p, "rule": "DR205", "severity": r.labels["severity"]}
	ann := map[string]string{}
	for k, v := range r.annotations {
		ann[k] = strings.ReplaceAll(strings.ReplaceAll(v, "{{ $labels.rule }}", "DR205"), "{{ $value }}", "1")
	}
	want := []expAlert{{ExpLabels: labels, ExpAnnotations: ann}}
	none := []expAlert{}
	n := steps*3 + 2
	return []testGroup{{
		Name:     fmt.Sprintf("%s fires when an error finding outlasts one verify interval (%s)", r.id, promDuration(iv)),
		Interval: promDuration(vs),
		InputSeries: []series{
			{Series: ser("DR205", "error"), Values: fmt.Sprintf("0 1+0x%d", n)},
			{Series: ser("DR204", "error"), Values: fmt.Sprintf("0+0x%d", n+1)},
		},
		AlertTests: []alertTest{
			{EvalTime: promDuration(iv), Alertname: r.id, ExpAlerts: none},
			{EvalTime: promDuration(iv + vs), Alertname: r.id, ExpAlerts: want},
		},
	}, {
		Name:     fmt.Sprintf("%s stays silent for a finding gone by the next run, and for warnings", r.id),
		Interval: promDuration(vs),
		InputSeries: []series{
			{Series: ser("DR205", "error"), Values: fmt.Sprintf("1+0x%d 0+0x%d", steps-1, n)},
			{Series: ser("DR201", "warning"), Values: fmt.Sprintf("7+0x%d", n+steps)},
		},
		AlertTests: []alertTest{
			{EvalTime: promDuration(iv), Alertname: r.id, ExpAlerts: none},
			{EvalTime: promDuration(3 * iv), Alertname: r.id, ExpAlerts: none},
		},
	}}
}

// staleTests: a last success more than StaleIntervals intervals ago, held
// for one interval, fires, as does a plan verify never ran on; a run every
// interval, and a gap of two intervals (back-off), do not.
func (r *rule) staleTests() []testGroup {
	iv := r.forDur
	vs := verifyStep(iv)
	steps := int(iv / vs)
	p := r.labels["plan"]
	sel := fmt.Sprintf("%s{plan=%q}", lastSuccessMetric, p)
	want := []expAlert{{ExpLabels: r.labels, ExpAnnotations: r.annotations}}
	none := []expAlert{}
	thr := StaleIntervals * iv
	// A success at 0, then none: stale past thr, firing one interval later.
	fireAt := thr + vs + iv
	samples := int(fireAt/vs) + 2
	// A success every interval: the timestamp steps up by the interval at
	// each run; every other interval: by twice the interval, every other
	// interval (the value holds between runs).
	var every, backoff []string
	for i := 0; i <= samples; i++ {
		every = append(every, num(float64((i/steps)*steps)*vs.Seconds()))
		backoff = append(backoff, num(float64((i/(2*steps))*2*steps)*vs.Seconds()))
	}
	return []testGroup{{
		Name:        fmt.Sprintf("%s fires when no run succeeded for %d intervals, held for one more", r.id, StaleIntervals),
		Interval:    promDuration(vs),
		InputSeries: []series{{Series: sel, Values: fmt.Sprintf("0+0x%d", samples)}},
		AlertTests: []alertTest{
			{EvalTime: promDuration(fireAt - vs), Alertname: r.id, ExpAlerts: none},
			{EvalTime: promDuration(fireAt), Alertname: r.id, ExpAlerts: want},
		},
	}, {
		Name:        fmt.Sprintf("%s fires when verify never ran", r.id),
		Interval:    promDuration(vs),
		InputSeries: []series{},
		AlertTests: []alertTest{
			{EvalTime: promDuration(iv - vs), Alertname: r.id, ExpAlerts: none},
			{EvalTime: promDuration(iv), Alertname: r.id, ExpAlerts: want},
		},
	}, {
		Name:        fmt.Sprintf("%s stays silent while runs succeed every interval", r.id),
		Interval:    promDuration(vs),
		InputSeries: []series{{Series: sel, Values: strings.Join(every, " ")}},
		AlertTests:  []alertTest{{EvalTime: promDuration(fireAt), Alertname: r.id, ExpAlerts: none}},
	}, {
		Name:        fmt.Sprintf("%s stays silent while runs succeed every other interval (back-off on throttling)", r.id),
		Interval:    promDuration(vs),
		InputSeries: []series{{Series: sel, Values: strings.Join(backoff, " ")}},
		AlertTests:  []alertTest{{EvalTime: promDuration(fireAt), Alertname: r.id, ExpAlerts: none}},
	}}
}

// verifyStep is the series interval of the verify alerts' tests: a minute,
// or the largest step that divides a shorter or odd interval, so that the
// evaluations fall on the interval's boundaries.
func verifyStep(iv time.Duration) time.Duration {
	a, b := iv, step
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
