package verify_test

import (
	"testing"
	"time"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/internal/plangen"
	"github.com/drplan/drplan/schema"
	"github.com/drplan/drplan/verify"
	"github.com/drplan/drplan/verify/awstest"
)

// A generated plan, with every kind paired across two regions, verifies
// clean against the AWS it declares, and exercises every check.
func TestGeneratedPlanMatches(t *testing.T) {
	t.Run("one account", func(t *testing.T) { generatedPlanMatches(t, 0) })
	// Spread over three accounts, each reached by its role: every
	// resource is found in its own account's state.
	t.Run("three accounts", func(t *testing.T) {
		srv := generatedPlanMatches(t, 3)
		reached := map[string]bool{}
		for _, c := range srv.Calls() {
			if c.Service != "sts" {
				reached[c.Account] = true
			}
		}
		if len(reached) != 3 || reached[awstest.Account] {
			t.Errorf("accounts read: %v", reached)
		}
	})
}

func generatedPlanMatches(t *testing.T, accounts int) *awstest.Server {
	dir := t.TempDir()
	if err := plangen.Write(dir, plangen.Options{Services: 100, Steps: 200, Seed: 3, Accounts: accounts}); err != nil {
		t.Fatal(err)
	}
	p, err := schema.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	w := awstest.NewWorld()
	w.Merge(awstest.FromPlan(p, time.Now()))
	srv := awstest.NewServer(w)
	t.Cleanup(srv.Close)
	checks, _ := run(t, srv, p, verify.Config{Concurrency: 16})
	seen := map[string]int{}
	for _, c := range checks {
		seen[c.ID]++
		if c.Status != evidence.OK {
			t.Errorf("%s %s %s: %s", c.Pos, c.ID, c.Component, c.Message)
		}
	}
	for _, id := range []string{"aurora.global-cluster", "aurora.global-primary", "aurora.global-secondary", "aurora.cluster", "aurora.members",
		"rds.instance", "rds.read-replicas", "eks.capacity", "replication.path", "s3.bucket", "s3.object-lock", "s3.replication", "eks.nodegroup", "msk.arn",
		"elasticache.global-datastore", "backup.copy", "backup.vault-lock", "route53.failover-pair", "route53.health-status", "replication.lag"} {
		if seen[id] == 0 {
			t.Errorf("no %s check in the generated plan (checks: %v)", id, seen)
		}
	}
	return srv
}
