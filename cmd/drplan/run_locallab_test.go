package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/internal/bundletest"
	"github.com/drplan/drplan/internal/pglab"
	"github.com/drplan/drplan/schema"
)

// TestRunLocallabFailoverDrill drills plans/locallab for real: drplan run
// --yes crashes the PostgreSQL primary, promotes the standby, repoints the
// client and measures the loss, and its drill record joins the plan with
// the measured RTO and RPO.
func TestRunLocallabFailoverDrill(t *testing.T) {
	t.Setenv("DRPLAN_CACHE", "off")
	lab := pglab.Start(t)
	bin := drplanBinary(t)
	// The lab's user runs drplan: the test's temporary folders are private.
	os.Chmod(filepath.Dir(bin), 0o755)

	// A copy of the plan the lab's user may write its drill record into.
	work := lab.TempDir(t)
	planDir := filepath.Join(work, "locallab")
	if err := os.CopyFS(planDir, os.DirFS(filepath.Join("..", "..", "plans", "locallab"))); err != nil {
		t.Fatal(err)
	}
	p, err := schema.Load(planDir)
	if err != nil {
		t.Fatal(err)
	}
	before := len(p.Drills)
	bdir := filepath.Join(work, "bundle")
	bundletest.Render(t, planDir, "failover", bdir)
	if err := lab.Chown(work); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	journal := filepath.Join(work, "journal.jsonl")
	cmd := lab.Command(ctx, bin, "run", bdir, "--plan", planDir, "--environment", "local", "--yes", "--operator", "Lab Operator", "--journal", journal)
	cmd.Env = append(cmd.Env, "DRPLAN_CACHE=off")
	out, err := cmd.CombinedOutput()
	t.Logf("drplan run:\n%s", out)
	if err != nil {
		t.Fatalf("drplan run: %v", err)
	}

	// The lab says the failover happened.
	if rec, err := lab.InRecovery(ctx, pglab.Standby); err != nil || rec {
		t.Fatalf("pg-b in recovery %v (%v): not promoted", rec, err)
	}
	if lab.Running(pglab.Primary) {
		t.Errorf("pg-a still running")
	}
	n, err := lab.Query(ctx, pglab.Standby, "SELECT count(*) FROM writes WHERE node = 'pg-b'")
	if err != nil || strings.TrimSpace(n) == "0" {
		t.Fatalf("no writes on the promoted pg-b: %q %v", n, err)
	}
	loss, err := lab.Loss(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// The record is in the plan, readable by the loader, and says what the
	// lab measured independently.
	p, err = schema.Load(planDir)
	if err != nil {
		t.Fatalf("plan with the new record: %v", err)
	}
	if len(p.Drills) != before+1 {
		t.Fatalf("%d drill records, want %d", len(p.Drills), before+1)
	}
	var found bool
	for id, d := range p.Drills {
		if !strings.HasSuffix(p.Source.Pos("drills", id).File, filepath.Base(id)+".cue") || d.Operator != "Lab Operator" {
			continue
		}
		found = true
		if d.Outcome != "success" || d.Environment != "local" || d.Runbook != "failover" {
			t.Errorf("record %s: %+v", id, d)
		}
		m := d.Measured
		if m == nil || m.RTO == nil || m.RPO == nil || m.LostWrites == nil {
			t.Fatalf("record %s measured %+v", id, m)
		}
		if *m.LostWrites != loss.Lost {
			t.Errorf("lost writes %d, the lab counts %d", *m.LostWrites, loss.Lost)
		}
		if diff := m.RPO.Duration - loss.RPO; diff > 100*time.Millisecond || diff < -100*time.Millisecond {
			t.Errorf("RPO %s, the lab measures %s", m.RPO, loss.RPO)
		}
		t.Logf("drill %s: RTO %s, RPO %s, lost writes %d of %d acknowledged", id, m.RTO, m.RPO, *m.LostWrites, loss.Acked)
	}
	if !found {
		t.Fatal("no drill record from this run")
	}
}
