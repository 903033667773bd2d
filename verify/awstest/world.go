// Package awstest is a local stand-in for the AWS APIs that verify reads,
// for tests and benchmarks: an HTTP server on 127.0.0.1 that answers the
// real aws-sdk-go-v2 clients in each service's own wire format (query-XML
// for RDS and ElastiCache, REST-XML for S3 and Route 53, REST-JSON for
// EKS, MSK and AWS Backup, RPC v2 CBOR for CloudWatch). It records every
// operation that reaches it, and can add latency, throttle, deny access
// or leave a region unanswered.
package awstest

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/verify"
)

// Account is the account ID in the ARNs the world makes up.
const Account = "111122223333"

// World is the AWS state the server answers from. Tests build it (often
// with FromPlan) and change it between runs; the server locks it while
// answering.
type World struct {
	Regions      map[string]*Region
	HostedZones  map[string]*verify.HostedZone
	Records      map[string][]verify.DNSRecord // by hosted zone ID
	HealthChecks map[string]*verify.HealthCheck

	// Accounts are the other AWS accounts, by ID, each with its own
	// state; the World itself is the account of the default credentials
	// (Account). A request is answered from the account whose access key
	// signed it (AccessKey, or a key AssumeRole issued).
	Accounts map[string]*World
	// Roles are this account's IAM roles that the default credentials
	// may assume, by name.
	Roles map[string]bool
	// Profiles are shared config profiles, by name, each holding the
	// access key of the account named; Env writes them.
	Profiles map[string]string

	id   string
	root *World
}

// ID is the world's account ID.
func (w *World) ID() string {
	if w.id == "" {
		return Account
	}
	return w.id
}

func (w *World) top() *World {
	if w.root != nil {
		return w.root
	}
	return w
}

// In is the state of account id ("" or Account: w itself), created when
// needed.
func (w *World) In(id string) *World {
	w = w.top()
	if id == "" || id == Account {
		return w
	}
	if a, ok := w.Accounts[id]; ok {
		return a
	}
	a := NewWorld()
	a.id, a.root = id, w
	w.Accounts[id] = a
	return a
}

// AccessKey is the access key ID of account id's static credentials.
func AccessKey(id string) string { return "AKIA" + id + "TEST" }

// assumedKey is the access key ID of credentials AssumeRole issues in id.
func assumedKey(id string) string { return "ASIA" + id + "ROLE" }

// Region is one region's resources.
type Region struct {
	GlobalClusters    map[string]*verify.GlobalCluster
	DBClusters        map[string]*verify.DBCluster
	DBInstances       map[string]*verify.DBInstance
	Buckets           map[string]*verify.Bucket
	EKSClusters       map[string]*verify.EKSCluster
	NodeGroups        map[string]*verify.NodeGroup // by cluster/nodegroup
	MSKClusters       map[string]*verify.MSKCluster
	Replicators       []verify.MSKReplicator
	ReplicationGroups map[string]*verify.ReplicationGroup
	GlobalDatastores  map[string]*verify.GlobalDatastore
	BackupPlans       map[string]*verify.BackupPlan // by name
	BackupVaults      map[string]*verify.BackupVault
	// Metrics are keyed by MetricKey.
	Metrics map[string][]Point
}

// Point is one CloudWatch datapoint.
type Point struct {
	At    time.Time
	Value float64
}

// MetricKey names a metric: namespace|name|dim=value,... with the
// dimensions sorted by name.
func MetricKey(namespace, name string, dims ...string) string {
	dims = slices.Clone(dims)
	slices.Sort(dims)
	return namespace + "|" + name + "|" + strings.Join(dims, ",")
}

// NewWorld returns an empty world.
func NewWorld() *World {
	return &World{
		Regions: map[string]*Region{}, HostedZones: map[string]*verify.HostedZone{}, Records: map[string][]verify.DNSRecord{}, HealthChecks: map[string]*verify.HealthCheck{},
		Accounts: map[string]*World{}, Roles: map[string]bool{"drplan-verify": true}, Profiles: map[string]string{},
	}
}

// Region returns the region's state, creating it when needed.
func (w *World) Region(name string) *Region {
	if r, ok := w.Regions[name]; ok {
		return r
	}
	r := &Region{
		GlobalClusters: map[string]*verify.GlobalCluster{}, DBClusters: map[string]*verify.DBCluster{},
		DBInstances: map[string]*verify.DBInstance{}, Buckets: map[string]*verify.Bucket{},
		EKSClusters: map[string]*verify.EKSCluster{}, NodeGroups: map[string]*verify.NodeGroup{},
		MSKClusters: map[string]*verify.MSKCluster{}, ReplicationGroups: map[string]*verify.ReplicationGroup{},
		GlobalDatastores: map[string]*verify.GlobalDatastore{}, BackupPlans: map[string]*verify.BackupPlan{},
		BackupVaults: map[string]*verify.BackupVault{}, Metrics: map[string][]Point{},
	}
	w.Regions[name] = r
	return r
}

// ClusterARN is the ARN of an Aurora cluster in this world.
func ClusterARN(region, id string) string { return clusterARN(Account, region, id) }

func clusterARN(acct, region, id string) string {
	return fmt.Sprintf("arn:aws:rds:%s:%s:cluster:%s", region, acct, id)
}

// VaultARN is the ARN of a backup vault in this world.
func VaultARN(region, name string) string { return vaultARN(Account, region, name) }

func vaultARN(acct, region, name string) string {
	return fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:%s", region, acct, name)
}

// FromPlan builds the AWS state that matches everything p declares, as
// of now: the starting point of tests, which then break one thing.
func FromPlan(p *plan.Plan, now time.Time) *World {
	w := NewWorld()
	regionOf := func(c *plan.Component) string {
		if c.Region != "" {
			return c.Region
		}
		return "us-east-1"
	}
	// Each component's state is in its account's world: the plan's
	// accounts are reached through their profiles or roles.
	acctOf := func(c *plan.Component) string {
		if pa := p.Accounts[c.Account]; pa != nil {
			return pa.ID
		}
		return Account
	}
	for _, name := range plan.Keys(p.Accounts) {
		pa := p.Accounts[name]
		aw := w.In(pa.ID)
		if pa.Profile != "" {
			w.Profiles[pa.Profile] = pa.ID
		}
		if pa.Role != "" {
			aw.Roles[pa.Role[strings.LastIndex(pa.Role, "/")+1:]] = true
		}
	}
	comps := p.Components
	for _, id := range plan.Keys(comps) {
		c := comps[id]
		a := c.AWS
		if a == nil {
			continue
		}
		cw := w.In(acctOf(c))
		r := cw.Region(regionOf(c))
		switch c.Kind {
		case plan.KindAuroraGlobal, plan.KindAuroraCluster:
			retention := 7
			if c.Backup != nil {
				retention = int(math.Ceil(c.Backup.Retention.Hours() / 24))
			}
			d := &verify.DBCluster{ID: a.ClusterID, ARN: clusterARN(acctOf(c), regionOf(c), a.ClusterID), Status: "available", BackupRetentionDays: retention, DeletionProtection: a.DeletionProtection == nil || *a.DeletionProtection}
			if c.Role != "standby" {
				d.Members = append(d.Members, verify.ClusterMember{InstanceID: a.ClusterID + "-writer", Writer: true})
			}
			for _, ri := range a.ReaderInstanceIDs {
				d.Members = append(d.Members, verify.ClusterMember{InstanceID: ri})
			}
			r.DBClusters[a.ClusterID] = d
			if c.Kind == plan.KindAuroraGlobal {
				g := &verify.GlobalCluster{ID: a.GlobalClusterID, Status: "available", Engine: "aurora-postgresql", DeletionProtection: true}
				for _, oid := range plan.Keys(comps) {
					o := comps[oid]
					if o.Kind == plan.KindAuroraGlobal && o.AWS != nil && o.AWS.GlobalClusterID == a.GlobalClusterID {
						g.Members = append(g.Members, verify.GlobalMember{ClusterARN: clusterARN(acctOf(o), regionOf(o), o.AWS.ClusterID), Writer: o.Role == "primary"})
					}
				}
				r.GlobalClusters[a.GlobalClusterID] = g
			}
		case plan.KindRDSPostgres:
			retention := 7
			if c.Backup != nil {
				retention = int(math.Ceil(c.Backup.Retention.Hours() / 24))
			}
			r.DBInstances[a.InstanceID] = &verify.DBInstance{ID: a.InstanceID, Status: "available", BackupRetentionDays: retention, DeletionProtection: a.DeletionProtection == nil || *a.DeletionProtection, MultiAZ: true, ReadReplicas: slices.Clone(a.ReadReplicaIDs)}
		case plan.KindS3:
			b := cw.bucket(regionOf(c), a.Bucket)
			if a.Versioning == nil || *a.Versioning || a.ObjectLock != nil {
				b.Versioning = "Enabled"
			}
			if ol := a.ObjectLock; ol != nil {
				b.ObjectLock, b.LockMode, b.LockDays = "Enabled", ol.Mode, int(math.Ceil(ol.Retention.Hours()/24))
			}
			if a.ReplicateTo != "" {
				dest, dw := a.Bucket+"-replica", cw
				for _, pid := range plan.Keys(p.Replication) {
					rp := p.Replication[pid]
					if to := comps[rp.To]; rp.From == id && rp.Mechanism == "s3-crr" && to != nil && to.AWS != nil && regionOf(to) == a.ReplicateTo {
						dest, dw = to.AWS.Bucket, w.In(acctOf(to))
					}
				}
				dw.bucket(a.ReplicateTo, dest)
				b.Replication = append(b.Replication, verify.ReplicationRule{ID: "crr-" + dest, Status: "Enabled", DestinationBucket: dest, RTC: true})
			}
		case plan.KindEKS:
			version := "1.30"
			if c.Engine != nil && c.Engine.Version != "" {
				version = c.Engine.Version
			}
			r.EKSClusters[a.ClusterName] = &verify.EKSCluster{Name: a.ClusterName, Status: "ACTIVE", Version: version}
			desired := 10
			if c.Capacity != nil && c.Role == "standby" {
				desired = int(math.Ceil(10 * max(c.Capacity.PercentOfPrimary, c.Capacity.FloorPercent) / 100))
			}
			for _, ng := range a.NodeGroups {
				r.NodeGroups[a.ClusterName+"/"+ng] = &verify.NodeGroup{Cluster: a.ClusterName, Name: ng, Status: "ACTIVE", Desired: desired, Min: desired, Max: 10 * desired}
			}
		case plan.KindMSK:
			arn := a.ClusterARN
			if arn == "" {
				arn = fmt.Sprintf("arn:aws:kafka:%s:%s:cluster/%s/00000000-0000-0000-0000-000000000000-1", regionOf(c), acctOf(c), a.ClusterName)
			}
			r.MSKClusters[a.ClusterName] = &verify.MSKCluster{Name: a.ClusterName, ARN: arn, State: "ACTIVE"}
		case plan.KindElastiCacheRedis:
			state := func(b *bool) string {
				if b == nil || *b {
					return "enabled"
				}
				return "disabled"
			}
			g := &verify.ReplicationGroup{ID: a.ReplicationGroupID, Status: "available", AutomaticFailover: state(a.AutomaticFailover), MultiAZ: state(a.MultiAZ)}
			if a.GlobalDatastoreID != "" {
				g.GlobalDatastoreID, g.GlobalRole = a.GlobalDatastoreID, roleOf(c)
				gd := &verify.GlobalDatastore{ID: a.GlobalDatastoreID, Status: "primary"}
				for _, oid := range plan.Keys(comps) {
					o := comps[oid]
					if o.Kind == plan.KindElastiCacheRedis && o.AWS != nil && o.AWS.GlobalDatastoreID == a.GlobalDatastoreID {
						gd.Members = append(gd.Members, verify.GlobalDatastoreMember{ReplicationGroupID: o.AWS.ReplicationGroupID, Region: regionOf(o), Role: roleOf(o), Status: "associated"})
					}
				}
				r.GlobalDatastores[a.GlobalDatastoreID] = gd
			}
			r.ReplicationGroups[a.ReplicationGroupID] = g
		case plan.KindAWSBackup:
			schedule := "cron(0 5 ? * * *)"
			if a.Frequency != nil {
				schedule = Schedule(a.Frequency.Duration)
			}
			rule := verify.BackupRule{Name: "main", Schedule: schedule, TargetVault: a.VaultName}
			if a.CopyTo != "" {
				dest, destAcct := a.VaultName+"-copy", acctOf(c)
				for _, oid := range plan.Keys(comps) {
					if o := comps[oid]; o.Kind == plan.KindAWSBackup && o.AWS != nil && regionOf(o) == a.CopyTo {
						dest, destAcct = o.AWS.VaultName, acctOf(o)
					}
				}
				rule.CopyTo = []string{vaultARN(destAcct, a.CopyTo, dest)}
			}
			r.BackupPlans[a.PlanName] = &verify.BackupPlan{Name: a.PlanName, ID: "plan-" + a.PlanName, Rules: []verify.BackupRule{rule}}
			v := &verify.BackupVault{Name: a.VaultName}
			switch a.VaultLock {
			case "compliance":
				lock := now.Add(-30 * 24 * time.Hour).UTC().Truncate(time.Second)
				v.Locked, v.LockDate, v.MinRetentionDays = true, &lock, 35
			case "governance":
				v.Locked, v.MinRetentionDays = true, 7
			}
			r.BackupVaults[a.VaultName] = v
		case plan.KindRoute53:
			cw.HostedZones[a.HostedZoneID] = &verify.HostedZone{ID: a.HostedZoneID, Name: id + ".example.com."}
		}
	}
	for _, id := range plan.Keys(p.DNS) {
		d := p.DNS[id]
		zc := comps[d.HostedZone]
		if zc == nil || zc.AWS == nil {
			continue
		}
		zone, zw := zc.AWS.HostedZoneID, w.In(acctOf(zc))
		typ := d.Type
		if typ == "" {
			typ = "A"
		}
		hcID := d.HealthCheck.ID
		if hcID == "" {
			hcID = "hc-" + id
		}
		interval := 30
		if d.HealthCheck.Interval == "10s" {
			interval = 10
		}
		zw.HealthChecks[hcID] = &verify.HealthCheck{ID: hcID, Type: d.HealthCheck.Protocol, Path: d.HealthCheck.Path, Interval: interval, FailureThreshold: d.HealthCheck.FailureThreshold, Healthy: 8, Checkers: 8}
		name := strings.TrimSuffix(d.Record, ".") + "."
		zw.Records[zone] = append(zw.Records[zone],
			verify.DNSRecord{Name: name, Type: typ, SetID: id + "-primary", Failover: "PRIMARY", HealthCheckID: hcID, Target: d.Primary.Target + "."},
			verify.DNSRecord{Name: name, Type: typ, SetID: id + "-secondary", Failover: "SECONDARY", Target: d.Secondary.Target + "."},
		)
	}
	for _, id := range plan.Keys(p.Replication) {
		rp := p.Replication[id]
		from, to := comps[rp.From], comps[rp.To]
		if from == nil || to == nil || from.AWS == nil || to.AWS == nil {
			continue
		}
		fw, tw := w.In(acctOf(from)), w.In(acctOf(to))
		switch rp.Mechanism {
		case "msk-replicator":
			r := tw.Region(regionOf(to))
			fa, ta := fw.Region(regionOf(from)).MSKClusters[from.AWS.ClusterName], r.MSKClusters[to.AWS.ClusterName]
			if fa != nil && ta != nil {
				r.Replicators = append(r.Replicators, verify.MSKReplicator{Name: id, ARN: fmt.Sprintf("arn:aws:kafka:%s:%s:replicator/%s/1", regionOf(to), acctOf(to), id), State: "RUNNING", Clusters: []string{fa.ARN, ta.ARN}})
			}
		case "rds-read-replica":
			if src := fw.Region(regionOf(from)).DBInstances[from.AWS.InstanceID]; src != nil && !slices.Contains(src.ReadReplicas, to.AWS.InstanceID) {
				replica := to.AWS.InstanceID
				if regionOf(to) != regionOf(from) {
					// RDS lists a replica in another region by its ARN.
					replica = fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", regionOf(to), acctOf(to), replica)
				}
				src.ReadReplicas = append(src.ReadReplicas, replica)
			}
			tw.SetMetric(regionOf(to), MetricKey("AWS/RDS", "ReplicaLag", "DBInstanceIdentifier="+to.AWS.InstanceID), now, 0)
		case "aurora-global-database":
			tw.SetMetric(regionOf(to), MetricKey("AWS/RDS", "AuroraGlobalDBReplicationLag", "DBClusterIdentifier="+to.AWS.ClusterID), now, 0)
		case "elasticache-global-datastore":
			tw.SetMetric(regionOf(to), MetricKey("AWS/ElastiCache", "GlobalDatastoreReplicationLag", "ReplicationGroupId="+to.AWS.ReplicationGroupID), now, 0)
		case "s3-crr":
			if b := fw.Region(regionOf(from)).Buckets[from.AWS.Bucket]; b != nil {
				for _, rule := range b.Replication {
					if rule.DestinationBucket == to.AWS.Bucket {
						fw.SetMetric(regionOf(from), MetricKey("AWS/S3", "ReplicationLatency", "SourceBucket="+from.AWS.Bucket, "DestinationBucket="+to.AWS.Bucket, "RuleId="+rule.ID), now, 0)
					}
				}
			}
		}
	}
	return w
}

func roleOf(c *plan.Component) string {
	if c.Role == "primary" {
		return "PRIMARY"
	}
	return "SECONDARY"
}

func (w *World) bucket(region, name string) *verify.Bucket {
	r := w.Region(region)
	if b, ok := r.Buckets[name]; ok {
		return b
	}
	b := &verify.Bucket{Name: name}
	r.Buckets[name] = b
	return b
}

// SetMetric gives a metric one datapoint per minute for the last quarter
// of an hour up to now, all of value v.
func (w *World) SetMetric(region, key string, now time.Time, v float64) {
	var pts []Point
	end := now.UTC().Truncate(time.Minute)
	for i := 14; i >= 0; i-- {
		pts = append(pts, Point{At: end.Add(-time.Duration(i) * time.Minute), Value: v})
	}
	w.Region(region).Metrics[key] = pts
}

// Schedule is an AWS Backup schedule expression that runs every d.
func Schedule(d time.Duration) string {
	switch {
	case d == time.Hour:
		return "cron(0 * ? * * *)"
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("rate(%d days)", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("rate(%d hours)", d/time.Hour)
	}
	return fmt.Sprintf("rate(%d minutes)", d/time.Minute)
}

// Merge adds everything in o to w (o's objects win where both have one).
func (w *World) Merge(o *World) {
	for name, or := range o.Regions {
		r := w.Region(name)
		mergeMap(r.GlobalClusters, or.GlobalClusters)
		mergeMap(r.DBClusters, or.DBClusters)
		mergeMap(r.DBInstances, or.DBInstances)
		mergeMap(r.Buckets, or.Buckets)
		mergeMap(r.EKSClusters, or.EKSClusters)
		mergeMap(r.NodeGroups, or.NodeGroups)
		mergeMap(r.MSKClusters, or.MSKClusters)
		mergeMap(r.ReplicationGroups, or.ReplicationGroups)
		mergeMap(r.GlobalDatastores, or.GlobalDatastores)
		mergeMap(r.BackupPlans, or.BackupPlans)
		mergeMap(r.BackupVaults, or.BackupVaults)
		mergeMap(r.Metrics, or.Metrics)
		r.Replicators = append(r.Replicators, or.Replicators...)
	}
	mergeMap(w.HostedZones, o.HostedZones)
	mergeMap(w.HealthChecks, o.HealthChecks)
	for zone, recs := range o.Records {
		w.Records[zone] = append(w.Records[zone], recs...)
	}
	mergeMap(w.Roles, o.Roles)
	mergeMap(w.Profiles, o.Profiles)
	for id, oa := range o.Accounts {
		w.In(id).Merge(oa)
	}
}

func mergeMap[V any](dst, src map[string]V) {
	for k, v := range src {
		dst[k] = v
	}
}
