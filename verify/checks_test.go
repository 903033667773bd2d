package verify_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/verify"
	"github.com/drplan/drplan/verify/awstest"
)

// want is a check expected to fail: its ID, component, rule, and a piece
// of the plan line it must point at.
type want struct {
	id, comp, rule, line string
}

const (
	use1 = "us-east-1"
	usw2 = "us-west-2"
	// OrderFlow keeps its immutable backups and its DNS zone outside the
	// production account.
	backupAccount  = "444455556666"
	networkAccount = "222233334444"
)

// TestChecks breaks one thing at a time in an AWS that otherwise matches
// OrderFlow, and expects exactly the findings that one thing causes, at
// the plan line that declared it.
func TestChecks(t *testing.T) {
	now := time.Now()
	cases := []struct {
		name   string
		plan   func(*plan.Plan) // optional change to the plan
		break_ func(*awstest.World)
		want   []want
	}{
		{name: "aurora global database missing", break_: func(w *awstest.World) {
			delete(w.Regions[use1].GlobalClusters, "orderflow-global")
		}, want: []want{{"aurora.global-cluster", "db-primary", verify.RuleMissing, `globalClusterId: "orderflow-global"`}}},
		{name: "aurora global database not available", break_: func(w *awstest.World) {
			w.Regions[usw2].GlobalClusters["orderflow-global"].Status = "failing-over"
		}, want: []want{{"aurora.global-cluster", "db-standby", verify.RuleNotServing, `globalClusterId: "orderflow-global"`}}},
		{name: "aurora secondary missing from the global database", break_: func(w *awstest.World) {
			g := w.Regions[usw2].GlobalClusters["orderflow-global"]
			g.Members = g.Members[:1]
		}, want: []want{{"aurora.global-secondary", "db-standby", verify.RuleTopology, `clusterId:       "db-standby-usw2"`}}},
		{name: "aurora primary is not the writer", break_: func(w *awstest.World) {
			for i := range w.Regions[use1].GlobalClusters["orderflow-global"].Members {
				w.Regions[use1].GlobalClusters["orderflow-global"].Members[i].Writer = false
			}
		}, want: []want{{"aurora.global-primary", "db-primary", verify.RuleTopology, `clusterId:       "db-primary"`}}},
		{name: "aurora cluster missing", break_: func(w *awstest.World) {
			delete(w.Regions[usw2].DBClusters, "db-standby-usw2")
		}, want: []want{{"aurora.cluster", "db-standby", verify.RuleMissing, `clusterId:       "db-standby-usw2"`}}},
		{name: "aurora cluster stopped", break_: func(w *awstest.World) {
			w.Regions[usw2].DBClusters["db-standby-usw2"].Status = "stopped"
		}, want: []want{{"aurora.cluster", "db-standby", verify.RuleNotServing, `clusterId:       "db-standby-usw2"`}}},
		{name: "aurora reader missing", break_: func(w *awstest.World) {
			d := w.Regions[use1].DBClusters["db-primary"]
			d.Members = d.Members[:2]
		}, want: []want{{"aurora.members", "db-primary", verify.RuleTopology, `readerInstanceIds: ["db-primary-reader-1", "db-primary-reader-2"]`}}},
		{name: "aurora backup retention off", break_: func(w *awstest.World) {
			w.Regions[use1].DBClusters["db-primary"].BackupRetentionDays = 0
		}, want: []want{{"aurora.backup-retention", "db-primary", verify.RuleRetention, `retention: "35d"`}}},
		{name: "aurora backup retention short", break_: func(w *awstest.World) {
			w.Regions[usw2].DBClusters["db-standby-usw2"].BackupRetentionDays = 7
		}, want: []want{{"aurora.backup-retention", "db-standby", verify.RuleRetention, `retention: "35d"`}}},
		{name: "aurora deletion protection off", break_: func(w *awstest.World) {
			w.Regions[use1].DBClusters["db-primary"].DeletionProtection = false
		}, want: []want{{"aurora.deletion-protection", "db-primary", verify.RuleProtection, `deletionProtection: true`}}},

		{name: "rds instance missing", break_: func(w *awstest.World) {
			delete(w.Regions[use1].DBInstances, "orderflow-tooling")
		}, want: []want{{"rds.instance", "tooling-db", verify.RuleMissing, `instanceId:         "orderflow-tooling"`}}},
		{name: "rds instance stopped", break_: func(w *awstest.World) {
			w.Regions[use1].DBInstances["orderflow-tooling"].Status = "stopped"
		}, want: []want{{"rds.instance", "tooling-db", verify.RuleNotServing, `instanceId:         "orderflow-tooling"`}}},
		{name: "rds automated backups off", break_: func(w *awstest.World) {
			w.Regions[use1].DBInstances["orderflow-tooling"].BackupRetentionDays = 0
		}, want: []want{{"rds.backups", "tooling-db", verify.RuleRetention, `retention: "7d"`}}},
		{name: "rds deletion protection off", break_: func(w *awstest.World) {
			w.Regions[use1].DBInstances["orderflow-tooling"].DeletionProtection = false
		}, want: []want{{"rds.deletion-protection", "tooling-db", verify.RuleProtection, `deletionProtection: true`}}},
		{name: "rds read replica path without the replica", plan: func(p *plan.Plan) {
			p.Components["tooling-db-usw2"] = &plan.Component{Kind: plan.KindRDSPostgres, Region: usw2, Role: "replica", AWS: &plan.AWS{InstanceID: "orderflow-tooling-usw2"}}
			p.Replication["tooling-replica"] = &plan.ReplicationPath{From: "tooling-db", To: "tooling-db-usw2", Mode: "async", Mechanism: "rds-read-replica"}
		}, break_: func(w *awstest.World) {
			w.Regions[use1].DBInstances["orderflow-tooling"].ReadReplicas = nil
		}, want: []want{{"replication.path", "tooling-db-usw2", verify.RuleTopology, `replication: {`}}},
		{name: "rds read replica missing", plan: func(p *plan.Plan) {
			p.Components["tooling-db"].AWS.ReadReplicaIDs = []string{"orderflow-tooling-usw2"}
		}, break_: func(w *awstest.World) {
			w.Regions[use1].DBInstances["orderflow-tooling"].ReadReplicas = nil
		}, want: []want{{"rds.read-replicas", "tooling-db", verify.RuleTopology, `aws: {`}}},

		{name: "s3 bucket missing", break_: func(w *awstest.World) {
			delete(w.In(backupAccount).Regions[usw2].Buckets, "orderflow-wal-archive-usw2")
		}, want: []want{{"s3.bucket", "wal-archive", verify.RuleMissing, `bucket:     "orderflow-wal-archive-usw2"`}}},
		{name: "s3 bucket in another region", break_: func(w *awstest.World) {
			b := w.In(backupAccount).Regions[usw2].Buckets["orderflow-wal-archive-usw2"]
			delete(w.In(backupAccount).Regions[usw2].Buckets, b.Name)
			w.In(backupAccount).Region("us-east-2").Buckets[b.Name] = b
		}, want: []want{{"s3.bucket", "wal-archive", verify.RuleMissing, `bucket:     "orderflow-wal-archive-usw2"`}}},
		{name: "s3 versioning suspended", break_: func(w *awstest.World) {
			w.Regions[use1].Buckets["orderflow-ds-notebooks-use1"].Versioning = "Suspended"
		}, want: []want{{"s3.versioning", "notebooks-bucket", verify.RuleProtection, `versioning:  true`}}},
		{name: "s3 object lock governance instead of compliance", break_: func(w *awstest.World) {
			w.In(backupAccount).Regions[usw2].Buckets["orderflow-dr-backups-usw2"].LockMode = "GOVERNANCE"
		}, want: []want{{"s3.object-lock", "s3-backups-usw2", verify.RuleProtection, `objectLock: {mode: "COMPLIANCE", retention: "90d"}`}}},
		{name: "s3 object lock off", break_: func(w *awstest.World) {
			b := w.In(backupAccount).Regions[usw2].Buckets["orderflow-wal-archive-usw2"]
			b.ObjectLock, b.LockMode, b.LockDays = "", "", 0
		}, want: []want{{"s3.object-lock", "wal-archive", verify.RuleProtection, `objectLock: {mode: "COMPLIANCE", retention: "35d"}`}}},
		{name: "s3 object lock retention short", break_: func(w *awstest.World) {
			w.In(backupAccount).Regions[usw2].Buckets["orderflow-dr-backups-usw2"].LockDays = 30
		}, want: []want{{"s3.object-lock-retention", "s3-backups-usw2", verify.RuleRetention, `objectLock: {mode: "COMPLIANCE", retention: "90d"}`}}},
		{name: "s3 object lock retention in years covers days", break_: func(w *awstest.World) {
			b := w.In(backupAccount).Regions[usw2].Buckets["orderflow-dr-backups-usw2"]
			b.LockDays, b.LockYears = 0, 1
		}},
		{name: "s3 replication missing", break_: func(w *awstest.World) {
			w.Regions[use1].Buckets["orderflow-backups-use1"].Replication = nil
		}, want: []want{
			{"s3.replication", "s3-backups-use1", verify.RuleTopology, `replicateTo: "us-west-2"`},
			{"replication.path", "s3-backups-usw2", verify.RuleTopology, `to:          "s3-backups-usw2"`},
		}},
		{name: "s3 replication to another bucket in the right region", break_: func(w *awstest.World) {
			b := w.Regions[use1].Buckets["orderflow-ds-notebooks-use1"]
			b.Replication[0].DestinationBucket = "orderflow-notebooks-copy-usw2"
			w.Regions[usw2].Buckets["orderflow-notebooks-copy-usw2"] = &verify.Bucket{Name: "orderflow-notebooks-copy-usw2"}
		}, want: []want{{"replication.path", "s3-backups-usw2", verify.RuleTopology, `to:          "s3-backups-usw2"`}}},
		{name: "s3 replication to another region", break_: func(w *awstest.World) {
			b := w.Regions[use1].Buckets["orderflow-ds-notebooks-use1"]
			b.Replication[0].DestinationBucket = "notebooks-copy-use2"
			w.Region("us-east-2").Buckets["notebooks-copy-use2"] = &verify.Bucket{Name: "notebooks-copy-use2"}
		}, want: []want{
			{"s3.replication", "notebooks-bucket", verify.RuleTopology, `replicateTo: "us-west-2"`},
			{"replication.path", "s3-backups-usw2", verify.RuleTopology, `to:          "s3-backups-usw2"`},
		}},

		{name: "s3 replication to a bucket that does not exist", break_: func(w *awstest.World) {
			w.Regions[use1].Buckets["orderflow-ds-notebooks-use1"].Replication[0].DestinationBucket = "orderflow-deleted-usw2"
		}, want: []want{
			{"s3.replication", "notebooks-bucket", verify.RuleTopology, `replicateTo: "us-west-2"`},
			{"replication.path", "s3-backups-usw2", verify.RuleTopology, `to:          "s3-backups-usw2"`},
		}},

		{name: "eks cluster not active", break_: func(w *awstest.World) {
			w.Regions[usw2].EKSClusters["orderflow-prod-usw2"].Status = "UPDATING"
		}, want: []want{{"eks.cluster", "eks-usw2", verify.RuleNotServing, `clusterName: "orderflow-prod-usw2"`}}},
		{name: "eks version differs", break_: func(w *awstest.World) {
			w.Regions[usw2].EKSClusters["orderflow-prod-usw2"].Version = "1.29"
		}, want: []want{{"eks.version", "eks-usw2", verify.RuleConfiguration, `engine: {name: "kubernetes", version: "1.30"}`}}},
		{name: "eks node group missing", break_: func(w *awstest.World) {
			delete(w.Regions[use1].NodeGroups, "orderflow-prod-use1/system-use1")
		}, want: []want{{"eks.nodegroup", "eks-use1", verify.RuleMissing, `nodeGroups: ["system-use1"]`}}},
		{name: "eks node group degraded", break_: func(w *awstest.World) {
			w.Regions[usw2].NodeGroups["orderflow-prod-usw2/system-usw2"].Status = "DEGRADED"
		}, want: []want{{"eks.nodegroup", "eks-usw2", verify.RuleNotServing, `nodeGroups: ["system-usw2"]`}}},
		{name: "eks standby below its declared share", break_: func(w *awstest.World) {
			w.Regions[usw2].NodeGroups["orderflow-prod-usw2/system-usw2"].Desired = 2
		}, want: []want{{"eks.capacity", "eks-usw2", verify.RuleCapacity, `floorPercent:     30`}}},

		{name: "msk cluster missing", break_: func(w *awstest.World) {
			delete(w.Regions[usw2].MSKClusters, "orderflow-events-usw2")
		}, want: []want{{"msk.cluster", "msk-usw2", verify.RuleMissing, `clusterName: "orderflow-events-usw2"`}}},
		{name: "msk cluster not active", break_: func(w *awstest.World) {
			w.Regions[use1].MSKClusters["orderflow-events-use1"].State = "MAINTENANCE"
		}, want: []want{{"msk.cluster", "msk-use1", verify.RuleNotServing, `clusterName: "orderflow-events-use1"`}}},
		{name: "msk cluster re-created under another ARN", break_: func(w *awstest.World) {
			w.Regions[use1].MSKClusters["orderflow-events-use1"].ARN = "arn:aws:kafka:us-east-1:111122223333:cluster/orderflow-events-use1/new"
		}, want: []want{{"msk.arn", "msk-use1", verify.RuleConfiguration, `clusterArn:  "arn:aws:kafka:us-east-1`}}},
		{name: "msk replicator where the plan says mirrormaker2", break_: func(w *awstest.World) {
			r := w.Regions[usw2]
			r.Replicators = append(r.Replicators, verify.MSKReplicator{Name: "events", ARN: "arn:aws:kafka:us-west-2:111122223333:replicator/events/1", State: "RUNNING",
				Clusters: []string{w.Regions[use1].MSKClusters["orderflow-events-use1"].ARN, r.MSKClusters["orderflow-events-usw2"].ARN}})
		}, want: []want{{"msk.replication", "msk-usw2", verify.RuleConfiguration, `mechanism: "mirrormaker2"`}}},
		{name: "msk replicator declared and running", plan: func(p *plan.Plan) {
			p.Replication["msk-mirrormaker"].Mechanism = "msk-replicator"
		}, break_: func(*awstest.World) {}},
		{name: "msk replicator declared but stopped", plan: func(p *plan.Plan) {
			p.Replication["msk-mirrormaker"].Mechanism = "msk-replicator"
		}, break_: func(w *awstest.World) {
			w.Regions[usw2].Replicators[0].State = "FAILED"
		}, want: []want{{"msk.replication", "msk-usw2", verify.RuleNotServing, `mechanism: "mirrormaker2"`}}},
		{name: "msk replicator declared but absent", plan: func(p *plan.Plan) {
			p.Replication["msk-mirrormaker"].Mechanism = "msk-replicator"
		}, break_: func(w *awstest.World) {
			w.Regions[usw2].Replicators = nil
		}, want: []want{{"msk.replication", "msk-usw2", verify.RuleTopology, `mechanism: "mirrormaker2"`}}},

		{name: "redis replication group missing", break_: func(w *awstest.World) {
			delete(w.Regions[usw2].ReplicationGroups, "orderflow-sessions-usw2")
		}, want: []want{{"elasticache.replication-group", "redis-usw2", verify.RuleMissing, `replicationGroupId: "orderflow-sessions-usw2"`}}},
		{name: "redis replication group modifying", break_: func(w *awstest.World) {
			w.Regions[use1].ReplicationGroups["orderflow-sessions-use1"].Status = "modifying"
		}, want: []want{{"elasticache.replication-group", "redis-use1", verify.RuleNotServing, `replicationGroupId: "orderflow-sessions-use1"`}}},
		{name: "redis automatic failover off", break_: func(w *awstest.World) {
			w.Regions[use1].ReplicationGroups["orderflow-sessions-use1"].AutomaticFailover = "disabled"
		}, want: []want{{"elasticache.automatic-failover", "redis-use1", verify.RuleConfiguration, `automaticFailover:  true`}}},
		{name: "redis multi-az off", break_: func(w *awstest.World) {
			w.Regions[usw2].ReplicationGroups["orderflow-sessions-usw2"].MultiAZ = "disabled"
		}, want: []want{{"elasticache.multi-az", "redis-usw2", verify.RuleConfiguration, `multiAZ:            true`}}},
		{name: "redis secondary not in the global datastore", break_: func(w *awstest.World) {
			g := w.Regions[usw2].GlobalDatastores["ldgnf-orderflow-sessions"]
			g.Members = g.Members[:1]
		}, want: []want{{"elasticache.global-datastore", "redis-usw2", verify.RuleTopology, `globalDatastoreId:  "ldgnf-orderflow-sessions"`}}},
		{name: "redis global datastore missing", break_: func(w *awstest.World) {
			delete(w.Regions[use1].GlobalDatastores, "ldgnf-orderflow-sessions")
		}, want: []want{{"elasticache.global-datastore", "redis-use1", verify.RuleTopology, `globalDatastoreId:  "ldgnf-orderflow-sessions"`}}},

		{name: "backup plan missing", break_: func(w *awstest.World) {
			delete(w.Regions[use1].BackupPlans, "orderflow-dr-hourly")
		}, want: []want{{"backup.plan", "aws-backup", verify.RuleMissing, `planName:  "orderflow-dr-hourly"`}}},
		{name: "backup plan daily instead of hourly", break_: func(w *awstest.World) {
			w.Regions[use1].BackupPlans["orderflow-dr-hourly"].Rules[0].Schedule = "cron(0 5 ? * * *)"
		}, want: []want{
			{"backup.frequency", "aws-backup", verify.RuleConfiguration, `frequency: "1h"`},
			{"backup.rpo", "aws-backup", verify.RuleRPO, `planName:  "orderflow-dr-hourly"`},
		}},
		{name: "backup plan every 30 minutes", break_: func(w *awstest.World) {
			w.Regions[use1].BackupPlans["orderflow-dr-hourly"].Rules[0].Schedule = "cron(0,30 * ? * * *)"
		}},
		{name: "backup plan without a cross-region copy", break_: func(w *awstest.World) {
			w.Regions[use1].BackupPlans["orderflow-dr-hourly"].Rules[0].CopyTo = nil
		}, want: []want{
			{"backup.copy", "aws-backup", verify.RuleTopology, `copyTo:    "us-west-2"`},
			{"replication.path", "aws-backup-usw2", verify.RuleTopology, `to:          "aws-backup-usw2"`},
		}},
		{name: "backup plan copying to another vault in the standby region", break_: func(w *awstest.World) {
			w.Regions[use1].BackupPlans["orderflow-dr-hourly"].Rules[0].CopyTo = []string{awstest.VaultARN(usw2, "scratch")}
		}, want: []want{{"replication.path", "aws-backup-usw2", verify.RuleTopology, `to:          "aws-backup-usw2"`}}},
		{name: "redis groups in different global datastores", break_: func(w *awstest.World) {
			w.Regions[usw2].ReplicationGroups["orderflow-sessions-usw2"].GlobalDatastoreID = "ldgnf-other"
		}, want: []want{{"replication.path", "redis-usw2", verify.RuleTopology, `to:        "redis-usw2"`}}},
		{name: "backup vault missing", break_: func(w *awstest.World) {
			delete(w.Regions[usw2].BackupVaults, "orderflow-vault-usw2")
		}, want: []want{{"backup.vault", "aws-backup-usw2", verify.RuleMissing, `vaultName: "orderflow-vault-usw2"`}}},
		{name: "backup vault not locked", break_: func(w *awstest.World) {
			w.Regions[use1].BackupVaults["orderflow-vault-use1"].Locked = false
		}, want: []want{{"backup.vault-lock", "aws-backup", verify.RuleProtection, `vaultLock: "compliance"`}}},
		{name: "backup vault in governance mode", break_: func(w *awstest.World) {
			w.Regions[use1].BackupVaults["orderflow-vault-use1"].LockDate = nil
		}, want: []want{{"backup.vault-lock", "aws-backup", verify.RuleProtection, `vaultLock: "compliance"`}}},
		{name: "backup vault lock still in cooling-off", break_: func(w *awstest.World) {
			later := now.Add(48 * time.Hour).UTC().Truncate(time.Second)
			w.Regions[usw2].BackupVaults["orderflow-vault-usw2"].LockDate = &later
		}, want: []want{{"backup.vault-lock", "aws-backup-usw2", verify.RuleProtection, `vaultLock: "compliance"`}}},

		{name: "route53 zone missing", break_: func(w *awstest.World) {
			delete(w.In(networkAccount).HostedZones, "Z0815437ORDRFLW1EX")
		}, want: []want{
			{"route53.zone", "route53-zone", verify.RuleMissing, `hostedZoneId: "Z0815437ORDRFLW1EX"`},
			{"route53.failover-pair", "route53-zone", verify.RuleDNSFailover, `record: "api.orderflow.example.com"`},
		}},
		{name: "route53 secondary record missing", break_: func(w *awstest.World) {
			w.In(networkAccount).Records["Z0815437ORDRFLW1EX"] = w.In(networkAccount).Records["Z0815437ORDRFLW1EX"][:1]
		}, want: []want{{"route53.failover-pair", "route53-zone", verify.RuleDNSFailover, `record: "api.orderflow.example.com"`}}},
		{name: "route53 secondary points elsewhere", break_: func(w *awstest.World) {
			w.In(networkAccount).Records["Z0815437ORDRFLW1EX"][1].Target = "dualstack.old-api-usw2.us-west-2.elb.amazonaws.com."
		}, want: []want{{"route53.failover-pair", "route53-zone", verify.RuleDNSFailover, `record: "api.orderflow.example.com"`}}},
		{name: "route53 primary guarded by another health check", break_: func(w *awstest.World) {
			w.In(networkAccount).HealthChecks["hc-legacy"] = &verify.HealthCheck{ID: "hc-legacy", Type: "HTTPS", Path: "/healthz/deep", Interval: 10, FailureThreshold: 3, Healthy: 8, Checkers: 8}
			w.In(networkAccount).Records["Z0815437ORDRFLW1EX"][0].HealthCheckID = "hc-legacy"
		}, want: []want{{"route53.health-check", "route53-zone", verify.RuleDNSFailover, `healthCheck: {`}}},
		{name: "route53 health check deleted while the primary references it", break_: func(w *awstest.World) {
			delete(w.In(networkAccount).HealthChecks, "3f9c2a1e-6b7d-4c8e-9a0f-1b2c3d4e5f60")
		}, want: []want{{"route53.health-check", "route53-zone", verify.RuleDNSFailover, `healthCheck: {`}}},
		{name: "route53 primary without health check", break_: func(w *awstest.World) {
			w.In(networkAccount).Records["Z0815437ORDRFLW1EX"][0].HealthCheckID = ""
		}, want: []want{{"route53.health-check", "route53-zone", verify.RuleDNSFailover, `healthCheck: {`}}},
		{name: "route53 health check slower than declared", break_: func(w *awstest.World) {
			w.In(networkAccount).HealthChecks["3f9c2a1e-6b7d-4c8e-9a0f-1b2c3d4e5f60"].Interval = 30
		}, want: []want{{"route53.health-check", "route53-zone", verify.RuleDNSFailover, `healthCheck: {`}}},
		{name: "route53 primary failing its health check", break_: func(w *awstest.World) {
			w.In(networkAccount).HealthChecks["3f9c2a1e-6b7d-4c8e-9a0f-1b2c3d4e5f60"].Healthy = 2
		}, want: []want{{"route53.health-status", "route53-zone", verify.RuleNotServing, `healthCheck: {`}}},

		{name: "aurora replication lag above the RPO", break_: func(w *awstest.World) {
			w.SetMetric(usw2, awstest.MetricKey("AWS/RDS", "AuroraGlobalDBReplicationLag", "DBClusterIdentifier=db-standby-usw2"), now, 250)
		}, want: []want{{"replication.lag", "db-standby", verify.RuleRPO, `"aurora-global": {`}}},
		{name: "s3 replication latency within the RPO", break_: func(w *awstest.World) {
			w.SetMetric(use1, awstest.MetricKey("AWS/S3", "ReplicationLatency", "SourceBucket=orderflow-ds-notebooks-use1", "DestinationBucket=orderflow-dr-backups-usw2", "RuleId=crr-orderflow-dr-backups-usw2"), now, 600)
		}},
		{name: "s3 replication latency above the RPO", break_: func(w *awstest.World) {
			w.SetMetric(use1, awstest.MetricKey("AWS/S3", "ReplicationLatency", "SourceBucket=orderflow-ds-notebooks-use1", "DestinationBucket=orderflow-dr-backups-usw2", "RuleId=crr-orderflow-dr-backups-usw2"), now, 5400)
		}, want: []want{{"replication.lag", "s3-backups-usw2", verify.RuleRPO, `"notebooks-crr": {`}}},
		{name: "aurora lag without datapoints", break_: func(w *awstest.World) {
			delete(w.Regions[usw2].Metrics, awstest.MetricKey("AWS/RDS", "AuroraGlobalDBReplicationLag", "DBClusterIdentifier=db-standby-usw2"))
		}, want: []want{{"replication.lag", "db-standby", verify.RuleUnverified, `"aurora-global": {`}}},
		// The session cache's path carries no tier's RPO: its lag bounds
		// no objective, so a lag well past a second is no finding.
		{name: "redis lag on a path that carries no tier", break_: func(w *awstest.World) {
			w.SetMetric(usw2, awstest.MetricKey("AWS/ElastiCache", "GlobalDatastoreReplicationLag", "ReplicationGroupId=orderflow-sessions-usw2"), now, 30)
		}},
	}
	srv := awstest.NewServer(awstest.NewWorld())
	defer srv.Close()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := orderflow(t)
			if tc.plan != nil {
				tc.plan(p)
			}
			w := awstest.FromPlan(p, now)
			if tc.plan != nil {
				// The plan change is what the matching world must also
				// have: build it, then break.
				w = awstest.FromPlan(p, now)
				if p.Components["tooling-db"].AWS.ReadReplicaIDs != nil {
					w.Regions[use1].DBInstances["orderflow-tooling"].ReadReplicas = []string{"arn:aws:rds:us-west-2:111122223333:db:orderflow-tooling-usw2"}
				}
			}
			srv.SetWorld(w)
			if checks, _ := run(t, srv, p, fastRetries); len(failing(checks)) > 0 {
				t.Fatalf("before breaking anything: %v", failing(checks))
			}
			srv.Update(tc.break_)
			checks, _ := run(t, srv, p, fastRetries)
			expectFailing(t, checks, tc.want)
		})
	}
}

func failing(checks []evidence.Check) []evidence.Check {
	var out []evidence.Check
	for _, c := range checks {
		if c.Status != evidence.OK {
			out = append(out, c)
		}
	}
	return out
}

// expectFailing compares the failing checks with want, including the
// text of the plan line each points at.
func expectFailing(t *testing.T, checks []evidence.Check, wants []want) {
	t.Helper()
	got := failing(checks)
	if len(got) != len(wants) {
		for _, c := range got {
			t.Errorf("failing: %s %s %s %s: %s", c.Pos, c.ID, c.Component, c.RuleID, c.Message)
		}
		t.Fatalf("%d failing checks, want %d", len(got), len(wants))
	}
	for _, w := range wants {
		i := slices.IndexFunc(got, func(c evidence.Check) bool { return c.ID == w.id && c.Component == w.comp })
		if i < 0 {
			t.Errorf("no failing check %s on %s; got %v", w.id, w.comp, got)
			continue
		}
		c := got[i]
		if c.RuleID != w.rule {
			t.Errorf("%s on %s: rule %s, want %s (%s)", w.id, w.comp, c.RuleID, w.rule, c.Message)
		}
		if c.Message == "" {
			t.Errorf("%s on %s: no message", w.id, w.comp)
		}
		if line := sourceLine(t, c.Pos); !strings.Contains(line, w.line) {
			t.Errorf("%s on %s points at %s: %q, want the line with %q", w.id, w.comp, c.Pos, line, w.line)
		}
	}
}

func sourceLine(t *testing.T, pos plan.Pos) string {
	t.Helper()
	b, err := os.ReadFile(pos.File)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	if pos.Line < 1 || pos.Line > len(lines) {
		return fmt.Sprintf("<line %d out of range>", pos.Line)
	}
	return lines[pos.Line-1]
}
