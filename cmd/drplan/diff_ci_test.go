package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/drplan/drplan/internal/testtool"
)

// The CI integrations (action.yml, .pre-commit-hooks.yaml, docs/ci.md) call
// drplan from YAML and shell. These tests find every drplan invocation in
// them and run it, through the real command, on a repository holding
// plans/orderflow, so that a flag renamed in the CLI breaks here and not
// in a user's pipeline.

// ciVars are the values the invocations' variables stand for. An unknown
// variable fails the test: add it here with a value that means the same.
var ciVars = map[string]string{
	"FAIL_ON":                        "error",
	"plans[@]":                       "plans",
	"BASE":                           "HEAD~1",
	"HEAD":                           "HEAD",
	"CI_MERGE_REQUEST_DIFF_BASE_SHA": "HEAD~1",
	"CI_COMMIT_SHA":                  "HEAD",
}

var (
	drplanCall = regexp.MustCompile(`(?:^|[\s;&|(!])drplan\s+[a-z]`)
	shellVar   = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}|\$\{([^}]+)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)
)

// invocations returns the drplan command lines in a shell text, each cut
// at the first shell operator and split into words.
func invocations(t *testing.T, text string) [][]string {
	t.Helper()
	text = strings.ReplaceAll(text, "\\\n", " ")
	var out [][]string
	for _, line := range strings.Split(text, "\n") {
		loc := drplanCall.FindStringIndex(line)
		if loc == nil {
			continue
		}
		start := loc[0] + strings.Index(line[loc[0]:], "drplan")
		words := shellWords(t, line[start:])
		out = append(out, words[1:])
	}
	return out
}

// shellWords splits a command at spaces, honouring quotes, up to the first
// operator (redirection, pipe, list, comment), and expands variables.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	flush := func() {
		if inWord {
			words = append(words, expand(t, cur.String()))
		}
		cur.Reset()
		inWord = false
	}
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			flush()
		case strings.ContainsRune("><|&;#", r):
			flush()
			return words
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return words
}

func expand(t *testing.T, w string) string {
	t.Helper()
	return shellVar.ReplaceAllStringFunc(w, func(m string) string {
		sub := shellVar.FindStringSubmatch(m)
		name := sub[1] + sub[2] + sub[3]
		v, ok := ciVars[name]
		if !ok {
			t.Errorf("variable %s in %q has no test value (add it to ciVars)", m, w)
		}
		return v
	})
}

// shellcheck checks a script in the given dialect. GitHub expressions,
// which the runner substitutes before the shell runs, must not appear in
// a script: they belong in env, where quoting cannot go wrong.
func shellcheck(t *testing.T, bin, dialect, name, script string) {
	t.Helper()
	if strings.Contains(script, "${{") {
		t.Errorf("%s: a ${{ }} expression inside the script; pass it through env", name)
	}
	cmd := exec.Command(bin, "-s", dialect, "-")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s: shellcheck -s %s: %v\n%s", name, dialect, err, out)
	}
}

// yamlScripts returns the shell a YAML CI file runs: the strings under
// run (GitHub Actions) and script (GitLab CI) keys.
func yamlScripts(t *testing.T, src []byte) []string {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatalf("YAML: %v", err)
	}
	var out []string
	var walk func(n *yaml.Node, inScript bool)
	walk = func(n *yaml.Node, inScript bool) {
		if inScript && n.Kind == yaml.ScalarNode {
			out = append(out, n.Value)
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				walk(n.Content[i+1], inScript || k == "run" || k == "script" || k == "before_script" || k == "after_script")
			}
			return
		}
		for _, c := range n.Content {
			walk(c, inScript)
		}
	}
	walk(&doc, false)
	return out
}

// ciRepo is a repository with two commits of plans/orderflow, and
// origin/main at the first, for the invocations to run in.
func ciRepo(t *testing.T) string {
	repo := newGitRepo(t)
	repo.commit("OrderFlow plan")
	repo.loosen()
	repo.commit("Loosen Tier 1's RPO")
	repo.git("update-ref", "refs/remotes/origin/main", "HEAD~1")
	return repo.dir
}

// runInvocations runs each invocation in dir and fails on misuse or an
// unreadable plan (exit 2); findings (exit 1) are what lint is for.
func runInvocations(t *testing.T, dir, source string, calls [][]string) {
	t.Helper()
	for _, args := range calls {
		code, _, errOut := runIn(t, dir, args...)
		if code != ExitOK && code != ExitFindings {
			t.Errorf("%s: drplan %s: exit %d\n%s", source, strings.Join(args, " "), code, errOut)
		}
	}
}

// commands lists "drplan lint --format X" and "drplan diff" in calls, to
// check a file calls what it should.
func commands(calls [][]string) []string {
	var out []string
	for _, args := range calls {
		c := args[0]
		if i := slices.Index(args, "--format"); i >= 0 && i+1 < len(args) {
			c += " " + args[i+1]
		}
		if slices.Contains(args, "--git") {
			c += " --git"
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

func TestActionInvocations(t *testing.T) {
	t.Setenv("DRPLAN_CACHE", "off")
	src, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct {
			Default string `yaml:"default"`
		} `yaml:"inputs"`
		Runs struct {
			Using string `yaml:"using"`
			Steps []struct {
				Name  string            `yaml:"name"`
				Uses  string            `yaml:"uses"`
				Run   string            `yaml:"run"`
				Shell string            `yaml:"shell"`
				With  map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(src, &action); err != nil {
		t.Fatal(err)
	}
	if action.Runs.Using != "composite" {
		t.Errorf("runs.using %q, want composite", action.Runs.Using)
	}
	for _, in := range []string{"paths", "fail-on", "version"} {
		if _, ok := action.Inputs[in]; !ok {
			t.Errorf("input %s missing", in)
		}
	}
	// Every input the steps use is declared.
	for _, m := range regexp.MustCompile(`inputs\.([a-z-]+)`).FindAllStringSubmatch(string(src), -1) {
		if _, ok := action.Inputs[m[1]]; !ok {
			t.Errorf("action.yml uses inputs.%s, which it does not declare", m[1])
		}
	}
	var calls [][]string
	uploads := false
	for _, s := range action.Runs.Steps {
		if s.Run != "" && s.Shell == "" {
			t.Errorf("step %q: a composite action's run step needs a shell", s.Name)
		}
		if strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@") && s.With["sarif_file"] == "drplan.sarif" {
			uploads = true
		}
		calls = append(calls, invocations(t, s.Run)...)
	}
	if !uploads {
		t.Error("no upload-sarif step for drplan.sarif")
	}
	if sc := testtool.Need(t, "shellcheck", "shellcheck"); sc != "" {
		for _, st := range action.Runs.Steps {
			if st.Run != "" {
				shellcheck(t, sc, "bash", "action.yml: "+st.Name, st.Run)
			}
		}
	}
	want := []string{"diff --git", "lint github", "lint sarif"}
	if got := commands(calls); !slices.Equal(got, want) {
		t.Errorf("action.yml calls %v, want %v", got, want)
	}
	dir := ciRepo(t)
	runInvocations(t, dir, "action.yml", calls)
	if _, err := os.Stat(filepath.Join(dir, "drplan.sarif")); err != nil {
		t.Errorf("the SARIF step wrote no drplan.sarif: %v", err)
	}
}

func TestDocsCIInvocations(t *testing.T) {
	t.Setenv("DRPLAN_CACHE", "off")
	src, err := os.ReadFile("../../docs/ci.md")
	if err != nil {
		t.Fatal(err)
	}
	fence := regexp.MustCompile("(?ms)^```(yaml|sh)\n(.*?)^```")
	var calls [][]string
	blocks := 0
	for _, m := range fence.FindAllStringSubmatch(string(src), -1) {
		blocks++
		if m[1] == "yaml" {
			for _, s := range yamlScripts(t, []byte(m[2])) {
				calls = append(calls, invocations(t, s)...)
			}
		} else {
			calls = append(calls, invocations(t, m[2])...)
			if sc := testtool.Need(t, "shellcheck", "shellcheck"); sc != "" {
				shellcheck(t, sc, "sh", "docs/ci.md", m[2])
			}
		}
	}
	if blocks == 0 {
		t.Fatal("no yaml or sh code blocks in docs/ci.md")
	}
	want := []string{"diff --git", "diff json --git", "lint github", "lint junit", "lint sarif"}
	if got := commands(calls); !slices.Equal(got, want) {
		t.Errorf("docs/ci.md calls %v, want %v", got, want)
	}
	runInvocations(t, ciRepo(t), "docs/ci.md", calls)
}

func TestPreCommitHook(t *testing.T) {
	t.Setenv("DRPLAN_CACHE", "off")
	src, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID       string `yaml:"id"`
		Entry    string `yaml:"entry"`
		Language string `yaml:"language"`
		Files    string `yaml:"files"`
	}
	if err := yaml.Unmarshal(src, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 || hooks[0].ID != "drplan-lint" || hooks[0].Language != "script" {
		t.Fatalf("hooks: %+v", hooks)
	}
	hook := hooks[0]
	script, err := filepath.Abs(filepath.Join("../..", hook.Entry))
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(script); err != nil || st.Mode()&0o111 == 0 {
		t.Fatalf("entry %s is not an executable file: %v", hook.Entry, err)
	}

	// The files pattern (Python's re; this one reads the same in Go's
	// regexp) takes plan files under plans/, drill records included.
	files := regexp.MustCompile(hook.Files)
	for name, want := range map[string]bool{
		"plans/orderflow/tiers.cue":                          true,
		"plans/orderflow/drills/2026-03-18-pitr-staging.cue": true,
		"infra/plans/shop/plan.yaml":                         true,
		"plans/shop/plan.json":                               true,
		"plans/orderflow/README.md":                          false,
		"README.md":                                          false,
		".github/workflows/ci.yml":                           false,
	} {
		if files.MatchString(name) != want {
			t.Errorf("files pattern %q on %s: %v, want %v", hook.Files, name, !want, want)
		}
	}

	if sc := testtool.Need(t, "shellcheck", "shellcheck"); sc != "" {
		if out, err := exec.Command(sc, "-s", "sh", script).CombinedOutput(); err != nil {
			t.Errorf("shellcheck %s: %v\n%s", hook.Entry, err, out)
		}
	}

	bin := filepath.Join(t.TempDir(), "drplan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// The plan as it is: no finding at error level.
	dir := newGitRepo(t).dir
	// A second plan, in a directory with a space, to be linted apart.
	shop := filepath.Join(dir, "plans", "shop plan")
	if err := os.MkdirAll(shop, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shop, "plan.cue"), []byte("package shop\n\napiVersion: \"drplan/v1\"\nname: \"shop\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		t.Helper()
		cmd := exec.Command("sh", append([]string{script}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "DRPLAN="+bin, "DRPLAN_CACHE=off")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String()
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, out.String()
	}
	summary := regexp.MustCompile(`(?m)^(plans/[^:]+): `)
	linted := func(out string) []string {
		var plans []string
		for _, m := range summary.FindAllStringSubmatch(out, -1) {
			if !strings.Contains(m[0], ".cue") {
				plans = append(plans, m[1])
			}
		}
		return plans
	}

	// Files of one plan, a drill record among them: that plan, once.
	code, out := run("--fail-on=error", "plans/orderflow/tiers.cue", "plans/orderflow/drills/2026-03-18-pitr-staging.cue", "plans/orderflow/cost.cue")
	if code != 0 || !slices.Equal(linted(out), []string{"plans/orderflow"}) {
		t.Errorf("one plan: exit %d, linted %v\n%s", code, linted(out), out)
	}
	// A drill record alone stands for its plan.
	if _, out := run("plans/orderflow/drills/2026-03-18-pitr-staging.cue"); !slices.Equal(linted(out), []string{"plans/orderflow"}) {
		t.Errorf("drill record: linted %v\n%s", linted(out), out)
	}
	// Two plans: both, each once; the incomplete one fails the hook.
	code, out = run("plans/shop plan/plan.cue", "plans/orderflow/tiers.cue")
	if code != 1 || !slices.Equal(linted(out), []string{"plans/orderflow", "plans/shop plan"}) {
		t.Errorf("two plans: exit %d, linted %v\n%s", code, linted(out), out)
	}
	// Flags reach drplan lint: --fail-on=info fails on orderflow's warnings.
	if code, out := run("--fail-on=info", "plans/orderflow/tiers.cue"); code != 1 {
		t.Errorf("--fail-on=info: exit %d\n%s", code, out)
	}
	// Nothing to lint (the plan's files were deleted): success, silently.
	if code, out := run("plans/gone/plan.cue"); code != 0 || out != "" {
		t.Errorf("deleted plan: exit %d, output %q", code, out)
	}
}
