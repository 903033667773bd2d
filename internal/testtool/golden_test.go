package testtool

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps failures instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Errorf(f string, args ...any) { r.errs = append(r.errs, f) }
func (r *recorder) Fatalf(f string, args ...any) { r.errs = append(r.errs, f) }

func TestGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "out.golden")
	t.Setenv("DRPLAN_UPDATE", "1")
	Golden(t, path, []byte("a\nb\n"))
	t.Setenv("DRPLAN_UPDATE", "")
	Golden(t, path, []byte("a\nb\n")) // equal: passes

	r := &recorder{TB: t}
	Golden(r, path, []byte("a\nc\n"))
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "differs") {
		t.Errorf("a difference was not reported: %v", r.errs)
	}
	r = &recorder{TB: t}
	Golden(r, filepath.Join(t.TempDir(), "missing"), nil)
	if len(r.errs) != 1 {
		t.Errorf("a missing golden file was not reported: %v", r.errs)
	}
	if data, _ := os.ReadFile(path); string(data) != "a\nb\n" {
		t.Errorf("the golden file changed without DRPLAN_UPDATE: %q", data)
	}
}
