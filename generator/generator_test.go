package generator

import (
	"bytes"
	"time"

	"github.com/drplan/drplan/internal/testtool"
	"github.com/drplan/drplan/lint"
	"github.com/drplan/drplan/plan"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drplan/drplan/schema"
)

func TestWriteDirAtomic(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	if err := WriteDir(out, Files{"a/plan.md": []byte("one"), "stale.txt": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	// A second render replaces the whole directory: nothing stale survives.
	if err := WriteDir(out, Files{"a/plan.md": []byte("two"), "run.sh": []byte("#!/bin/sh\n")}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "a/plan.md")); string(b) != "two" {
		t.Errorf("a/plan.md = %q", b)
	}
	if _, err := os.Stat(filepath.Join(out, "stale.txt")); !os.IsNotExist(err) {
		t.Errorf("stale file survived a re-render")
	}
	if st, _ := os.Stat(filepath.Join(out, "run.sh")); st.Mode().Perm()&0o100 == 0 {
		t.Errorf("scripts are not executable: %v", st.Mode())
	}
	// A file that would escape the directory fails the whole write and
	// leaves the previous output untouched, with no temporary left behind.
	err := WriteDir(out, Files{"ok.md": []byte("new"), "../escape.md": []byte("x")})
	if err == nil || !strings.Contains(err.Error(), "outside the output directory") {
		t.Fatalf("escape not refused: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "a/plan.md")); string(b) != "two" {
		t.Errorf("failed write changed the old output")
	}
	if _, err := os.Stat(filepath.Join(root, "escape.md")); !os.IsNotExist(err) {
		t.Errorf("a file was written outside the output directory")
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Errorf("leftovers beside the output: %v", entries)
	}

	// A folder drplan did not write is never replaced.
	user := filepath.Join(root, "plans")
	os.MkdirAll(user, 0o755)
	os.WriteFile(filepath.Join(user, "plan.cue"), []byte("package x\n"), 0o644)
	if err := WriteDir(user, Files{"x.md": nil}); err == nil || !strings.Contains(err.Error(), "refusing to replace") {
		t.Fatalf("replaced a user's folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(user, "plan.cue")); err != nil {
		t.Fatalf("user's file is gone: %v", err)
	}
}

func TestFilesAddRefusesEscape(t *testing.T) {
	f := Files{}
	if err := f.Add("../x", Files{"a": nil}); err == nil {
		t.Error("Add accepted a prefix outside the output")
	}
	if err := f.Add("plan", Files{"/etc/passwd": nil}); err != nil {
		t.Errorf("an absolute name under a prefix is joined inside it: %v", err)
	}
	if _, ok := f["plan/etc/passwd"]; !ok {
		t.Errorf("got %v", f)
	}
}

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{120000, "USD 120,000"}, {2400, "USD 2,400"}, {1234.5, "USD 1,234.50"}, {0, "USD 0"}, {999, "USD 999"}, {-1000, "USD -1,000"}} {
		if got := money(c.v, "USD"); got != c.want {
			t.Errorf("money(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

// golden compares got with testdata/name (DRPLAN_UPDATE=1 rewrites it).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testtool.Golden(t, filepath.Join("testdata", name), got)
}

func TestCostMarkdownOrderFlow(t *testing.T) {
	p, err := schema.Load("../plans/orderflow")
	if err != nil {
		t.Fatal(err)
	}
	got := CostMarkdown(p)
	// The seed's figures carry through: Tier 0 at $120,000/min for 60 s.
	// Beside it, what the latest drill measured: 11 min 40 s is USD 1.4M.
	if !bytes.Contains(got, []byte("| tier0 (Checkout & Payments) | 60 s | USD 120,000 | USD 120,000 | 11 min 40 s (2026-10-21) | USD 1,400,000 |")) {
		t.Errorf("tier0 exposure row missing:\n%s", got)
	}
	// Tier 3 comes back when its restore step finished, not at the
	// failover's RTO.
	if !bytes.Contains(got, []byte("| 1 h 28 min 30 s (2026-10-21) | USD 212,400 |")) {
		t.Errorf("tier3 measured exposure missing:\n%s", got)
	}
	if !bytes.Equal(got, CostMarkdown(p)) {
		t.Error("rendering twice differs")
	}
}

func TestCellEscapes(t *testing.T) {
	if got := cell("a|b\n<script>"); got != `a\|b &lt;script&gt;` {
		t.Errorf("cell = %q", got)
	}
}

func TestRunbookMarkdownOrderFlow(t *testing.T) {
	p, err := schema.Load("../plans/orderflow")
	if err != nil {
		t.Fatal(err)
	}
	got := string(RunbookMarkdown(p, "region-failover"))
	for _, want := range []string{
		"- [ ] A PagerDuty incident exists",
		"### 5. Promote the Aurora secondary",
		"> **Approval gate.** Wait for the go-ahead of the Incident Commander",
		"**Irreversible.** A promoted secondary cannot be demoted again",
		"**beyond** its RTO of 60 s",
		"## After the steps",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("region-failover.md lacks %q", want)
		}
	}
	// A standing approval is shown with the gate it passes.
	d, _ := plan.ParseDate("2026-11-01")
	for _, s := range p.Runbooks["region-failover"].Steps {
		if s.Approval != nil {
			s.Approval.Standing = &plan.StandingApproval{ApprovedBy: "VP Engineering", Date: d, Reference: "CAB-118"}
			break
		}
	}
	if got := string(RunbookMarkdown(p, "region-failover")); !strings.Contains(got, "> Standing approval for automated runs: VP Engineering on 2026-11-01 (CAB-118). `drplan run --yes` passes this gate while it is in force; an attended run still asks.") {
		t.Errorf("region-failover.md does not show the standing approval")
	}
}

func TestRunbookMarkdownEscapes(t *testing.T) {
	p, err := schema.Load("../plans/orderflow")
	if err != nil {
		t.Fatal(err)
	}
	rb := p.Runbooks["pitr-restore"]
	rb.Title = "<script>alert(1)</script>"
	rb.Steps[0].Command = "echo ```\necho done"
	got := string(RunbookMarkdown(p, "pitr-restore"))
	if strings.Contains(got, "<script>") {
		t.Error("raw HTML from the plan passed through")
	}
	if !strings.Contains(got, "````sh\necho ```\necho done\n````") {
		t.Errorf("a command containing a fence was not fenced safely:\n%s", got)
	}
}

func TestStrategyOrderFlow(t *testing.T) {
	p, err := schema.Load("../plans/orderflow")
	if err != nil {
		t.Fatal(err)
	}
	o := StrategyOptions{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}
	md := StrategyMarkdown(p, o)
	for _, want := range []string{
		"- **Lint** (as of 2026-11-25): 0 errors, 15 warnings, 0 info; of these, 15 accepted as known gaps and 0 open",
		"outcome RTO missed: 11 min 40 s against 60 s (recorded as success)",
		"| tier0: Checkout & Payments | 60 s | 0 | active-passive | automated | checkout, payments |",
		"| tier0 | CFO | Helen Okafor | 2026-10-09 | current | [8](#known-gaps) |",
		// Tier notes are the document's, not a pointer to the plan's files.
		"**tier0: Checkout & Payments.** Taking orders and payments.",
		// Every accepted finding, with its reason, expiry and what drills measured.
		"| `replication.aurora-global.mode` | tier0's RPO is 0 but replication path \"aurora-global\"",
		"| 2027-06-30 | SRE on-call | region-failover 2026-10-21 (success): RTO 11 min 40 s against 60 s, missed; RPO 0 against 0, met |",
		"| 2026-07-22 | ransomware-restore | ransomware | staging | RTO missed: 14 h 20 min against 12 h (recorded as partial) | 14 h 20 min | 12 h (scenario ransomware) |",
		"## 3. Failure scenarios and declared scope",
		"[region-failover](runbooks/region-failover.md)",
		"due 2027-01-13 (current)",
	} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("strategy.md lacks %q", want)
		}
	}
	if bytes.Contains(md, []byte("tiers.cue")) || bytes.Contains(md, []byte("| region-failure | production | success |")) {
		t.Error("strategy.md sends readers to tiers.cue or calls a drill a plain success")
	}
	findings, _ := lint.Lint(p, lint.Options{Now: o.Now})
	accepted := 0
	for _, f := range findings {
		if f.Accepted != nil {
			accepted++
		}
	}
	if n := bytes.Count(md, []byte("| [DR")); n != accepted || n == 0 {
		t.Errorf("%d accepted findings listed, want lint's %d", n, accepted)
	}
	// A changed objective shows its sign-offs as stale.
	d, _ := plan.ParseDuration("2m")
	p.Tiers["tier0"].RTO = &d
	if !bytes.Contains(StrategyMarkdown(p, o), []byte("| tier0 | CFO | Helen Okafor | 2026-10-09 | **stale**")) {
		t.Error("stale sign-off not shown")
	}
	// A scenario answered by several runbooks links each of them.
	p.Scenarios["data-corruption"].Runbooks = []string{"ransomware-restore"}
	md = StrategyMarkdown(p, o)
	for _, want := range []string{
		"| [pitr-restore](runbooks/pitr-restore.md), [ransomware-restore](runbooks/ransomware-restore.md) |",
		"Runbooks: [pitr-restore](runbooks/pitr-restore.md), [ransomware-restore](runbooks/ransomware-restore.md).",
		"Answers: data-corruption, ransomware.",
	} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("strategy.md lacks %q", want)
		}
	}
}

func TestCommsFilesOrderFlow(t *testing.T) {
	p, err := schema.Load("../plans/orderflow")
	if err != nil {
		t.Fatal(err)
	}
	files := CommsFiles(p)
	// For every in-scope scenario the templates written for it, and
	// nothing else.
	want := 0
	for sid, s := range p.Scenarios {
		if s.InScope {
			want += len(p.CommTemplates(sid))
		}
	}
	if len(files) != want {
		t.Errorf("%d comms files, want %d", len(files), want)
	}
	if _, ok := files["comms/ransomware/status-page-declared-region.md"]; ok {
		t.Error("the region failover's status message is rendered for ransomware")
	}
	rw := string(files["comms/ransomware/exec-declared-ransomware.md"])
	if !strings.Contains(rw, "within 12 h") || !strings.Contains(rw, "up to 1 day of changes") {
		t.Errorf("ransomware exec message lacks the scenario's own objectives:\n%s", rw)
	}
	for name, data := range files {
		if strings.Contains(string(data), "confirmed orders and payments are safe") {
			t.Errorf("%s promises confirmed orders are safe, which asynchronous replication cannot", name)
		}
	}
	for name, data := range files {
		// Plan facts are always filled; only incident fields stay blank.
		for _, m := range placeholderRE.FindAllString(string(data), -1) {
			t.Errorf("%s: placeholder %s left unmarked", name, m)
		}
		if bytes.Contains(data, []byte("[[system]]")) || bytes.Contains(data, []byte("[[affected_services]]")) || bytes.Contains(data, []byte("[[rto]]")) {
			t.Errorf("%s: a plan fact was left blank", name)
		}
	}
	subject, body, unfilled := FillComms(p.Comms["status-page-declared-region"], map[string]string{
		"system": "OrderFlow", "incident.start_time": "03:12", "incident.next_update": "03:45", "affected_services": "Checkout",
	})
	if len(unfilled) != 0 || !strings.Contains(body, "since 03:12 UTC") || subject != "Investigating: OrderFlow disruption" {
		t.Errorf("FillComms: %q %q %v", subject, body, unfilled)
	}
}

// Every artefact of OrderFlow is pinned by a golden file, and a second
// render is byte-identical.
func TestRenderOrderFlowGolden(t *testing.T) {
	p, err := schema.Load("../plans/orderflow")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	o := []StrategyOptions{{Now: now}}
	files, err := Plans([]*plan.Plan{p}, o)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Plans([]*plan.Plan{p}, o)
	for name, data := range files {
		golden(t, "render/"+name, data)
		if !bytes.Equal(data, again[name]) {
			t.Errorf("%s differs between two renders", name)
		}
	}
	// No golden file is left over from an artefact that is gone.
	filepath.WalkDir("testdata/render", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel("testdata/render", path)
			if _, ok := files[filepath.ToSlash(rel)]; !ok {
				t.Errorf("stale golden file %s", path)
			}
		}
		return nil
	})
}
