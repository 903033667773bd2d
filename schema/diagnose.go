package schema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"

	"github.com/drplan/drplan/plan"
)

// diagnose finds every error under the user's value u checked against the
// schema value s. One CUE evaluation reports only some errors (the first
// failing element of a list, no closedness errors once a value conflicts,
// no missing fields once anything else fails), so the loader descends into
// every node whose subtree fails and checks it on its own: fields the schema
// does not allow, fields the schema requires that are missing, and the
// leaves that conflict. Valid subtrees are checked once and skipped, so the
// cost is proportional to the number of errors, not to the plan's size.
func (l *loader) diagnose(s, u cue.Value, path []string) {
	m := s.Unify(u)
	err := m.Validate(cue.Concrete(true))
	if err == nil {
		return
	}
	before := len(l.errs.Diagnostics)
	switch {
	case u.IncompleteKind() == cue.StructKind && s.IncompleteKind()&cue.StructKind != 0:
		l.diagnoseStruct(s, u, path)
	case u.IncompleteKind() == cue.ListKind && s.IncompleteKind()&cue.ListKind != 0:
		if elem := s.LookupPath(cue.MakePath(cue.AnyIndex)); elem.Exists() {
			it, lerr := u.List()
			if lerr == nil {
				for i := 0; it.Next(); i++ {
					l.diagnose(elem, it.Value(), append(path, strconv.Itoa(i)))
				}
			}
		}
	}
	if len(l.errs.Diagnostics) > before {
		return
	}
	l.leaf(s, u, path, err)
}

func (l *loader) diagnoseStruct(s, u cue.Value, path []string) {
	resolved := withValidScalars(s, u)
	it, err := u.Fields()
	if err != nil {
		return
	}
	for it.Next() {
		sel := it.Selector()
		label := sel.Unquoted()
		sub, ok := schemaField(resolved, label)
		if !ok {
			l.notAllowed(s, it.Value(), append(path, label), label)
			continue
		}
		l.diagnose(sub, it.Value(), append(path, label))
	}
	// Required fields the user did not write. Optional fields and fields
	// with defaults are not required.
	fields, err := s.Fields()
	if err != nil {
		return
	}
	for fields.Next() {
		label := fields.Selector().Unquoted()
		if u.LookupPath(cue.MakePath(cue.Str(label))).Exists() {
			continue
		}
		if _, hasDefault := fields.Value().Default(); hasDefault {
			continue
		}
		if fields.Value().IsConcrete() {
			continue
		}
		l.errs.add(toPos(u.Pos()), pathString(path), "missing required field %q (%s)", label, describe(fields.Value()))
	}
}

// withValidScalars fills the user's valid scalar fields into the schema s,
// so that parts of the schema that depend on them (aws: #AWS[kind]) are
// resolved while the struct as a whole still fails.
func withValidScalars(s, u cue.Value) cue.Value {
	it, err := u.Fields()
	if err != nil {
		return s
	}
	for it.Next() {
		v := it.Value()
		if k := v.IncompleteKind(); k == cue.StructKind || k == cue.ListKind || !v.IsConcrete() {
			continue
		}
		label := it.Selector().Unquoted()
		sub, ok := schemaField(s, label)
		if !ok || sub.Unify(v).Validate(cue.Concrete(true)) != nil {
			continue
		}
		s = s.FillPath(cue.MakePath(cue.Str(label)), v)
	}
	return s
}

// schemaField returns the schema of field label within s: a regular or
// optional field, or the pattern constraint of a map.
func schemaField(s cue.Value, label string) (cue.Value, bool) {
	sel := cue.Str(label)
	if !s.Allows(sel) {
		return cue.Value{}, false
	}
	if v := s.LookupPath(cue.MakePath(sel)); v.Exists() {
		return v, true
	}
	if v := s.LookupPath(cue.MakePath(sel.Optional())); v.Exists() {
		return v, true
	}
	if v := s.LookupPath(cue.MakePath(cue.AnyString)); v.Exists() {
		return v, true
	}
	return cue.Value{}, false
}

func (l *loader) notAllowed(s, u cue.Value, path []string, label string) {
	pos := toPos(u.Pos())
	var names []string
	if it, err := s.Fields(cue.Optional(true)); err == nil {
		for it.Next() {
			names = append(names, it.Selector().Unquoted())
		}
	}
	// A struct with no named fields is a map keyed by IDs or regions, which
	// rejected a badly formed key.
	if len(names) == 0 {
		want := "an ID: lowercase letters, digits and '-', at most 63 characters"
		if len(path) >= 2 && path[len(path)-2] == "regions" {
			want = `an AWS region name such as "us-east-1"`
		}
		l.errs.add(pos, pathString(path), "%q is not a valid key here (want %s)", label, want)
		return
	}
	msg := fmt.Sprintf("field %q is not allowed here", label)
	if sug := plan.Closest(label, names); sug != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", sug)
	} else if len(names) > 0 && len(names) <= 12 {
		msg += " (allowed: " + strings.Join(names, ", ") + ")"
	}
	l.errs.add(pos, pathString(path), "%s", msg)
}

// leaf reports the errors of a node that has no failing children.
func (l *loader) leaf(s, u cue.Value, path []string, err error) {
	pos := toPos(u.Pos())
	if !pos.IsValid() {
		for _, e := range cueerrors.Errors(err) {
			if pos = userPos(cueerrors.Positions(e)); pos.IsValid() {
				break
			}
		}
	}
	p := pathString(path)
	// An enum: name the allowed values instead of CUE's one conflict per
	// alternative.
	if alts := enumValues(s); alts != nil && u.IsConcrete() {
		l.errs.add(pos, p, "invalid value %s (want one of %s)", short(u), strings.Join(alts, ", "))
		return
	}
	if op, args := disjuncts(s); op == cue.OrOp && u.IsConcrete() && u.Kind() != cue.StructKind && u.Kind() != cue.ListKind {
		var alts []string
		for _, a := range args {
			alts = append(alts, describe(a))
		}
		l.errs.add(pos, p, "invalid value %s (want %s)", short(u), strings.Join(alts, " or "))
		return
	}
	seen := map[string]bool{}
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		msg := friendly(fmt.Sprintf(format, args...))
		if strings.Contains(msg, "errors in empty disjunction") || seen[msg] {
			continue
		}
		seen[msg] = true
		epos := pos
		if !epos.IsValid() {
			epos = userPos(cueerrors.Positions(e))
		}
		ep := pathString(e.Path())
		if ep == "" || !strings.HasPrefix(ep, p) {
			ep = p
		}
		l.errs.add(epos, ep, "%s", msg)
	}
}

// disjuncts returns the alternatives of s, looking through a reference to a
// named disjunction (strategy?: #Strategy).
func disjuncts(s cue.Value) (cue.Op, []cue.Value) {
	if op, args := s.Expr(); op == cue.OrOp {
		return op, args
	}
	return s.Eval().Expr()
}

// enumValues lists the alternatives of a disjunction of concrete values.
func enumValues(s cue.Value) []string {
	op, args := disjuncts(s)
	if op != cue.OrOp || len(args) < 2 {
		return nil
	}
	var out []string
	for _, a := range args {
		if !a.IsConcrete() || a.IncompleteKind()&(cue.StringKind|cue.NumberKind|cue.BoolKind) == 0 {
			return nil
		}
		out = append(out, fmt.Sprint(a))
	}
	return out
}

func short(v cue.Value) string {
	s := fmt.Sprint(v)
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

// describe says in words what a schema value wants.
func describe(v cue.Value) string {
	if alts := enumValues(v); alts != nil {
		return "one of " + strings.Join(alts, ", ")
	}
	text := fmt.Sprint(v)
	if d, ok := namedPatterns()[text]; ok {
		return d
	}
	if v.IsConcrete() && v.Kind() != cue.StructKind && v.Kind() != cue.ListKind {
		return text
	}
	if op, args := v.Expr(); op == cue.RegexMatchOp && len(args) == 1 {
		if re, err := args[0].String(); err == nil {
			return "a string matching " + re
		}
	}
	switch v.IncompleteKind() {
	case cue.StructKind:
		return "a struct"
	case cue.ListKind:
		return "a list"
	case cue.StringKind:
		return "a string"
	case cue.IntKind:
		return "an integer"
	case cue.NumberKind, cue.FloatKind:
		return "a number"
	case cue.BoolKind:
		return "true or false"
	}
	return "a value"
}

var mismatchRE = regexp.MustCompile(`^conflicting values (.+) and (.+) \(mismatched types (\w+) and (\w+)\)$`)

var kindWords = map[string]string{
	"int": "an integer", "float": "a number", "number": "a number", "string": "a string",
	"bool": "true or false", "struct": "a struct", "list": "a list", "null": "null",
}

var boundRE = regexp.MustCompile(`\(out of bound (=~"(?:[^"\\]|\\.)*")\)`)

// friendly rewrites the schema's regular expressions in CUE messages into
// the words a plan author understands.
func friendly(msg string) string {
	msg = boundRE.ReplaceAllStringFunc(msg, func(m string) string {
		bound := boundRE.FindStringSubmatch(m)[1]
		if d, ok := namedPatterns()[bound]; ok {
			return "(want " + d + ")"
		}
		return m
	})
	msg = strings.ReplaceAll(msg, `(does not satisfy time.Format("2006-01-02"))`, "(want a real date written YYYY-MM-DD)")
	if m := mismatchRE.FindStringSubmatch(msg); m != nil {
		// "conflicting values 1 and string (mismatched types int and
		// string)" says the same thing three times.
		want := m[2]
		if d, ok := namedPatterns()[want]; ok {
			want = d
		} else if k := kindWords[m[4]]; k != "" && want == m[4] {
			want = k
		}
		msg = fmt.Sprintf("invalid value %s: want %s, not %s", m[1], want, kindWords[m[3]])
	}
	if strings.HasPrefix(msg, "incomplete value ") {
		msg = "missing value: want " + strings.TrimPrefix(msg, "incomplete value ")
	}
	return msg
}

var (
	patternsOnce sync.Once
	patterns     map[string]string
)

// namedPatterns maps the printed form of the schema's named constraints to
// a description; read from the schema itself so the two cannot drift.
func namedPatterns() map[string]string {
	patternsOnce.Do(func() {
		words := map[string]string{
			"#ID":        "an ID: lowercase letters, digits and '-', at most 63 characters",
			"#Duration":  `a duration such as "60s", "5m", "4h", "1h30m" or "90d"`,
			"#Date":      `a date written YYYY-MM-DD`,
			"#Timestamp": `an RFC 3339 timestamp such as "2026-08-14T09:30:00Z"`,
			"#Region":    `an AWS region name such as "us-east-1"`,
			"#Currency":  `an ISO 4217 currency code such as "USD"`,
		}
		patterns = make(map[string]string)
		f, err := parsed()
		if err != nil {
			return
		}
		v := cuecontext.New().BuildFile(f)
		for name, d := range words {
			patterns[fmt.Sprint(v.LookupPath(cue.ParsePath(name)))] = d
		}
	})
	return patterns
}

// recordPositions stores the position of every node of the user's value.
func recordPositions(src *plan.Source, v cue.Value, path []string) {
	switch v.IncompleteKind() {
	case cue.StructKind:
		it, err := v.Fields()
		if err != nil {
			return
		}
		for it.Next() {
			p := append(path, it.Selector().Unquoted())
			src.Set(strings.Join(p, "."), toPos(it.Value().Pos()))
			recordPositions(src, it.Value(), p)
		}
	case cue.ListKind:
		it, err := v.List()
		if err != nil {
			return
		}
		for i := 0; it.Next(); i++ {
			p := append(path, strconv.Itoa(i))
			src.Set(strings.Join(p, "."), toPos(it.Value().Pos()))
			recordPositions(src, it.Value(), p)
		}
	}
}
