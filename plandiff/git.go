package plandiff

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Git reads plans as they were at a revision of a git repository. Every
// git process runs under a deadline, so a hung git (a lock, a huge repo on
// a network disk) ends the command instead of a CI job.
type Git struct {
	// Dir is where git runs: the user's working directory.
	Dir string
	// Timeout bounds each git invocation; zero means a minute.
	Timeout time.Duration
	// Exts are the file extensions worth exporting (a plan's files).
	Exts []string
}

func (g *Git) run(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	timeout := g.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.Dir
	cmd.Stdin = stdin
	// Never prompt, never page: this runs in CI.
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_PAGER=cat")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return nil, fmt.Errorf("git %s: no answer within %s", args[0], timeout)
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			msg := strings.TrimSpace(stderr.String())
			if msg == "" {
				msg = err.Error()
			}
			return nil, fmt.Errorf("git %s: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git: %w", err)
	}
	return stdout.Bytes(), nil
}

// TopLevel returns the root of the working tree Dir is in.
func (g *Git) TopLevel(ctx context.Context) (string, error) {
	out, err := g.run(ctx, nil, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// WorkingTree stands for the files as they are on disk, the head of a range
// without a second revision ("main.." or "main").
const WorkingTree = ""

// ResolveRange reads REV1..REV2, REV1...REV2 (from their merge base, as a
// pull request shows it), REV1.. or REV1 (both up to the working tree), and
// returns the two commits; head is WorkingTree for the working tree.
func (g *Git) ResolveRange(ctx context.Context, spec string) (base, head string, err error) {
	var a, b string
	mergeBase := false
	switch {
	case strings.Contains(spec, "..."):
		a, b, _ = strings.Cut(spec, "...")
		mergeBase = true
	case strings.Contains(spec, ".."):
		a, b, _ = strings.Cut(spec, "..")
	default:
		a = spec
	}
	if a == "" {
		return "", "", fmt.Errorf("%q: name the base revision, as in main..HEAD", spec)
	}
	if base, err = g.commit(ctx, a); err != nil {
		return "", "", err
	}
	if b != "" {
		if head, err = g.commit(ctx, b); err != nil {
			return "", "", err
		}
	}
	if mergeBase {
		h := head
		if h == WorkingTree {
			h = "HEAD"
		}
		out, err := g.run(ctx, nil, "merge-base", base, h)
		if err != nil {
			return "", "", err
		}
		base = strings.TrimSpace(string(out))
	}
	return base, head, nil
}

func (g *Git) commit(ctx context.Context, rev string) (string, error) {
	if strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("%q is not a revision", rev)
	}
	out, err := g.run(ctx, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return "", fmt.Errorf("unknown revision %q (is it fetched? a shallow clone lacks history)", rev)
	}
	return strings.TrimSpace(string(out)), nil
}

// Export writes the plan files below rel (a path from the top of the
// repository) as they are at commit rev into dest, keeping their paths from
// the top. It reads blobs with ls-tree and cat-file rather than git
// archive, which would silently leave out files marked export-ignore.
// A path that does not exist at rev exports nothing.
func (g *Git) Export(ctx context.Context, top, rev string, rels []string, dest string) error {
	args := []string{"-C", top, "ls-tree", "-r", "-z", "--full-tree", rev, "--"}
	for _, r := range rels {
		args = append(args, filepath.ToSlash(r))
	}
	out, err := g.run(ctx, nil, args...)
	if err != nil {
		return err
	}
	var names, objects []string
	for _, entry := range strings.Split(string(out), "\x00") {
		// <mode> SP <type> SP <object> TAB <file>
		meta, name, ok := strings.Cut(entry, "\t")
		if !ok {
			continue
		}
		f := strings.Fields(meta)
		if len(f) != 3 || f[1] != "blob" || f[0] == "120000" || !g.wanted(name) {
			continue
		}
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			return fmt.Errorf("git ls-tree: unexpected path %q", name)
		}
		names = append(names, name)
		objects = append(objects, f[2])
	}
	if len(names) == 0 {
		return nil
	}
	blobs, err := g.run(ctx, strings.NewReader(strings.Join(objects, "\n")+"\n"), "-C", top, "cat-file", "--batch")
	if err != nil {
		return err
	}
	r := bufio.NewReader(bytes.NewReader(blobs))
	for i, name := range names {
		header, err := r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("git cat-file: short output at %s", name)
		}
		// <object> SP blob SP <size> LF <contents> LF
		f := strings.Fields(header)
		if len(f) != 3 || f[0] != objects[i] {
			return fmt.Errorf("git cat-file: unexpected header %q for %s", strings.TrimSpace(header), name)
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return fmt.Errorf("git cat-file: bad size in %q", strings.TrimSpace(header))
		}
		body := make([]byte, size+1)
		if _, err := io.ReadFull(r, body); err != nil {
			return fmt.Errorf("git cat-file: short object %s", name)
		}
		path := filepath.Join(dest, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, body[:size], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (g *Git) wanted(name string) bool {
	if len(g.Exts) == 0 {
		return true
	}
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range g.Exts {
		if ext == e {
			return true
		}
	}
	return false
}

// RewritePaths replaces the file names in the diff's positions, for plans
// read from a temporary export: f maps an exported file to the name the
// user knows it by.
func (d *Diff) RewritePaths(f func(string) string) {
	for i := range d.Changes {
		if p := d.Changes[i].Pos; p != nil {
			p.File = f(p.File)
		}
	}
	for i := range d.Invalidated {
		if p := d.Invalidated[i].Pos; p != nil {
			p.File = f(p.File)
		}
	}
}
