package verify_test

import (
	"encoding/json"
	"testing"

	"github.com/drplan/drplan/verify"
)

// FuzzSnapshot: a snapshot is a file anyone can edit; whatever it holds,
// comparing a plan with it reports, never crashes.
func FuzzSnapshot(f *testing.F) {
	p := orderflow(f)
	f.Add([]byte(`{"takenAt":"2026-11-20T10:00:00Z","defaultRegion":"us-east-1","resources":[
		{"kind":"rds.cluster","region":"us-west-2","id":"db-standby-usw2","found":true,"value":{"id":"db-standby-usw2","status":"available","backupRetentionDays":1,"members":[{"instanceId":"db-standby-usw2-1"}]}},
		{"kind":"rds.global-cluster","region":"us-east-1","id":"orderflow-global","found":true,"value":{"id":"orderflow-global","status":"available","members":[{"clusterArn":"arn:aws:rds:us-east-1:1:cluster:db-primary","writer":true}]}},
		{"kind":"route53.failover","region":"us-east-1","id":"Z0815437ORDRFLW1EX|api.orderflow.example.com|A","found":true,"value":{"records":[{"failover":"PRIMARY","healthCheckId":"x"}],"healthChecks":[]}},
		{"kind":"backup.vault","region":"us-east-1","id":"orderflow-vault-use1","found":true,"value":{"locked":true}},
		{"kind":"eks.nodegroup","region":"us-east-1","id":"orderflow-prod-use1/system-use1","found":true,"value":{"desired":0}},
		{"kind":"cloudwatch.metric","region":"us-west-2","id":"x","found":true,"value":{"points":1,"latest":1e308}},
		{"kind":"s3.bucket","region":"us-east-1","id":"orderflow-backups-use1","found":true,"value":"not an object"}]}`))
	f.Add([]byte(`{"resources":[{"kind":"msk.replicators","region":"us-west-2","id":"","found":true,"value":{"replicators":[{"clusters":null}]}}]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"resources":[null,{"kind":"rds.cluster"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var obs verify.Observed
		if json.Unmarshal(data, &obs) != nil {
			return
		}
		out := verify.Verify(p, &obs)
		if len(out.Checks) == 0 {
			t.Error("no checks")
		}
	})
}
