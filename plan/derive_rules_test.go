package plan

import (
	"slices"
	"testing"
	"time"
)

func stepsRunbook() *Runbook {
	d := func(s string) *Duration { v, _ := ParseDuration(s); return &v }
	return &Runbook{
		Tiers: []string{"t1"},
		Steps: []*Step{
			{Number: 1, ID: "a", Estimate: d("1m")},
			{Number: 2, ID: "b", After: []string{}, Estimate: d("5m")},
			{Number: 3, ID: "c", After: []string{"a"}, Estimate: d("1m"), Recovers: []string{"t0"}},
			{Number: 4, ID: "d", Estimate: d("1m"), Recovers: []string{"t2"}},
			{Number: 5, ID: "e", After: []string{"b"}, Estimate: d("1m")},
		},
	}
}

func TestStepsBefore(t *testing.T) {
	rb := stepsRunbook()
	for tier, want := range map[string][]int{
		"t0": {0, 2},          // c waits for a only
		"t2": {0, 2, 3},       // d waits for c (the step before it), c for a
		"t1": {0, 1, 2, 3, 4}, // no step recovers t1: the whole runbook
	} {
		if got := rb.StepsBefore(tier); !slices.Equal(got, want) {
			t.Errorf("StepsBefore(%s) = %v, want %v", tier, got, want)
		}
	}
	if got := rb.CriticalPath("t0", rb.EstimateOf); got != 2*time.Minute {
		t.Errorf("CriticalPath(t0) = %v", got)
	}
}

func TestRunbookTiersScenariosRTO(t *testing.T) {
	d := func(s string) *Duration { v, _ := ParseDuration(s); return &v }
	p := &Plan{
		Tiers: map[string]*Tier{
			"t0": {Level: 0, RTO: d("1m")},
			"t1": {Level: 1, RTO: d("5m")},
			"t2": {Level: 2},
		},
		Runbooks: map[string]*Runbook{"rb": stepsRunbook()},
		Scenarios: map[string]*Scenario{
			"in":  {Class: ClassRegionFailure, InScope: true, Runbook: "rb"},
			"out": {Class: ClassAZFailure, InScope: false, Runbook: "rb"},
		},
	}
	if got := p.RunbookTiers("rb"); !slices.Equal(got, []string{"t0", "t1", "t2"}) {
		t.Errorf("RunbookTiers = %v", got)
	}
	if got := p.RunbookScenarios("rb"); !slices.Equal(got, []string{"in"}) {
		t.Errorf("RunbookScenarios = %v", got)
	}
	rto, tier, ok := p.StrictestRTO([]string{"t2", "t1", "t0"})
	if !ok || tier != "t0" || rto.Duration != time.Minute {
		t.Errorf("StrictestRTO = %v %s %v", rto, tier, ok)
	}
	if _, _, ok := p.StrictestRTO([]string{"t2"}); ok {
		t.Error("StrictestRTO found an RTO on a tier without one")
	}
}

func TestReplicaOfAndImmutable(t *testing.T) {
	p := &Plan{
		Components: map[string]*Component{
			"db":      {Kind: KindRDSPostgres},
			"replica": {Kind: KindRDSPostgres},
			"vault":   {Kind: KindAWSBackup, AWS: &AWS{VaultLock: "compliance"}},
			"bucket":  {Kind: KindS3, AWS: &AWS{ObjectLock: &ObjectLock{Mode: "GOVERNANCE"}}},
			"locked":  {Kind: KindS3, AWS: &AWS{ObjectLock: &ObjectLock{Mode: "COMPLIANCE"}}},
			"said":    {Kind: KindS3, Immutable: true},
		},
		Replication: map[string]*ReplicationPath{
			"live":   {From: "db", To: "replica", Mode: ModeAsync},
			"backup": {From: "db", To: "vault", Mode: ModeBackupCopy},
		},
	}
	if id, ok := p.ReplicaOf("replica"); !ok || id != "live" {
		t.Errorf("ReplicaOf(replica) = %q, %v", id, ok)
	}
	if _, ok := p.ReplicaOf("vault"); ok {
		t.Error("a backup copy target counted as a live replica")
	}
	for id, want := range map[string]bool{"db": false, "vault": true, "bucket": false, "locked": true, "said": true} {
		if got := p.Components[id].IsImmutable(); got != want {
			t.Errorf("%s.IsImmutable() = %v, want %v", id, got, want)
		}
	}
}
