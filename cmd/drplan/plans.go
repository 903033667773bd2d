package main

import (
	"cmp"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/drplan/drplan/schema"
)

// expandPlans turns command-line paths into plans: a plan directory or a
// plan file is one plan (files named together form one plan); any other
// directory, or DIR/..., stands for every plan directory below it, in
// lexical order.
func expandPlans(paths []string) ([][]string, error) {
	var groups [][]string
	var files []string
	for _, p := range paths {
		// plans/... reads as in go test: every plan below plans/.
		recursive := strings.HasSuffix(p, "/...") || p == "..."
		if recursive {
			p = cmp.Or(strings.TrimSuffix(strings.TrimSuffix(p, "..."), "/"), ".")
		}
		st, err := os.Stat(p)
		switch {
		case err != nil:
			// Let the loader report it, with the path, as for validate.
			groups = append(groups, []string{p})
		case !st.IsDir():
			files = append(files, p)
		case !recursive && schema.IsPlanDir(p):
			groups = append(groups, []string{p})
		default:
			found, err := findPlans(p)
			if err != nil {
				return nil, err
			}
			if len(found) == 0 {
				return nil, fmt.Errorf("%s: no plans below this directory (a plan is a directory holding *.cue, *.yaml, *.yml or *.json files)", p)
			}
			for _, d := range found {
				groups = append(groups, []string{d})
			}
		}
	}
	if len(files) > 0 {
		groups = append(groups, files)
	}
	return groups, nil
}

// findPlans lists the plan directories below root. A plan's own
// sub-directories (its drills) are part of it, not plans of their own;
// hidden directories are skipped.
func findPlans(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if path != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if schema.IsPlanDir(path) {
			out = append(out, path)
			return filepath.SkipDir
		}
		return nil
	})
	slices.Sort(out)
	return out, err
}
