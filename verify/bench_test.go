package verify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/verify"
	"github.com/drplan/drplan/verify/awstest"
)

// largePlan declares n resources with AWS identifiers, alternating
// between two regions, of every kind verify reads; spread over accounts
// (reached through the role drplan-verify) when accounts > 0.
func largePlan(n, accounts int) *plan.Plan {
	p := &plan.Plan{Name: "large", Components: map[string]*plan.Component{}, Accounts: map[string]*plan.Account{}}
	for a := range accounts {
		p.Accounts[fmt.Sprintf("a%d", a)] = &plan.Account{ID: fmt.Sprintf("2000000000%02d", a), Purpose: plan.PurposeWorkload, Role: "drplan-verify"}
	}
	yes := true
	for i := range n {
		region := []string{"us-east-1", "us-west-2"}[i%2]
		id := fmt.Sprintf("c%04d", i)
		c := &plan.Component{Region: region, Role: "primary", AWS: &plan.AWS{}}
		if accounts > 0 {
			// Every third resource to the next account, so that each
			// account holds every kind in both regions.
			c.Account = fmt.Sprintf("a%d", i/3%accounts)
		}
		switch i % 7 {
		case 0:
			c.Kind, c.AWS.ClusterID, c.AWS.DeletionProtection = plan.KindAuroraCluster, id, &yes
			c.Backup = &plan.Backup{Retention: plan.Duration{Duration: 7 * 24 * time.Hour}}
		case 1:
			c.Kind, c.AWS.InstanceID = plan.KindRDSPostgres, id
		case 2:
			c.Kind, c.AWS.Bucket, c.AWS.Versioning = plan.KindS3, id, &yes
		case 3:
			c.Kind, c.AWS.ClusterName, c.AWS.NodeGroups = plan.KindEKS, id, []string{id + "-ng"}
		case 4:
			c.Kind, c.AWS.ClusterName = plan.KindMSK, id
		case 5:
			c.Kind, c.AWS.ReplicationGroupID, c.AWS.AutomaticFailover = plan.KindElastiCacheRedis, id, &yes
		case 6:
			c.Kind, c.AWS.PlanName, c.AWS.VaultName = plan.KindAWSBackup, id, id
		}
		p.Components[id] = c
	}
	return p
}

// BenchmarkLive measures a whole verify run over 1,000 resources in two
// regions with 50 ms added to every call, against the ideal of
// calls x latency / concurrency; and the same under throttling.
//
//	go test -run XXX -bench Live -benchtime 1x ./verify
func BenchmarkLive(b *testing.B) {
	const latency = 50 * time.Millisecond
	for _, bc := range []struct {
		name        string
		concurrency int
		rateLimit   float64
		accounts    int
	}{
		{"conc16", 16, 0, 0},
		{"conc32", 32, 0, 0},
		{"conc64", 64, 0, 0},
		{"conc128", 128, 0, 0},
		// AWS-style rate limits: each service in each region throttles
		// beyond 100 requests a second.
		{"conc64-ratelimit100", 64, 100, 0},
		// The same resources in three accounts, each reached through a
		// role assumed once.
		{"conc16-3accounts", 16, 0, 3},
		{"conc64-3accounts", 64, 0, 3},
	} {
		p := largePlan(1000, bc.accounts)
		b.Run(bc.name, func(b *testing.B) {
			srv := awstest.NewServer(awstest.FromPlan(p, time.Now()))
			defer srv.Close()
			srv.Latency, srv.RateLimit = latency, bc.rateLimit
			useServer(b, srv)
			for b.Loop() {
				srv.ResetCalls()
				start := time.Now()
				obs, err := verify.Live(context.Background(), []*plan.Plan{p}, verify.Config{Concurrency: bc.concurrency})
				if err != nil {
					b.Fatal(err)
				}
				elapsed := time.Since(start)
				checks := verify.Compare(p, obs)
				for _, c := range checks {
					if c.Status != evidence.OK {
						b.Fatalf("%s %s: %s", c.ID, c.Component, c.Message)
					}
				}
				calls := len(srv.Calls())
				ideal := time.Duration(calls) * latency / time.Duration(bc.concurrency)
				b.ReportMetric(float64(calls), "calls")
				b.ReportMetric(float64(srv.Throttled()), "throttled")
				b.ReportMetric(elapsed.Seconds(), "s/run")
				b.ReportMetric(ideal.Seconds(), "ideal-s")
				b.ReportMetric(elapsed.Seconds()/ideal.Seconds(), "x-ideal")
			}
		})
	}
}
