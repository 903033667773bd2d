package bundle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/internal/plangen"
	"github.com/drplan/drplan/internal/testtool"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
)

func loadOrderFlow(t *testing.T) *plan.Plan {
	t.Helper()
	p, err := schema.Load("../../plans/orderflow")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func manifest(t *testing.T, files map[string][]byte) Manifest {
	t.Helper()
	var m Manifest
	if err := json.Unmarshal(files[ManifestFile], &m); err != nil {
		t.Fatalf("manifest.json does not parse: %v", err)
	}
	return m
}

func TestOrderFlowBundles(t *testing.T) {
	p := loadOrderFlow(t)
	if len(p.Runbooks) == 0 {
		t.Fatal("OrderFlow has no runbooks")
	}
	for _, id := range plan.Keys(p.Runbooks) {
		t.Run(id, func(t *testing.T) {
			rb := p.Runbooks[id]
			files, err := Files(p, id)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Files(p, id)
			if err != nil || !reflect.DeepEqual(files, again) {
				t.Fatalf("rendering twice differs (%v)", err)
			}
			raw := files[ManifestFile]
			if !bytes.HasSuffix(raw, []byte("}\n")) || !bytes.HasPrefix(raw, []byte("{\n  ")) {
				t.Errorf("manifest.json is not indented JSON with a trailing newline")
			}
			m := manifest(t, files)
			if m.Plan != p.Name || m.Runbook.ID != id || m.Runbook.Title != rb.Title {
				t.Errorf("manifest names plan %q runbook %q %q", m.Plan, m.Runbook.ID, m.Runbook.Title)
			}
			rto, tier, ok := p.StrictestRTO(p.RunbookTiers(id))
			if ok != (m.RTO != nil) || ok && (m.RTO.Seconds != int64(rto.Seconds()) || m.RTO.Text != rto.String() || m.RTO.Tier != tier) {
				t.Errorf("manifest RTO %+v, want %v (%s, %v)", m.RTO, rto, tier, ok)
			}
			if len(m.Preconditions) != len(rb.Preconditions) {
				t.Errorf("%d pre-conditions, want %d", len(m.Preconditions), len(rb.Preconditions))
			}

			// Every other file is hashed, and every hash matches.
			if len(m.Files) != len(files)-1 {
				t.Errorf("manifest hashes %d files, bundle has %d besides the manifest", len(m.Files), len(files)-1)
			}
			for name, data := range files {
				if name == ManifestFile {
					continue
				}
				sum := sha256.Sum256(data)
				if m.Files[name] != hex.EncodeToString(sum[:]) {
					t.Errorf("%s: manifest hash %q does not match its content", name, m.Files[name])
				}
			}

			// Every step, in order, with its dependencies and files.
			if len(m.Steps) != len(rb.Steps) {
				t.Fatalf("%d steps, want %d", len(m.Steps), len(rb.Steps))
			}
			run := string(files[RunFile])
			last := 0
			for i, s := range rb.Steps {
				ms := m.Steps[i]
				if ms.Number != s.Number || ms.ID != s.ID || ms.Title != s.Title || ms.Expect != s.Expect {
					t.Errorf("step %d: manifest has %d %s %q", i, ms.Number, ms.ID, ms.Title)
				}
				var deps []string
				for _, j := range rb.StepDeps(i) {
					deps = append(deps, rb.Steps[j].ID)
				}
				if !slices.Equal(ms.After, deps) && !(len(deps) == 0 && len(ms.After) == 0) {
					t.Errorf("step %s: after %v, want %v", s.ID, ms.After, deps)
				}
				if (s.Approval != nil) != (ms.Approval != nil) || s.Approval != nil && *ms.Approval != (Approval{s.Approval.Role, s.Approval.Reason, s.Approval.Standing}) {
					t.Errorf("step %s: approval %+v", s.ID, ms.Approval)
				}
				if s.Timeout != nil && ms.TimeoutSeconds != int64(s.Timeout.Seconds()) {
					t.Errorf("step %s: timeout %d s", s.ID, ms.TimeoutSeconds)
				}
				if s.Irreversible != ms.Irreversible || !slices.Equal(s.Recovers, ms.Recovers) {
					t.Errorf("step %s: irreversible/recovers differ", s.ID)
				}
				if s.Command == "" {
					if !ms.Manual || ms.Script != "" {
						t.Errorf("step %s has no command but manifest says script %q", s.ID, ms.Script)
					}
				} else {
					script := string(files[ms.Script])
					if !strings.HasPrefix(script, "#!/bin/sh\n") || !strings.Contains(script, "\nset -eu\n") || !strings.Contains(script, s.Command) {
						t.Errorf("%s: not a sh script carrying the command verbatim:\n%s", ms.Script, script)
					}
					if !strings.HasPrefix(ms.Script, "steps/") || !strings.HasSuffix(ms.Script, "-"+s.ID+".sh") {
						t.Errorf("step %s: script %s", s.ID, ms.Script)
					}
				}
				if s.Rollback != nil {
					if !strings.Contains(string(files[ms.Rollback]), s.Rollback.Command) {
						t.Errorf("step %s: rollback script %q lacks the rollback command", s.ID, ms.Rollback)
					}
				} else if ms.Rollback != "" {
					t.Errorf("step %s: rollback %s without one in the plan", s.ID, ms.Rollback)
				}
				// run.sh walks the steps in order.
				at := strings.Index(run, "\nnum="+itoa(s.Number)+"\n")
				if at < last {
					t.Errorf("run.sh: step %d missing or out of order", s.Number)
				}
				last = at
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestFilesUnknownRunbook(t *testing.T) {
	if _, err := Files(&plan.Plan{}, "nope"); err == nil {
		t.Error("no error for an unknown runbook")
	}
}

// shellcheck runs shellcheck -s sh on every .sh file of files.
// exclude lists shellcheck codes to ignore ("" for none).
func shellcheck(t *testing.T, bin, label string, files map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	var names []string
	for name, data := range files {
		if !strings.HasSuffix(name, ".sh") {
			continue
		}
		path := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, data, 0o755); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	for chunk := range slices.Chunk(names, 200) {
		cmd := exec.Command(bin, append([]string{"-s", "sh"}, chunk...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: shellcheck -s sh: %v\n%s", label, err, out)
		}
	}
}

func TestShellcheck(t *testing.T) {
	bin := testtool.Need(t, "shellcheck", "shellcheck")
	p := loadOrderFlow(t)
	for _, id := range plan.Keys(p.Runbooks) {
		files, err := Files(p, id)
		if err != nil {
			t.Fatal(err)
		}
		shellcheck(t, bin, "orderflow/"+id, files)
	}

	dir := t.TempDir()
	if err := plangen.Write(dir, plangen.Options{Services: 20, Steps: 100}); err != nil {
		t.Fatal(err)
	}
	g, err := schema.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string][]byte{}
	for _, id := range plan.Keys(g.Runbooks) {
		files, err := Files(g, id)
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range files {
			all[id+"/"+name] = data
		}
	}
	shellcheck(t, bin, "plangen", all)
}

func tinyPlan(breakStep2 bool) *plan.Plan {
	d := func(s string) *plan.Duration { v, _ := plan.ParseDuration(s); return &v }
	// Whole-output matching, as in drplan run: a line is anchored with (?m).
	expect2 := "(?m)^second ok$"
	if breakStep2 {
		expect2 = "(?m)^never printed$"
	}
	return &plan.Plan{
		Name:  "tiny",
		Tiers: map[string]*plan.Tier{"t0": {Level: 0, RTO: d("5m")}},
		Runbooks: map[string]*plan.Runbook{"rb": {
			Title:         "Tiny runbook",
			Tiers:         []string{"t0"},
			Preconditions: []plan.Precondition{{Check: "Nothing to check"}},
			Steps: []*plan.Step{
				{Number: 1, ID: "first", Title: "Say first", Command: "echo 'first ok'", Expect: "first ok", Timeout: d("10s")},
				{Number: 2, ID: "second", Title: "Say second, it's quoted", Command: "echo \"second ok\"\n", Expect: expect2,
					Rollback: &plan.Rollback{Command: "echo rolled back > rollback-ran", Expect: "never"}},
				{Number: 3, ID: "by-hand", Title: "Look at the dashboard"},
				{Number: 4, ID: "third", Title: "Say third", Command: "echo third ok", Expect: `\bthird\b`, After: []string{"first"}, Recovers: []string{"t0"}},
			},
		}},
	}
}

// runBundle writes the bundle of the tiny plan to a temp dir and runs
// run.sh --yes with input on stdin.
func runBundle(t *testing.T, p *plan.Plan, input string) (string, error, string) {
	t.Helper()
	files, err := Files(p, "rb")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(path), 0o755)
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(path, data, mode); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	work := t.TempDir()
	cmd := exec.CommandContext(ctx, "sh", filepath.Join(dir, RunFile), "--yes")
	cmd.Dir = work
	cmd.Stdin = bytes.NewReader([]byte(input))
	cmd.Env = append(os.Environ(), "DRPLAN_RUN_NO_TTY=1", "DRPLAN_RUN_LOG="+filepath.Join(work, "run.log"))
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("run.sh did not finish within 20 s:\n%s", out)
	}
	return string(out), err, work
}

func TestRunShRunsStepsInOrder(t *testing.T) {
	out, err, work := runBundle(t, tinyPlan(false), "")
	if err != nil {
		t.Fatalf("run.sh --yes: %v\n%s", err, out)
	}
	prev := -1
	for _, want := range []string{"Step 1: Say first", "first ok", "Step 1 done", "Step 2: Say second, it's quoted", "second ok", "Step 2 done",
		"Step 3: Look at the dashboard", "done by hand", "Step 4: Say third", "After: first", "third ok", "check skipped", "Step 4 done", "Runbook rb done"} {
		at := strings.Index(out[max(prev, 0):], want)
		if at < 0 {
			t.Fatalf("run.sh output lacks %q after offset %d:\n%s", want, prev, out)
		}
		prev += at + 1
	}
	if !strings.Contains(out, "RTO target: 5m (tier t0)") {
		t.Errorf("RTO not shown:\n%s", out)
	}
	log, _ := os.ReadFile(filepath.Join(work, "run.log"))
	if !bytes.Contains(log, []byte("second ok")) {
		t.Errorf("step output not in the log:\n%s", log)
	}
}

func TestRunShFailsOnUnexpectedOutput(t *testing.T) {
	out, err, work := runBundle(t, tinyPlan(true), "n\n")
	var exit *exec.ExitError
	if err == nil || !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("run.sh exited %v, want status 1:\n%s", err, out)
	}
	for _, want := range []string{"Step 1 done", "Step 2 FAILED: output does not match", "Run the rollback of step 2? [y/N]"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Step 3") {
		t.Errorf("run.sh went on after a failed step:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(work, "rollback-ran")); err == nil {
		t.Errorf("rollback ran though the answer was no")
	}

	// Answering yes runs the rollback; run.sh still fails.
	out, err, work = runBundle(t, tinyPlan(true), "y\n")
	if err == nil {
		t.Fatalf("run.sh succeeded after a failed step:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(work, "rollback-ran")); err != nil {
		t.Errorf("rollback did not run:\n%s", out)
	}
}

func TestRunShApprovalGateAsksUnderYes(t *testing.T) {
	p := tinyPlan(false)
	p.Runbooks["rb"].Steps[1].Approval = &plan.Approval{Role: "Incident Commander", Reason: "it's a big step"}
	out, err, _ := runBundle(t, p, "n\n")
	if err == nil || !strings.Contains(out, "Has Incident Commander approved step 2? [y/N]") || strings.Contains(out, "second ok") {
		t.Fatalf("approval gate not honoured under --yes (%v):\n%s", err, out)
	}
	out, err, _ = runBundle(t, p, "y\n")
	if err != nil || !strings.Contains(out, "second ok") {
		t.Fatalf("approved run failed (%v):\n%s", err, out)
	}
}

// run.sh decides on a standing approval as drplan run does: in force today,
// it passes the gate under --yes; expired, it counts as none.
func TestRunShStandingApproval(t *testing.T) {
	date := func(s string) plan.Date {
		d, err := plan.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	p := tinyPlan(false)
	exp := date("2999-12-31")
	st := &plan.StandingApproval{ApprovedBy: "VP Engineering", Date: date("2026-01-01"), Expires: &exp, Reference: "CAB-118"}
	p.Runbooks["rb"].Steps[1].Approval = &plan.Approval{Role: "Incident Commander", Reason: "big step", Standing: st}
	out, err, _ := runBundle(t, p, "")
	if err != nil || !strings.Contains(out, "Standing approval: VP Engineering on 2026-01-01 (CAB-118), until 2999-12-31") || !strings.Contains(out, "second ok") {
		t.Fatalf("standing approval not honoured under --yes (%v):\n%s", err, out)
	}
	exp = date("2026-06-30")
	out, err, _ = runBundle(t, p, "n\n")
	if err == nil || !strings.Contains(out, "is not in force today: it counts as none") || !strings.Contains(out, "Has Incident Commander approved step 2? [y/N]") || strings.Contains(out, "second ok") {
		t.Fatalf("expired standing approval passed the gate (%v):\n%s", err, out)
	}
	// Not yet given counts as none as well.
	exp = date("2999-12-31")
	st.Date = date("2999-01-01")
	if out, err, _ = runBundle(t, p, "n\n"); err == nil || strings.Contains(out, "second ok") {
		t.Fatalf("standing approval dated in the future passed the gate (%v):\n%s", err, out)
	}
}
