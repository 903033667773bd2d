package plandiff

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/internal/testtool"
)

// testRepo makes a repository with one commit of files, and a symlink
// plans/shop/link.cue, and returns its directory and a Git for it.
func testRepo(t *testing.T, files map[string]string) (string, *Git) {
	t.Helper()
	testtool.Need(t, "git", "git")
	dir := t.TempDir()
	for name, body := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q")
	if err := os.Symlink("plan.cue", filepath.Join(dir, "plans", "shop", "link.cue")); err != nil {
		t.Fatal(err)
	}
	run("add", "-A")
	run("commit", "-q", "-m", "plans")
	return dir, &Git{Dir: dir, Timeout: 30 * time.Second, Exts: []string{".cue", ".yaml", ".yml", ".json"}}
}

func listFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func TestGitExport(t *testing.T) {
	_, git := testRepo(t, map[string]string{
		// export-ignore would make git archive drop the plan.
		".gitattributes":                "plans/** export-ignore\n",
		"plans/shop/plan.cue":           "package shop\n",
		"plans/shop/drills/d1.yaml":     "drills: {}\n",
		"plans/shop/notes.md":           "not a plan file\n",
		"plans/other/plan.json":         "{}\n",
		"README.md":                     "readme\n",
		"plans/shop/_draft.cue":         "package shop\n",
		"plans/shop/space in name.yaml": "x: 1\n",
	})
	ctx := context.Background()
	top, err := git.TopLevel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	base, head, err := git.ResolveRange(ctx, "HEAD")
	if err != nil || len(base) != 40 || head != WorkingTree {
		t.Fatalf("ResolveRange(HEAD) = %q, %q, %v", base, head, err)
	}
	dest := filepath.Join(t.TempDir(), "out")
	if err := git.Export(ctx, top, base, []string{"plans/shop", "plans/missing"}, dest); err != nil {
		t.Fatal(err)
	}
	// Plan files only, the symlink left out, drills and odd names kept; the
	// loader, not the export, decides that _draft.cue is ignored.
	want := []string{"plans/shop/_draft.cue", "plans/shop/drills/d1.yaml", "plans/shop/plan.cue", "plans/shop/space in name.yaml"}
	if got := listFiles(t, dest); !slices.Equal(got, want) {
		t.Errorf("exported %v, want %v", got, want)
	}
	if b, err := os.ReadFile(filepath.Join(dest, "plans/shop/plan.cue")); err != nil || string(b) != "package shop\n" {
		t.Errorf("plan.cue = %q, %v", b, err)
	}
}

func TestGitResolveRange(t *testing.T) {
	_, git := testRepo(t, map[string]string{"plans/shop/plan.cue": "package shop\n"})
	ctx := context.Background()
	head, _, err := git.ResolveRange(ctx, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	for spec, want := range map[string][2]string{
		"HEAD..HEAD":  {head, head},
		"HEAD..":      {head, WorkingTree},
		"HEAD...HEAD": {head, head},
	} {
		b, h, err := git.ResolveRange(ctx, spec)
		if err != nil || b != want[0] || h != want[1] {
			t.Errorf("ResolveRange(%q) = %q, %q, %v; want %q, %q", spec, b, h, err, want[0], want[1])
		}
	}
	for spec, msg := range map[string]string{
		"..HEAD":       "name the base revision",
		"nope..HEAD":   `unknown revision "nope"`,
		"HEAD..nope":   `unknown revision "nope"`,
		"--output=x..": "is not a revision",
	} {
		if _, _, err := git.ResolveRange(ctx, spec); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ResolveRange(%q) error %v, want one saying %q", spec, err, msg)
		}
	}
}
