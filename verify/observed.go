package verify

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Observed is the AWS state verify read, normalised to what the checks
// need: identifiers, states and settings, never credentials, keys,
// endpoints' passwords or object contents. It is what `--record` saves and
// `--snapshot` compares again.
type Observed struct {
	// TakenAt is when the state was read; checks that depend on time
	// (a vault lock's cooling-off period) are judged as of it.
	TakenAt time.Time `json:"takenAt"`
	// DefaultRegion is where components that name no region were looked
	// up (the SDK configuration's region, or --region).
	DefaultRegion string      `json:"defaultRegion"`
	Resources     []*Resource `json:"resources"`

	index map[fetchKey]*Resource
}

// Resource is the outcome of one fetch: one AWS object (or one metric),
// read by one or more API calls.
type Resource struct {
	Kind string `json:"kind"`
	// Account is the AWS account it was read in, with that account's
	// credentials; "" for the caller's own (components naming no account).
	Account string `json:"account,omitempty"`
	Region  string `json:"region"`
	ID      string `json:"id"`
	// Found is false when AWS answered that the object does not exist.
	Found bool `json:"found"`
	// Error is why the object could not be read (access denied, throttled
	// past retries, no answer); the checks that need it are unverified.
	Error string `json:"error,omitempty"`
	// Throttled says that Error is AWS throttling the calls (past every
	// retry): a reader on a schedule backs off.
	Throttled bool            `json:"throttled,omitempty"`
	Value     json.RawMessage `json:"value,omitempty"`

	// denied says Error is AWS refusing the credentials or the action,
	// rather than no answer; only for the summary of a run that read
	// nothing.
	denied bool
}

// Throttled counts the resources that could not be read because AWS
// throttled the calls past every retry.
func (o *Observed) Throttled() int {
	n := 0
	for _, r := range o.Resources {
		if r.Throttled {
			n++
		}
	}
	return n
}

// fetchKey identifies a fetch: what kind of object, in which account and
// region, which one.
type fetchKey struct {
	Kind, Account, Region, ID string
}

func (k fetchKey) String() string {
	if k.Account != "" {
		return fmt.Sprintf("%s %s/%s %s", k.Kind, k.Account, k.Region, k.ID)
	}
	return fmt.Sprintf("%s %s %s", k.Kind, k.Region, k.ID)
}

func (o *Observed) lookup(k fetchKey) *Resource {
	if o.index == nil {
		o.index = map[fetchKey]*Resource{}
		for _, r := range o.Resources {
			if r != nil { // a hand-edited snapshot may hold nulls
				o.index[fetchKey{r.Kind, r.Account, r.Region, r.ID}] = r
			}
		}
	}
	return o.index[k]
}

func (o *Observed) add(r *Resource) {
	o.Resources = append(o.Resources, r)
	if o.index != nil {
		o.index[fetchKey{r.Kind, r.Account, r.Region, r.ID}] = r
	}
}

func sortKeys(keys []fetchKey) {
	slices.SortFunc(keys, func(a, b fetchKey) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region), cmp.Compare(a.ID, b.ID))
	})
}

// sortResources orders the resources so a record is byte-stable.
func (o *Observed) sortResources() {
	slices.SortFunc(o.Resources, func(a, b *Resource) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region), cmp.Compare(a.ID, b.ID))
	})
}

// Fetch kinds: each reads one kind of object with the operations listed.
const (
	kindGlobalCluster   = "rds.global-cluster" // DescribeGlobalClusters
	kindDBCluster       = "rds.cluster"        // DescribeDBClusters
	kindDBInstance      = "rds.instance"       // DescribeDBInstances
	kindBucket          = "s3.bucket"          // GetBucketVersioning, GetObjectLockConfiguration, GetBucketReplication, GetBucketLocation
	kindEKSCluster      = "eks.cluster"        // DescribeCluster
	kindNodeGroup       = "eks.nodegroup"      // DescribeNodegroup
	kindMSKCluster      = "msk.cluster"        // ListClustersV2
	kindMSKReplicators  = "msk.replicators"    // ListReplicators
	kindReplGroup       = "elasticache.replication-group"
	kindGlobalDatastore = "elasticache.global-datastore"
	kindBackupPlan      = "backup.plan"  // ListBackupPlans, GetBackupPlan
	kindBackupVault     = "backup.vault" // DescribeBackupVault
	kindHostedZone      = "route53.zone" // GetHostedZone
	kindFailover        = "route53.failover"
	kindMetric          = "cloudwatch.metric" // GetMetricData
)

// GlobalCluster is an Aurora global database.
type GlobalCluster struct {
	ID                 string         `json:"id"`
	Status             string         `json:"status"`
	Engine             string         `json:"engine,omitempty"`
	DeletionProtection bool           `json:"deletionProtection"`
	Members            []GlobalMember `json:"members"`
}

// GlobalMember is one cluster of a global database.
type GlobalMember struct {
	ClusterARN string `json:"clusterArn"`
	Writer     bool   `json:"writer"`
}

// DBCluster is an Aurora cluster.
type DBCluster struct {
	ID                  string          `json:"id"`
	ARN                 string          `json:"arn,omitempty"`
	Status              string          `json:"status"`
	BackupRetentionDays int             `json:"backupRetentionDays"`
	DeletionProtection  bool            `json:"deletionProtection"`
	GlobalClusterID     string          `json:"globalClusterId,omitempty"`
	Members             []ClusterMember `json:"members"`
}

// ClusterMember is an instance of an Aurora cluster.
type ClusterMember struct {
	InstanceID string `json:"instanceId"`
	Writer     bool   `json:"writer"`
}

// DBInstance is an RDS instance.
type DBInstance struct {
	ID                  string   `json:"id"`
	Status              string   `json:"status"`
	BackupRetentionDays int      `json:"backupRetentionDays"`
	DeletionProtection  bool     `json:"deletionProtection"`
	MultiAZ             bool     `json:"multiAZ"`
	ReadReplicas        []string `json:"readReplicas,omitempty"`
}

// Bucket is an S3 bucket's data-protection settings. A part that could
// not be read has its reason in the matching *Error field, so one denied
// call does not hide the others.
type Bucket struct {
	Name string `json:"name"`
	// Region is set only when S3 redirected the lookup: the bucket lives
	// there, not in the region asked.
	Region     string `json:"region,omitempty"`
	Versioning string `json:"versioning"`
	// ObjectLock is "Enabled" or "" (never configured).
	ObjectLock       string            `json:"objectLock"`
	LockMode         string            `json:"lockMode,omitempty"`
	LockDays         int               `json:"lockDays,omitempty"`
	LockYears        int               `json:"lockYears,omitempty"`
	ObjectLockError  string            `json:"objectLockError,omitempty"`
	Replication      []ReplicationRule `json:"replication,omitempty"`
	ReplicationError string            `json:"replicationError,omitempty"`
}

// ReplicationRule is one S3 replication rule and where it sends objects.
type ReplicationRule struct {
	ID                string `json:"id"`
	Status            string `json:"status"`
	DestinationBucket string `json:"destinationBucket"`
	// DestinationRegion is read with GetBucketLocation on the destination.
	DestinationRegion string `json:"destinationRegion,omitempty"`
	// DestinationMissing is S3's NoSuchBucket for the destination: the
	// rule replicates into a bucket that does not exist.
	DestinationMissing bool   `json:"destinationMissing,omitempty"`
	RegionError        string `json:"regionError,omitempty"`
	RTC                bool   `json:"replicationTimeControl"`
}

// EKSCluster is an EKS control plane.
type EKSCluster struct {
	Name    string `json:"name"`
	Status  string `json:"status"`
	Version string `json:"version"`
}

// NodeGroup is an EKS managed node group.
type NodeGroup struct {
	Cluster string `json:"cluster"`
	Name    string `json:"name"`
	Status  string `json:"status"`
	Desired int    `json:"desired"`
	Min     int    `json:"min"`
	Max     int    `json:"max"`
}

// MSKCluster is a provisioned or serverless MSK cluster.
type MSKCluster struct {
	Name  string `json:"name"`
	ARN   string `json:"arn"`
	State string `json:"state"`
}

// MSKReplicators lists the MSK Replicators of a region.
type MSKReplicators struct {
	Replicators []MSKReplicator `json:"replicators"`
}

// MSKReplicator is one MSK Replicator and the clusters it connects.
type MSKReplicator struct {
	Name     string   `json:"name"`
	ARN      string   `json:"arn"`
	State    string   `json:"state"`
	Clusters []string `json:"clusters"`
}

// ReplicationGroup is an ElastiCache (Redis OSS / Valkey) replication group.
type ReplicationGroup struct {
	ID                string `json:"id"`
	Status            string `json:"status"`
	AutomaticFailover string `json:"automaticFailover"`
	MultiAZ           string `json:"multiAZ"`
	GlobalDatastoreID string `json:"globalDatastoreId,omitempty"`
	GlobalRole        string `json:"globalRole,omitempty"`
}

// GlobalDatastore is an ElastiCache global replication group.
type GlobalDatastore struct {
	ID      string                  `json:"id"`
	Status  string                  `json:"status"`
	Members []GlobalDatastoreMember `json:"members"`
}

// GlobalDatastoreMember is one regional replication group of a global datastore.
type GlobalDatastoreMember struct {
	ReplicationGroupID string `json:"replicationGroupId"`
	Region             string `json:"region"`
	Role               string `json:"role"`
	Status             string `json:"status"`
}

// BackupPlan is an AWS Backup plan and its rules.
type BackupPlan struct {
	Name  string       `json:"name"`
	ID    string       `json:"id"`
	Rules []BackupRule `json:"rules"`
}

// BackupRule is one rule of a backup plan.
type BackupRule struct {
	Name        string   `json:"name"`
	Schedule    string   `json:"schedule"`
	TargetVault string   `json:"targetVault"`
	Continuous  bool     `json:"continuous,omitempty"`
	CopyTo      []string `json:"copyTo,omitempty"`
}

// BackupVault is an AWS Backup vault and its lock.
type BackupVault struct {
	Name             string     `json:"name"`
	Locked           bool       `json:"locked"`
	LockDate         *time.Time `json:"lockDate,omitempty"`
	MinRetentionDays int        `json:"minRetentionDays,omitempty"`
}

// HostedZone is a Route 53 hosted zone.
type HostedZone struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Failover is the Route 53 records of one name and type, with the health
// check of each record that has one.
type Failover struct {
	Records      []DNSRecord   `json:"records"`
	HealthChecks []HealthCheck `json:"healthChecks,omitempty"`
}

// DNSRecord is one record set.
type DNSRecord struct {
	Name          string `json:"name"`
	Type          string `json:"type"`
	SetID         string `json:"setId,omitempty"`
	Failover      string `json:"failover,omitempty"`
	HealthCheckID string `json:"healthCheckId,omitempty"`
	Target        string `json:"target,omitempty"`
}

// HealthCheck is a Route 53 health check with its current observations.
type HealthCheck struct {
	ID               string `json:"id"`
	Type             string `json:"type"`
	Path             string `json:"path,omitempty"`
	Interval         int    `json:"interval"`
	FailureThreshold int    `json:"failureThreshold"`
	// Healthy and Checkers count the Route 53 checkers that currently see
	// the endpoint healthy, out of all that reported.
	Healthy  int `json:"healthy"`
	Checkers int `json:"checkers"`
	// Missing is Route 53's NoSuchHealthCheck: a record still references
	// a health check that was deleted.
	Missing     bool   `json:"missing,omitempty"`
	Error       string `json:"error,omitempty"`
	StatusError string `json:"statusError,omitempty"`
}

// Metric is the recent values of a CloudWatch metric.
type Metric struct {
	// Latest is the most recent datapoint's value, in the metric's unit.
	Latest  float64   `json:"latest"`
	At      time.Time `json:"at"`
	Points  int       `json:"points"`
	Maximum float64   `json:"maximum"`
}
