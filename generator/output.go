// Package generator turns plans into the artefacts auditors and on-call
// engineers read. Generators are pure: a plan (and a date) in, files out,
// byte for byte the same every time, so rendered output diffs in review.
package generator

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Files is a set of generated files keyed by slash-separated relative path.
type Files map[string][]byte

// Add stores data at name under prefix, refusing a path that would leave
// the output directory.
func (f Files) Add(prefix string, sub Files) error {
	for name, data := range sub {
		p, err := cleanRel(path.Join(prefix, name))
		if err != nil {
			return err
		}
		f[p] = data
	}
	return nil
}

// cleanRel returns name as a clean relative path inside the output
// directory, or an error: generated names come partly from plan content.
func cleanRel(name string) (string, error) {
	clean := path.Clean(filepath.ToSlash(name))
	if clean == "." || path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("refusing to write %q: outside the output directory", name)
	}
	return clean, nil
}

// WriteDir writes files as the whole content of dir, atomically: they are
// written into a new directory beside dir, which then replaces dir in one
// rename. A failure leaves dir as it was, never half-written.
func WriteDir(dir string, files Files) (err error) {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		rel, err := cleanRel(name)
		if err != nil {
			return err
		}
		p := filepath.Join(tmp, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if strings.HasSuffix(rel, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(p, files[name], mode); err != nil {
			return err
		}
	}
	// Swap: the old output moves aside, the new one takes its name, the old
	// one goes. Between the two renames dir is briefly absent, never partial.
	var old string
	if _, err := os.Stat(dir); err == nil {
		old, err = os.MkdirTemp(parent, "."+filepath.Base(dir)+".old-")
		if err != nil {
			return err
		}
		if err := os.Remove(old); err != nil {
			return err
		}
		if err := os.Rename(dir, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
