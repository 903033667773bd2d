package site

import (
	"bytes"
	"html/template"
	"path"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdownPage converts one of the generator's Markdown artefacts into HTML
// for a page of the site. Raw HTML in the Markdown is dropped (goldmark's
// default, and the generators escape plan text besides) and goldmark
// blanks javascript:, vbscript:, file: and data: link targets, so plan
// strings stay data.
//
// pages is the set of Markdown files (relative to the artefact's folder)
// that the site renders as pages: a link to one of them is pointed at its
// .html page instead. shift demotes headings, for Markdown embedded below
// a page's own heading.
func markdownPage(md []byte, from string, pages map[string]bool, shift int) (template.HTML, error) {
	m := goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(&rewriter{from: from, pages: pages, shift: shift}, 100)),
		),
	)
	var b bytes.Buffer
	if err := m.Convert(md, &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // goldmark output with raw HTML omitted
}

// rewriter points links at the site's pages and shifts heading levels.
type rewriter struct {
	from  string // the Markdown file's path, relative to the plan folder
	pages map[string]bool
	shift int
}

func (r *rewriter) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(n.Level+r.shift, 6)
		case *ast.Link:
			n.Destination = r.link(n.Destination)
		}
		return ast.WalkContinue, nil
	})
}

// link maps a relative link to a rendered Markdown file onto its page.
func (r *rewriter) link(dest []byte) []byte {
	d := string(dest)
	if strings.Contains(d, ":") || strings.HasPrefix(d, "/") || strings.HasPrefix(d, "#") {
		return dest
	}
	target, frag, _ := strings.Cut(d, "#")
	resolved := path.Join(path.Dir(r.from), target)
	if !strings.HasSuffix(resolved, ".md") || !r.pages[resolved] {
		return dest
	}
	d = strings.TrimSuffix(target, ".md") + ".html"
	if frag != "" {
		d += "#" + frag
	}
	return []byte(d)
}
