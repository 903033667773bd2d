package bundle

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/drplan/drplan/internal/testtool"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
)

// awkMatch runs run.sh's own check (ereAwk) on output.
func awkMatch(t *testing.T, bin, ere, output string) bool {
	t.Helper()
	f := filepath.Join(t.TempDir(), "out")
	if err := os.WriteFile(f, []byte(output), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, ereAwk, f)
	cmd.Env = append(os.Environ(), "DRPLAN_ERE="+ere)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return false
	}
	t.Fatalf("awk cannot read %q: %v\n%s", ere, err, out)
	return false
}

// Each case is matched by RE2 (drplan run) and by awk on the translation
// (run.sh); both must say the same, in both directions.
func TestEREAgreesWithRE2(t *testing.T) {
	bin := testtool.Need(t, "awk", "mawk")
	outputs := []string{
		"line one\nline two\n",
		"ok\n",
		"0 replicas\n1 replicas\n",
		"Phase:   Succeeded\n",
		"a.b\n",
		"aXb\n",
		"2026-11-25T10:00:00+00:00\n",
		"ABC abc\n",
		"x]y-z^w\\v\n",
	}
	for _, expr := range []string{
		"one.*two", "(?s)one.*two", "one\\ntwo", "one[[:space:]]+line", "(?m)^0 replicas$", "^0 replicas$",
		"(?m)^line two$", "^line", "two$", "Phase:[[:space:]]+Succeeded", "a\\.b", "a.b", "[0-9]{4}-[0-9]{2}-[0-9]{2}T",
		"\\d{2}:\\d{2}", "(?i)abc abc", "ABC abc", "[\\]\\-^\\\\]", "[^a-z\\n]", "ok|nope", "(x|y)+", "x?y{0,2}z",
		"fenced: |unreachable: ", "\\s+Succeeded", "\\w+ \\w+",
	} {
		ere, ok := ERE(expr)
		if !ok {
			t.Errorf("%q has no POSIX form", expr)
			continue
		}
		re := regexp.MustCompile(expr)
		for _, o := range outputs {
			if got, want := awkMatch(t, bin, ere, o), re.MatchString(o); got != want {
				t.Errorf("/%s/ as %q on %q: run.sh says %v, drplan run %v", expr, ere, o, got, want)
			}
		}
	}
	for _, expr := range []string{`\bword\b`, `[é-ö]`} {
		if ere, ok := ERE(expr); ok {
			t.Errorf("%q translated to %q; POSIX cannot say it", expr, ere)
		}
	}
}

// Every step's sample output in the repository's plans matches its expect
// in drplan run, and run.sh's check says the same.
func TestSamplesAgreeInBothRunners(t *testing.T) {
	bin := testtool.Need(t, "awk", "mawk")
	dirs, err := filepath.Glob("../../plans/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no plans: %v", err)
	}
	n := 0
	for _, dir := range dirs {
		p, err := schema.Load(dir)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, id := range plan.Keys(p.Runbooks) {
			for _, s := range p.Runbooks[id].Steps {
				if s.Sample == "" || s.Expect == "" {
					continue
				}
				n++
				// A command's output ends with a newline; the plan's
				// multi-line strings do not.
				out := s.Sample
				if !strings.HasSuffix(out, "\n") {
					out += "\n"
				}
				where := filepath.Base(dir) + "/" + id + "/" + s.ID
				if !regexp.MustCompile(s.Expect).MatchString(out) {
					t.Errorf("%s: sample does not match /%s/ in drplan run", where, s.Expect)
				}
				ere, ok := ERE(s.Expect)
				if !ok {
					t.Errorf("%s: /%s/ has no POSIX form: run.sh would not check it", where, s.Expect)
					continue
				}
				if !awkMatch(t, bin, ere, out) {
					t.Errorf("%s: run.sh's check (%q) rejects the sample that drplan run accepts", where, ere)
				}
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d samples checked; the plans were not read", n)
	}
	t.Logf("%d step samples agree in both runners", n)
}
