package awstest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	rdsNS = "http://rds.amazonaws.com/doc/2014-10-31/"
	ecNS  = "http://elasticache.amazonaws.com/doc/2015-02-02/"
)

func form(body []byte) url.Values {
	v, _ := url.ParseQuery(string(body))
	return v
}

func describeGlobalClusters(w http.ResponseWriter, _ *http.Request, body []byte, _ *World, r *Region) *apiError {
	id := form(body).Get("GlobalClusterIdentifier")
	g, ok := r.GlobalClusters[id]
	if !ok {
		return &apiError{404, "GlobalClusterNotFoundFault", "GlobalCluster " + id + " not found."}
	}
	var b xb
	b.open("GlobalClusters").open("GlobalClusterMember")
	b.text("GlobalClusterIdentifier", g.ID).text("Status", g.Status).text("Engine", g.Engine).text("DeletionProtection", g.DeletionProtection)
	b.open("GlobalClusterMembers")
	for _, m := range g.Members {
		b.open("GlobalClusterMember").text("DBClusterArn", m.ClusterARN).text("IsWriter", m.Writer).close("GlobalClusterMember")
	}
	b.close("GlobalClusterMembers")
	b.close("GlobalClusterMember").close("GlobalClusters")
	queryResult(w, "DescribeGlobalClusters", rdsNS, b.String())
	return nil
}

func describeDBClusters(w http.ResponseWriter, _ *http.Request, body []byte, _ *World, r *Region) *apiError {
	id := form(body).Get("DBClusterIdentifier")
	d, ok := r.DBClusters[id]
	if !ok {
		return &apiError{404, "DBClusterNotFoundFault", "DBCluster " + id + " not found."}
	}
	var b xb
	b.open("DBClusters").open("DBCluster")
	b.text("DBClusterIdentifier", d.ID).text("DBClusterArn", d.ARN).text("Status", d.Status).text("Engine", "aurora-postgresql")
	b.text("BackupRetentionPeriod", d.BackupRetentionDays).text("DeletionProtection", d.DeletionProtection)
	b.open("DBClusterMembers")
	for _, m := range d.Members {
		b.open("DBClusterMember").text("DBInstanceIdentifier", m.InstanceID).text("IsClusterWriter", m.Writer).close("DBClusterMember")
	}
	b.close("DBClusterMembers")
	b.close("DBCluster").close("DBClusters")
	queryResult(w, "DescribeDBClusters", rdsNS, b.String())
	return nil
}

func describeDBInstances(w http.ResponseWriter, _ *http.Request, body []byte, _ *World, r *Region) *apiError {
	id := form(body).Get("DBInstanceIdentifier")
	d, ok := r.DBInstances[id]
	if !ok {
		return &apiError{404, "DBInstanceNotFound", "DBInstance " + id + " not found."}
	}
	var b xb
	b.open("DBInstances").open("DBInstance")
	b.text("DBInstanceIdentifier", d.ID).text("DBInstanceStatus", d.Status).text("Engine", "postgres")
	b.text("BackupRetentionPeriod", d.BackupRetentionDays).text("DeletionProtection", d.DeletionProtection).text("MultiAZ", d.MultiAZ)
	b.open("ReadReplicaDBInstanceIdentifiers")
	for _, rr := range d.ReadReplicas {
		b.text("ReadReplicaDBInstanceIdentifier", rr)
	}
	b.close("ReadReplicaDBInstanceIdentifiers")
	b.close("DBInstance").close("DBInstances")
	queryResult(w, "DescribeDBInstances", rdsNS, b.String())
	return nil
}

func describeReplicationGroups(w http.ResponseWriter, _ *http.Request, body []byte, _ *World, r *Region) *apiError {
	id := form(body).Get("ReplicationGroupId")
	g, ok := r.ReplicationGroups[id]
	if !ok {
		return &apiError{404, "ReplicationGroupNotFoundFault", "Replication group " + id + " not found."}
	}
	var b xb
	b.open("ReplicationGroups").open("ReplicationGroup")
	b.text("ReplicationGroupId", g.ID).text("Status", g.Status).text("AutomaticFailover", g.AutomaticFailover).text("MultiAZ", g.MultiAZ).text("ClusterEnabled", true)
	if g.GlobalDatastoreID != "" {
		b.open("GlobalReplicationGroupInfo").text("GlobalReplicationGroupId", g.GlobalDatastoreID).text("GlobalReplicationGroupMemberRole", g.GlobalRole).close("GlobalReplicationGroupInfo")
	}
	b.close("ReplicationGroup").close("ReplicationGroups")
	queryResult(w, "DescribeReplicationGroups", ecNS, b.String())
	return nil
}

func describeGlobalReplicationGroups(w http.ResponseWriter, _ *http.Request, body []byte, _ *World, r *Region) *apiError {
	f := form(body)
	id := f.Get("GlobalReplicationGroupId")
	g, ok := r.GlobalDatastores[id]
	if !ok {
		return &apiError{404, "GlobalReplicationGroupNotFoundFault", "Global replication group " + id + " not found."}
	}
	var b xb
	b.open("GlobalReplicationGroups").open("GlobalReplicationGroup")
	b.text("GlobalReplicationGroupId", g.ID).text("Status", g.Status).text("Engine", "redis")
	// Members are only listed when asked for, as in AWS.
	if f.Get("ShowMemberInfo") == "true" {
		b.open("Members")
		for _, m := range g.Members {
			b.open("GlobalReplicationGroupMember").text("ReplicationGroupId", m.ReplicationGroupID).text("ReplicationGroupRegion", m.Region).text("Role", m.Role).text("Status", m.Status).close("GlobalReplicationGroupMember")
		}
		b.close("Members")
	}
	b.close("GlobalReplicationGroup").close("GlobalReplicationGroups")
	queryResult(w, "DescribeGlobalReplicationGroups", ecNS, b.String())
	return nil
}

// assumeRole answers STS AssumeRole for a role of an account the world
// holds and the role exists in: credentials whose access key reaches that
// account. Anything else is AccessDenied, as STS answers a role that does
// not exist or does not trust the caller.
func assumeRole(w http.ResponseWriter, _ *http.Request, body []byte, caller *World, _ *Region) *apiError {
	f := form(body)
	arn := f.Get("RoleArn")
	denied := &apiError{403, "AccessDenied", fmt.Sprintf("User: arn:aws:iam::%s:user/verify is not authorized to perform: sts:AssumeRole on resource: %s", caller.ID(), arn)}
	acct, name, ok := parseRoleARN(arn)
	if !ok {
		return &apiError{400, "ValidationError", "1 validation error detected: Value '" + arn + "' at 'roleArn' failed to satisfy constraint"}
	}
	root := caller.top()
	target := root
	if acct != Account {
		if target = root.Accounts[acct]; target == nil {
			return denied
		}
	}
	if !target.Roles[name] {
		return denied
	}
	session := f.Get("RoleSessionName")
	var b xb
	b.open("Credentials").text("AccessKeyId", assumedKey(acct)).text("SecretAccessKey", "local-test-secret").
		text("SessionToken", "local-session-"+acct).text("Expiration", time.Now().UTC().Add(time.Hour).Format(time.RFC3339)).close("Credentials")
	b.open("AssumedRoleUser").text("Arn", fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", acct, name, session)).
		text("AssumedRoleId", "AROA"+acct+":"+session).close("AssumedRoleUser")
	queryResult(w, "AssumeRole", "https://sts.amazonaws.com/doc/2011-06-15/", b.String())
	return nil
}

// parseRoleARN reads arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME.
func parseRoleARN(arn string) (account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || len(parts[4]) != 12 || !strings.HasPrefix(parts[5], "role/") {
		return "", "", false
	}
	return parts[4], parts[5][strings.LastIndex(parts[5], "/")+1:], true
}
