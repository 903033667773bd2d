package verify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/plan"
)

// checker compares one plan with the observed state. It also runs before
// anything is fetched: then every lookup misses and is remembered, which is
// how verify learns what to fetch without a second description of the
// checks.
type checker struct {
	p       *plan.Plan
	obs     *Observed
	region  string // for components that declare none
	planned map[fetchKey]bool
	// checks are pointers so that one stays valid while later checks are
	// added.
	checks []*evidence.Check
	// nodes[i] is the plan node checks[i] is about, for findings.
	nodes []string
	// same links checks that judge one fact from two places of the plan;
	// when both fail, they are one finding.
	same []sameFact
}

// sameFact says that checks[drop] fails for the same reason as
// checks[keep]: the finding of keep names drop's location instead of drop
// being a finding of its own. also completes the sentence "; ..." that is
// added to keep's message.
type sameFact struct {
	keep, drop int
	also       string
}

// index is the position in checks of the last check with id about comp,
// or -1.
func (c *checker) index(id, comp string) int {
	for i := len(c.checks) - 1; i >= 0; i-- {
		if c.checks[i].ID == id && c.checks[i].Component == comp {
			return i
		}
	}
	return -1
}

// sameAs records that the check just made judges the same fact as
// checks[keep] (when keep >= 0).
func (c *checker) sameAs(keep int, also string, args ...any) {
	if keep >= 0 {
		c.same = append(c.same, sameFact{keep: keep, drop: len(c.checks) - 1, also: fmt.Sprintf(also, args...)})
	}
}

func newChecker(p *plan.Plan, obs *Observed, defaultRegion string) *checker {
	return &checker{p: p, obs: obs, region: defaultRegion}
}

// check starts a check about a component, located at the plan node given
// by path (falling back to its nearest written ancestor).
func (c *checker) check(id, comp, resource, region string, path ...any) *evidence.Check {
	ch := &evidence.Check{ID: id, Component: comp, Resource: resource, Region: region, Pos: c.p.Source.Pos(path...)}
	if cp := c.p.Components[comp]; cp != nil {
		ch.Account = c.accountOf(cp)
	}
	c.checks = append(c.checks, ch)
	c.nodes = append(c.nodes, plan.Path(path...))
	return ch
}

func ok(ch *evidence.Check, msg string, args ...any) {
	ch.Status, ch.RuleID, ch.Message = evidence.OK, "", fmt.Sprintf(msg, args...)
}

// okv is ok with the values compared, kept in the record as evidence.
func okv(ch *evidence.Check, expected, observed, msg string, args ...any) {
	ok(ch, msg, args...)
	ch.Expected, ch.Observed = expected, observed
}

func mismatch(ch *evidence.Check, rule, expected, observed, msg string, args ...any) {
	ch.Status, ch.RuleID, ch.Expected, ch.Observed = evidence.Mismatch, rule, expected, observed
	ch.Message = fmt.Sprintf(msg, args...)
}

func unverified(ch *evidence.Check, reason string) {
	ch.Status, ch.RuleID, ch.Message = evidence.Unverified, RuleUnverified, reason
}

// get finds a fetched object and decodes it into v. When it is missing,
// unreadable or was never fetched, ch records that and get returns false;
// checks that depend on the object are then skipped, so one absent cluster
// is one finding, not one per property.
func (c *checker) get(ch *evidence.Check, kind, account, region, id, what string, v any) bool {
	k := fetchKey{kind, account, region, id}
	r := c.obs.lookup(k)
	if r == nil {
		if c.planned != nil {
			c.planned[k] = true
		}
		unverified(ch, fmt.Sprintf("could not verify %s: not read (it is not in the snapshot)", what))
		return false
	}
	switch {
	case r.Error != "":
		unverified(ch, fmt.Sprintf("could not verify %s: %s", what, r.Error))
		return false
	case !r.Found:
		mismatch(ch, RuleMissing, "exists", "does not exist", "%s does not exist in %s", what, region)
		return false
	}
	if err := json.Unmarshal(r.Value, v); err != nil {
		unverified(ch, fmt.Sprintf("could not verify %s: recorded state unreadable: %v", what, err))
		return false
	}
	return true
}

// prefetch asks, while planning, for an object a later check may need.
func (c *checker) prefetch(kind, account, region, id string) {
	if k := (fetchKey{kind, account, region, id}); c.planned != nil && c.obs.lookup(k) == nil {
		c.planned[k] = true
	}
}

// accountOf is the AWS account a component lives in, "" when the plan
// does not say: it is then read with the caller's own credentials.
func (c *checker) accountOf(comp *plan.Component) string {
	if a := c.p.Accounts[comp.Account]; a != nil {
		return a.ID
	}
	return ""
}

func (c *checker) regionOf(comp *plan.Component) string {
	if comp.Region != "" {
		return comp.Region
	}
	return c.region
}

// run performs every check the plan calls for.
func (c *checker) run() []evidence.Check {
	for _, id := range plan.Keys(c.p.Components) {
		comp := c.p.Components[id]
		if comp.AWS == nil {
			continue
		}
		switch comp.Kind {
		case plan.KindAuroraGlobal, plan.KindAuroraCluster:
			c.aurora(id, comp)
		case plan.KindRDSPostgres:
			c.rdsInstance(id, comp)
		case plan.KindS3:
			c.bucket(id, comp)
		case plan.KindEKS:
			c.eks(id, comp)
		case plan.KindMSK:
			c.msk(id, comp)
		case plan.KindElastiCacheRedis:
			c.redis(id, comp)
		case plan.KindAWSBackup:
			c.backup(id, comp)
		case plan.KindRoute53:
			c.zone(id, comp)
		}
	}
	for _, id := range plan.Keys(c.p.DNS) {
		c.dns(id, c.p.DNS[id])
	}
	for _, id := range plan.Keys(c.p.Replication) {
		c.path(id, c.p.Replication[id])
	}
	out := make([]evidence.Check, len(c.checks))
	for i, ch := range c.checks {
		out[i] = *ch
	}
	return out
}

func (c *checker) aurora(id string, comp *plan.Component) {
	a, region := comp.AWS, c.regionOf(comp)
	if comp.Kind == plan.KindAuroraGlobal && a.GlobalClusterID != "" {
		ch := c.check("aurora.global-cluster", id, a.GlobalClusterID, region, "components", id, "aws", "globalClusterId")
		var g GlobalCluster
		if c.get(ch, kindGlobalCluster, c.accountOf(comp), region, a.GlobalClusterID, "Aurora global database "+a.GlobalClusterID, &g) {
			if g.Status != "available" {
				mismatch(ch, RuleNotServing, "available", g.Status, "Aurora global database %s is %s, not available", g.ID, g.Status)
			} else {
				ok(ch, "Aurora global database %s is available with %d member clusters", g.ID, len(g.Members))
			}
			c.globalMember(id, comp, &g)
		}
	}
	ch := c.check("aurora.cluster", id, a.ClusterID, region, "components", id, "aws", "clusterId")
	var d DBCluster
	if !c.get(ch, kindDBCluster, c.accountOf(comp), region, a.ClusterID, fmt.Sprintf("Aurora cluster %s", a.ClusterID), &d) {
		return
	}
	if d.Status != "available" {
		mismatch(ch, RuleNotServing, "available", d.Status, "Aurora cluster %s in %s is %s, not available", d.ID, region, d.Status)
	} else {
		ok(ch, "Aurora cluster %s is available in %s", d.ID, region)
	}
	if len(a.ReaderInstanceIDs) > 0 {
		ch := c.check("aurora.members", id, a.ClusterID, region, "components", id, "aws", "readerInstanceIds")
		var missing, writers []string
		for _, r := range a.ReaderInstanceIDs {
			i := slices.IndexFunc(d.Members, func(m ClusterMember) bool { return m.InstanceID == r })
			switch {
			case i < 0:
				missing = append(missing, r)
			case d.Members[i].Writer && comp.Role != "standby":
				writers = append(writers, r)
			}
		}
		observed := memberList(d.Members)
		switch {
		case len(missing) > 0:
			mismatch(ch, RuleTopology, strings.Join(a.ReaderInstanceIDs, ", "), observed, "Aurora cluster %s lacks the reader instances %s the plan declares (members: %s)", d.ID, strings.Join(missing, ", "), observed)
		case len(writers) > 0:
			mismatch(ch, RuleTopology, "readers "+strings.Join(a.ReaderInstanceIDs, ", "), observed, "Aurora cluster %s: %s is the writer, not a reader as the plan declares", d.ID, strings.Join(writers, ", "))
		default:
			ok(ch, "Aurora cluster %s has the declared instances %s", d.ID, strings.Join(a.ReaderInstanceIDs, ", "))
		}
	}
	if comp.Backup != nil {
		ch := c.check("aurora.backup-retention", id, a.ClusterID, region, "components", id, "backup", "retention")
		c.retention(ch, "Aurora cluster "+d.ID, d.BackupRetentionDays, comp.Backup.Retention)
	}
	if a.DeletionProtection != nil {
		ch := c.check("aurora.deletion-protection", id, a.ClusterID, region, "components", id, "aws", "deletionProtection")
		c.deletionProtection(ch, "Aurora cluster "+d.ID, *a.DeletionProtection, d.DeletionProtection)
	}
}

func memberList(ms []ClusterMember) string {
	if len(ms) == 0 {
		return "none"
	}
	var out []string
	for _, m := range ms {
		role := "reader"
		if m.Writer {
			role = "writer"
		}
		out = append(out, m.InstanceID+" ("+role+")")
	}
	return strings.Join(out, ", ")
}

// globalMember checks the component's cluster is in the global database,
// in its region, in the role the plan gives it.
func (c *checker) globalMember(id string, comp *plan.Component, g *GlobalCluster) {
	a, region := comp.AWS, c.regionOf(comp)
	what := "secondary"
	if comp.Role == "primary" {
		what = "primary"
	}
	ch := c.check("aurora.global-"+what, id, a.ClusterID, region, "components", id, "aws", "clusterId")
	var observed []string
	for _, m := range g.Members {
		r, cl := arnRegion(m.ClusterARN), arnName(m.ClusterARN)
		role := "secondary"
		if m.Writer {
			role = "primary"
		}
		observed = append(observed, fmt.Sprintf("%s in %s (%s)", cl, r, role))
		if cl != a.ClusterID || r != region {
			continue
		}
		if m.Writer != (what == "primary") {
			mismatch(ch, RuleTopology, what, role, "Aurora cluster %s is the %s of global database %s, but the plan declares it %s", cl, role, g.ID, what)
		} else {
			ok(ch, "Aurora cluster %s is the %s of global database %s in %s", cl, what, g.ID, region)
		}
		return
	}
	obs := strings.Join(observed, ", ")
	if obs == "" {
		obs = "no members"
	}
	mismatch(ch, RuleTopology, fmt.Sprintf("%s in %s (%s)", a.ClusterID, region, what), obs,
		"global database %s has no %s cluster %s in %s (members: %s)", g.ID, what, a.ClusterID, region, obs)
}

// arnRegion and arnName read arn:aws:rds:REGION:ACCOUNT:cluster:NAME.
func arnRegion(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) > 3 {
		return parts[3]
	}
	return ""
}

func arnName(arn string) string {
	parts := strings.Split(arn, ":")
	return parts[len(parts)-1]
}

func (c *checker) retention(ch *evidence.Check, what string, days int, want plan.Duration) {
	have := time.Duration(days) * 24 * time.Hour
	switch {
	case days == 0:
		mismatch(ch, RuleRetention, human(want.Duration), "automated backups off", "%s has automated backups turned off (retention 0); the plan relies on %s of point-in-time recovery", what, hum(want.Duration))
	case have < want.Duration:
		mismatch(ch, RuleRetention, human(want.Duration), fmt.Sprintf("%dd", days), "%s keeps backups for %s, shorter than the %s the plan claims", what, humDays(days), hum(want.Duration))
	default:
		okv(ch, "at least "+human(want.Duration), fmt.Sprintf("%dd", days), "%s keeps backups for %s, covering the %s the plan claims", what, humDays(days), hum(want.Duration))
	}
}

// hum writes a duration in messages as people read it ("1 day", "35
// days", "250 ms"); humDays a count of days AWS reports.
func hum(d time.Duration) string { return plan.Duration{Duration: d}.Human() }

func humDays(n int) string {
	if n == 0 {
		return "0 days"
	}
	return hum(time.Duration(n) * 24 * time.Hour)
}

// human prints a duration as the plan would write it: whole days as
// "35d" rather than "5w", so messages quote the plan's own figure.
func human(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return plan.Duration{Duration: d}.String()
}

func (c *checker) deletionProtection(ch *evidence.Check, what string, want, have bool) {
	if want == have {
		okv(ch, onOff(want), onOff(have), "%s has deletion protection %s, as declared", what, onOff(have))
		return
	}
	mismatch(ch, RuleProtection, onOff(want), onOff(have), "%s has deletion protection %s; the plan declares it %s", what, onOff(have), onOff(want))
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func (c *checker) rdsInstance(id string, comp *plan.Component) {
	a, region := comp.AWS, c.regionOf(comp)
	ch := c.check("rds.instance", id, a.InstanceID, region, "components", id, "aws", "instanceId")
	var d DBInstance
	if !c.get(ch, kindDBInstance, c.accountOf(comp), region, a.InstanceID, "RDS instance "+a.InstanceID, &d) {
		return
	}
	if d.Status != "available" {
		mismatch(ch, RuleNotServing, "available", d.Status, "RDS instance %s in %s is %s, not available", d.ID, region, d.Status)
	} else {
		ok(ch, "RDS instance %s is available in %s", d.ID, region)
	}
	ch = c.check("rds.backups", id, a.InstanceID, region, "components", id, "backup", "retention")
	if comp.Backup != nil {
		c.retention(ch, "RDS instance "+d.ID, d.BackupRetentionDays, comp.Backup.Retention)
	} else if d.BackupRetentionDays == 0 {
		mismatch(ch, RuleRetention, "automated backups on", "automated backups off", "RDS instance %s has automated backups turned off", d.ID)
	} else {
		okv(ch, "automated backups on", fmt.Sprintf("%dd", d.BackupRetentionDays), "RDS instance %s keeps automated backups for %s", d.ID, humDays(d.BackupRetentionDays))
	}
	if len(a.ReadReplicaIDs) > 0 {
		ch := c.check("rds.read-replicas", id, a.InstanceID, region, "components", id, "aws", "readReplicaIds")
		var missing []string
		for _, r := range a.ReadReplicaIDs {
			// Cross-region replicas are listed by ARN.
			if !slices.ContainsFunc(d.ReadReplicas, func(s string) bool { return s == r || arnName(s) == r }) {
				missing = append(missing, r)
			}
		}
		observed := strings.Join(d.ReadReplicas, ", ")
		if observed == "" {
			observed = "none"
		}
		if len(missing) > 0 {
			mismatch(ch, RuleTopology, strings.Join(a.ReadReplicaIDs, ", "), observed, "RDS instance %s lacks the read replicas %s the plan declares (replicas: %s)", d.ID, strings.Join(missing, ", "), observed)
		} else {
			ok(ch, "RDS instance %s has the declared read replicas %s", d.ID, strings.Join(a.ReadReplicaIDs, ", "))
		}
	}
	if a.DeletionProtection != nil {
		ch := c.check("rds.deletion-protection", id, a.InstanceID, region, "components", id, "aws", "deletionProtection")
		c.deletionProtection(ch, "RDS instance "+d.ID, *a.DeletionProtection, d.DeletionProtection)
	}
}

func (c *checker) bucket(id string, comp *plan.Component) {
	a, region := comp.AWS, c.regionOf(comp)
	ch := c.check("s3.bucket", id, a.Bucket, region, "components", id, "aws", "bucket")
	var b Bucket
	if !c.get(ch, kindBucket, c.accountOf(comp), region, a.Bucket, "S3 bucket "+a.Bucket, &b) {
		return
	}
	if b.Region != "" && b.Region != region {
		mismatch(ch, RuleMissing, region, b.Region, "S3 bucket %s is in %s, not in %s as the plan declares", b.Name, b.Region, region)
		return
	}
	ok(ch, "S3 bucket %s exists", b.Name)
	if a.Versioning != nil {
		ch := c.check("s3.versioning", id, a.Bucket, region, "components", id, "aws", "versioning")
		have := b.Versioning == "Enabled"
		switch {
		case have == *a.Versioning:
			okv(ch, enabled(*a.Versioning), cmpOr(b.Versioning, "never enabled"), "S3 bucket %s has versioning %s, as declared", b.Name, cmpOr(b.Versioning, "never enabled"))
		default:
			mismatch(ch, RuleProtection, enabled(*a.Versioning), cmpOr(b.Versioning, "never enabled"), "S3 bucket %s has versioning %s; the plan declares it %s", b.Name, cmpOr(b.Versioning, "never enabled"), enabled(*a.Versioning))
		}
	}
	if ol := a.ObjectLock; ol != nil {
		ch := c.check("s3.object-lock", id, a.Bucket, region, "components", id, "aws", "objectLock", "mode")
		switch {
		case b.ObjectLockError != "":
			unverified(ch, "could not verify the Object Lock of S3 bucket "+b.Name+": "+b.ObjectLockError)
		case b.ObjectLock != "Enabled":
			mismatch(ch, RuleProtection, "Object Lock "+ol.Mode, "Object Lock not enabled", "S3 bucket %s does not have Object Lock enabled; the plan declares %s mode", b.Name, ol.Mode)
		case b.LockMode != ol.Mode:
			mismatch(ch, RuleProtection, ol.Mode, cmpOr(b.LockMode, "no default retention"), "S3 bucket %s has Object Lock default retention %s; the plan declares %s", b.Name, cmpOr(b.LockMode, "unset"), ol.Mode)
		default:
			okv(ch, ol.Mode, b.LockMode, "S3 bucket %s has Object Lock in %s mode", b.Name, b.LockMode)
		}
		if ch.Status == evidence.OK || ch.RuleID == RuleProtection && b.LockMode != "" {
			ch := c.check("s3.object-lock-retention", id, a.Bucket, region, "components", id, "aws", "objectLock", "retention")
			days := b.LockDays + 365*b.LockYears
			have := time.Duration(days) * 24 * time.Hour
			if have < ol.Retention.Duration {
				mismatch(ch, RuleRetention, human(ol.Retention.Duration), fmt.Sprintf("%dd", days), "S3 bucket %s locks objects for %s by default, shorter than the %s the plan declares", b.Name, humDays(days), hum(ol.Retention.Duration))
			} else {
				okv(ch, "at least "+human(ol.Retention.Duration), fmt.Sprintf("%dd", days), "S3 bucket %s locks objects for %s by default, covering the declared %s", b.Name, humDays(days), hum(ol.Retention.Duration))
			}
		}
	}
	if a.ReplicateTo != "" {
		ch := c.check("s3.replication", id, a.Bucket, region, "components", id, "aws", "replicateTo")
		if b.ReplicationError != "" {
			unverified(ch, "could not verify the replication of S3 bucket "+b.Name+": "+b.ReplicationError)
			return
		}
		var observed []string
		for _, r := range b.Replication {
			destRegion := r.DestinationRegion
			if r.RegionError != "" {
				destRegion, _ = c.declaredBucketRegion(r.DestinationBucket)
			}
			dest := r.DestinationBucket + " in " + cmpOr(destRegion, "unknown region")
			if r.DestinationMissing {
				dest = r.DestinationBucket + ", which does not exist"
			}
			observed = append(observed, dest+" ("+r.Status+")")
			if r.Status == "Enabled" && destRegion == a.ReplicateTo {
				okv(ch, "replication to "+a.ReplicateTo, dest, "S3 bucket %s replicates to %s (rule %s)", b.Name, dest, r.ID)
				return
			}
		}
		for _, r := range b.Replication {
			if r.RegionError == "" {
				continue
			}
			if region, why := c.declaredBucketRegion(r.DestinationBucket); region == "" {
				unverified(ch, "could not verify the replication destination of S3 bucket "+b.Name+": "+r.RegionError+why)
				return
			}
		}
		obs := cmpOr(strings.Join(observed, ", "), "no replication rules")
		mismatch(ch, RuleTopology, "replication to "+a.ReplicateTo, obs, "S3 bucket %s does not replicate to %s (%s)", b.Name, a.ReplicateTo, obs)
	}
}

// declaredBucketRegion is where a bucket that the plan declares was
// found, read with its own account's credentials; "" when the plan does
// not declare it or it was not found, with why it could not be read
// there. S3 answers GetBucketLocation only to the bucket's owner, so a
// replication destination in another account is located through the
// component that declares it.
func (c *checker) declaredBucketRegion(name string) (region, why string) {
	for _, id := range plan.Keys(c.p.Components) {
		o := c.p.Components[id]
		if o.Kind != plan.KindS3 || o.AWS == nil || o.AWS.Bucket != name {
			continue
		}
		var b Bucket
		probe := &evidence.Check{}
		if c.get(probe, kindBucket, c.accountOf(o), c.regionOf(o), name, "", &b) {
			return cmpOr(b.Region, c.regionOf(o)), ""
		}
		if probe.Status == evidence.Unverified && o.Account != "" {
			why = fmt.Sprintf("; the destination is declared in account %s (%s), where it could not be read: %s", c.accountOf(o), o.Account, strings.TrimPrefix(probe.Message, "could not verify : "))
		}
	}
	return "", why
}

func enabled(b bool) string {
	if b {
		return "Enabled"
	}
	return "Suspended"
}

func cmpOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func (c *checker) eks(id string, comp *plan.Component) {
	a, region := comp.AWS, c.regionOf(comp)
	for _, ng := range a.NodeGroups {
		// Read node groups in the same round as their cluster: they are
		// only checked once it is found, but waiting for that would add a
		// round trip to the whole run.
		c.prefetch(kindNodeGroup, c.accountOf(comp), region, a.ClusterName+"/"+ng)
	}
	ch := c.check("eks.cluster", id, a.ClusterName, region, "components", id, "aws", "clusterName")
	var cl EKSCluster
	if !c.get(ch, kindEKSCluster, c.accountOf(comp), region, a.ClusterName, "EKS cluster "+a.ClusterName, &cl) {
		return
	}
	if cl.Status != "ACTIVE" {
		mismatch(ch, RuleNotServing, "ACTIVE", cl.Status, "EKS cluster %s in %s is %s, not ACTIVE", cl.Name, region, cl.Status)
	} else {
		ok(ch, "EKS cluster %s is ACTIVE in %s", cl.Name, region)
	}
	if comp.Engine != nil && comp.Engine.Version != "" {
		ch := c.check("eks.version", id, a.ClusterName, region, "components", id, "engine", "version")
		if cl.Version != comp.Engine.Version {
			mismatch(ch, RuleConfiguration, comp.Engine.Version, cl.Version, "EKS cluster %s runs Kubernetes %s; the plan declares %s", cl.Name, cl.Version, comp.Engine.Version)
		} else {
			okv(ch, comp.Engine.Version, cl.Version, "EKS cluster %s runs Kubernetes %s, as declared", cl.Name, cl.Version)
		}
	}
	for i, ng := range a.NodeGroups {
		ch := c.check("eks.nodegroup", id, a.ClusterName+"/"+ng, region, "components", id, "aws", "nodeGroups", i)
		var g NodeGroup
		if !c.get(ch, kindNodeGroup, c.accountOf(comp), region, a.ClusterName+"/"+ng, fmt.Sprintf("node group %s of EKS cluster %s", ng, a.ClusterName), &g) {
			continue
		}
		if g.Status != "ACTIVE" {
			mismatch(ch, RuleNotServing, "ACTIVE", g.Status, "node group %s of EKS cluster %s is %s, not ACTIVE", ng, cl.Name, g.Status)
		} else {
			ok(ch, "node group %s of EKS cluster %s is ACTIVE with %d nodes desired", ng, cl.Name, g.Desired)
		}
	}
	if comp.Capacity != nil && comp.Role == "standby" {
		c.capacity(id, comp)
	}
}

// capacity compares the standby's node groups with the primary's: their
// desired sizes must keep the share of the primary the plan declares.
func (c *checker) capacity(id string, comp *plan.Component) {
	primary := c.primaryOf(id)
	if primary == "" || len(comp.AWS.NodeGroups) == 0 {
		return
	}
	want, field := comp.Capacity.PercentOfPrimary, "percentOfPrimary"
	if comp.Capacity.FloorPercent > 0 {
		want, field = comp.Capacity.FloorPercent, "floorPercent"
	}
	region := c.regionOf(comp)
	ch := c.check("eks.capacity", id, comp.AWS.ClusterName, region, "components", id, "capacity", field)
	sum := func(pc *plan.Component) (int, bool) {
		n := 0
		for _, ng := range pc.AWS.NodeGroups {
			var g NodeGroup
			probe := &evidence.Check{}
			switch {
			case c.get(probe, kindNodeGroup, c.accountOf(pc), c.regionOf(pc), pc.AWS.ClusterName+"/"+ng, "node group "+ng, &g):
				n += g.Desired
			case probe.RuleID != RuleMissing:
				return 0, false
			}
			// A missing node group holds no nodes; eks.nodegroup reports it.
		}
		return n, true
	}
	standby, ok1 := sum(comp)
	prim, ok2 := sum(c.p.Components[primary])
	switch {
	case !ok1 || !ok2:
		unverified(ch, "could not verify the standby's capacity: a node group of "+comp.AWS.ClusterName+" or of "+c.p.Components[primary].AWS.ClusterName+" could not be read")
	case prim == 0:
		ok(ch, "the primary %s has no desired nodes in its declared node groups; nothing to compare", primary)
	default:
		pct := float64(standby) * 100 / float64(prim)
		if pct+1e-9 < want {
			mismatch(ch, RuleCapacity, fmt.Sprintf("%s%% of %s", fmtNum(want), primary), fmt.Sprintf("%s%% (%d of %d nodes)", fmtNum(pct), standby, prim),
				"EKS cluster %s has %d desired nodes, %s%% of %s's %d; the plan declares at least %s%%", comp.AWS.ClusterName, standby, fmtNum(pct), primary, prim, fmtNum(want))
		} else {
			okv(ch, fmt.Sprintf("%s%% of %s", fmtNum(want), primary), fmt.Sprintf("%s%% (%d of %d nodes)", fmtNum(pct), standby, prim), "EKS cluster %s has %d desired nodes, %s%% of %s's %d (declared %s%%)", comp.AWS.ClusterName, standby, fmtNum(pct), primary, prim, fmtNum(want))
		}
	}
}

// primaryOf finds the EKS component a standby stands in for: the source
// of a replication path to it, else the primary of a DNS failover whose
// secondary it is, else the plan's only primary EKS component with node
// groups. "" when the plan does not say.
func (c *checker) primaryOf(id string) string {
	usable := func(pid string) bool {
		pc := c.p.Components[pid]
		return pc != nil && pc.Kind == plan.KindEKS && pc.AWS != nil && len(pc.AWS.NodeGroups) > 0
	}
	for _, rid := range plan.Keys(c.p.Replication) {
		if rp := c.p.Replication[rid]; rp.To == id && usable(rp.From) {
			return rp.From
		}
	}
	for _, did := range plan.Keys(c.p.DNS) {
		if d := c.p.DNS[did]; d.Secondary.Component == id && usable(d.Primary.Component) {
			return d.Primary.Component
		}
	}
	var only string
	for _, pid := range plan.Keys(c.p.Components) {
		if c.p.Components[pid].Role == "primary" && usable(pid) {
			if only != "" {
				return ""
			}
			only = pid
		}
	}
	return only
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (c *checker) msk(id string, comp *plan.Component) {
	a, region := comp.AWS, c.regionOf(comp)
	ch := c.check("msk.cluster", id, a.ClusterName, region, "components", id, "aws", "clusterName")
	var m MSKCluster
	if !c.get(ch, kindMSKCluster, c.accountOf(comp), region, a.ClusterName, "MSK cluster "+a.ClusterName, &m) {
		return
	}
	switch {
	case m.State != "ACTIVE":
		mismatch(ch, RuleNotServing, "ACTIVE", m.State, "MSK cluster %s in %s is %s, not ACTIVE", m.Name, region, m.State)
	default:
		ok(ch, "MSK cluster %s is ACTIVE in %s", m.Name, region)
	}
	if a.ClusterARN != "" {
		ch := c.check("msk.arn", id, a.ClusterName, region, "components", id, "aws", "clusterArn")
		if m.ARN != a.ClusterARN {
			mismatch(ch, RuleConfiguration, a.ClusterARN, m.ARN, "MSK cluster %s has ARN %s, not the %s the plan declares (re-created?)", m.Name, m.ARN, a.ClusterARN)
		} else {
			okv(ch, a.ClusterARN, m.ARN, "MSK cluster %s has the declared ARN", m.Name)
		}
	}
}

func (c *checker) redis(id string, comp *plan.Component) {
	a, region := comp.AWS, c.regionOf(comp)
	ch := c.check("elasticache.replication-group", id, a.ReplicationGroupID, region, "components", id, "aws", "replicationGroupId")
	var g ReplicationGroup
	if !c.get(ch, kindReplGroup, c.accountOf(comp), region, a.ReplicationGroupID, "ElastiCache replication group "+a.ReplicationGroupID, &g) {
		return
	}
	if g.Status != "available" {
		mismatch(ch, RuleNotServing, "available", g.Status, "ElastiCache replication group %s in %s is %s, not available", g.ID, region, g.Status)
	} else {
		ok(ch, "ElastiCache replication group %s is available in %s", g.ID, region)
	}
	setting := func(check, field, name string, want *bool, have string) {
		if want == nil {
			return
		}
		ch := c.check(check, id, a.ReplicationGroupID, region, "components", id, "aws", field)
		w := "disabled"
		if *want {
			w = "enabled"
		}
		if have == w {
			okv(ch, w, have, "ElastiCache replication group %s has %s %s, as declared", g.ID, name, have)
		} else {
			mismatch(ch, RuleConfiguration, w, cmpOr(have, "unknown"), "ElastiCache replication group %s has %s %s; the plan declares it %s", g.ID, name, cmpOr(have, "unknown"), w)
		}
	}
	setting("elasticache.automatic-failover", "automaticFailover", "automatic failover", a.AutomaticFailover, g.AutomaticFailover)
	setting("elasticache.multi-az", "multiAZ", "Multi-AZ", a.MultiAZ, g.MultiAZ)
	if a.GlobalDatastoreID == "" {
		return
	}
	ch = c.check("elasticache.global-datastore", id, a.GlobalDatastoreID, region, "components", id, "aws", "globalDatastoreId")
	var gd GlobalDatastore
	if !c.get(ch, kindGlobalDatastore, c.accountOf(comp), region, a.GlobalDatastoreID, "ElastiCache global datastore "+a.GlobalDatastoreID, &gd) {
		if ch.RuleID == RuleMissing {
			ch.RuleID = RuleTopology
		}
		return
	}
	want := "SECONDARY"
	if comp.Role == "primary" {
		want = "PRIMARY"
	}
	var observed []string
	for _, m := range gd.Members {
		observed = append(observed, fmt.Sprintf("%s in %s (%s)", m.ReplicationGroupID, m.Region, strings.ToUpper(m.Role)))
	}
	obs := cmpOr(strings.Join(observed, ", "), "no members")
	i := slices.IndexFunc(gd.Members, func(m GlobalDatastoreMember) bool {
		return m.ReplicationGroupID == a.ReplicationGroupID && m.Region == region
	})
	switch {
	case i < 0:
		mismatch(ch, RuleTopology, fmt.Sprintf("%s in %s (%s)", a.ReplicationGroupID, region, want), obs, "ElastiCache global datastore %s has no member %s in %s (members: %s)", gd.ID, a.ReplicationGroupID, region, obs)
	case !strings.EqualFold(gd.Members[i].Role, want):
		mismatch(ch, RuleTopology, want, strings.ToUpper(gd.Members[i].Role), "%s is the %s member of global datastore %s; the plan declares it %s", a.ReplicationGroupID, strings.ToUpper(gd.Members[i].Role), gd.ID, want)
	default:
		ok(ch, "%s is the %s member of ElastiCache global datastore %s", a.ReplicationGroupID, want, gd.ID)
	}
}

func (c *checker) backup(id string, comp *plan.Component) {
	a, region := comp.AWS, c.regionOf(comp)
	ch := c.check("backup.plan", id, a.PlanName, region, "components", id, "aws", "planName")
	var bp BackupPlan
	if c.get(ch, kindBackupPlan, c.accountOf(comp), region, a.PlanName, "AWS Backup plan "+a.PlanName, &bp) {
		ok(ch, "AWS Backup plan %s exists in %s with %d rules", bp.Name, region, len(bp.Rules))
		c.backupPlan(id, comp, &bp)
	}
	ch = c.check("backup.vault", id, a.VaultName, region, "components", id, "aws", "vaultName")
	var v BackupVault
	if !c.get(ch, kindBackupVault, c.accountOf(comp), region, a.VaultName, "AWS Backup vault "+a.VaultName, &v) {
		return
	}
	ok(ch, "AWS Backup vault %s exists in %s", v.Name, region)
	if a.VaultLock == "" {
		return
	}
	ch = c.check("backup.vault-lock", id, a.VaultName, region, "components", id, "aws", "vaultLock")
	switch {
	case !v.Locked:
		mismatch(ch, RuleProtection, a.VaultLock+" lock", "not locked", "AWS Backup vault %s has no Vault Lock; the plan declares %s mode", v.Name, a.VaultLock)
	case a.VaultLock == "compliance" && v.LockDate == nil:
		mismatch(ch, RuleProtection, "compliance lock", "governance lock", "AWS Backup vault %s is locked in governance mode (no lock date), which privileged users can remove; the plan declares compliance mode", v.Name)
	case a.VaultLock == "compliance" && v.LockDate.After(c.obs.TakenAt):
		mismatch(ch, RuleProtection, "compliance lock", "compliance lock in cooling-off until "+v.LockDate.Format(time.RFC3339), "AWS Backup vault %s is in its Vault Lock cooling-off period until %s: the lock can still be removed", v.Name, v.LockDate.Format(time.RFC3339))
	default:
		observed := "locked, no lock date (governance mode)"
		if v.LockDate != nil {
			observed = "locked, immutable since " + v.LockDate.Format(time.RFC3339) + " (compliance mode)"
		}
		okv(ch, a.VaultLock+" lock", observed, "AWS Backup vault %s is locked in %s mode", v.Name, a.VaultLock)
	}
}

func (c *checker) backupPlan(id string, comp *plan.Component, bp *BackupPlan) {
	a, region := comp.AWS, c.regionOf(comp)
	// The plan's frequency is its shortest rule interval; a continuous
	// rule allows point-in-time restore, which is as good as any schedule.
	var best time.Duration
	var unread []string
	for _, r := range bp.Rules {
		d, ok := scheduleInterval(r.Schedule)
		if !ok {
			unread = append(unread, r.Schedule)
			continue
		}
		if best == 0 || d < best {
			best = d
		}
	}
	freq := func(ch *evidence.Check) bool {
		if best == 0 {
			reason := "no scheduled rule"
			if len(unread) > 0 {
				reason = "schedule " + strings.Join(unread, ", ") + " not understood"
			}
			unverified(ch, fmt.Sprintf("could not verify the frequency of AWS Backup plan %s: %s", bp.Name, reason))
			return false
		}
		return true
	}
	if a.Frequency != nil {
		ch := c.check("backup.frequency", id, a.PlanName, region, "components", id, "aws", "frequency")
		if freq(ch) {
			if best > a.Frequency.Duration {
				mismatch(ch, RuleConfiguration, "every "+a.Frequency.String(), "every "+plan.Duration{Duration: best}.String(), "AWS Backup plan %s runs every %s at best; the plan declares every %s", bp.Name, hum(best), a.Frequency.Human())
			} else {
				okv(ch, "every "+a.Frequency.String(), "every "+plan.Duration{Duration: best}.String(), "AWS Backup plan %s runs every %s, as declared", bp.Name, hum(best))
			}
		}
	}
	var paths []string
	for _, pid := range plan.Keys(c.p.Replication) {
		if rp := c.p.Replication[pid]; rp.To == id && rp.Mechanism == "aws-backup-copy" {
			paths = append(paths, pid)
		}
	}
	if len(paths) > 0 {
		var tiers []string
		for _, pid := range paths {
			tiers = append(tiers, c.p.PathTiers(pid)...)
		}
		if rpo, tier, okRPO := c.p.StrictestRPO(tiers); okRPO {
			ch := c.check("backup.rpo", id, a.PlanName, region, "components", id, "aws", "planName")
			if a.Frequency != nil {
				// One schedule, judged against the declared frequency and
				// against the RPO: when both fail, the RPO is the finding.
				i := len(c.checks) - 1
				c.same = append(c.same, sameFact{keep: i, drop: c.index("backup.frequency", id),
					also: fmt.Sprintf("it also runs less often than every %s, as the plan declares", a.Frequency.Human())})
			}
			if freq(ch) {
				if best > rpo.Duration {
					mismatch(ch, RuleRPO, "every "+rpo.String()+" or more often", "every "+plan.Duration{Duration: best}.String(),
						"AWS Backup plan %s runs every %s, longer than the %s RPO of %s that it serves", bp.Name, hum(best), rpo.Human(), tier)
				} else {
					okv(ch, "every "+rpo.String()+" or more often", "every "+plan.Duration{Duration: best}.String(), "AWS Backup plan %s runs every %s, within the %s RPO of %s", bp.Name, hum(best), rpo.Human(), tier)
				}
			}
		}
	}
	if a.CopyTo != "" {
		ch := c.check("backup.copy", id, a.PlanName, region, "components", id, "aws", "copyTo")
		var observed []string
		for _, r := range bp.Rules {
			for _, dest := range r.CopyTo {
				observed = append(observed, dest)
				if arnRegion(dest) == a.CopyTo {
					okv(ch, "copy to "+a.CopyTo, dest, "AWS Backup plan %s copies recovery points to %s (%s, rule %s)", bp.Name, a.CopyTo, dest, r.Name)
					return
				}
			}
		}
		obs := cmpOr(strings.Join(observed, ", "), "no copy actions")
		mismatch(ch, RuleTopology, "copy to "+a.CopyTo, obs, "AWS Backup plan %s has no copy rule to %s (%s)", bp.Name, a.CopyTo, obs)
	}
}

func (c *checker) zone(id string, comp *plan.Component) {
	ch := c.check("route53.zone", id, comp.AWS.HostedZoneID, route53Region(c.region), "components", id, "aws", "hostedZoneId")
	var z HostedZone
	if c.get(ch, kindHostedZone, c.accountOf(comp), route53Region(c.region), comp.AWS.HostedZoneID, "Route 53 hosted zone "+comp.AWS.HostedZoneID, &z) {
		ok(ch, "Route 53 hosted zone %s (%s) exists", z.ID, z.Name)
	}
}

// route53Region is the region Route 53's API is signed for in the
// partition of region: Route 53 is a global service with one control
// plane per partition, so the region verify is given selects the
// partition, never another Route 53. It is where CloudTrail records the
// calls, and what checks and evidence name.
func route53Region(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "cn-northwest-1"
	case strings.HasPrefix(region, "us-gov-"):
		return "us-gov-west-1"
	}
	return "us-east-1"
}

func (c *checker) dns(id string, d *plan.DNSFailover) {
	zc, ok1 := c.p.Components[d.HostedZone]
	if !ok1 || zc.AWS == nil || zc.AWS.HostedZoneID == "" {
		return // no zone to look in; lint reports the missing reference
	}
	typ := cmpOr(d.Type, "A")
	r53 := route53Region(c.region)
	ch := c.check("route53.failover-pair", d.HostedZone, d.Record, r53, "dns", id, "record")
	var f Failover
	if !c.get(ch, kindFailover, c.accountOf(zc), r53, failoverID(zc.AWS.HostedZoneID, d.Record, typ), fmt.Sprintf("the %s records of %s", typ, d.Record), &f) {
		if ch.RuleID == RuleMissing {
			ch.RuleID = RuleDNSFailover
		}
		return
	}
	var prim, sec *DNSRecord
	var observed []string
	for i := range f.Records {
		r := &f.Records[i]
		observed = append(observed, fmt.Sprintf("%s %s -> %s", cmpOr(r.Failover, "simple"), r.Type, cmpOr(r.Target, "?")))
		switch r.Failover {
		case "PRIMARY":
			prim = r
		case "SECONDARY":
			sec = r
		}
	}
	obs := cmpOr(strings.Join(observed, "; "), "no records")
	expected := fmt.Sprintf("PRIMARY -> %s; SECONDARY -> %s", d.Primary.Target, d.Secondary.Target)
	switch {
	case prim == nil || sec == nil:
		mismatch(ch, RuleDNSFailover, expected, obs, "%s has no PRIMARY/SECONDARY failover pair of %s records in zone %s (%s)", d.Record, typ, zc.AWS.HostedZoneID, obs)
		return
	case !sameHost(prim.Target, d.Primary.Target) || !sameHost(sec.Target, d.Secondary.Target):
		mismatch(ch, RuleDNSFailover, expected, obs, "the failover records of %s point elsewhere than the plan declares (%s)", d.Record, obs)
	default:
		ok(ch, "%s has a PRIMARY/SECONDARY failover pair pointing where the plan declares", d.Record)
	}
	ch = c.check("route53.health-check", d.HostedZone, d.Record, r53, "dns", id, "healthCheck")
	if prim.HealthCheckID == "" {
		mismatch(ch, RuleDNSFailover, "health check on the PRIMARY record", "none", "the PRIMARY record of %s has no health check: Route 53 will never fail over", d.Record)
		return
	}
	hi := slices.IndexFunc(f.HealthChecks, func(h HealthCheck) bool { return h.ID == prim.HealthCheckID })
	if hi < 0 {
		unverified(ch, "could not verify health check "+prim.HealthCheckID+": not read")
		return
	}
	hc := f.HealthChecks[hi]
	hcPlan := d.HealthCheck
	interval := 30
	if hcPlan.Interval == "10s" {
		interval = 10
	}
	want := fmt.Sprintf("%s %s every %ds, threshold %d", hcPlan.Protocol, cmpOr(hcPlan.Path, "/"), interval, hcPlan.FailureThreshold)
	have := fmt.Sprintf("%s %s every %ds, threshold %d", strings.TrimSuffix(hc.Type, "_STR_MATCH"), cmpOr(hc.Path, "/"), hc.Interval, hc.FailureThreshold)
	switch {
	case hc.Missing:
		mismatch(ch, RuleDNSFailover, "health check "+hc.ID, "health check "+hc.ID+" does not exist",
			"the PRIMARY record of %s references health check %s, which does not exist: Route 53 documents the status of a deleted health check still referenced by a record as unpredictable, so failover may not happen", d.Record, hc.ID)
		return
	case hc.Error != "":
		unverified(ch, "could not verify health check "+hc.ID+": "+hc.Error)
		return
	case hcPlan.ID != "" && hcPlan.ID != hc.ID:
		mismatch(ch, RuleDNSFailover, hcPlan.ID, hc.ID, "the PRIMARY record of %s uses health check %s, not the %s the plan declares", d.Record, hc.ID, hcPlan.ID)
	case want != have:
		mismatch(ch, RuleDNSFailover, want, have, "health check %s of %s is %s; the plan declares %s", hc.ID, d.Record, have, want)
	default:
		okv(ch, want, have, "health check %s guards the PRIMARY record of %s: %s", hc.ID, d.Record, have)
	}
	ch = c.check("route53.health-status", d.HostedZone, d.Record, r53, "dns", id, "healthCheck")
	switch {
	case hc.StatusError != "":
		unverified(ch, "could not verify the status of health check "+hc.ID+": "+hc.StatusError)
	case hc.Checkers == 0:
		unverified(ch, "could not verify the status of health check "+hc.ID+": no checker has reported")
	case hc.Healthy*2 <= hc.Checkers:
		// Route 53 considers an endpoint healthy when more than 18% of
		// checkers do; a primary that most checkers see failing is about
		// to fail over, or flapping.
		mismatch(ch, RuleNotServing, "healthy", fmt.Sprintf("%d of %d checkers healthy", hc.Healthy, hc.Checkers), "health check %s of %s's PRIMARY is failing: %d of %d Route 53 checkers see it healthy", hc.ID, d.Record, hc.Healthy, hc.Checkers)
	default:
		okv(ch, "healthy", fmt.Sprintf("%d of %d checkers healthy", hc.Healthy, hc.Checkers), "health check %s is healthy (%d of %d checkers)", hc.ID, hc.Healthy, hc.Checkers)
	}
}

func sameHost(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "."), strings.TrimSuffix(b, "."))
}

// path checks a replication path's mechanism where AWS shows it (MSK) and
// its current lag where CloudWatch has it.
func (c *checker) path(id string, rp *plan.ReplicationPath) {
	from, to := c.p.Components[rp.From], c.p.Components[rp.To]
	if from == nil || to == nil || from.AWS == nil || to.AWS == nil {
		return
	}
	if rp.Mechanism == "msk-replicator" || rp.Mechanism == "mirrormaker2" {
		if from.Kind == plan.KindMSK && to.Kind == plan.KindMSK {
			c.prefetch(kindMSKReplicators, c.accountOf(to), c.regionOf(to), "")
		}
		c.mskPath(id, rp, from, to)
	}
	c.pathTopology(id, rp, from, to)
	c.lag(id, rp, from, to)
}

// pathTopology checks that a path's source really sends to its
// destination, where AWS records the link on the source: the components'
// own checks only see that each end exists and replicates somewhere.
func (c *checker) pathTopology(id string, rp *plan.ReplicationPath, from, to *plan.Component) {
	fr, tr := c.regionOf(from), c.regionOf(to)
	check := func() *evidence.Check {
		ch := c.check("replication.path", rp.To, rp.From+" -> "+rp.To, fr, "replication", id, "to")
		ch.Account = c.accountOf(from) // the link is read on the source
		return ch
	}
	// The ends are read by their components' checks; a missing or
	// unreadable end is reported there, so here it only skips the check.
	read := func(kind string, comp *plan.Component, rid string, v any) bool {
		return c.get(&evidence.Check{}, kind, c.accountOf(comp), c.regionOf(comp), rid, "", v)
	}
	switch {
	case rp.Mechanism == "s3-crr" && from.Kind == plan.KindS3 && to.Kind == plan.KindS3:
		var b Bucket
		if !read(kindBucket, from, from.AWS.Bucket, &b) || b.ReplicationError != "" || b.Region != "" {
			return
		}
		ch := check()
		c.sameAs(c.index("s3.replication", rp.From), "replication path %s, which needs the same rule, fails with it", id)
		var observed []string
		for _, r := range b.Replication {
			observed = append(observed, r.DestinationBucket+" ("+r.Status+")")
			if r.DestinationBucket == to.AWS.Bucket && r.Status == "Enabled" {
				ok(ch, "S3 bucket %s replicates to %s (rule %s), as path %s declares", b.Name, to.AWS.Bucket, r.ID, id)
				return
			}
		}
		obs := cmpOr(strings.Join(observed, ", "), "no replication rules")
		mismatch(ch, RuleTopology, "replication to "+to.AWS.Bucket, obs, "S3 bucket %s has no enabled replication rule to %s, which path %s declares (%s)", b.Name, to.AWS.Bucket, id, obs)
	case rp.Mechanism == "rds-read-replica" && from.Kind == plan.KindRDSPostgres && to.Kind == plan.KindRDSPostgres:
		var d DBInstance
		if !read(kindDBInstance, from, from.AWS.InstanceID, &d) {
			return
		}
		ch := check()
		if slices.ContainsFunc(d.ReadReplicas, func(s string) bool { return s == to.AWS.InstanceID || arnName(s) == to.AWS.InstanceID }) {
			ok(ch, "RDS instance %s is a read replica of %s, as path %s declares", to.AWS.InstanceID, d.ID, id)
		} else {
			obs := cmpOr(strings.Join(d.ReadReplicas, ", "), "none")
			mismatch(ch, RuleTopology, to.AWS.InstanceID, obs, "RDS instance %s is not a read replica of %s, which path %s declares (replicas: %s)", to.AWS.InstanceID, d.ID, id, obs)
		}
	case rp.Mechanism == "elasticache-global-datastore" && from.Kind == plan.KindElastiCacheRedis && to.Kind == plan.KindElastiCacheRedis:
		var a, b ReplicationGroup
		if !read(kindReplGroup, from, from.AWS.ReplicationGroupID, &a) || !read(kindReplGroup, to, to.AWS.ReplicationGroupID, &b) {
			return
		}
		ch := check()
		if a.GlobalDatastoreID != "" && a.GlobalDatastoreID == b.GlobalDatastoreID {
			ok(ch, "%s and %s are members of global datastore %s, as path %s declares", a.ID, b.ID, a.GlobalDatastoreID, id)
		} else {
			obs := fmt.Sprintf("%s in %s, %s in %s", a.ID, cmpOr(a.GlobalDatastoreID, "no global datastore"), b.ID, cmpOr(b.GlobalDatastoreID, "no global datastore"))
			mismatch(ch, RuleTopology, "one global datastore", obs, "path %s declares a global datastore between %s and %s, but they are not in the same one (%s)", id, a.ID, b.ID, obs)
		}
	case rp.Mechanism == "aws-backup-copy" && from.Kind == plan.KindAWSBackup && to.Kind == plan.KindAWSBackup:
		var bp BackupPlan
		if !read(kindBackupPlan, from, from.AWS.PlanName, &bp) {
			return
		}
		ch := check()
		c.sameAs(c.index("backup.copy", rp.From), "replication path %s, which needs the same copy action, fails with it", id)
		want := fmt.Sprintf("arn:aws:backup:%s:", tr)
		var observed []string
		for _, r := range bp.Rules {
			for _, dest := range r.CopyTo {
				observed = append(observed, dest)
				if strings.HasPrefix(dest, want) && strings.HasSuffix(dest, ":backup-vault:"+to.AWS.VaultName) {
					ok(ch, "AWS Backup plan %s copies to vault %s in %s, as path %s declares", bp.Name, to.AWS.VaultName, tr, id)
					return
				}
			}
		}
		obs := cmpOr(strings.Join(observed, ", "), "no copy actions")
		mismatch(ch, RuleTopology, "copy to "+to.AWS.VaultName+" in "+tr, obs, "AWS Backup plan %s does not copy to vault %s in %s, which path %s declares (%s)", bp.Name, to.AWS.VaultName, tr, id, obs)
	}
}

func (c *checker) mskPath(id string, rp *plan.ReplicationPath, from, to *plan.Component) {
	if from.Kind != plan.KindMSK || to.Kind != plan.KindMSK {
		return
	}
	arn := func(comp *plan.Component) string {
		var m MSKCluster
		if c.get(&evidence.Check{}, kindMSKCluster, c.accountOf(comp), c.regionOf(comp), comp.AWS.ClusterName, "", &m) {
			return m.ARN
		}
		return comp.AWS.ClusterARN
	}
	fromARN, toARN := arn(from), arn(to)
	region := c.regionOf(to)
	ch := c.check("msk.replication", rp.To, to.AWS.ClusterName, region, "replication", id, "mechanism")
	var reps MSKReplicators
	if !c.get(ch, kindMSKReplicators, c.accountOf(to), region, "", "the MSK Replicators of "+region, &reps) {
		return
	}
	var found *MSKReplicator
	for i, r := range reps.Replicators {
		if slices.Contains(r.Clusters, fromARN) && slices.Contains(r.Clusters, toARN) {
			found = &reps.Replicators[i]
			break
		}
	}
	pair := fmt.Sprintf("%s -> %s", from.AWS.ClusterName, to.AWS.ClusterName)
	switch {
	case rp.Mechanism == "msk-replicator" && found == nil:
		mismatch(ch, RuleTopology, "MSK Replicator "+pair, "none", "no MSK Replicator in %s replicates %s, as path %s declares", region, pair, id)
	case rp.Mechanism == "msk-replicator" && found.State != "RUNNING":
		mismatch(ch, RuleNotServing, "RUNNING", found.State, "MSK Replicator %s (%s) is %s, not RUNNING", found.Name, pair, found.State)
	case rp.Mechanism == "msk-replicator":
		ok(ch, "MSK Replicator %s replicates %s and is RUNNING", found.Name, pair)
	case found != nil:
		mismatch(ch, RuleConfiguration, "mirrormaker2", "MSK Replicator "+found.Name, "path %s declares MirrorMaker 2, but MSK Replicator %s replicates %s: runbooks and offset handling differ", id, found.Name, pair)
	default:
		ok(ch, "no MSK Replicator connects %s: replication is MirrorMaker 2, as declared (self-managed; its lag is outside CloudWatch)", pair)
	}
}

// lagMetric is the CloudWatch metric that reports a path's lag.
func (c *checker) lagMetric(rp *plan.ReplicationPath, from, to *plan.Component) (at *plan.Component, id string, unit time.Duration, ok bool) {
	switch rp.Mechanism {
	case "aurora-global-database":
		if to.AWS.ClusterID != "" {
			return to, metricID("AWS/RDS", "AuroraGlobalDBReplicationLag", "DBClusterIdentifier="+to.AWS.ClusterID), time.Millisecond, true
		}
	case "rds-read-replica":
		if to.AWS.InstanceID != "" {
			return to, metricID("AWS/RDS", "ReplicaLag", "DBInstanceIdentifier="+to.AWS.InstanceID), time.Second, true
		}
	case "elasticache-global-datastore":
		if to.AWS.ReplicationGroupID != "" {
			return to, metricID("AWS/ElastiCache", "GlobalDatastoreReplicationLag", "ReplicationGroupId="+to.AWS.ReplicationGroupID), time.Second, true
		}
	case "s3-crr":
		// S3 publishes replication latency per rule, and only for rules
		// with replication metrics: the rule comes from the source bucket.
		var b Bucket
		if from.AWS.Bucket == "" || to.AWS.Bucket == "" || !c.get(&evidence.Check{}, kindBucket, c.accountOf(from), c.regionOf(from), from.AWS.Bucket, "", &b) {
			return nil, "", 0, false
		}
		for _, r := range b.Replication {
			if r.DestinationBucket == to.AWS.Bucket && r.Status == "Enabled" {
				return from, metricID("AWS/S3", "ReplicationLatency", "DestinationBucket="+to.AWS.Bucket, "RuleId="+r.ID, "SourceBucket="+from.AWS.Bucket), time.Second, true
			}
		}
	}
	return nil, "", 0, false
}

func (c *checker) lag(id string, rp *plan.ReplicationPath, from, to *plan.Component) {
	at, mid, unit, ok1 := c.lagMetric(rp, from, to)
	if !ok1 {
		return
	}
	region := c.regionOf(at)
	rpo, tier, okRPO := c.p.StrictestRPO(c.p.PathTiers(id))
	if !okRPO {
		return
	}
	parts := strings.SplitN(mid, "|", 3)
	ch := c.check("replication.lag", rp.To, parts[1], region, "replication", id)
	ch.Account = c.accountOf(at) // the metric is where the lag is published
	var m Metric
	if !c.get(ch, kindMetric, c.accountOf(at), region, mid, fmt.Sprintf("the lag of path %s (CloudWatch %s %s)", id, parts[0], parts[1]), &m) {
		return
	}
	if m.Points == 0 {
		unverified(ch, fmt.Sprintf("could not verify the lag of path %s: CloudWatch %s %s (%s) has no datapoint in the last %s", id, parts[0], parts[1], parts[2], hum(metricWindow)))
		return
	}
	lag := time.Duration(m.Latest * float64(unit))
	have := plan.Duration{Duration: lag.Round(time.Millisecond)}
	if lag > rpo.Duration {
		mismatch(ch, RuleRPO, "at most "+rpo.String(), have.String(), "path %s lags %s behind (CloudWatch %s at %s), more than the %s RPO of %s", id, have.Human(), parts[1], m.At.Format(time.RFC3339), rpo.Human(), tier)
	} else {
		okv(ch, "at most "+rpo.String(), have.String(), "path %s lags %s behind (CloudWatch %s), within the %s RPO of %s", id, have.Human(), parts[1], rpo.Human(), tier)
	}
}

// scheduleInterval reads an AWS Backup schedule (cron or rate) as the
// longest gap between two runs.
func scheduleInterval(expr string) (time.Duration, bool) {
	expr = strings.TrimSpace(expr)
	if inner, ok := strings.CutPrefix(expr, "rate("); ok {
		f := strings.Fields(strings.TrimSuffix(inner, ")"))
		if len(f) != 2 {
			return 0, false
		}
		n, err := strconv.Atoi(f[0])
		if err != nil || n <= 0 {
			return 0, false
		}
		unit := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}[strings.TrimSuffix(f[1], "s")]
		if unit == 0 {
			return 0, false
		}
		return time.Duration(n) * unit, true
	}
	inner, ok := strings.CutPrefix(expr, "cron(")
	if !ok {
		return 0, false
	}
	f := strings.Fields(strings.TrimSuffix(inner, ")"))
	if len(f) != 6 {
		return 0, false
	}
	minute, hour, dom, dow := f[0], f[1], f[2], f[4]
	any := func(s string) bool { return s == "*" || s == "?" }
	if !any(dom) {
		return 31 * 24 * time.Hour, true // monthly at best
	}
	if !any(dow) {
		n := len(strings.Split(dow, ","))
		if strings.Contains(dow, "-") {
			return 72 * time.Hour, true // a range of weekdays: the weekend gap
		}
		return 7 * 24 * time.Hour / time.Duration(n), true
	}
	if gap, ok := cronGap(hour, 24); ok {
		if hour == "*" {
			mgap, ok := cronGap(minute, 60)
			if !ok {
				return 0, false
			}
			return time.Duration(mgap) * time.Minute, true
		}
		return time.Duration(gap) * time.Hour, true
	}
	return 0, false
}

// cronGap is the longest gap between values of one cron field over a
// cycle of n: "*" is 1, "*/N" and "A/N" are N, "a,b,c" the widest gap.
func cronGap(field string, n int) (int, bool) {
	if field == "*" {
		return 1, true
	}
	if _, step, ok := strings.Cut(field, "/"); ok {
		s, err := strconv.Atoi(step)
		return s, err == nil && s > 0
	}
	var vals []int
	for _, v := range strings.Split(field, ",") {
		x, err := strconv.Atoi(v)
		if err != nil || x < 0 || x >= n {
			return 0, false
		}
		vals = append(vals, x)
	}
	slices.Sort(vals)
	gap := vals[0] + n - vals[len(vals)-1]
	for i := 1; i < len(vals); i++ {
		gap = max(gap, vals[i]-vals[i-1])
	}
	return gap, true
}
