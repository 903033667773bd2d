package testtool

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
)

// Golden compares got with the golden file at path. With DRPLAN_UPDATE set
// it rewrites the file instead: read the diff before committing it.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if os.Getenv("DRPLAN_UPDATE") != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (DRPLAN_UPDATE=1 writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (DRPLAN_UPDATE=1 rewrites it; read the diff):\n%s", path, diff.Diff(path, want, "got", got))
	}
}
