package verify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/drplan/drplan/plan"
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

	// opAssumeRole is how verify gets an account's credentials when the
	// plan or --assume-role names a role: once per account, before its
	// reads. It is granted by the caller's policy and the role's trust
	// policy, not by the read-only policy.
	opAssumeRole = Operation{"sts", "AssumeRole", "sts:AssumeRole"}
)

// CredentialOperations are the calls verify makes to obtain credentials,
// not to read: STS AssumeRole, for accounts reached through a role.
func CredentialOperations() []Operation { return []Operation{opAssumeRole} }

// kindOps are the operations each kind of fetch may call.
var kindOps = map[string][]Operation{
	kindGlobalCluster: {opDescribeGlobalClusters}, kindDBCluster: {opDescribeDBClusters}, kindDBInstance: {opDescribeDBInstances},
	kindBucket:     {opGetBucketVersioning, opGetObjectLockConfiguration, opGetBucketReplication, opGetBucketLocation},
	kindEKSCluster: {opDescribeCluster}, kindNodeGroup: {opDescribeNodegroup},
	kindMSKCluster: {opListClustersV2}, kindMSKReplicators: {opListReplicators},
	kindReplGroup: {opDescribeRepGroup}, kindGlobalDatastore: {opDescribeGlobalRG},
	kindBackupPlan: {opListBackupPlans, opGetBackupPlan}, kindBackupVault: {opDescribeBackupVault},
	kindHostedZone: {opGetHostedZone}, kindFailover: {opListResourceRecordSets, opGetHealthCheck, opGetHealthCheckStatus},
	kindMetric: {opGetMetricData},
}

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
	b, err := json.MarshalIndent(readPolicy(operations), "", "  ")
	if err != nil {
		panic(err) // a fixed structure of strings always encodes
	}
	return append(b, '\n')
}

// policyDoc is an IAM policy document; structs, not maps, so that it
// reads in IAM's usual order.
type policyDoc struct {
	Version   string
	Statement []statement
}

type statement struct {
	Sid       string
	Effect    string
	Principal *awsPrincipal `json:",omitempty"`
	Action    any
	Resource  any `json:",omitempty"`
}

type awsPrincipal struct{ AWS string }

func readPolicy(ops []Operation) policyDoc {
	var actions []string
	for _, o := range ops {
		if !slices.Contains(actions, o.Action) {
			actions = append(actions, o.Action)
		}
	}
	slices.Sort(actions)
	return policyDoc{"2012-10-17", []statement{{Sid: "DrplanVerifyReadOnly", Effect: "Allow", Action: actions, Resource: "*"}}}
}

// AccountPolicy is what verify needs in one account: the read-only
// policy for what the plans declare there, and for an account reached
// through a role, the role's trust policy.
type AccountPolicy struct {
	// Account is the account ID; "" for components that name none (the
	// caller's own account).
	Account string   `json:"account"`
	Names   []string `json:"names,omitempty"`
	Purpose string   `json:"purpose,omitempty"`
	// Profile or Role is how verify reaches it; neither: the caller's
	// credentials.
	Profile     string     `json:"profile,omitempty"`
	Role        string     `json:"role,omitempty"`
	Policy      policyDoc  `json:"policy"`
	TrustPolicy *policyDoc `json:"trustPolicy,omitempty"`
}

// Policies is the IAM setup verify needs for the plans, account by
// account: the read-only policy limited to the operations their resources
// there need, and for each account reached through a role (assumeRole,
// else the plan's), the trust policy that lets principal assume it; the
// caller's own policy then needs sts:AssumeRole on those roles, which
// CallerPolicy is.
type Policies struct {
	Accounts     []AccountPolicy `json:"accounts"`
	CallerPolicy *policyDoc      `json:"callerPolicy,omitempty"`
}

// IAMPolicies works out Policies. principal is the ARN of the identity
// verify runs as; it is required when a role is to be assumed.
func IAMPolicies(plans []*plan.Plan, assumeRole, principal string) (*Policies, error) {
	ops := map[string][]Operation{}
	add := func(acct string, o ...Operation) {
		for _, op := range o {
			if !slices.Contains(ops[acct], op) {
				ops[acct] = append(ops[acct], op)
			}
		}
	}
	// The checks plan their reads round by round, as Live runs them;
	// each object is taken as found (with nothing in it) so that the reads
	// that follow from it are planned too.
	obs := &Observed{DefaultRegion: "us-east-1"}
	for range maxRounds {
		keys := pending(plans, obs)
		for _, k := range keys {
			add(k.Account, kindOps[k.Kind]...)
			obs.add(&Resource{Kind: k.Kind, Account: k.Account, Region: k.Region, ID: k.ID, Found: true, Value: json.RawMessage("{}")})
		}
	}
	// An S3 replication rule's lag metric is only known once the source
	// bucket is read; it is read in the source's account.
	for _, p := range plans {
		c := newChecker(p, nil, "")
		for _, id := range plan.Keys(p.Replication) {
			rp := p.Replication[id]
			if from := p.Components[rp.From]; from != nil && from.AWS != nil && rp.Mechanism == "s3-crr" {
				if _, _, ok := p.StrictestRPO(p.PathTiers(id)); ok {
					add(c.accountOf(from), opGetMetricData)
				}
			}
		}
	}
	out := &Policies{}
	var roles []string
	seen := map[string]bool{}
	for _, p := range plans {
		for _, name := range plan.Keys(p.Accounts) {
			pa := p.Accounts[name]
			if seen[pa.ID] {
				for i := range out.Accounts {
					if out.Accounts[i].Account == pa.ID && !slices.Contains(out.Accounts[i].Names, name) {
						out.Accounts[i].Names = append(out.Accounts[i].Names, name)
					}
				}
				continue
			}
			seen[pa.ID] = true
			if len(ops[pa.ID]) == 0 {
				continue // nothing to read there
			}
			ap := AccountPolicy{Account: pa.ID, Names: []string{name}, Purpose: pa.Purpose, Policy: readPolicy(ops[pa.ID])}
			if arn := roleARN(assumeRole, pa); arn != "" {
				if principal == "" {
					return nil, fmt.Errorf("account %s (%s) is reached through role %s: name the identity verify runs as (--principal ARN) for the role's trust policy", pa.ID, name, arn)
				}
				ap.Role = arn
				ap.TrustPolicy = &policyDoc{"2012-10-17", []statement{{Sid: "DrplanVerifyAssume", Effect: "Allow", Principal: &awsPrincipal{AWS: principal}, Action: "sts:AssumeRole"}}}
				roles = append(roles, arn)
			} else {
				ap.Profile = pa.Profile
			}
			out.Accounts = append(out.Accounts, ap)
		}
	}
	slices.SortFunc(out.Accounts, func(a, b AccountPolicy) int { return strings.Compare(a.Account, b.Account) })
	if len(ops[""]) > 0 {
		out.Accounts = append([]AccountPolicy{{Policy: readPolicy(ops[""])}}, out.Accounts...)
	}
	if len(roles) > 0 {
		slices.Sort(roles)
		out.CallerPolicy = &policyDoc{"2012-10-17", []statement{{Sid: "DrplanVerifyAssumeRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: roles}}}
	}
	return out, nil
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
