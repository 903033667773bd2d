package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/drplan/drplan/plan"
)

// Config is how verify reaches AWS.
type Config struct {
	// Profile and Region override the shared config's; the credential chain
	// is the SDK's own (environment, profiles, SSO, instance roles).
	Profile string
	Region  string
	// AssumeRole, when set, is the role verify assumes in every account
	// the plans name, from the caller's credentials: an ARN in which
	// {account} stands for the account ID. It takes precedence over the
	// plans' own profile and role for each account.
	AssumeRole string
	// Concurrency bounds the fetches in flight across all regions.
	Concurrency int
	// MaxAttempts and MaxBackoff tune the adaptive retryer; zero keeps
	// verify's defaults (8 attempts, 20 s).
	MaxAttempts int
	MaxBackoff  time.Duration
	// Progress, when set, is told how many fetches are done out of how many.
	Progress func(done, total int)
}

// clients are one region's API clients, built once per region.
type clients struct {
	region string
	rds    *rds.Client
	s3     *s3.Client
	eks    *eks.Client
	kafka  *kafka.Client
	ec     *elasticache.Client
	backup *backup.Client
	r53    *route53.Client
	cw     *cloudwatch.Client
}

// session holds the SDK config of each account and a client set per
// account and region.
type session struct {
	base aws.Config
	// opts load the base config; a profile's config is loaded with them.
	opts []func(*config.LoadOptions) error
	// plans say which accounts there are and how to reach them.
	plans []*plan.Plan
	// accounts are the plans' accounts by ID; the caller's own ("") is
	// base.
	accounts map[string]*account
	mu       sync.Mutex
	regions  map[[2]string]*clients
}

// account is how one AWS account is reached.
type account struct {
	id string
	// names are the plans' names for it ("dns", ...), for messages.
	names []string
	// how says how it is reached: a profile, a role, or the caller's
	// credentials.
	how string
	cfg aws.Config
	// err is why its credentials could not be had; every read in the
	// account fails with it, without a call. They are had on the first
	// read in the account (once), so an account the plans name but hold
	// nothing to read in costs nothing.
	err *readError
	// ownCredentials: the account has credentials of its own (a role or
	// a profile) to get before its first read; else it uses the
	// caller's, checked once for the whole run.
	ownCredentials bool
	once           sync.Once
}

// ready gets the account's credentials on first use: the AssumeRole call
// for a role, the profile's own source (SSO, a process, a file).
func (a *account) ready(ctx context.Context) *readError {
	a.once.Do(func() {
		if !a.ownCredentials {
			return
		}
		if _, err := a.cfg.Credentials.Retrieve(ctx); err != nil {
			a.err = credentialError(a, err)
		}
	})
	return a.err
}

func newSession(ctx context.Context, cfg Config) (*session, error) {
	attempts := cfg.MaxAttempts
	if attempts == 0 {
		attempts = 8
	}
	backoff := cfg.MaxBackoff
	if backoff == 0 {
		backoff = 20 * time.Second
	}
	conc := max(cfg.Concurrency, 1)
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
				o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
					so.MaxAttempts = attempts
					so.MaxBackoff = backoff
					// Throttling is to be waited out, not failed: the
					// adaptive token bucket already slows the client, and
					// the retry quota would otherwise turn a burst of 429s
					// into "could not verify" for healthy resources. The
					// overall --timeout still bounds the run.
					so.RateLimiter = ratelimit.None
				})
			})
		}),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			t.MaxIdleConnsPerHost = conc
		})),
	}
	if cfg.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(cfg.Profile))
	}
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	base, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if base.Region == "" {
		base.Region = "us-east-1"
	}
	s := &session{base: base, opts: opts, accounts: map[string]*account{}, regions: map[[2]string]*clients{}}
	s.accounts[""] = &account{how: "the caller's credentials", cfg: base}
	return s, nil
}

// roleARN is the role to assume in account id: the --assume-role
// template, else the plan's role (a name, or an ARN template); "" when
// neither is set.
func roleARN(template string, a *plan.Account) string {
	if template == "" {
		template = a.Role
	}
	if template == "" {
		return ""
	}
	if !strings.HasPrefix(template, "arn:") {
		template = "arn:aws:iam::{account}:role/" + template
	}
	return strings.ReplaceAll(template, "{account}", a.ID)
}

// reach sets up how each account that keys read in is reached, before
// the reads (an account the plans name but hold nothing to read in needs
// no profile or role on this machine): a profile is loaded as the SDK loads any profile; a role gets an
// AssumeRole provider whose credentials, cached, all of the account's
// clients share, so the role is assumed once (the only call verify makes
// beyond its reads), on the first read there (account.ready). An account
// that cannot be reached fails its own reads only; a profile that does
// not exist is a configuration error, as --profile's is.
func (s *session) reach(ctx context.Context, cfg Config, keys []fetchKey) error {
	needed := map[string]bool{}
	for _, k := range keys {
		needed[k.Account] = true
	}
	for _, p := range s.plans {
		for _, name := range plan.Keys(p.Accounts) {
			pa := p.Accounts[name]
			if !needed[pa.ID] {
				continue
			}
			if a := s.accounts[pa.ID]; a != nil {
				if !slices.Contains(a.names, name) {
					a.names = append(a.names, name)
				}
				continue
			}
			a := &account{id: pa.ID, names: []string{name}}
			s.accounts[pa.ID] = a
			switch arn := roleARN(cfg.AssumeRole, pa); {
			case arn != "":
				a.how = "role " + arn
				a.cfg = s.base.Copy()
				a.cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(s.base), arn, func(o *stscreds.AssumeRoleOptions) {
					o.RoleSessionName = "drplan-verify"
				}))
			case pa.Profile != "":
				a.how = "profile " + pa.Profile
				c, err := config.LoadDefaultConfig(ctx, append(slices.Clone(s.opts), config.WithSharedConfigProfile(pa.Profile))...)
				if err != nil {
					return fmt.Errorf("account %s: loading profile %s: %w", a.label(), pa.Profile, err)
				}
				c.Region = s.base.Region
				a.cfg = c
			default:
				a.how = "the caller's credentials"
				a.cfg = s.base
				continue
			}
			a.ownCredentials = true
		}
	}
	return nil
}

// label names an account as the plans do: "222233334444 (dns)".
func (a *account) label() string {
	if a.id == "" {
		return "the caller's account"
	}
	if len(a.names) == 0 {
		return a.id
	}
	return a.id + " (" + strings.Join(a.names, ", ") + ")"
}

func credentialError(a *account, err error) *readError {
	msg := err.Error()
	denied, throttled := false, false
	var ae smithy.APIError
	switch {
	case errors.As(err, &ae):
		msg, denied = ae.ErrorCode()+": "+ae.ErrorMessage(), slices.Contains(deniedCodes, ae.ErrorCode())
		_, throttled = retry.DefaultThrottleErrorCodes[ae.ErrorCode()]
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		msg = "no answer before the --timeout"
	}
	return &readError{msg: fmt.Sprintf("account %s: no credentials through %s: %s", a.label(), a.how, msg), denied: denied, throttled: throttled}
}

func (s *session) clients(acct, region string) *clients {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := [2]string{acct, region}
	if c, ok := s.regions[key]; ok {
		return c
	}
	a := s.accounts[acct]
	if a == nil {
		// A snapshot's account the plans no longer name: read with the
		// caller's credentials, as a component that names none.
		a = s.accounts[""]
	}
	cfg := a.cfg.Copy()
	cfg.Region = region
	c := &clients{
		region: region,
		rds:    rds.NewFromConfig(cfg),
		s3:     s3.NewFromConfig(cfg),
		eks:    eks.NewFromConfig(cfg),
		kafka:  kafka.NewFromConfig(cfg),
		ec:     elasticache.NewFromConfig(cfg),
		backup: backup.NewFromConfig(cfg),
		r53:    route53.NewFromConfig(cfg),
		cw:     cloudwatch.NewFromConfig(cfg),
	}
	s.regions[key] = c
	return c
}

// notFound are the error codes with which AWS says an object does not exist.
var notFound = []string{
	"DBClusterNotFoundFault", "GlobalClusterNotFoundFault", "DBInstanceNotFound", "DBInstanceNotFoundFault",
	"NoSuchBucket", "ResourceNotFoundException", "NotFoundException",
	"ReplicationGroupNotFoundFault", "GlobalReplicationGroupNotFoundFault",
	"NoSuchHostedZone", "NoSuchHealthCheck",
}

var errNotFound = errors.New("not found")

// deniedCodes are the error codes with which AWS refuses the caller: its
// credentials, or the action.
var deniedCodes = []string{
	"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException",
	"InvalidClientTokenId", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken",
	"ExpiredTokenException", "AuthFailure", "AuthorizationError", "InvalidSignatureException",
}

// readError is a read that failed: AWS's reason, and whether it was a
// refusal (denied) rather than no answer, or throttling.
type readError struct {
	msg       string
	denied    bool
	throttled bool // AWS throttled the call past every retry
}

func (e *readError) Error() string { return e.msg }

// callError names the operation and region of a failed call, and keeps
// AWS's code and message (never the request's credentials).
func callError(op Operation, region string, err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if slices.Contains(notFound, ae.ErrorCode()) {
			return errNotFound
		}
		_, throttled := retry.DefaultThrottleErrorCodes[ae.ErrorCode()]
		return &readError{msg: fmt.Sprintf("%s in %s: %s: %s", op, region, ae.ErrorCode(), ae.ErrorMessage()), denied: slices.Contains(deniedCodes, ae.ErrorCode()), throttled: throttled}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &readError{msg: fmt.Sprintf("%s in %s: no answer before the --timeout", op, region)}
	}
	return &readError{msg: fmt.Sprintf("%s in %s: %v", op, region, err)}
}

// fetcher reads one kind of object with one region's clients.
type fetcher func(ctx context.Context, c *clients, id string) (any, error)

var fetchers = map[string]fetcher{
	kindGlobalCluster:   fetchGlobalCluster,
	kindDBCluster:       fetchDBCluster,
	kindDBInstance:      fetchDBInstance,
	kindBucket:          fetchBucket,
	kindEKSCluster:      fetchEKSCluster,
	kindNodeGroup:       fetchNodeGroup,
	kindMSKCluster:      fetchMSKCluster,
	kindMSKReplicators:  fetchMSKReplicators,
	kindReplGroup:       fetchReplGroup,
	kindGlobalDatastore: fetchGlobalDatastore,
	kindBackupPlan:      fetchBackupPlan,
	kindBackupVault:     fetchBackupVault,
	kindHostedZone:      fetchHostedZone,
	kindFailover:        fetchFailover,
	kindMetric:          fetchMetric,
}

// collect runs the fetches, cfg.Concurrency at a time, into obs. A fetch
// that fails records why; it never stops the others.
func collect(ctx context.Context, s *session, keys []fetchKey, obs *Observed, cfg Config, done *atomic.Int64, total int) {
	conc := max(cfg.Concurrency, 1)
	results := make([]*Resource, len(keys))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(conc, len(keys)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				k := keys[i]
				results[i] = runFetch(ctx, s, k)
				n := done.Add(1)
				if cfg.Progress != nil {
					cfg.Progress(int(n), total)
				}
			}
		}()
	}
	for i := range keys {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, r := range results {
		obs.add(r)
	}
}

func runFetch(ctx context.Context, s *session, k fetchKey) *Resource {
	r := &Resource{Kind: k.Kind, Account: k.Account, Region: k.Region, ID: k.ID}
	if a := s.accounts[k.Account]; a != nil {
		if err := a.ready(ctx); err != nil {
			r.Error, r.denied, r.Throttled = err.msg, err.denied, err.throttled
			return r
		}
	}
	v, err := fetchers[k.Kind](ctx, s.clients(k.Account, k.Region), k.ID)
	var re *readError
	switch {
	case errors.Is(err, errNotFound):
		return r
	case errors.As(err, &re):
		r.Error, r.denied, r.Throttled = re.msg, re.denied, re.throttled
		return r
	case err != nil:
		r.Error = err.Error()
		return r
	case v == nil:
		return r
	}
	b, err := json.Marshal(v)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Found, r.Value = true, b
	return r
}

func fetchGlobalCluster(ctx context.Context, c *clients, id string) (any, error) {
	out, err := c.rds.DescribeGlobalClusters(ctx, &rds.DescribeGlobalClustersInput{GlobalClusterIdentifier: aws.String(id)})
	if err != nil {
		return nil, callError(opDescribeGlobalClusters, c.region, err)
	}
	for _, g := range out.GlobalClusters {
		if aws.ToString(g.GlobalClusterIdentifier) != id {
			continue
		}
		v := &GlobalCluster{ID: id, Status: aws.ToString(g.Status), Engine: aws.ToString(g.Engine), DeletionProtection: aws.ToBool(g.DeletionProtection), Members: []GlobalMember{}}
		for _, m := range g.GlobalClusterMembers {
			v.Members = append(v.Members, GlobalMember{ClusterARN: aws.ToString(m.DBClusterArn), Writer: aws.ToBool(m.IsWriter)})
		}
		return v, nil
	}
	return nil, errNotFound
}

func fetchDBCluster(ctx context.Context, c *clients, id string) (any, error) {
	out, err := c.rds.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(id)})
	if err != nil {
		return nil, callError(opDescribeDBClusters, c.region, err)
	}
	for _, d := range out.DBClusters {
		if aws.ToString(d.DBClusterIdentifier) != id {
			continue
		}
		v := &DBCluster{
			ID: id, ARN: aws.ToString(d.DBClusterArn), Status: aws.ToString(d.Status),
			BackupRetentionDays: int(aws.ToInt32(d.BackupRetentionPeriod)),
			DeletionProtection:  aws.ToBool(d.DeletionProtection),
			Members:             []ClusterMember{},
		}
		for _, m := range d.DBClusterMembers {
			v.Members = append(v.Members, ClusterMember{InstanceID: aws.ToString(m.DBInstanceIdentifier), Writer: aws.ToBool(m.IsClusterWriter)})
		}
		return v, nil
	}
	return nil, errNotFound
}

func fetchDBInstance(ctx context.Context, c *clients, id string) (any, error) {
	out, err := c.rds.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
	if err != nil {
		return nil, callError(opDescribeDBInstances, c.region, err)
	}
	for _, d := range out.DBInstances {
		if aws.ToString(d.DBInstanceIdentifier) != id {
			continue
		}
		return &DBInstance{
			ID: id, Status: aws.ToString(d.DBInstanceStatus),
			BackupRetentionDays: int(aws.ToInt32(d.BackupRetentionPeriod)),
			DeletionProtection:  aws.ToBool(d.DeletionProtection),
			MultiAZ:             aws.ToBool(d.MultiAZ),
			ReadReplicas:        d.ReadReplicaDBInstanceIdentifiers,
		}, nil
	}
	return nil, errNotFound
}

func fetchBucket(ctx context.Context, c *clients, name string) (any, error) {
	ver, err := c.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(name)})
	if other := bucketRegion(err); other != "" && other != c.region {
		// S3 answers a bucket asked of the wrong region with a redirect
		// naming the right one: the plan has the region wrong.
		return &Bucket{Name: name, Region: other}, nil
	}
	if err != nil {
		return nil, callError(opGetBucketVersioning, c.region, err)
	}
	b := &Bucket{Name: name, Versioning: string(ver.Status)}
	lock, err := c.s3.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(name)})
	switch {
	case isCode(err, "ObjectLockConfigurationNotFoundError"):
	case err != nil:
		b.ObjectLockError = callError(opGetObjectLockConfiguration, c.region, err).Error()
	case lock.ObjectLockConfiguration != nil:
		b.ObjectLock = string(lock.ObjectLockConfiguration.ObjectLockEnabled)
		if r := lock.ObjectLockConfiguration.Rule; r != nil && r.DefaultRetention != nil {
			b.LockMode = string(r.DefaultRetention.Mode)
			b.LockDays = int(aws.ToInt32(r.DefaultRetention.Days))
			b.LockYears = int(aws.ToInt32(r.DefaultRetention.Years))
		}
	}
	repl, err := c.s3.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String(name)})
	switch {
	case isCode(err, "ReplicationConfigurationNotFoundError"):
	case err != nil:
		b.ReplicationError = callError(opGetBucketReplication, c.region, err).Error()
	case repl.ReplicationConfiguration != nil:
		for _, r := range repl.ReplicationConfiguration.Rules {
			rule := ReplicationRule{ID: aws.ToString(r.ID), Status: string(r.Status)}
			if d := r.Destination; d != nil {
				rule.DestinationBucket = bucketFromARN(aws.ToString(d.Bucket))
				rule.RTC = d.ReplicationTime != nil && d.ReplicationTime.Status == "Enabled"
			}
			if rule.DestinationBucket != "" {
				// The destination's region is only known to the bucket
				// itself; ask it, through this region's endpoint.
				loc, err := c.s3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(rule.DestinationBucket)})
				if err != nil {
					if err = callError(opGetBucketLocation, c.region, err); errors.Is(err, errNotFound) {
						rule.DestinationMissing = true
					} else {
						rule.RegionError = err.Error()
					}
				} else {
					rule.DestinationRegion = string(loc.LocationConstraint)
					if rule.DestinationRegion == "" {
						rule.DestinationRegion = "us-east-1" // S3 reports us-east-1 as no constraint
					}
				}
			}
			b.Replication = append(b.Replication, rule)
		}
	}
	return b, nil
}

// bucketRegion is the region S3 names in a 301 redirect, if err is one.
func bucketRegion(err error) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusMovedPermanently {
		return re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	return ""
}

func isCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

// bucketFromARN reads arn:aws:s3:::NAME (or a bare name).
func bucketFromARN(arn string) string {
	if i := strings.LastIndex(arn, ":::"); i >= 0 {
		return arn[i+3:]
	}
	return arn
}

func fetchEKSCluster(ctx context.Context, c *clients, name string) (any, error) {
	out, err := c.eks.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
	if err != nil {
		return nil, callError(opDescribeCluster, c.region, err)
	}
	if out.Cluster == nil {
		return nil, errNotFound
	}
	return &EKSCluster{Name: name, Status: string(out.Cluster.Status), Version: aws.ToString(out.Cluster.Version)}, nil
}

func fetchNodeGroup(ctx context.Context, c *clients, id string) (any, error) {
	cluster, ng, _ := strings.Cut(id, "/")
	out, err := c.eks.DescribeNodegroup(ctx, &eks.DescribeNodegroupInput{ClusterName: aws.String(cluster), NodegroupName: aws.String(ng)})
	if err != nil {
		return nil, callError(opDescribeNodegroup, c.region, err)
	}
	if out.Nodegroup == nil {
		return nil, errNotFound
	}
	v := &NodeGroup{Cluster: cluster, Name: ng, Status: string(out.Nodegroup.Status)}
	if sc := out.Nodegroup.ScalingConfig; sc != nil {
		v.Desired, v.Min, v.Max = int(aws.ToInt32(sc.DesiredSize)), int(aws.ToInt32(sc.MinSize)), int(aws.ToInt32(sc.MaxSize))
	}
	return v, nil
}

func fetchMSKCluster(ctx context.Context, c *clients, name string) (any, error) {
	p := kafka.NewListClustersV2Paginator(c.kafka, &kafka.ListClustersV2Input{ClusterNameFilter: aws.String(name)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, callError(opListClustersV2, c.region, err)
		}
		// The filter matches prefixes; only the exact name is this cluster.
		for _, cl := range out.ClusterInfoList {
			if aws.ToString(cl.ClusterName) == name {
				return &MSKCluster{Name: name, ARN: aws.ToString(cl.ClusterArn), State: string(cl.State)}, nil
			}
		}
	}
	return nil, errNotFound
}

func fetchMSKReplicators(ctx context.Context, c *clients, _ string) (any, error) {
	v := &MSKReplicators{Replicators: []MSKReplicator{}}
	p := kafka.NewListReplicatorsPaginator(c.kafka, &kafka.ListReplicatorsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, callError(opListReplicators, c.region, err)
		}
		for _, r := range out.Replicators {
			rep := MSKReplicator{Name: aws.ToString(r.ReplicatorName), ARN: aws.ToString(r.ReplicatorArn), State: string(r.ReplicatorState), Clusters: []string{}}
			for _, k := range r.KafkaClustersSummary {
				if k.AmazonMskCluster != nil {
					rep.Clusters = append(rep.Clusters, aws.ToString(k.AmazonMskCluster.MskClusterArn))
				}
			}
			v.Replicators = append(v.Replicators, rep)
		}
	}
	return v, nil
}

func fetchReplGroup(ctx context.Context, c *clients, id string) (any, error) {
	out, err := c.ec.DescribeReplicationGroups(ctx, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String(id)})
	if err != nil {
		return nil, callError(opDescribeRepGroup, c.region, err)
	}
	for _, g := range out.ReplicationGroups {
		if aws.ToString(g.ReplicationGroupId) != id {
			continue
		}
		v := &ReplicationGroup{ID: id, Status: aws.ToString(g.Status), AutomaticFailover: string(g.AutomaticFailover), MultiAZ: string(g.MultiAZ)}
		if gi := g.GlobalReplicationGroupInfo; gi != nil {
			v.GlobalDatastoreID, v.GlobalRole = aws.ToString(gi.GlobalReplicationGroupId), aws.ToString(gi.GlobalReplicationGroupMemberRole)
		}
		return v, nil
	}
	return nil, errNotFound
}

func fetchGlobalDatastore(ctx context.Context, c *clients, id string) (any, error) {
	out, err := c.ec.DescribeGlobalReplicationGroups(ctx, &elasticache.DescribeGlobalReplicationGroupsInput{GlobalReplicationGroupId: aws.String(id), ShowMemberInfo: aws.Bool(true)})
	if err != nil {
		return nil, callError(opDescribeGlobalRG, c.region, err)
	}
	for _, g := range out.GlobalReplicationGroups {
		if aws.ToString(g.GlobalReplicationGroupId) != id {
			continue
		}
		v := &GlobalDatastore{ID: id, Status: aws.ToString(g.Status), Members: []GlobalDatastoreMember{}}
		for _, m := range g.Members {
			v.Members = append(v.Members, GlobalDatastoreMember{
				ReplicationGroupID: aws.ToString(m.ReplicationGroupId), Region: aws.ToString(m.ReplicationGroupRegion),
				Role: aws.ToString(m.Role), Status: aws.ToString(m.Status),
			})
		}
		return v, nil
	}
	return nil, errNotFound
}

func fetchBackupPlan(ctx context.Context, c *clients, name string) (any, error) {
	var id string
	p := backup.NewListBackupPlansPaginator(c.backup, &backup.ListBackupPlansInput{})
	for id == "" && p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, callError(opListBackupPlans, c.region, err)
		}
		for _, bp := range out.BackupPlansList {
			if aws.ToString(bp.BackupPlanName) == name {
				id = aws.ToString(bp.BackupPlanId)
				break
			}
		}
	}
	if id == "" {
		return nil, errNotFound
	}
	out, err := c.backup.GetBackupPlan(ctx, &backup.GetBackupPlanInput{BackupPlanId: aws.String(id)})
	if err != nil {
		return nil, callError(opGetBackupPlan, c.region, err)
	}
	v := &BackupPlan{Name: name, ID: id, Rules: []BackupRule{}}
	if out.BackupPlan != nil {
		for _, r := range out.BackupPlan.Rules {
			rule := BackupRule{Name: aws.ToString(r.RuleName), Schedule: aws.ToString(r.ScheduleExpression), TargetVault: aws.ToString(r.TargetBackupVaultName), Continuous: aws.ToBool(r.EnableContinuousBackup)}
			for _, ca := range r.CopyActions {
				rule.CopyTo = append(rule.CopyTo, aws.ToString(ca.DestinationBackupVaultArn))
			}
			v.Rules = append(v.Rules, rule)
		}
	}
	return v, nil
}

func fetchBackupVault(ctx context.Context, c *clients, name string) (any, error) {
	out, err := c.backup.DescribeBackupVault(ctx, &backup.DescribeBackupVaultInput{BackupVaultName: aws.String(name)})
	if err != nil {
		return nil, callError(opDescribeBackupVault, c.region, err)
	}
	v := &BackupVault{Name: name, Locked: aws.ToBool(out.Locked), MinRetentionDays: int(aws.ToInt64(out.MinRetentionDays))}
	if out.LockDate != nil {
		t := out.LockDate.UTC()
		v.LockDate = &t
	}
	return v, nil
}

func fetchHostedZone(ctx context.Context, c *clients, id string) (any, error) {
	out, err := c.r53.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(id)})
	if err != nil {
		return nil, callError(opGetHostedZone, c.region, err)
	}
	if out.HostedZone == nil {
		return nil, errNotFound
	}
	return &HostedZone{ID: strings.TrimPrefix(aws.ToString(out.HostedZone.Id), "/hostedzone/"), Name: aws.ToString(out.HostedZone.Name)}, nil
}

// failoverID is the fetch ID of a failover record pair.
func failoverID(zone, name, typ string) string { return zone + "|" + name + "|" + typ }

func fetchFailover(ctx context.Context, c *clients, id string) (any, error) {
	parts := strings.SplitN(id, "|", 3)
	zone, name, typ := parts[0], fqdn(parts[1]), parts[2]
	v := &Failover{Records: []DNSRecord{}}
	in := &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zone), StartRecordName: aws.String(name), StartRecordType: r53types.RRType(typ)}
	// Records are sorted by name then type: read from the start record
	// until past it.
	for more := true; more; {
		out, err := c.r53.ListResourceRecordSets(ctx, in)
		if err != nil {
			return nil, callError(opListResourceRecordSets, c.region, err)
		}
		for _, rr := range out.ResourceRecordSets {
			if !strings.EqualFold(fqdn(aws.ToString(rr.Name)), name) || string(rr.Type) != typ {
				more = false
				break
			}
			rec := DNSRecord{Name: aws.ToString(rr.Name), Type: string(rr.Type), SetID: aws.ToString(rr.SetIdentifier), Failover: string(rr.Failover), HealthCheckID: aws.ToString(rr.HealthCheckId)}
			if rr.AliasTarget != nil {
				rec.Target = aws.ToString(rr.AliasTarget.DNSName)
			} else if len(rr.ResourceRecords) > 0 {
				rec.Target = aws.ToString(rr.ResourceRecords[0].Value)
			}
			v.Records = append(v.Records, rec)
		}
		if !out.IsTruncated {
			break
		}
		in.StartRecordName, in.StartRecordType, in.StartRecordIdentifier = out.NextRecordName, out.NextRecordType, out.NextRecordIdentifier
	}
	for _, rec := range v.Records {
		if rec.HealthCheckID == "" || slices.ContainsFunc(v.HealthChecks, func(h HealthCheck) bool { return h.ID == rec.HealthCheckID }) {
			continue
		}
		v.HealthChecks = append(v.HealthChecks, fetchHealthCheck(ctx, c, rec.HealthCheckID))
	}
	return v, nil
}

func fetchHealthCheck(ctx context.Context, c *clients, id string) HealthCheck {
	hc := HealthCheck{ID: id}
	out, err := c.r53.GetHealthCheck(ctx, &route53.GetHealthCheckInput{HealthCheckId: aws.String(id)})
	if err != nil {
		// An answer that it does not exist is a fact about AWS, not a
		// failure to read it.
		if err = callError(opGetHealthCheck, c.region, err); errors.Is(err, errNotFound) {
			hc.Missing = true
		} else {
			hc.Error = err.Error()
		}
		return hc
	}
	if out.HealthCheck != nil && out.HealthCheck.HealthCheckConfig != nil {
		cfg := out.HealthCheck.HealthCheckConfig
		hc.Type, hc.Path = string(cfg.Type), aws.ToString(cfg.ResourcePath)
		hc.Interval, hc.FailureThreshold = int(aws.ToInt32(cfg.RequestInterval)), int(aws.ToInt32(cfg.FailureThreshold))
	}
	st, err := c.r53.GetHealthCheckStatus(ctx, &route53.GetHealthCheckStatusInput{HealthCheckId: aws.String(id)})
	if err != nil {
		hc.StatusError = callError(opGetHealthCheckStatus, c.region, err).Error()
		return hc
	}
	for _, o := range st.HealthCheckObservations {
		hc.Checkers++
		if o.StatusReport != nil && strings.HasPrefix(aws.ToString(o.StatusReport.Status), "Success") {
			hc.Healthy++
		}
	}
	return hc
}

func fqdn(name string) string {
	if strings.HasSuffix(name, ".") {
		return name
	}
	return name + "."
}

// metricID is the fetch ID of a metric: namespace|name|dim=value,...
func metricID(namespace, name string, dims ...string) string {
	return namespace + "|" + name + "|" + strings.Join(dims, ",")
}

// metricWindow is how far back verify looks for the current lag.
const metricWindow = 15 * time.Minute

func fetchMetric(ctx context.Context, c *clients, id string) (any, error) {
	parts := strings.SplitN(id, "|", 3)
	var dims []cwtypes.Dimension
	for _, d := range strings.Split(parts[2], ",") {
		k, v, _ := strings.Cut(d, "=")
		dims = append(dims, cwtypes.Dimension{Name: aws.String(k), Value: aws.String(v)})
	}
	end := time.Now().UTC().Truncate(time.Minute)
	out, err := c.cw.GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(end.Add(-metricWindow)),
		EndTime:   aws.Time(end),
		ScanBy:    cwtypes.ScanByTimestampDescending,
		MetricDataQueries: []cwtypes.MetricDataQuery{{
			Id: aws.String("lag"),
			MetricStat: &cwtypes.MetricStat{
				Metric: &cwtypes.Metric{Namespace: aws.String(parts[0]), MetricName: aws.String(parts[1]), Dimensions: dims},
				Period: aws.Int32(60),
				Stat:   aws.String("Maximum"),
			},
		}},
	})
	if err != nil {
		return nil, callError(opGetMetricData, c.region, err)
	}
	v := &Metric{}
	for _, r := range out.MetricDataResults {
		for i, val := range r.Values {
			if i >= len(r.Timestamps) {
				break
			}
			v.Points++
			v.Maximum = max(v.Maximum, val)
			if ts := r.Timestamps[i]; ts.After(v.At) {
				v.At, v.Latest = ts.UTC(), val
			}
		}
	}
	return v, nil
}
