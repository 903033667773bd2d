package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/drplan/drplan/internal/testtool"
	"github.com/drplan/drplan/plandiff"
)

// gitRepo is a throwaway repository holding a copy of plans/orderflow.
type gitRepo struct {
	t   *testing.T
	dir string
}

func newGitRepo(t *testing.T) *gitRepo {
	testtool.Need(t, "git", "git")
	r := &gitRepo{t: t, dir: t.TempDir()}
	if err := os.CopyFS(filepath.Join(r.dir, "plans", "orderflow"), os.DirFS("../../plans/orderflow")); err != nil {
		t.Fatal(err)
	}
	r.git("init", "-q")
	return r
}

// git runs git in the repository with a fixed identity and clock, and
// without the user's configuration, so commits are the same on every run.
func (r *gitRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Plan Author", "GIT_AUTHOR_EMAIL=author@example.com", "GIT_AUTHOR_DATE=2026-11-02T10:00:00Z",
		"GIT_COMMITTER_NAME=Plan Author", "GIT_COMMITTER_EMAIL=author@example.com", "GIT_COMMITTER_DATE=2026-11-02T10:00:00Z",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (r *gitRepo) commit(msg string) {
	r.t.Helper()
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
}

// edit replaces old, which must occur exactly n times, in a plan file.
func (r *gitRepo) edit(file, old, new string, n int) {
	r.t.Helper()
	path := filepath.Join(r.dir, "plans", "orderflow", file)
	b, err := os.ReadFile(path)
	if err != nil {
		r.t.Fatal(err)
	}
	if got := strings.Count(string(b), old); got != n {
		r.t.Fatalf("%s: %q occurs %d times, want %d (has the reference plan changed?)", file, old, got, n)
	}
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(b), old, new)), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// move cuts the text from start up to (not including) end and inserts it,
// as a line, before at, in a plan file: a reordering.
func (r *gitRepo) move(file, start, end, at string) {
	r.t.Helper()
	path := filepath.Join(r.dir, "plans", "orderflow", file)
	b, err := os.ReadFile(path)
	if err != nil {
		r.t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, start)
	j := strings.Index(s[max(i, 0):], end)
	if i < 0 || j < 0 || strings.Count(s, at) != 1 {
		r.t.Fatalf("%s: cannot find the block to move (has the reference plan changed?)", file)
	}
	block := s[i : i+j]
	s = s[:i] + s[i+j:]
	k := strings.Index(s, at)
	s = s[:k] + block + "\n" + s[k:]
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// loosen is the change a reviewer must catch: Tier 1's RPO from 30 s to
// 1 min, and the fencing step's rollback deleted.
func (r *gitRepo) loosen() {
	r.edit("tiers.cue", "rpo:          \"30s\"", "rpo:          \"1m\"", 1)
	r.edit("runbook-region-failover.cue", `			// Reverting the fence commit and re-enabling self-heal restores the
			// replica counts from Git.
			rollback: {
				command: #"""
					repo=/srv/repos/orderflow-gitops
					git -C "$repo" pull -q --ff-only origin main
					printf 'global:\n  drMode: primary\n' > "$repo/overlays/us-east-1/dr-mode.yaml"
					git -C "$repo" commit -q -m "DR: unfence us-east-1 (failover abandoned)" overlays/us-east-1/dr-mode.yaml
					git -C "$repo" push -q origin HEAD:main
					argocd --argocd-context use1 app set orderflow-use1 --sync-policy automated --self-heal
					argocd --argocd-context use1 app set orderflow-consumers-use1 --sync-policy automated --self-heal
					echo 'us-east-1 unfenced, self-heal re-enabled'
					"""#
				expect: "self-heal re-enabled"
			}
`, "", 1)
}

// reorder changes only the form: tiers, keys and list entries whose order
// carries no meaning move, and a duration is restated in other units.
func (r *gitRepo) reorder() {
	r.move("tiers.cue", "\ttier3: {", "\n}\n", "\ttier0: {")
	r.edit("tiers.cue", "\t}\n\ttier0: {", "\t}\n\n\ttier0: {", 1)
	r.edit("tiers.cue", "rto:          \"5m\"", "rto:          \"300s\"", 1)
	r.edit("tiers.cue", "\t\trto:          \"30m\"\n\t\trpo:          \"5m\"\n", "\t\trpo:          \"5m\"\n\t\trto:          \"30m\"\n", 1)
	r.edit("scenarios.cue", `tiers: ["tier0", "tier1", "tier2", "tier3"]`, `tiers: ["tier3", "tier2", "tier1", "tier0"]`, 3)
	r.edit("gamedays.cue", "\t\ttier0: \"90d\"\n\t\ttier1: \"90d\"\n", "\t\ttier1: \"90d\"\n\t\ttier0: \"90d\"\n", 1)
	r.move("cost.cue", "\t\t{item: \"Game days:", "\n\t]\n", "\t\t{item: \"Aurora secondary cluster:")
	r.edit("architecture.cue", `dependsOn: ["eks-use1", "db-primary", "redis-use1", "msk-use1", "route53-zone"]`,
		`dependsOn: ["route53-zone", "msk-use1", "redis-use1", "db-primary", "eks-use1"]`, 2)
}

// runIn runs drplan in dir and returns its exit code and output.
func runIn(t *testing.T, dir string, args ...string) (ExitCode, string, string) {
	t.Helper()
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	code := Main(args, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

var goldenDir = filepath.Join("testdata", "diff")

var commitRe = regexp.MustCompile(`\(([0-9a-f]{12})\)`)

// golden compares got with testdata/diff/name (DRPLAN_UPDATE=1 rewrites
// it). Commit IDs are masked: they change whenever the reference plan does.
func golden(t *testing.T, name, got string) {
	t.Helper()
	testtool.Golden(t, filepath.Join(goldenDir, name), []byte(commitRe.ReplaceAllString(got, "(COMMIT)")))
}

func TestDiffGit(t *testing.T) {
	t.Setenv("DRPLAN_CACHE", "off")
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	// The golden files are read relative to the package, not the repo the
	// subtests change into.
	goldenDir = filepath.Join(testdata, "diff")
	repo := newGitRepo(t)
	repo.commit("OrderFlow plan")
	repo.loosen()
	repo.commit("Loosen Tier 1's RPO and drop the fencing rollback")
	repo.reorder()
	repo.commit("Reorder the plan's fields")

	diffJSON := func(rng string) (string, *plandiff.Report) {
		t.Helper()
		code, out, errOut := runIn(t, repo.dir, "diff", "--git", rng, "--format", "json", "plans/orderflow")
		if code != ExitOK || errOut != "" {
			t.Fatalf("diff --git %s: exit %d, stderr:\n%s", rng, code, errOut)
		}
		var rep plandiff.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("diff --git %s: JSON: %v\n%s", rng, err, out)
		}
		if len(rep.Plans) != 1 {
			t.Fatalf("diff --git %s: %d plans, want 1", rng, len(rep.Plans))
		}
		return out, &rep
	}
	diffMarkdown := func(rng string) string {
		t.Helper()
		code, out, errOut := runIn(t, repo.dir, "diff", "--git", rng, "plans/orderflow")
		if code != ExitOK || errOut != "" {
			t.Fatalf("diff --git %s: exit %d, stderr:\n%s", rng, code, errOut)
		}
		return out
	}

	t.Run("loosened", func(t *testing.T) {
		out, rep := diffJSON("HEAD~2..HEAD~1")
		d := rep.Plans[0]
		if d.Status != plandiff.StatusChanged || len(d.Invalidated) != 1 || d.Invalidated[0].Tier != "tier1" {
			t.Errorf("want tier1's sign-offs invalidated, got %s %+v", d.Status, d.Invalidated)
		}
		var kinds []string
		for _, c := range d.Changes {
			kinds = append(kinds, c.Kind+" "+c.Effect)
		}
		if want := []string{"tier.rpo loosened", "step.rollback removed"}; strings.Join(kinds, ", ") != strings.Join(want, ", ") {
			t.Errorf("changes %v, want %v", kinds, want)
		}
		golden(t, "loosen.json", out)

		md := diffMarkdown("HEAD~2..HEAD~1")
		warn, first := strings.Index(md, "[!WARNING]"), strings.Index(md, "\n#### ")
		if warn < 0 || first < 0 || warn > first {
			t.Errorf("the sign-off invalidation is not at the top:\n%s", md)
		}
		golden(t, "loosen.md", md)
	})

	t.Run("reordered", func(t *testing.T) {
		out, rep := diffJSON("HEAD~1..HEAD")
		d := rep.Plans[0]
		if d.Status != plandiff.StatusUnchanged || len(d.Changes) != 0 || len(d.Invalidated) != 0 {
			t.Errorf("reordering reported %s: %+v %+v", d.Status, d.Changes, d.Invalidated)
		}
		golden(t, "reorder.json", out)
		golden(t, "reorder.md", diffMarkdown("HEAD~1..HEAD"))
		// The reordering did change the text.
		if repo.git("diff", "--stat", "HEAD~1", "HEAD") == "" {
			t.Fatal("the reorder commit changed no file")
		}
	})

	t.Run("working tree", func(t *testing.T) {
		// REV.. compares with the files on disk; from the merge base too.
		for _, rng := range []string{"HEAD~2..", "HEAD~2", "HEAD~2...HEAD"} {
			_, rep := diffJSON(rng)
			if d := rep.Plans[0]; len(d.Changes) != 2 || len(d.Invalidated) != 1 {
				t.Errorf("%s: %d changes, %d invalidations; want those of the loosening", rng, len(d.Changes), len(d.Invalidated))
			}
		}
	})

	t.Run("a file stands for its plan", func(t *testing.T) {
		for _, file := range []string{"plans/orderflow/tiers.cue", "plans/orderflow/drills/2026-03-18-pitr-staging.cue"} {
			code, out, errOut := runIn(t, repo.dir, "diff", "--git", "HEAD~2..HEAD~1", "--format", "json", file)
			if code != ExitOK || !strings.Contains(out, `"path": "plans/orderflow"`) || !strings.Contains(out, `"kind": "step.rollback"`) {
				t.Errorf("%s: exit %d\n%s%s", file, code, out, errOut)
			}
		}
	})

	t.Run("from a subdirectory", func(t *testing.T) {
		code, out, errOut := runIn(t, filepath.Join(repo.dir, "plans"), "diff", "--git", "HEAD~2..HEAD~1", "--format", "json", ".")
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.Contains(out, `"file": "orderflow/tiers.cue"`) || !strings.Contains(out, `"path": "orderflow"`) {
			t.Errorf("positions not relative to the working directory:\n%s", out)
		}
	})

	t.Run("invalid plan", func(t *testing.T) {
		broken := filepath.Join(repo.dir, "plans", "orderflow", "broken.cue")
		if err := os.WriteFile(broken, []byte("package orderflow\n\ntiers: tier1: rpo: \"soon\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(broken)
		code, out, errOut := runIn(t, repo.dir, "diff", "--git", "HEAD..", "plans/orderflow")
		if code != ExitInvalid || out != "" {
			t.Errorf("exit %d with output %q; want 2 and none", code, out)
		}
		if !strings.Contains(errOut, "plans/orderflow/broken.cue:3:") || !strings.Contains(errOut, "plans/orderflow: invalid at the working tree") {
			t.Errorf("stderr does not locate the problem:\n%s", errOut)
		}
	})

	t.Run("no plans there", func(t *testing.T) {
		code, _, errOut := runIn(t, repo.dir, "diff", "--git", "HEAD~1..HEAD", "docs")
		if code != ExitInvalid || !strings.Contains(errOut, "docs: no plans there at HEAD~1") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})

	t.Run("unknown revision", func(t *testing.T) {
		code, _, errOut := runIn(t, repo.dir, "diff", "--git", "no-such-branch..HEAD", "plans/orderflow")
		if code != ExitInvalid || !strings.Contains(errOut, `unknown revision "no-such-branch"`) {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})

	t.Run("not a repository", func(t *testing.T) {
		code, _, errOut := runIn(t, t.TempDir(), "diff", "--git", "HEAD~1..", ".")
		if code != ExitInvalid || !strings.Contains(errOut, "git rev-parse") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
}
