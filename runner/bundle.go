// Package runner executes a rendered runbook bundle: it checks the bundle
// against its manifest, runs the steps in dependency order (independent
// steps in parallel), asks where a person must decide, journals every event
// durably so that a run killed at any moment resumes, and turns the journal
// into a drill record the plan loader reads.
package runner

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/drplan/drplan/generator/bundle"
	"github.com/drplan/drplan/plan"
)

// Bundle is a rendered runbook bundle whose files match its manifest.
type Bundle struct {
	Dir      string
	Manifest bundle.Manifest
	// Digest is the SHA-256 of manifest.json, which covers every file's
	// hash: a journal names the exact bundle it ran.
	Digest string

	expect         map[string]*regexp.Regexp
	rollbackExpect map[string]*regexp.Regexp
	// preExpect is each pre-condition's expected output (nil: none).
	preExpect []*regexp.Regexp
}

// Open reads the bundle in dir and refuses it when any file differs from
// the manifest, is missing, or is not in it: a runbook edited after render
// is not the runbook the plan reviewed, and at 3 AM nobody should find out
// which line changed.
func Open(dir string) (*Bundle, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(filepath.Join(abs, bundle.ManifestFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: not a runbook bundle (no %s; render one with `drplan render PLAN -o DIR`, bundles are in DIR/<plan>/bundle/<runbook>)", dir, bundle.ManifestFile)
		}
		return nil, err
	}
	b := &Bundle{Dir: abs}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&b.Manifest); err != nil {
		return nil, fmt.Errorf("%s: unreadable manifest: %v", filepath.Join(dir, bundle.ManifestFile), err)
	}
	m := &b.Manifest
	if m.Format != bundle.Format {
		return nil, fmt.Errorf("%s: bundle format %q, this drplan runs %q: re-render the bundle with this drplan", dir, m.Format, bundle.Format)
	}
	sum := sha256.Sum256(raw)
	b.Digest = hex.EncodeToString(sum[:])

	var problems []string
	for _, name := range plan.Keys(m.Files) {
		if !localPath(name) {
			problems = append(problems, fmt.Sprintf("%s: not a plain path inside the bundle", name))
			continue
		}
		data, err := os.ReadFile(filepath.Join(abs, filepath.FromSlash(name)))
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: missing (%v)", name, errorsCause(err)))
			continue
		}
		got := sha256.Sum256(data)
		if hex.EncodeToString(got[:]) != m.Files[name] {
			problems = append(problems, fmt.Sprintf("%s: changed since it was rendered (SHA-256 %s, manifest says %s)", name, hex.EncodeToString(got[:])[:12], short(m.Files[name])))
		}
	}
	err = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(abs, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() || rel == bundle.ManifestFile {
			return nil
		}
		if _, ok := m.Files[rel]; !ok {
			problems = append(problems, fmt.Sprintf("%s: not in the manifest", rel))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	ids := map[string]bool{}
	b.expect = map[string]*regexp.Regexp{}
	b.rollbackExpect = map[string]*regexp.Regexp{}
	for _, s := range m.Steps {
		if s.ID == "" || ids[s.ID] {
			problems = append(problems, fmt.Sprintf("step %d: missing or duplicate id %q", s.Number, s.ID))
			continue
		}
		for _, dep := range s.After {
			if !ids[dep] {
				problems = append(problems, fmt.Sprintf("step %s: waits for %q, which is not an earlier step", s.ID, dep))
			}
		}
		ids[s.ID] = true
		for _, f := range []string{s.Script, s.Rollback} {
			if _, ok := m.Files[f]; f != "" && !ok {
				problems = append(problems, fmt.Sprintf("step %s: %s is not in the manifest", s.ID, f))
			}
		}
		if s.Script == "" && !s.Manual {
			problems = append(problems, fmt.Sprintf("step %s: no script and not marked manual", s.ID))
		}
		var err error
		if b.expect[s.ID], err = compile(s.Expect); err != nil {
			problems = append(problems, fmt.Sprintf("step %s: expected output: %v", s.ID, err))
		}
		if b.rollbackExpect[s.ID], err = compile(s.RollbackExpect); err != nil {
			problems = append(problems, fmt.Sprintf("step %s: rollback expected output: %v", s.ID, err))
		}
	}
	for i, pc := range m.Preconditions {
		re, err := compile(pc.Expect)
		if err != nil {
			problems = append(problems, fmt.Sprintf("pre-condition %d: expected output: %v", i+1, err))
		}
		b.preExpect = append(b.preExpect, re)
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("%s: refusing a bundle that does not match its manifest; re-render it from the plan:\n  %s", dir, strings.Join(problems, "\n  "))
	}
	return b, nil
}

// Step returns the manifest step with id.
func (b *Bundle) Step(id string) *bundle.Step {
	for i := range b.Manifest.Steps {
		if b.Manifest.Steps[i].ID == id {
			return &b.Manifest.Steps[i]
		}
	}
	return nil
}

func compile(expr string) (*regexp.Regexp, error) {
	if expr == "" {
		return nil, nil
	}
	return regexp.Compile(expr)
}

func localPath(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	return true
}

func errorsCause(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
