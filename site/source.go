package site

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"cuelang.org/go/cue/scanner"
	"cuelang.org/go/cue/token"

	"github.com/drplan/drplan/plan"
)

// Source is one file of a plan, as copied into the site.
type Source struct {
	// Path is the file as the plan's positions name it.
	Path string
	// Name is its path inside the plan folder ("drills/2026-10-21.cue"):
	// the page is sources/<Name>.html.
	Name string
	Data []byte
}

// ReadSources reads the files a plan was loaded from, so that lint
// findings and verify checks can link to their lines.
func ReadSources(p *plan.Plan) ([]Source, error) {
	if p.Source == nil {
		return nil, nil
	}
	var out []Source
	taken := map[string]bool{}
	for _, f := range p.Source.Files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("plan %s: copying its sources into the site: %w", p.Name, err)
		}
		name := sourceName(p.Source.Dir, f)
		// Loose files from different folders may share a base name.
		for i := 2; taken[name]; i++ {
			name = fmt.Sprintf("%d-%s", i, path.Base(sourceName(p.Source.Dir, f)))
		}
		taken[name] = true
		out = append(out, Source{Path: f, Name: name, Data: data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// sourceName is file's path inside dir, slash-separated, or its base name
// when it lies outside (files named one by one on the command line).
func sourceName(dir, file string) string {
	if dir != "" {
		if rel, err := filepath.Rel(dir, file); err == nil && filepath.IsLocal(rel) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.Base(file)
}

// sourceIndex finds the site page of a position's file, whichever way the
// path was spelt (as loaded, absolute, or relative to the plan folder).
type sourceIndex struct {
	byPath map[string]string
	dirs   []string
}

func newSourceIndex(p *plan.Plan, sources []Source, extraDirs ...string) *sourceIndex {
	ix := &sourceIndex{byPath: map[string]string{}}
	if p.Source != nil && p.Source.Dir != "" {
		ix.dirs = append(ix.dirs, p.Source.Dir)
	}
	for _, d := range extraDirs {
		if d != "" {
			ix.dirs = append(ix.dirs, d)
		}
	}
	for _, s := range sources {
		ix.byPath[filepath.Clean(s.Path)] = s.Name
		if abs, err := filepath.Abs(s.Path); err == nil {
			ix.byPath[abs] = s.Name
		}
		ix.byPath["\x00"+s.Name] = s.Name
	}
	return ix
}

// page returns the source page name of pos's file, or "".
func (ix *sourceIndex) page(file string) string {
	if file == "" {
		return ""
	}
	if n, ok := ix.byPath[filepath.Clean(file)]; ok {
		return n
	}
	if abs, err := filepath.Abs(file); err == nil {
		if n, ok := ix.byPath[abs]; ok {
			return n
		}
	}
	for _, d := range ix.dirs {
		if rel, err := filepath.Rel(d, file); err == nil && filepath.IsLocal(rel) {
			if n, ok := ix.byPath["\x00"+filepath.ToSlash(rel)]; ok {
				return n
			}
		}
	}
	return ""
}

// seg is a run of source text with one highlighting class ("" for none).
type seg struct {
	C string
	T string
}

// Highlighting classes, styled in site.css.
const (
	clComment = "c"
	clString  = "s"
	clNumber  = "n"
	clKeyword = "k"
	clLabel   = "l"
	clAttr    = "a"
)

type span struct {
	start, end int
	class      string
}

// highlight splits src into lines of classed segments. CUE and JSON are
// read with CUE's own scanner, so what is highlighted as a string or a
// comment is exactly what CUE reads as one; YAML gets its keys and
// comments marked line by line. Whatever cannot be scanned is shown plain.
func highlight(name string, src []byte) [][]seg {
	var spans []span
	switch strings.ToLower(path.Ext(name)) {
	case ".cue", ".json":
		spans = cueSpans(src)
	case ".yaml", ".yml":
		spans = yamlSpans(src)
	}
	var lines [][]seg
	var cur []seg
	emit := func(text, class string) {
		for {
			i := strings.IndexByte(text, '\n')
			if i < 0 {
				if text != "" {
					cur = append(cur, seg{class, text})
				}
				return
			}
			if i > 0 {
				cur = append(cur, seg{class, strings.TrimSuffix(text[:i], "\r")})
			}
			lines = append(lines, cur)
			cur = nil
			text = text[i+1:]
		}
	}
	at := 0
	for _, s := range spans {
		if s.start < at || s.end > len(src) || s.start > s.end {
			continue // overlapping or out of range: leave it plain
		}
		emit(string(src[at:s.start]), "")
		emit(string(src[s.start:s.end]), s.class)
		at = s.end
	}
	emit(string(src[at:]), "")
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

func cueSpans(src []byte) (spans []span) {
	var s scanner.Scanner
	failed := false
	s.Init(token.NewFile("", -1, len(src)), src, func(token.Pos, string, []interface{}) { failed = true }, scanner.ScanComments)
	var interp []int // paren depth inside each open string interpolation
	prev := -1       // index in spans of the previous token when it may be a label
	for !failed {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := pos.Offset()
		class := ""
		switch {
		case tok == token.COMMENT:
			class = clComment
		case tok == token.STRING:
			class = clString
		case tok == token.INTERPOLATION:
			class = clString
			interp = append(interp, 0)
		case tok == token.INT || tok == token.FLOAT:
			class = clNumber
		case tok == token.ATTRIBUTE:
			class = clAttr
		case tok.IsKeyword() || (tok == token.IDENT && (lit == "package" || lit == "import")):
			class = clKeyword
		case tok == token.LPAREN && len(interp) > 0:
			interp[len(interp)-1]++
		case tok == token.RPAREN && len(interp) > 0:
			if interp[len(interp)-1] > 0 {
				interp[len(interp)-1]--
				break
			}
			interp = interp[:len(interp)-1]
			rest := s.ResumeInterpolation()
			spans = append(spans, span{off, off + len(rest), clString})
			if strings.HasSuffix(rest, `\(`) {
				interp = append(interp, 0)
			}
			prev = -1
			continue
		case tok == token.COLON && prev >= 0:
			spans[prev].class = clLabel
		}
		if tok == token.COMMA && lit == "\n" {
			continue // a comma the scanner inserted at a line end
		}
		prev = -1
		if class != "" || tok == token.IDENT {
			if tok == token.IDENT || tok == token.STRING {
				prev = len(spans)
			}
			spans = append(spans, span{off, off + len(lit), class})
		}
	}
	if failed {
		return nil
	}
	return spans
}

var (
	yamlKey     = regexp.MustCompile(`^(\s*(?:-\s+)?)("[^"]*"|'[^']*'|[^\s#'"{\[][^:#]*?)\s*:(?:\s|$)`)
	yamlComment = regexp.MustCompile(`(?:^|\s)(#.*)$`)
)

func yamlSpans(src []byte) (spans []span) {
	off := 0
	for _, line := range strings.SplitAfter(string(src), "\n") {
		text := strings.TrimRight(line, "\r\n")
		end := len(text)
		if m := yamlKey.FindStringSubmatchIndex(text); m != nil {
			spans = append(spans, span{off + m[4], off + m[5], clLabel})
		}
		// A # starts a comment unless it sits inside quotes; counting
		// quotes before it is enough for plan files.
		if m := yamlComment.FindStringSubmatchIndex(text); m != nil {
			before := text[:m[2]]
			if strings.Count(before, `"`)%2 == 0 && strings.Count(before, `'`)%2 == 0 {
				if len(spans) == 0 || spans[len(spans)-1].end <= off+m[2] {
					spans = append(spans, span{off + m[2], off + end, clComment})
				}
			}
		}
		off += len(line)
	}
	return spans
}
