package schema

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
	cuejson "cuelang.org/go/encoding/json"
	cueyaml "cuelang.org/go/encoding/yaml"

	"github.com/drplan/drplan/plan"
)

// MaxFileSize bounds one plan file. Real plans are a few hundred kilobytes;
// anything far larger is almost certainly not a plan (a dump, a binary),
// and evaluating it would only waste minutes before failing.
const MaxFileSize = 4 << 20

// Extensions are the file types a plan may be written in.
var Extensions = []string{".cue", ".yaml", ".yml", ".json"}

// DrillsDir is the sub-directory of a plan that holds drill records, one
// file per drill, so that recording a drill never rewrites the plan itself.
const DrillsDir = "drills"

// Diagnostic is one problem with a plan's input, located in the user's files.
type Diagnostic struct {
	Pos plan.Pos `json:"pos"`
	// Path is the node's path in the plan ("tiers.tier0.rto"), empty for
	// problems with a file as a whole.
	Path string `json:"path,omitempty"`
	Msg  string `json:"message"`
}

func (d Diagnostic) String() string {
	if d.Path == "" {
		return fmt.Sprintf("%s: %s", d.Pos, d.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", d.Pos, d.Path, d.Msg)
}

// Error is returned when a plan cannot be loaded. It carries every problem
// found, not just the first, so a user fixes a plan in one round.
type Error struct {
	Diagnostics []Diagnostic
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

func (e *Error) add(pos plan.Pos, path, format string, args ...any) {
	e.Diagnostics = append(e.Diagnostics, Diagnostic{Pos: pos, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (e *Error) orNil() error {
	if len(e.Diagnostics) == 0 {
		return nil
	}
	slices.SortStableFunc(e.Diagnostics, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Msg, b.Msg),
		)
	})
	e.Diagnostics = slices.Compact(e.Diagnostics)
	return e
}

// Load reads one plan. Each path is a plan directory (its *.cue, *.yaml,
// *.yml and *.json files and those of its drills/ folder) or a single file;
// all paths given together form one plan. The returned error, when not nil,
// is an *Error listing every problem found.
func Load(paths ...string) (*plan.Plan, error) {
	l := &loader{errs: &Error{}}
	files, dir := l.collect(paths)
	if err := l.errs.orNil(); err != nil {
		return nil, err
	}
	return l.load(dir, files)
}

type loader struct {
	errs *Error
}

// collect expands paths into the list of plan files.
func (l *loader) collect(paths []string) (files []string, dir string) {
	if len(paths) == 0 {
		l.errs.add(plan.Pos{File: "."}, "", "no plan given")
		return nil, ""
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			l.errs.add(plan.Pos{File: p}, "", "%s", describeOSError(err))
			continue
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		if dir == "" {
			dir = p
		}
		found := planFiles(p)
		drills := filepath.Join(p, DrillsDir)
		if st, err := os.Stat(drills); err == nil && st.IsDir() {
			found = append(found, planFiles(drills)...)
		}
		if len(found) == 0 {
			l.errs.add(plan.Pos{File: p}, "", "no plan files in this directory (looked for %s)", strings.Join(globs(), ", "))
		}
		files = append(files, found...)
	}
	return files, dir
}

func globs() []string {
	out := make([]string, len(Extensions))
	for i, e := range Extensions {
		out[i] = "*" + e
	}
	return out
}

// planFiles lists the plan files directly in dir, sorted by name so that
// load order, and so error order, is stable.
func planFiles(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			continue
		}
		if slices.Contains(Extensions, strings.ToLower(filepath.Ext(name))) {
			out = append(out, filepath.Join(dir, name))
		}
	}
	return out
}

// IsPlanDir reports whether dir directly holds plan files.
func IsPlanDir(dir string) bool { return len(planFiles(dir)) > 0 }

func describeOSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}

func (l *loader) load(dir string, files []string) (*plan.Plan, error) {
	ctx := cuecontext.New()
	inst := build.NewContext().NewInstance(cmp.Or(dir, "."), nil)
	for _, name := range files {
		f := l.parse(name)
		if f == nil {
			continue
		}
		if err := inst.AddSyntax(f); err != nil {
			l.cueErrors(err, "")
		}
	}
	if err := l.errs.orNil(); err != nil {
		return nil, err
	}
	def, err := definition(ctx)
	if err != nil {
		// The embedded schema is tested; failing here is a build defect.
		return nil, fmt.Errorf("internal error: embedded schema: %v", err)
	}
	user := ctx.BuildInstance(inst)
	if err := user.Err(); err != nil {
		l.cueErrors(err, "")
		return nil, l.errs.orNil()
	}

	unified := def.Unify(user)
	if err := unified.Validate(cue.Concrete(true)); err != nil {
		// The fast path failed: find every error, not only those CUE
		// reported in one evaluation, by descending the plan node by node.
		l.diagnose(def, user, nil)
		if len(l.errs.Diagnostics) == 0 {
			l.cueErrors(err, "")
		}
		return nil, l.errs.orNil()
	}

	p := &plan.Plan{}
	if err := unified.Decode(p); err != nil {
		l.cueErrors(err, "")
		return nil, l.errs.orNil()
	}
	p.Source = plan.NewSource(dir, files)
	recordPositions(p.Source, user, nil)
	for _, prob := range p.CheckReferences() {
		l.errs.add(p.Source.Pos(prob.Path), prob.Path, "%s", prob.Msg)
	}
	if err := l.errs.orNil(); err != nil {
		return nil, err
	}
	return p, nil
}

// parse reads and parses one file, recording problems with it.
func (l *loader) parse(name string) *ast.File {
	pos := plan.Pos{File: name}
	info, err := os.Stat(name)
	if err != nil {
		l.errs.add(pos, "", "%s", describeOSError(err))
		return nil
	}
	if info.Size() > MaxFileSize {
		l.errs.add(pos, "", "file is %s; a plan file may be at most %s (split a large plan across several files)", humanBytes(info.Size()), humanBytes(MaxFileSize))
		return nil
	}
	src, err := os.ReadFile(name)
	if err != nil {
		l.errs.add(pos, "", "%s", describeOSError(err))
		return nil
	}
	if i := bytes.IndexByte(src, 0); i >= 0 || !utf8.Valid(src) {
		l.errs.add(pos, "", "not a text file (binary content); a plan file is CUE, YAML or JSON text")
		return nil
	}
	var f *ast.File
	switch strings.ToLower(filepath.Ext(name)) {
	case ".cue":
		f, err = parser.ParseFile(name, src)
	case ".yaml", ".yml":
		f, err = cueyaml.Extract(name, src)
	case ".json":
		var expr ast.Expr
		expr, err = cuejson.Extract(name, src)
		if err == nil {
			f = &ast.File{Filename: name, Decls: []ast.Decl{&ast.EmbedDecl{Expr: expr}}}
		}
	default:
		l.errs.add(pos, "", "unsupported file type %q (want %s)", filepath.Ext(name), strings.Join(Extensions, ", "))
		return nil
	}
	if err != nil {
		l.cueErrors(err, name)
		return nil
	}
	return f
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// cueErrors records every error in err at the user's position. fallback
// names the file to blame when CUE gives no position at all.
func (l *loader) cueErrors(err error, fallback string) {
	for _, e := range cueerrors.Errors(err) {
		pos := userPos(cueerrors.Positions(e))
		if !pos.IsValid() {
			pos = userPos([]token.Pos{e.Position()})
		}
		if !pos.IsValid() {
			pos = plan.Pos{File: cmp.Or(fallback, ".")}
		}
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		if strings.TrimSpace(msg) == "" || strings.Contains(msg, "%!") {
			// A plain Go error wrapped by CUE (the YAML decoder's), which
			// may carry its position only in its text.
			msg = e.Error()
			if m := posPrefixRE.FindStringSubmatch(msg); m != nil && pos.Line == 0 {
				pos.Line, _ = strconv.Atoi(m[2])
				pos.Col, _ = strconv.Atoi(m[3])
				msg = m[4]
			}
		}
		l.errs.add(pos, pathString(e.Path()), "%s", friendly(msg))
	}
}

var posPrefixRE = regexp.MustCompile(`^(.*?):(\d+)(?::(\d+))?: (.*)$`)

// userPos picks the first position that lies in the user's files: CUE
// lists the schema's position first, which is no help to the user.
func userPos(ps []token.Pos) plan.Pos {
	for _, p := range ps {
		if !p.IsValid() || p.Filename() == FileName || p.Filename() == "" {
			continue
		}
		return toPos(p)
	}
	return plan.Pos{}
}

func toPos(p token.Pos) plan.Pos {
	if !p.IsValid() {
		return plan.Pos{}
	}
	return plan.Pos{File: p.Filename(), Line: p.Line(), Col: p.Column()}
}

// pathString drops the #Plan prefix CUE puts on schema paths.
func pathString(path []string) string {
	if len(path) > 0 && path[0] == "#Plan" {
		path = path[1:]
	}
	return strings.Join(path, ".")
}
