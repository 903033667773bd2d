package lint

import (
	"os"
	"testing"
)

// docs/rules.md is generated from the registry; this fails when the
// committed file differs. DRPLAN_UPDATE=1 rewrites it.
func TestRulesReferenceUpToDate(t *testing.T) {
	const path = "../docs/rules.md"
	want := Reference()
	if os.Getenv("DRPLAN_UPDATE") != "" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is out of date with the rule registry: run DRPLAN_UPDATE=1 go test ./lint -run TestRulesReference (or drplan explain --markdown > %s)", path, path)
	}
}
