package awstest

import (
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/verify"
)

// --- S3 (REST-XML, path-style: the endpoint is an IP address) ------------

func s3Route(r *http.Request, _ []byte) (string, handler) {
	q := r.URL.Query()
	bucket := strings.Trim(r.URL.Path, "/")
	if r.Method != http.MethodGet || bucket == "" || strings.Contains(bucket, "/") {
		return "UNKNOWN " + r.Method + " " + r.URL.Path, nil
	}
	switch {
	case q.Has("versioning"):
		return "GetBucketVersioning", s3Handler(bucket, getBucketVersioning)
	case q.Has("object-lock"):
		return "GetObjectLockConfiguration", s3Handler(bucket, getObjectLock)
	case q.Has("replication"):
		return "GetBucketReplication", s3Handler(bucket, getBucketReplication)
	case q.Has("location"):
		return "GetBucketLocation", getBucketLocation(bucket)
	}
	return "UNKNOWN GET " + r.URL.Path + "?" + r.URL.RawQuery, nil
}

func s3Error(w http.ResponseWriter, _ string, e *apiError) {
	var b xb
	b.open("Error").text("Code", e.code).text("Message", e.message).text("RequestId", "0000000000000000").close("Error")
	writeXML(w, e.status, b.String())
}

const s3NS = `xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`

func s3Handler(bucket string, f func(w http.ResponseWriter, b *verify.Bucket) *apiError) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte, world *World, r *Region) *apiError {
		b, ok := r.Buckets[bucket]
		if ok {
			return f(w, b)
		}
		// Bucket names are global: one in another region is redirected
		// there, as S3's regional endpoints do.
		for name, other := range world.Regions {
			if _, ok := other.Buckets[bucket]; ok {
				w.Header().Set("X-Amz-Bucket-Region", name)
				return &apiError{301, "PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint."}
			}
		}
		return &apiError{404, "NoSuchBucket", "The specified bucket does not exist"}
	}
}

func getBucketVersioning(w http.ResponseWriter, b *verify.Bucket) *apiError {
	inner := ""
	if b.Versioning != "" {
		inner = "<Status>" + b.Versioning + "</Status>"
	}
	writeXML(w, 200, `<VersioningConfiguration `+s3NS+`>`+inner+`</VersioningConfiguration>`)
	return nil
}

func getObjectLock(w http.ResponseWriter, b *verify.Bucket) *apiError {
	if b.ObjectLock == "" {
		return &apiError{404, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket"}
	}
	var x xb
	x.WriteString(`<ObjectLockConfiguration ` + s3NS + `>`)
	x.text("ObjectLockEnabled", b.ObjectLock)
	if b.LockMode != "" {
		x.open("Rule").open("DefaultRetention").text("Mode", b.LockMode)
		if b.LockYears > 0 {
			x.text("Years", b.LockYears)
		} else {
			x.text("Days", b.LockDays)
		}
		x.close("DefaultRetention").close("Rule")
	}
	x.close("ObjectLockConfiguration")
	writeXML(w, 200, x.String())
	return nil
}

func getBucketReplication(w http.ResponseWriter, b *verify.Bucket) *apiError {
	if len(b.Replication) == 0 {
		return &apiError{404, "ReplicationConfigurationNotFoundError", "The replication configuration was not found"}
	}
	var x xb
	x.WriteString(`<ReplicationConfiguration ` + s3NS + `>`)
	x.text("Role", "arn:aws:iam::"+Account+":role/s3-replication")
	for i, r := range b.Replication {
		x.open("Rule").text("ID", r.ID).text("Priority", i+1).text("Status", r.Status)
		x.open("Filter").text("Prefix", "").close("Filter")
		x.open("DeleteMarkerReplication").text("Status", "Disabled").close("DeleteMarkerReplication")
		x.open("Destination").text("Bucket", "arn:aws:s3:::"+r.DestinationBucket)
		if r.RTC {
			x.open("ReplicationTime").text("Status", "Enabled").open("Time").text("Minutes", 15).close("Time").close("ReplicationTime")
			x.open("Metrics").text("Status", "Enabled").open("EventThreshold").text("Minutes", 15).close("EventThreshold").close("Metrics")
		}
		x.close("Destination").close("Rule")
	}
	x.close("ReplicationConfiguration")
	writeXML(w, 200, x.String())
	return nil
}

// getBucketLocation finds the bucket in whichever region holds it: bucket
// names are global.
func getBucketLocation(bucket string) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ []byte, world *World, _ *Region) *apiError {
		for name, r := range world.Regions {
			if _, ok := r.Buckets[bucket]; ok {
				loc := name
				if loc == "us-east-1" {
					loc = "" // S3's answer for us-east-1
				}
				writeXML(w, 200, `<LocationConstraint `+s3NS+`>`+loc+`</LocationConstraint>`)
				return nil
			}
		}
		if world.ownsElsewhere(bucket) {
			// Bucket names are global, but only the owner may ask where
			// one is (without a bucket policy granting it).
			return &apiError{403, "AccessDenied", "Access Denied"}
		}
		return &apiError{404, "NoSuchBucket", "The specified bucket does not exist"}
	}
}

// ownsElsewhere reports whether another account than w holds the bucket.
func (w *World) ownsElsewhere(bucket string) bool {
	root := w.top()
	for _, o := range append([]*World{root}, slices.Collect(maps.Values(root.Accounts))...) {
		if o == w {
			continue
		}
		for _, r := range o.Regions {
			if _, ok := r.Buckets[bucket]; ok {
				return true
			}
		}
	}
	return false
}

// --- Route 53 (REST-XML) ---------------------------------------------------

var (
	r53Zone        = regexp.MustCompile(`^/2013-04-01/hostedzone/([^/]+)$`)
	r53RRSet       = regexp.MustCompile(`^/2013-04-01/hostedzone/([^/]+)/rrset/?$`)
	r53Health      = regexp.MustCompile(`^/2013-04-01/healthcheck/([^/]+)$`)
	r53HealthState = regexp.MustCompile(`^/2013-04-01/healthcheck/([^/]+)/status$`)
)

const r53NS = `xmlns="https://route53.amazonaws.com/doc/2013-04-01/"`

func route53Route(r *http.Request, _ []byte) (string, handler) {
	p := r.URL.Path
	if r.Method != http.MethodGet {
		return "UNKNOWN " + r.Method + " " + p, nil
	}
	switch {
	case r53Zone.MatchString(p):
		return "GetHostedZone", getHostedZone
	case r53RRSet.MatchString(p):
		return "ListResourceRecordSets", listResourceRecordSets
	case r53HealthState.MatchString(p):
		return "GetHealthCheckStatus", getHealthCheckStatus
	case r53Health.MatchString(p):
		return "GetHealthCheck", getHealthCheck
	}
	return "UNKNOWN GET " + p, nil
}

func getHostedZone(w http.ResponseWriter, r *http.Request, _ []byte, world *World, _ *Region) *apiError {
	id := pathParam(r53Zone, r.URL.Path, 1)
	z, ok := world.HostedZones[id]
	if !ok {
		return &apiError{404, "NoSuchHostedZone", "No hosted zone found with ID: " + id}
	}
	var x xb
	x.WriteString(`<GetHostedZoneResponse ` + r53NS + `>`)
	x.open("HostedZone").text("Id", "/hostedzone/"+z.ID).text("Name", z.Name).text("CallerReference", "drplan").text("ResourceRecordSetCount", len(world.Records[id])).close("HostedZone")
	x.open("DelegationSet").open("NameServers").text("NameServer", "ns-1.awsdns-01.org").close("NameServers").close("DelegationSet")
	x.close("GetHostedZoneResponse")
	writeXML(w, 200, x.String())
	return nil
}

func listResourceRecordSets(w http.ResponseWriter, r *http.Request, _ []byte, world *World, _ *Region) *apiError {
	id := pathParam(r53RRSet, r.URL.Path, 1)
	if _, ok := world.HostedZones[id]; !ok {
		return &apiError{404, "NoSuchHostedZone", "No hosted zone found with ID: " + id}
	}
	name, typ := r.URL.Query().Get("name"), r.URL.Query().Get("type")
	var x xb
	x.WriteString(`<ListResourceRecordSetsResponse ` + r53NS + `>`)
	x.open("ResourceRecordSets")
	// Route 53 lists from the start record on, in order; records of other
	// names follow, which the client must stop at.
	started := false
	for _, rec := range world.Records[id] {
		if !started && (!strings.EqualFold(rec.Name, name) || (typ != "" && rec.Type != typ)) {
			continue
		}
		started = true
		x.open("ResourceRecordSet").text("Name", rec.Name).text("Type", rec.Type)
		if rec.SetID != "" {
			x.text("SetIdentifier", rec.SetID)
		}
		if rec.Failover != "" {
			x.text("Failover", rec.Failover)
		}
		x.open("AliasTarget").text("HostedZoneId", "Z35SXDOTRQ7X7K").text("DNSName", rec.Target).text("EvaluateTargetHealth", true).close("AliasTarget")
		if rec.HealthCheckID != "" {
			x.text("HealthCheckId", rec.HealthCheckID)
		}
		x.close("ResourceRecordSet")
	}
	x.close("ResourceRecordSets").text("IsTruncated", false).text("MaxItems", 300)
	x.close("ListResourceRecordSetsResponse")
	writeXML(w, 200, x.String())
	return nil
}

func getHealthCheck(w http.ResponseWriter, r *http.Request, _ []byte, world *World, _ *Region) *apiError {
	id := pathParam(r53Health, r.URL.Path, 1)
	hc, ok := world.HealthChecks[id]
	if !ok {
		return &apiError{404, "NoSuchHealthCheck", "No health check exists with the specified ID " + id}
	}
	var x xb
	x.WriteString(`<GetHealthCheckResponse ` + r53NS + `>`)
	x.open("HealthCheck").text("Id", hc.ID).text("CallerReference", "drplan")
	x.open("HealthCheckConfig").text("Type", hc.Type)
	if hc.Path != "" {
		x.text("ResourcePath", hc.Path)
	}
	x.text("FullyQualifiedDomainName", "origin.example.com").text("RequestInterval", hc.Interval).text("FailureThreshold", hc.FailureThreshold)
	x.close("HealthCheckConfig").text("HealthCheckVersion", 1).close("HealthCheck")
	x.close("GetHealthCheckResponse")
	writeXML(w, 200, x.String())
	return nil
}

func getHealthCheckStatus(w http.ResponseWriter, r *http.Request, _ []byte, world *World, _ *Region) *apiError {
	id := pathParam(r53HealthState, r.URL.Path, 1)
	hc, ok := world.HealthChecks[id]
	if !ok {
		return &apiError{404, "NoSuchHealthCheck", "No health check exists with the specified ID " + id}
	}
	var x xb
	x.WriteString(`<GetHealthCheckStatusResponse ` + r53NS + `>`)
	x.open("HealthCheckObservations")
	checked := time.Now().UTC().Format(time.RFC3339)
	for i := range hc.Checkers {
		status := "Success: HTTP Status Code 200, OK"
		if i >= hc.Healthy {
			status = "Failure: HTTP Status Code 503, Service Unavailable"
		}
		x.open("HealthCheckObservation").text("Region", checkerRegions[i%len(checkerRegions)]).text("IPAddress", "15.177.0.1")
		x.open("StatusReport").text("Status", status).text("CheckedTime", checked).close("StatusReport")
		x.close("HealthCheckObservation")
	}
	x.close("HealthCheckObservations").close("GetHealthCheckStatusResponse")
	writeXML(w, 200, x.String())
	return nil
}

var checkerRegions = []string{"us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"}

// --- EKS, MSK, AWS Backup (REST-JSON) --------------------------------------

var (
	eksCluster   = regexp.MustCompile(`^/clusters/([^/]+)$`)
	eksNodegroup = regexp.MustCompile(`^/clusters/([^/]+)/node-groups/([^/]+)$`)
	eksRoutes    = []jsonRoute{
		{http.MethodGet, eksNodegroup, "DescribeNodegroup", describeNodegroup},
		{http.MethodGet, eksCluster, "DescribeCluster", describeCluster},
	}
	kafkaRoutes = []jsonRoute{
		{http.MethodGet, regexp.MustCompile(`^/api/v2/clusters$`), "ListClustersV2", listClustersV2},
		{http.MethodGet, regexp.MustCompile(`^/replication/v1/replicators$`), "ListReplicators", listReplicators},
	}
	backupPlanPath  = regexp.MustCompile(`^/backup/plans/([^/]+)/?$`)
	backupVaultPath = regexp.MustCompile(`^/backup-vaults/([^/]+)$`)
	backupRoutes    = []jsonRoute{
		{http.MethodGet, regexp.MustCompile(`^/backup/plans/?$`), "ListBackupPlans", listBackupPlans},
		{http.MethodGet, backupPlanPath, "GetBackupPlan", getBackupPlan},
		{http.MethodGet, backupVaultPath, "DescribeBackupVault", describeBackupVault},
	}
)

func describeCluster(w http.ResponseWriter, r *http.Request, _ []byte, _ *World, rr *Region) *apiError {
	name := pathParam(eksCluster, r.URL.Path, 1)
	c, ok := rr.EKSClusters[name]
	if !ok {
		return &apiError{404, "ResourceNotFoundException", "No cluster found for name: " + name + "."}
	}
	writeJSON(w, map[string]any{"cluster": map[string]any{"name": c.Name, "status": c.Status, "version": c.Version, "arn": "arn:aws:eks:region:" + Account + ":cluster/" + c.Name}})
	return nil
}

func describeNodegroup(w http.ResponseWriter, r *http.Request, _ []byte, _ *World, rr *Region) *apiError {
	cluster, name := pathParam(eksNodegroup, r.URL.Path, 1), pathParam(eksNodegroup, r.URL.Path, 2)
	g, ok := rr.NodeGroups[cluster+"/"+name]
	if !ok {
		return &apiError{404, "ResourceNotFoundException", "No node group found for name: " + name + "."}
	}
	writeJSON(w, map[string]any{"nodegroup": map[string]any{
		"nodegroupName": g.Name, "clusterName": g.Cluster, "status": g.Status,
		"scalingConfig": map[string]any{"desiredSize": g.Desired, "minSize": g.Min, "maxSize": g.Max},
	}})
	return nil
}

func listClustersV2(w http.ResponseWriter, r *http.Request, _ []byte, _ *World, rr *Region) *apiError {
	filter := r.URL.Query().Get("clusterNameFilter")
	list := []map[string]any{}
	for _, name := range plan.Keys(rr.MSKClusters) {
		if c := rr.MSKClusters[name]; strings.HasPrefix(name, filter) {
			list = append(list, map[string]any{"clusterName": c.Name, "clusterArn": c.ARN, "state": c.State, "clusterType": "PROVISIONED"})
		}
	}
	writeJSON(w, map[string]any{"clusterInfoList": list})
	return nil
}

func listReplicators(w http.ResponseWriter, _ *http.Request, _ []byte, _ *World, rr *Region) *apiError {
	list := []map[string]any{}
	for _, rep := range rr.Replicators {
		var clusters []map[string]any
		for i, arn := range rep.Clusters {
			clusters = append(clusters, map[string]any{"amazonMskCluster": map[string]any{"mskClusterArn": arn}, "kafkaClusterAlias": []string{"source", "target"}[min(i, 1)]})
		}
		list = append(list, map[string]any{"replicatorName": rep.Name, "replicatorArn": rep.ARN, "replicatorState": rep.State, "kafkaClustersSummary": clusters})
	}
	writeJSON(w, map[string]any{"replicators": list})
	return nil
}

func listBackupPlans(w http.ResponseWriter, _ *http.Request, _ []byte, _ *World, rr *Region) *apiError {
	list := []map[string]any{}
	for _, name := range plan.Keys(rr.BackupPlans) {
		bp := rr.BackupPlans[name]
		list = append(list, map[string]any{"BackupPlanName": bp.Name, "BackupPlanId": bp.ID, "BackupPlanArn": "arn:aws:backup:region:" + Account + ":backup-plan:" + bp.ID})
	}
	writeJSON(w, map[string]any{"BackupPlansList": list})
	return nil
}

func getBackupPlan(w http.ResponseWriter, r *http.Request, _ []byte, _ *World, rr *Region) *apiError {
	id := pathParam(backupPlanPath, r.URL.Path, 1)
	for _, bp := range rr.BackupPlans {
		if bp.ID != id {
			continue
		}
		var rules []map[string]any
		for _, rule := range bp.Rules {
			var copies []map[string]any
			for _, dest := range rule.CopyTo {
				copies = append(copies, map[string]any{"DestinationBackupVaultArn": dest, "Lifecycle": map[string]any{"DeleteAfterDays": 35}})
			}
			rules = append(rules, map[string]any{"RuleName": rule.Name, "ScheduleExpression": rule.Schedule, "TargetBackupVaultName": rule.TargetVault, "EnableContinuousBackup": rule.Continuous, "CopyActions": copies, "RuleId": bp.ID + "-" + rule.Name})
		}
		writeJSON(w, map[string]any{"BackupPlanId": bp.ID, "BackupPlan": map[string]any{"BackupPlanName": bp.Name, "Rules": rules}})
		return nil
	}
	return &apiError{404, "ResourceNotFoundException", "Failed reading Backup plan with provided version"}
}

func describeBackupVault(w http.ResponseWriter, r *http.Request, _ []byte, _ *World, rr *Region) *apiError {
	name := pathParam(backupVaultPath, r.URL.Path, 1)
	v, ok := rr.BackupVaults[name]
	if !ok {
		return &apiError{404, "ResourceNotFoundException", "Backup vault " + name + " does not exist"}
	}
	out := map[string]any{"BackupVaultName": v.Name, "Locked": v.Locked, "VaultType": "BACKUP_VAULT"}
	if v.Locked {
		out["MinRetentionDays"] = v.MinRetentionDays
	}
	if v.LockDate != nil {
		out["LockDate"] = float64(v.LockDate.Unix())
	}
	writeJSON(w, out)
	return nil
}
