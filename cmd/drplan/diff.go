package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/plandiff"
	"github.com/drplan/drplan/schema"
)

// DiffOptions are the inputs of `drplan diff`.
type DiffOptions struct {
	Streams Streams
	// Base and Head are plan paths (without Git).
	Base, Head string
	// Git is a revision range; Paths are then the plans to compare in it.
	Git   string
	Paths []string
	// Format is markdown or json.
	Format string
	Output string
	// GitTimeout bounds each git invocation.
	GitTimeout time.Duration
}

func newDiffCmd(s Streams, runF func(*DiffOptions) error) *cobra.Command {
	opts := &DiffOptions{Streams: s}
	cmd := &cobra.Command{
		Use:   "diff BASE HEAD | diff --git REV1..REV2 PATH...",
		Short: "Say what a change to a plan promises, or stops promising",
		Long: `Compare two versions of a plan and report what changed in substance: tier
objectives loosened or tightened and by how much, strategies and triggers,
services moving between tiers, components, replication paths, runbook steps
gained or lost, rollbacks and approval gates removed, commands changed,
scenarios moving in or out of scope, alert thresholds (derived ones too),
game days and drills, cost, owner and review. Changes that invalidate a
business sign-off are called out first.

The plans are compared as models, not as text: moving fields, reordering
keys or restating "60s" as "1m" reports nothing.

BASE and HEAD are plan directories or files. With --git, each PATH (a plan
directory, a directory holding plans, or a file of a plan, which stands for
its whole plan) is read at both revisions: REV1..REV2, REV1...REV2 (from
the merge base, as a pull request shows it), or REV1.. / REV1 to compare
with the working tree.

Exit status: 0 whatever changed; 2 when a plan cannot be read or is invalid.`,
		Example: `  drplan diff old/orderflow plans/orderflow
  drplan diff --git main.. plans/orderflow
  drplan diff --git origin/main...HEAD --format json plans/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(plandiff.Formats, opts.Format) {
				return usageError("`--format` must be one of %s", strings.Join(plandiff.Formats, ", "))
			}
			if opts.Git != "" {
				if len(args) == 0 {
					return usageError("with `--git`, name the plans to compare, e.g. drplan diff --git main.. plans/orderflow")
				}
				opts.Paths = args
			} else {
				if len(args) != 2 {
					return usageError("specify BASE and HEAD plans, or `--git` REV1..REV2 and the plans")
				}
				opts.Base, opts.Head = args[0], args[1]
			}
			if runF != nil {
				return runF(opts)
			}
			return diffRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Git, "git", "", "compare plans at two git revisions: REV1..REV2, REV1...REV2, or REV1.. for the working tree")
	f.StringVarP(&opts.Format, "format", "f", "markdown", "output format: "+strings.Join(plandiff.Formats, ", "))
	f.StringVarP(&opts.Output, "output", "o", "", "write the report to FILE instead of standard output")
	f.DurationVar(&opts.GitTimeout, "git-timeout", time.Minute, "give up on a git command after this long")
	return cmd
}

func diffRun(opts *DiffOptions) error {
	var rep *plandiff.Report
	var err error
	if opts.Git != "" {
		rep, err = gitDiff(opts)
	} else {
		rep, err = pathDiff(opts)
	}
	if err != nil {
		return err
	}
	out := opts.Streams.Out
	var file *os.File
	if opts.Output != "" {
		if file, err = os.Create(opts.Output); err != nil {
			return &exitError{ExitInvalid, err}
		}
		out = file
	}
	werr := plandiff.Write(out, opts.Format, rep)
	if file != nil {
		if cerr := file.Close(); werr == nil {
			werr = cerr
		}
	}
	if werr != nil {
		return &exitError{ExitInvalid, werr}
	}
	return nil
}

// pathDiff compares two plans on disk.
func pathDiff(opts *DiffOptions) (*plandiff.Report, error) {
	res := loadAll([][]string{{opts.Base}, {opts.Head}})
	if res[0].err != nil || res[1].err != nil {
		for _, r := range res {
			if r.err != nil {
				printLoadError(opts.Streams, r.err)
			}
		}
		return nil, silentExit(ExitInvalid)
	}
	d := plandiff.Compare(res[0].plan, res[1].plan)
	d.Path = opts.Head
	return &plandiff.Report{Base: opts.Base, Head: opts.Head, Plans: []*plandiff.Diff{d}}, nil
}

// gitDiff compares the plans under opts.Paths at two revisions. The base
// (and the head, unless it is the working tree) is exported into a
// temporary directory; plans are paired by their directory in the
// repository, so a plan added or removed shows as such.
func gitDiff(opts *DiffOptions) (*plandiff.Report, error) {
	ctx := context.Background()
	cwd, err := os.Getwd()
	if err != nil {
		return nil, &exitError{ExitInvalid, err}
	}
	git := &plandiff.Git{Dir: cwd, Timeout: opts.GitTimeout, Exts: schema.Extensions}
	top, err := git.TopLevel(ctx)
	if err != nil {
		return nil, &exitError{ExitInvalid, err}
	}
	// Compare from the real path of both, so a symlinked checkout works.
	if t, err := filepath.EvalSymlinks(top); err == nil {
		top = t
	}
	if c, err := filepath.EvalSymlinks(cwd); err == nil {
		cwd = c
	}
	baseRev, headRev, err := git.ResolveRange(ctx, opts.Git)
	if err != nil {
		return nil, usageError("`--git`: %v", err)
	}
	var rels []string
	for _, p := range opts.Paths {
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, p)
		}
		rel, err := filepath.Rel(top, abs)
		if err != nil || !filepath.IsLocal(rel) && rel != "." {
			return nil, usageError("%s is outside the git repository at %s", p, top)
		}
		if st, err := os.Stat(abs); err == nil && !st.IsDir() {
			// A plan file stands for its plan, a drill record for the
			// plan above drills/: a plan is its whole directory.
			rel = filepath.Dir(rel)
			if filepath.Base(rel) == schema.DrillsDir {
				rel = filepath.Dir(rel)
			}
		}
		rels = append(rels, rel)
	}
	tmp, err := os.MkdirTemp("", "drplan-diff-")
	if err != nil {
		return nil, &exitError{ExitInvalid, err}
	}
	defer os.RemoveAll(tmp)

	// Each side is a root under which the repository's paths are found.
	baseRoot := filepath.Join(tmp, "base")
	if err := git.Export(ctx, top, baseRev, rels, baseRoot); err != nil {
		return nil, &exitError{ExitInvalid, err}
	}
	headRoot := top
	headLabel := "the working tree"
	if headRev != plandiff.WorkingTree {
		headRoot = filepath.Join(tmp, "head")
		if err := git.Export(ctx, top, headRev, rels, headRoot); err != nil {
			return nil, &exitError{ExitInvalid, err}
		}
		headLabel = shortRev(opts.Git, headRev, false)
	}
	// userPath names a path from the top as the user would write it from
	// the working directory.
	userPath := func(rel string) string {
		if d, err := filepath.Rel(cwd, filepath.Join(top, rel)); err == nil {
			return d
		}
		return filepath.Join(top, rel)
	}
	// display maps a file below either root to its user path.
	display := func(file string) string {
		for _, root := range []string{baseRoot, headRoot} {
			if rel, err := filepath.Rel(root, file); err == nil && filepath.IsLocal(rel) {
				return userPath(rel)
			}
		}
		return file
	}

	var plans []string // plan directories, relative to the top
	for i, rel := range rels {
		b := plansBelow(baseRoot, rel)
		h := plansBelow(headRoot, rel)
		if len(b) == 0 && len(h) == 0 {
			return nil, &exitError{ExitInvalid, fmt.Errorf("%s: no plans there at %s or %s (a plan is a directory holding *.cue, *.yaml, *.yml or *.json files)",
				opts.Paths[i], shortRev(opts.Git, baseRev, true), headLabel)}
		}
		for _, p := range append(b, h...) {
			if !slices.Contains(plans, p) {
				plans = append(plans, p)
			}
		}
	}
	slices.Sort(plans)

	rep := &plandiff.Report{Base: shortRev(opts.Git, baseRev, true), Head: headLabel}
	// Every side of every plan loads in parallel; a side where the plan
	// is absent stays nil (the plan was added or removed).
	type side struct {
		root, label string
	}
	sides := []side{{baseRoot, rep.Base}, {headRoot, rep.Head}}
	var groups [][]string
	slot := make([][2]int, len(plans))
	for i, rel := range plans {
		for j, sd := range sides {
			slot[i][j] = -1
			dir := filepath.Join(sd.root, rel)
			if !schema.IsPlanDir(dir) {
				continue
			}
			if sd.root == top {
				// The working tree: load by the user's own path.
				dir = userPath(rel)
			}
			slot[i][j] = len(groups)
			groups = append(groups, []string{dir})
		}
	}
	loaded := loadAll(groups)
	bad := false
	for i, rel := range plans {
		var pair [2]*plan.Plan
		for j, sd := range sides {
			k := slot[i][j]
			if k < 0 {
				continue
			}
			if err := loaded[k].err; err != nil {
				printLoadError(opts.Streams, rewriteLoadError(err, display))
				fmt.Fprintf(opts.Streams.ErrOut, "%s: invalid at %s\n", userPath(rel), sd.label)
				bad = true
				continue
			}
			pair[j] = loaded[k].plan
		}
		if bad {
			continue
		}
		d := plandiff.Compare(pair[0], pair[1])
		d.RewritePaths(display)
		d.Path = userPath(rel)
		rep.Plans = append(rep.Plans, d)
	}
	if bad {
		return nil, silentExit(ExitInvalid)
	}
	return rep, nil
}

// plansBelow lists the plan directories at or below rel under root,
// relative to root.
func plansBelow(root, rel string) []string {
	dir := filepath.Join(root, rel)
	if _, err := os.Stat(dir); err != nil {
		return nil
	}
	if schema.IsPlanDir(dir) {
		return []string{rel}
	}
	found, err := findPlans(dir)
	if err != nil {
		return nil
	}
	var plans []string
	for _, f := range found {
		if r, err := filepath.Rel(root, f); err == nil {
			plans = append(plans, r)
		}
	}
	return plans
}

// rewriteLoadError names exported files by the paths the user knows.
func rewriteLoadError(err error, display func(string) string) error {
	le, ok := err.(*schema.Error)
	if !ok {
		return err
	}
	out := &schema.Error{Diagnostics: slices.Clone(le.Diagnostics)}
	for i := range out.Diagnostics {
		out.Diagnostics[i].Pos.File = display(out.Diagnostics[i].Pos.File)
	}
	return out
}

// shortRev labels a side of the range as the user wrote it, with the
// commit it resolved to.
func shortRev(spec, commit string, base bool) string {
	a, b, _ := strings.Cut(strings.Replace(spec, "...", "..", 1), "..")
	name := b
	switch {
	case base && strings.Contains(spec, "..."):
		name = "merge base of " + a + " and " + cmp.Or(b, "HEAD")
	case base:
		name = a
	}
	if len(commit) > 12 {
		commit = commit[:12]
	}
	return name + " (" + commit + ")"
}
