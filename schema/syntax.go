package schema

import (
	"encoding"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"

	"github.com/drplan/drplan/plan"
)

// Most plans are plain data: fields, structs, lists and literals, with no
// references, comprehensions or definitions. For those, the plan's content
// and the position of every node are read straight from the syntax into the
// typed plan once CUE has validated it, which is many times cheaper than
// walking the evaluated value (CUE re-sorts every struct it iterates). Plans that use CUE's language features take
// the general path through cue.Value.

// decodeSyntax decodes the files into p and records positions in src. ok is
// false when a file uses anything but plain data; p is then incomplete and
// must be discarded.
func decodeSyntax(files []*ast.File, p *plan.Plan, src *plan.Source) (ok bool) {
	d := syntaxDecoder{src: src}
	root := reflect.ValueOf(p).Elem()
	for _, f := range files {
		for _, decl := range f.Decls {
			switch x := decl.(type) {
			case *ast.Package, *ast.CommentGroup, *ast.Attribute:
			case *ast.Field:
				if !d.field(root, x, "") {
					return false
				}
			case *ast.EmbedDecl:
				// A JSON file is one embedded struct.
				s, isStruct := x.Expr.(*ast.StructLit)
				if !isStruct || !d.decode(root, s, "") {
					return false
				}
			default:
				return false
			}
		}
	}
	return true
}

type syntaxDecoder struct {
	src *plan.Source
}

// field decodes one field into the struct or map v.
func (d *syntaxDecoder) field(v reflect.Value, f *ast.Field, path string) bool {
	if f.Constraint != token.ILLEGAL {
		return false // optional or required markers are schema, not data
	}
	name, ok := labelName(f.Label)
	if !ok {
		return false
	}
	p := join(path, name)
	d.src.Set(p, toPos(f.Label.Pos()))
	switch v.Kind() {
	case reflect.Struct:
		i, ok := fieldIndex(v.Type())[name]
		if !ok {
			return false
		}
		return d.decode(v.Field(i), f.Value, p)
	case reflect.Map:
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		key := reflect.ValueOf(name)
		elem := v.MapIndex(key)
		if elem.IsValid() && elem.Kind() == reflect.Pointer {
			// Another file declared this entry too: decode into it, so
			// that the declarations merge as they do in CUE.
			return d.decode(elem, f.Value, p)
		}
		nv := reflect.New(v.Type().Elem()).Elem()
		if elem.IsValid() {
			nv.Set(elem)
		}
		if !d.decode(nv, f.Value, p) {
			return false
		}
		v.SetMapIndex(key, nv)
		return true
	}
	return false
}

// decode stores the syntax e in v.
func (d *syntaxDecoder) decode(v reflect.Value, e ast.Expr, path string) bool {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if u, ok := v.Interface().(encoding.TextUnmarshaler); ok {
			s, ok := stringLit(e)
			return ok && u.UnmarshalText([]byte(s)) == nil
		}
		return d.decode(v.Elem(), e, path)
	}
	if v.CanAddr() {
		if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
			s, ok := stringLit(e)
			return ok && u.UnmarshalText([]byte(s)) == nil
		}
	}
	switch x := e.(type) {
	case *ast.StructLit:
		if v.Kind() != reflect.Struct && v.Kind() != reflect.Map {
			return false
		}
		for _, el := range x.Elts {
			switch f := el.(type) {
			case *ast.CommentGroup, *ast.Attribute:
			case *ast.Field:
				if !d.field(v, f, path) {
					return false
				}
			default:
				return false
			}
		}
		return true
	case *ast.ListLit:
		if v.Kind() != reflect.Slice {
			return false
		}
		s := v
		if v.Len() > 0 {
			// The same list declared again: CUE checked that the two
			// unify, so they have the same length and each element adds
			// to the one before it (a struct may gain fields).
			if v.Len() != len(x.Elts) {
				return false
			}
		} else {
			s = reflect.MakeSlice(v.Type(), len(x.Elts), len(x.Elts))
		}
		for i, el := range x.Elts {
			p := join(path, strconv.Itoa(i))
			d.src.Set(p, toPos(el.Pos()))
			if !d.decode(s.Index(i), el, p) {
				return false
			}
		}
		v.Set(s)
		return true
	case *ast.BasicLit:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String && x.Kind == token.STRING {
			// One ID where the schema also takes a list (restoreFrom,
			// failbackFor): validation has passed, so the field allows it.
			str, ok := stringLit(x)
			if !ok || v.Len() > 0 && (v.Len() != 1 || v.Index(0).String() != str) {
				return false
			}
			s := reflect.MakeSlice(v.Type(), 1, 1)
			s.Index(0).SetString(str)
			v.Set(s)
			return true
		}
		return setBasic(v, x, "")
	case *ast.UnaryExpr:
		if lit, isLit := x.X.(*ast.BasicLit); isLit && x.Op == token.SUB {
			return setBasic(v, lit, "-")
		}
	}
	return false
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING || strings.HasPrefix(lit.Value, "'") {
		return "", false
	}
	s, err := literal.Unquote(lit.Value)
	return s, err == nil
}

func setBasic(v reflect.Value, x *ast.BasicLit, sign string) bool {
	switch x.Kind {
	case token.STRING:
		s, ok := stringLit(x)
		if !ok || v.Kind() != reflect.String {
			return false
		}
		v.SetString(s)
		return true
	case token.INT, token.FLOAT:
		// Decimal literals only; CUE's multipliers and bases go the general way.
		n := sign + strings.ReplaceAll(x.Value, "_", "")
		switch v.Kind() {
		case reflect.Int, reflect.Int64:
			i, err := strconv.ParseInt(n, 10, 64)
			if err != nil || v.OverflowInt(i) {
				return false
			}
			v.SetInt(i)
			return true
		case reflect.Float64:
			if strings.ContainsAny(n, "xXoObB") {
				return false
			}
			f, err := strconv.ParseFloat(n, 64)
			if err != nil {
				return false
			}
			v.SetFloat(f)
			return true
		}
	case token.TRUE, token.FALSE:
		if v.Kind() != reflect.Bool {
			return false
		}
		v.SetBool(x.Kind == token.TRUE)
		return true
	}
	return false
}

var fieldIndexes sync.Map // reflect.Type -> map[string]int

// fieldIndex maps a struct's JSON field names, which are the plan's CUE
// field names, to field indexes.
func fieldIndex(t reflect.Type) map[string]int {
	if m, ok := fieldIndexes.Load(t); ok {
		return m.(map[string]int)
	}
	m := map[string]int{}
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	fieldIndexes.Store(t, m)
	return m
}

// join extends a node path ("" is the root) by one element.
func join(path, elem string) string {
	if path == "" {
		return elem
	}
	return path + "." + elem
}

func labelName(l ast.Label) (string, bool) {
	switch x := l.(type) {
	case *ast.Ident:
		if strings.HasPrefix(x.Name, "#") || strings.HasPrefix(x.Name, "_") {
			return "", false
		}
		return x.Name, true
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return "", false
		}
		s, err := literal.Unquote(x.Value)
		return s, err == nil
	}
	return "", false
}
