package verify_test

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/drplan/drplan/verify"
)

const (
	rulesBegin = "<!-- rules: generated from verify.Rules(); DRPLAN_UPDATE=1 go test ./verify rewrites it -->\n"
	rulesEnd   = "<!-- end of rules -->\n"
)

// TestRulesDoc keeps the rule reference in docs/verify.md identical to
// the rules in the code.
func TestRulesDoc(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "..", "docs", "verify.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, rulesBegin), strings.Index(doc, rulesEnd)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the generated rules section", path)
	}
	want := verify.RulesMarkdown()
	if got := doc[i+len(rulesBegin) : j]; got != want {
		if os.Getenv("DRPLAN_UPDATE") != "" {
			if err := os.WriteFile(path, []byte(doc[:i+len(rulesBegin)]+want+doc[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("the rules in %s differ from verify.Rules(); run DRPLAN_UPDATE=1 go test ./verify", path)
	}
}

func TestRulesAreComplete(t *testing.T) {
	id := regexp.MustCompile(`^DR2[0-9]{2}$`)
	seen := map[string]bool{}
	for _, r := range verify.Rules() {
		if !id.MatchString(r.ID) || seen[r.ID] {
			t.Errorf("rule ID %q: want a unique DR2xx", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" || r.Rationale == "" || r.Remediation == "" || !strings.HasSuffix(r.HelpURI, "#"+strings.ToLower(r.ID)) {
			t.Errorf("rule %s is incomplete: %+v", r.ID, r)
		}
	}
}
