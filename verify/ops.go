package verify

import (
	"encoding/json"
	"slices"
	"strings"
)

// Operation is one AWS API call verify makes. The table below is the only
// place calls are declared: every SDK call goes through one of these
// values, and the IAM policy `drplan verify --iam-policy` prints is built
// from the same table, so the two cannot drift apart.
type Operation struct {
	// Service is the API's signing name (rds, s3, monitoring, ...).
	Service string
	// Name is the API operation, as the SDK and CloudTrail name it.
	Name string
	// Action is the IAM action that authorises it; for most operations
	// service:Name, but S3 names some differently.
	Action string
}

func (o Operation) String() string { return o.Service + ":" + o.Name }

var (
	opDescribeGlobalClusters = Operation{"rds", "DescribeGlobalClusters", "rds:DescribeGlobalClusters"}
	opDescribeDBClusters     = Operation{"rds", "DescribeDBClusters", "rds:DescribeDBClusters"}
	opDescribeDBInstances    = Operation{"rds", "DescribeDBInstances", "rds:DescribeDBInstances"}

	opGetBucketVersioning        = Operation{"s3", "GetBucketVersioning", "s3:GetBucketVersioning"}
	opGetObjectLockConfiguration = Operation{"s3", "GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration"}
	opGetBucketReplication       = Operation{"s3", "GetBucketReplication", "s3:GetReplicationConfiguration"}
	opGetBucketLocation          = Operation{"s3", "GetBucketLocation", "s3:GetBucketLocation"}

	opDescribeCluster   = Operation{"eks", "DescribeCluster", "eks:DescribeCluster"}
	opDescribeNodegroup = Operation{"eks", "DescribeNodegroup", "eks:DescribeNodegroup"}

	opListClustersV2   = Operation{"kafka", "ListClustersV2", "kafka:ListClustersV2"}
	opListReplicators  = Operation{"kafka", "ListReplicators", "kafka:ListReplicators"}
	opDescribeRepGroup = Operation{"elasticache", "DescribeReplicationGroups", "elasticache:DescribeReplicationGroups"}
	opDescribeGlobalRG = Operation{"elasticache", "DescribeGlobalReplicationGroups", "elasticache:DescribeGlobalReplicationGroups"}

	opListBackupPlans     = Operation{"backup", "ListBackupPlans", "backup:ListBackupPlans"}
	opGetBackupPlan       = Operation{"backup", "GetBackupPlan", "backup:GetBackupPlan"}
	opDescribeBackupVault = Operation{"backup", "DescribeBackupVault", "backup:DescribeBackupVault"}

	opGetHostedZone          = Operation{"route53", "GetHostedZone", "route53:GetHostedZone"}
	opListResourceRecordSets = Operation{"route53", "ListResourceRecordSets", "route53:ListResourceRecordSets"}
	opGetHealthCheck         = Operation{"route53", "GetHealthCheck", "route53:GetHealthCheck"}
	opGetHealthCheckStatus   = Operation{"route53", "GetHealthCheckStatus", "route53:GetHealthCheckStatus"}

	opGetMetricData = Operation{"monitoring", "GetMetricData", "cloudwatch:GetMetricData"}
)

// operations is every call verify can make.
var operations = []Operation{
	opDescribeGlobalClusters, opDescribeDBClusters, opDescribeDBInstances,
	opGetBucketVersioning, opGetObjectLockConfiguration, opGetBucketReplication, opGetBucketLocation,
	opDescribeCluster, opDescribeNodegroup,
	opListClustersV2, opListReplicators,
	opDescribeRepGroup, opDescribeGlobalRG,
	opListBackupPlans, opGetBackupPlan, opDescribeBackupVault,
	opGetHostedZone, opListResourceRecordSets, opGetHealthCheck, opGetHealthCheckStatus,
	opGetMetricData,
}

// Operations returns every AWS API operation verify can call.
func Operations() []Operation { return slices.Clone(operations) }

// IAMPolicy is the least-privilege identity policy for verify: exactly the
// actions of Operations, nothing that writes. Resources are "*" because
// the describe and list calls among them do not support resource-level
// permissions.
func IAMPolicy() []byte {
	var actions []string
	for _, o := range operations {
		if !slices.Contains(actions, o.Action) {
			actions = append(actions, o.Action)
		}
	}
	slices.Sort(actions)
	// A struct, not a map, so the document reads in IAM's usual order.
	type statement struct {
		Sid      string
		Effect   string
		Action   []string
		Resource string
	}
	doc := struct {
		Version   string
		Statement []statement
	}{"2012-10-17", []statement{{"DrplanVerifyReadOnly", "Allow", actions, "*"}}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err) // a fixed structure of strings always encodes
	}
	return append(b, '\n')
}

// IsReadOnly reports whether an API operation name only reads: verify is
// allowed Describe, List and Get calls and nothing else.
func IsReadOnly(name string) bool {
	for _, p := range []string{"Describe", "List", "Get"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
