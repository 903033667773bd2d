package testtool

import (
	"os"
	"path/filepath"
	"testing"
)

func TestNewestPostgresBin(t *testing.T) {
	root := t.TempDir()
	for _, dir := range []string{"9.6/bin", "15/bin", "17/bin", "notes"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// 17 has no pg_ctl (a client-only install): it does not count.
	for _, f := range []string{"9.6/bin/pg_ctl", "15/bin/pg_ctl", "17/bin/psql"} {
		if err := os.WriteFile(filepath.Join(root, f), nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := newestPostgresBin(root), filepath.Join(root, "15", "bin"); got != want {
		t.Errorf("newestPostgresBin = %q, want %q", got, want)
	}
	if got := newestPostgresBin(filepath.Join(root, "missing")); got != "" {
		t.Errorf("newestPostgresBin of a missing folder = %q, want \"\"", got)
	}
}
