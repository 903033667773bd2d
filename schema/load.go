package schema

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
const MaxFileSize = 8 << 20

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
	// forceGeneral disables the plain-data fast path, so tests can check
	// that both paths decode the same plan.
	forceGeneral bool
	// digests are the SHA-256 of each file read, for the validation cache.
	digests map[string][32]byte
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
	parsed := l.parseAll(files)
	if err := l.errs.orNil(); err != nil {
		return nil, err
	}
	pkg := l.packageName(parsed)
	if err := l.errs.orNil(); err != nil {
		return nil, err
	}

	// Validation runs first, on every core; a plain-data plan is then
	// decoded from its syntax. Decoding after validation, not alongside it,
	// lets the decoded plan reuse the evaluation's memory instead of
	// adding to the peak.
	src := plan.NewSource(dir, files)
	p := &plan.Plan{}
	key := validationKey(parsed, l.digests, pkg)
	ok := !l.forceGeneral && (cachedValid(key) || validateMerged(parsed, pkg))
	plain := ok && decodeSyntax(parsed, p, src)
	if plain {
		rememberValid(key)
	}

	if !ok || !plain {
		unified, user, err := l.evaluate(dir, parsed)
		if err != nil {
			return nil, err
		}
		p = &plan.Plan{}
		src = plan.NewSource(dir, files)
		if err := unified.Decode(p); err != nil {
			l.cueErrors(err, "")
			return nil, l.errs.orNil()
		}
		recordPositions(src, user, nil)
	}
	if len(files) > 0 {
		src.Set("", plan.Pos{File: files[0], Line: 1, Col: 1})
	}
	p.Source = src
	p.Package = pkg
	for _, prob := range p.CheckReferences() {
		l.errs.add(p.Source.Pos(prob.Path), prob.Path, "%s", prob.Msg)
	}
	if err := l.errs.orNil(); err != nil {
		return nil, err
	}
	return p, nil
}

// parseAll parses the files on all cores, keeping their order.
func (l *loader) parseAll(files []string) []*ast.File {
	out := make([]*ast.File, len(files))
	errs := make([]*Error, len(files))
	digests := make([]map[string][32]byte, len(files))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, name := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fl := &loader{errs: &Error{}}
			out[i] = fl.parse(name)
			errs[i] = fl.errs
			digests[i] = fl.digests
		}()
	}
	wg.Wait()
	var parsed []*ast.File
	l.digests = map[string][32]byte{}
	for i, f := range out {
		l.errs.Diagnostics = append(l.errs.Diagnostics, errs[i].Diagnostics...)
		for k, v := range digests[i] {
			l.digests[k] = v
		}
		if f != nil {
			parsed = append(parsed, f)
		}
	}
	return parsed
}

// packageName is the CUE package the plan's files share ("" when none
// names one), reporting files that name another.
func (l *loader) packageName(files []*ast.File) string {
	pkg, first := "", ""
	for _, f := range files {
		name := f.PackageName()
		if name == "" {
			continue
		}
		if pkg == "" {
			pkg, first = name, f.Filename
			continue
		}
		if name != pkg {
			pos := plan.Pos{File: f.Filename}
			if pc := packageClause(f); pc != nil {
				pos = toPos(pc.Name.Pos())
			}
			l.errs.add(pos, "", "package %s differs from package %s in %s: all files of a plan must be in one package", name, pkg, first)
		}
	}
	return pkg
}

func packageClause(f *ast.File) *ast.Package {
	for _, d := range f.Decls {
		if p, ok := d.(*ast.Package); ok {
			return p
		}
	}
	return nil
}

// mergedField holds the plan in the single-evaluation fast path.
const mergedField = "drplan:plan"

// validateMerged checks the plan without evaluating it twice: the
// declarations of all files go into one struct that is unified with #Plan
// inside the schema's own instance (unifying a separately built plan with
// the schema would evaluate the plan once alone, then again with the
// schema). #Plan's sections constrain nothing across each other, nor do the
// entries of its maps, so sections and entries are packed into groups of
// about groupSize bytes, each validated in its own CUE context, a core's
// worth at a time (CUE evaluates on one core).
//
// A group that refers to a section of another group fails to resolve, and
// any failure sends the plan to the general path, which evaluates it as the
// package it is and reports every error. Files with imports, file-level let
// clauses or attributes keep their own scope, so they take that path too.
func validateMerged(files []*ast.File, pkg string) bool {
	var units []unit
	var shared []ast.Decl
	for _, f := range files {
		for _, d := range topLevel(f) {
			switch x := d.(type) {
			case *ast.Package, *ast.CommentGroup:
			case *ast.ImportDecl, *ast.LetClause, *ast.Attribute:
				return false
			case *ast.Field:
				name, _ := labelName(x.Label)
				if name == "apiVersion" || name == "name" {
					// Required fields: every group carries them.
					shared = append(shared, d)
					continue
				}
				units = append(units, splitSection(name, x)...)
			default:
				units = append(units, unit{d, size(d), ""})
			}
		}
	}
	// Largest units first, each to the lightest group.
	slices.SortStableFunc(units, func(a, b unit) int { return cmp.Compare(b.size, a.size) })
	total := 0
	for _, u := range units {
		total += u.size
	}
	// More groups than cores, evaluated a core's worth at a time: the
	// memory of an evaluated group is released before the next starts,
	// so the peak is that of a few groups, not of the whole plan.
	procs := runtime.GOMAXPROCS(0)
	// A small plan is one group: splitting it would only compile the
	// schema twice (and lint runs several plans at once anyway).
	n := max(1, (total+groupSize-1)/groupSize)
	groups := make([][]ast.Decl, max(min(n, len(units)), 1))
	sizes := make([]int, len(groups))
	// Entries of one section that land in one group go back into one
	// struct: many conjuncts of one field cost more than one large one.
	entries := make([]map[string]*ast.StructLit, len(groups))
	for _, u := range units {
		i := slices.Index(sizes, slices.Min(sizes))
		sizes[i] += u.size
		if u.section == "" {
			groups[i] = append(groups[i], u.decl)
			continue
		}
		if entries[i] == nil {
			entries[i] = map[string]*ast.StructLit{}
		}
		s := entries[i][u.section]
		if s == nil {
			s = &ast.StructLit{}
			entries[i][u.section] = s
			groups[i] = append(groups[i], &ast.Field{Label: ast.NewIdent(u.section), Value: s})
		}
		s.Elts = append(s.Elts, u.decl)
	}
	var failed atomic.Bool
	sem := make(chan struct{}, procs)
	var wg sync.WaitGroup
	for _, g := range groups {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if !failed.Load() && !validateGroup(slices.Concat(shared, g), pkg) {
				failed.Store(true)
			}
		}()
	}
	wg.Wait()
	return !failed.Load()
}

// groupSize is the amount of plan source, in bytes, validated in one CUE
// evaluation: large enough that the schema's compilation per group is
// noise, small enough that a few groups in memory at once stay far below
// the whole plan's evaluation.
const groupSize = 512 << 10

// topLevel returns a file's declarations; a JSON or YAML file, which is one
// embedded struct, contributes that struct's fields, so that its sections
// are split into groups like a CUE file's.
func topLevel(f *ast.File) []ast.Decl {
	var out []ast.Decl
	for _, d := range f.Decls {
		if e, ok := d.(*ast.EmbedDecl); ok {
			if s, ok := e.Expr.(*ast.StructLit); ok {
				out = append(out, s.Elts...)
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// unit is a declaration validated as a whole, and its size in bytes. An
// entry of a map section names its section; decl is then the entry's field.
type unit struct {
	decl    ast.Decl
	size    int
	section string
}

func size(n ast.Node) int { return n.End().Offset() - n.Pos().Offset() }

// mapSections are the sections of #Plan keyed by ID, whose entries the
// schema checks one by one; their entries can be validated apart.
var mapSections = map[string]bool{
	"regions": true, "tiers": true, "services": true, "components": true,
	"replication": true, "dns": true, "scenarios": true, "runbooks": true,
	"alerts": true, "drills": true, "comms": true,
}

// splitSection splits a map section written as a struct literal into one
// unit per entry, so that one large section (runbooks) does not keep a core
// busy alone.
func splitSection(name string, f *ast.Field) []unit {
	s, ok := f.Value.(*ast.StructLit)
	if !mapSections[name] || !ok || f.Constraint != token.ILLEGAL {
		return []unit{{f, size(f), ""}}
	}
	var out []unit
	for _, el := range s.Elts {
		if _, isField := el.(*ast.Field); !isField {
			// An embedding or comprehension may define several entries.
			return []unit{{f, size(f), ""}}
		}
		out = append(out, unit{el, size(el), name})
	}
	return out
}

// validateGroup validates declarations as the body of a #Plan.
func validateGroup(body []ast.Decl, pkg string) bool {
	sf, err := parser.ParseFile(FileName, Source)
	if err != nil {
		return false
	}
	if pc := packageClause(sf); pc != nil && pkg != "" {
		pc.Name = ast.NewIdent(pkg)
	}
	sf.Decls = append(sf.Decls, &ast.Field{
		Label: ast.NewString(mergedField),
		Value: ast.NewBinExpr(token.AND, ast.NewIdent("#Plan"), &ast.StructLit{Elts: body}),
	})
	inst := build.NewContext().NewInstance(".", nil)
	if err := inst.AddSyntax(sf); err != nil {
		return false
	}
	root := cuecontext.New().BuildInstance(inst)
	if root.Err() != nil {
		return false
	}
	return root.LookupPath(cue.MakePath(cue.Str(mergedField))).Validate(cue.Concrete(true)) == nil
}

// evaluate is the general path: the plan's files are built as the CUE
// package they are and unified with #Plan. On failure it records every
// error it can find.
func (l *loader) evaluate(dir string, files []*ast.File) (unified, user cue.Value, err error) {
	ctx := cuecontext.New()
	inst := build.NewContext().NewInstance(cmp.Or(dir, "."), nil)
	for _, f := range files {
		if err := inst.AddSyntax(f); err != nil {
			l.cueErrors(err, "")
		}
	}
	if err := l.errs.orNil(); err != nil {
		return cue.Value{}, cue.Value{}, err
	}
	def, err := definition(ctx)
	if err != nil {
		// The embedded schema is tested; failing here is a build defect.
		return cue.Value{}, cue.Value{}, fmt.Errorf("internal error: embedded schema: %v", err)
	}
	user = ctx.BuildInstance(inst)
	if err := user.Err(); err != nil {
		l.cueErrors(err, "")
		return cue.Value{}, cue.Value{}, l.errs.orNil()
	}
	unified = def.Unify(user)
	if err := unified.Validate(cue.Concrete(true)); err != nil {
		// Find every error, not only those CUE reported in one
		// evaluation, by descending the plan node by node.
		l.diagnose(def, user, nil)
		if len(l.errs.Diagnostics) == 0 {
			l.cueErrors(err, "")
		}
		return cue.Value{}, cue.Value{}, l.errs.orNil()
	}
	return unified, user, nil
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
	l.digests = map[string][32]byte{name: sha256.Sum256(src)}
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
	// One lookup in the file's line table, not one per accessor.
	pp := p.Position()
	return plan.Pos{File: pp.Filename, Line: pp.Line, Col: pp.Column}
}

// pathString drops the #Plan prefix CUE puts on schema paths.
func pathString(path []string) string {
	if len(path) > 0 && path[0] == "#Plan" {
		path = path[1:]
	}
	return strings.Join(path, ".")
}
