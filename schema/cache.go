package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"

	"cuelang.org/go/cue/ast"
)

// Validating a plan with CUE is most of the cost of loading it, and in
// everyday use (pre-commit, CI over a monorepo) most plans have not changed
// since the last run. The cache remembers that an exact set of plan files
// passed validation against this exact schema with this CUE version; the
// plan is still parsed, decoded and reference-checked on every run. Only
// successes are cached, so an error is always reported afresh.

var (
	cacheMu  sync.Mutex
	cacheDir string
)

// SetCacheDir enables the validation cache in dir ("" disables it, the
// default, so that library users and tests never write outside their own
// directories).
func SetCacheDir(dir string) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	cacheDir = dir
}

// DefaultCacheDir is where the CLI keeps the cache: $DRPLAN_CACHE, or
// drplan/ under the user's cache directory; "" when there is none or
// DRPLAN_CACHE=off.
func DefaultCacheDir() string {
	if d := os.Getenv("DRPLAN_CACHE"); d != "" {
		if d == "off" {
			return ""
		}
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "drplan")
}

func currentCacheDir() string {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	return cacheDir
}

var cueVersion = sync.OnceValue(func() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == "cuelang.org/go" {
				return m.Version
			}
		}
	}
	return "unknown"
})

// validationKey identifies a validation: the CUE version, the schema, the
// package, and every file's name and content digest, in load order.
func validationKey(files []*ast.File, digests map[string][32]byte, pkg string) string {
	h := sha256.New()
	h.Write([]byte("drplan-validated/v1\x00" + cueVersion() + "\x00" + Source + "\x00" + pkg + "\x00"))
	for _, f := range files {
		d := digests[f.Filename]
		h.Write([]byte(f.Filename + "\x00"))
		h.Write(d[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

func cachedValid(key string) bool {
	dir := currentCacheDir()
	if dir == "" {
		return false
	}
	_, err := os.Stat(filepath.Join(dir, "validated", key[:2], key))
	return err == nil
}

// rememberValid records a successful validation; failing to is harmless.
func rememberValid(key string) {
	dir := currentCacheDir()
	if dir == "" {
		return
	}
	sub := filepath.Join(dir, "validated", key[:2])
	if os.MkdirAll(sub, 0o755) != nil {
		return
	}
	// An empty marker file: its name is the whole record.
	tmp, err := os.CreateTemp(sub, ".tmp-*")
	if err != nil {
		return
	}
	tmp.Close()
	if os.Rename(tmp.Name(), filepath.Join(sub, key)) != nil {
		os.Remove(tmp.Name())
	}
}
