// Package signoff records a business approval of a tier's objectives in the
// plan's own CUE source, bound to them by digest.
package signoff

import (
	"fmt"
	"os"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/drplan/drplan/atomicfile"
	"github.com/drplan/drplan/plan"
)

// Request is one sign-off to record.
type Request struct {
	Tier string
	Role string
	Name string
	Date plan.Date
}

// Record writes the sign-off into the CUE file that declares the tier,
// replacing an earlier sign-off by the same role, and returns the file it
// edited and the digest it recorded. The file is rewritten atomically and
// formatted as cue fmt would.
func Record(p *plan.Plan, r Request) (file, digest string, err error) {
	t := p.Tiers[r.Tier]
	if t == nil {
		return "", "", fmt.Errorf("tier %q is not declared in plan %q", r.Tier, p.Name)
	}
	digest = p.TierDigest(r.Tier)
	file = p.Source.Pos("tiers", r.Tier).File
	if !strings.HasSuffix(file, ".cue") {
		return "", "", fmt.Errorf("tier %q is declared in %s; drplan signoff edits CUE files only", r.Tier, file)
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return "", "", err
	}
	f, err := parser.ParseFile(file, src, parser.ParseComments)
	if err != nil {
		return "", "", err
	}
	tier := findStruct(f.Decls, "tiers", r.Tier)
	if tier == nil {
		return "", "", fmt.Errorf("%s: cannot find tiers.%s written as a struct literal; add the sign-off by hand", file, r.Tier)
	}
	given := ensureList(ensureStruct(tier, "signoff"), "given")
	entry := &ast.StructLit{}
	for _, kv := range [][2]string{{"role", r.Role}, {"name", r.Name}, {"date", r.Date.String()}, {"digest", digest}} {
		entry.Elts = append(entry.Elts, &ast.Field{Label: ast.NewIdent(kv[0]), Value: ast.NewString(kv[1])})
	}
	replaced := false
	for i, el := range given.Elts {
		if s, ok := el.(*ast.StructLit); ok && stringField(s, "role") == r.Role {
			given.Elts[i] = entry
			replaced = true
		}
	}
	if !replaced {
		given.Elts = append(given.Elts, entry)
	}
	out, err := format.Node(f)
	if err != nil {
		return "", "", err
	}
	return file, digest, atomicfile.Write(file, out, 0o644)
}

// findStruct follows labels through nested struct literals, in either the
// long form (tiers: {tier0: {...}}) or the short one (tiers: tier0: {...}).
func findStruct(decls []ast.Decl, labels ...string) *ast.StructLit {
	for _, d := range decls {
		f, ok := d.(*ast.Field)
		if !ok || labelOf(f.Label) != labels[0] {
			continue
		}
		s, ok := f.Value.(*ast.StructLit)
		if !ok {
			continue
		}
		if len(labels) == 1 {
			return s
		}
		if found := findStruct(s.Elts, labels[1:]...); found != nil {
			return found
		}
	}
	return nil
}

func labelOf(l ast.Label) string {
	switch x := l.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.BasicLit:
		if s, err := literal.Unquote(x.Value); err == nil {
			return s
		}
	}
	return ""
}

func ensureStruct(s *ast.StructLit, label string) *ast.StructLit {
	if found := findStruct(s.Elts, label); found != nil {
		return found
	}
	n := &ast.StructLit{Lbrace: token.Blank.Pos(), Rbrace: token.Newline.Pos()}
	s.Elts = append(s.Elts, &ast.Field{Label: ast.NewIdent(label), Value: n})
	return n
}

func ensureList(s *ast.StructLit, label string) *ast.ListLit {
	for _, d := range s.Elts {
		if f, ok := d.(*ast.Field); ok && labelOf(f.Label) == label {
			if l, ok := f.Value.(*ast.ListLit); ok {
				return l
			}
		}
	}
	l := &ast.ListLit{}
	s.Elts = append(s.Elts, &ast.Field{Label: ast.NewIdent(label), Value: l})
	return l
}

func stringField(s *ast.StructLit, label string) string {
	for _, d := range s.Elts {
		if f, ok := d.(*ast.Field); ok && labelOf(f.Label) == label {
			if lit, ok := f.Value.(*ast.BasicLit); ok {
				v, _ := literal.Unquote(lit.Value)
				return v
			}
		}
	}
	return ""
}
