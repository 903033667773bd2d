package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// PostgresBin returns the folder of the PostgreSQL server binaries (initdb,
// pg_ctl, postgres): the newest /usr/lib/postgresql/<major>/bin, where
// Debian keeps them off PATH, else the folder of pg_ctl on PATH. It fails
// under CI=true and skips otherwise when there is none.
func PostgresBin(t testing.TB) string {
	t.Helper()
	if dir := newestPostgresBin("/usr/lib/postgresql"); dir != "" {
		return dir
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p)
	}
	Unavailable(t, "PostgreSQL server binaries (pg_ctl) not found under /usr/lib/postgresql/*/bin or on PATH (Debian package postgresql; scripts/test-deps.sh installs it)")
	return ""
}

// newestPostgresBin returns root/<major>/bin with the highest major
// version that holds pg_ctl, "" when there is none. Majors compare as
// numbers: 9.6 is older than 17.
func newestPostgresBin(root string) string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return ""
	}
	best, bestMajor := "", -1
	for _, e := range entries {
		major, err := strconv.Atoi(strings.SplitN(e.Name(), ".", 2)[0])
		if err != nil {
			continue
		}
		bin := filepath.Join(root, e.Name(), "bin")
		if _, err := os.Stat(filepath.Join(bin, "pg_ctl")); err != nil {
			continue
		}
		if major > bestMajor {
			best, bestMajor = bin, major
		}
	}
	return best
}
