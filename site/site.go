// Package site builds the auditor site: a static set of HTML pages, one
// folder per plan next to its rendered artefacts, that shows every plan's
// objectives, sign-offs, lint findings, drills, verify evidence,
// communications and cost, with the plan's own source files as
// line-anchored pages that findings link to.
//
// The site works from file:// and any static host: every link is relative,
// the stylesheet is a file of the site, and nothing is fetched from
// elsewhere. Pages are built with html/template, so plan text is always
// escaped and unsafe URLs never become links; no page carries a script.
// Like the rest of render, the same input builds the same bytes.
package site

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/generator"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
)

//go:embed templates/*.html assets/*
var content embed.FS

// Plan is one plan and what render produced and found for it.
type Plan struct {
	Plan *plan.Plan
	// Now is the date the plan is shown as of (review due, lint).
	Now time.Time
	// Findings and Suppressed are the plan's lint results as of Now.
	Findings, Suppressed []report.Finding
	// Files are the plan's rendered artefacts, relative to its folder
	// (strategy.md, runbooks/<id>.md, cost.md, comms/..., architecture.svg):
	// the site's pages show them rather than render the plan again.
	Files generator.Files
	// Sources are the plan's files, copied into the site as pages.
	Sources []Source
}

// Input is everything one site shows.
type Input struct {
	Plans []Plan
	// Evidence are verify records; each plan shows the latest one that
	// checked it, and the earlier ones as history.
	Evidence []*evidence.Record
	// Tool names what rendered the site, in its footer ("drplan v1.2.0").
	Tool string
}

// Build returns the site's files, keyed by path relative to the output
// directory: index.html and site.css at the top, and per plan
// <plan>/index.html and the pages beside it. <plan>/strategy.html takes
// the place of the generator's standalone page of the same document.
func Build(in Input) (generator.Files, error) {
	b := &builder{files: generator.Files{}, tool: in.Tool}
	css, err := content.ReadFile("assets/site.css")
	if err != nil {
		return nil, err
	}
	b.files["site.css"] = css
	var views []*planView
	for i := range in.Plans {
		pl := &in.Plans[i]
		recs := recordsFor(in.Evidence, pl.Plan.Name)
		var dirs []string
		for _, r := range recs {
			dirs = append(dirs, r.plan.Path)
		}
		ix := newSourceIndex(pl.Plan, pl.Sources, dirs...)
		v := newPlanView(pl, recs, ix)
		views = append(views, v)
		if err := b.plan(pl, v); err != nil {
			return nil, fmt.Errorf("plan %s: site: %w", pl.Plan.Name, err)
		}
	}
	if err := b.page("index.html", "home", &page{Title: "DR plans", Plans: views}); err != nil {
		return nil, err
	}
	return b.files, nil
}

type builder struct {
	files generator.Files
	tool  string
}

// page is what every template receives.
type page struct {
	Title string
	// Root is the way from the page up to the site's top ("../../"),
	// P the way to its plan's folder.
	Root, P string
	Tool    string
	Plan    *planView
	Nav     []navItem
	Plans   []*planView
	Body    template.HTML // converted Markdown
	Runbook *runbookView
	Source  *sourceView
	Comms   []commSection
	Bundle  []string
}

type navItem struct {
	Href, Label string
	Current     bool
}

type commSection struct {
	Scenario, Title string
	Body            template.HTML
}

type sourceView struct {
	Name  string
	Lines []sourceLine
}

type sourceLine struct {
	N     int
	Segs  []seg
	Marks []mark
}

type mark struct {
	Label, Href, State string
}

var tabs = []struct{ file, label string }{
	{"index.html", "Overview"}, {"strategy.html", "Strategy"}, {"architecture.html", "Architecture"},
	{"runbooks.html", "Runbooks"}, {"drills.html", "Drills"}, {"signoffs.html", "Sign-offs"},
	{"lint.html", "Lint"}, {"verify.html", "Verify"}, {"comms.html", "Comms"}, {"cost.html", "Cost"},
	{"sources.html", "Sources"},
}

func (b *builder) plan(pl *Plan, v *planView) error {
	name := pl.Plan.Name
	// The Markdown artefacts that become pages; links between them are
	// pointed at the pages.
	mdPages := map[string]bool{"strategy.md": true, "cost.md": true}
	for _, id := range plan.Keys(pl.Plan.Runbooks) {
		mdPages["runbooks/"+id+".md"] = true
	}
	for _, s := range pl.Sources {
		v.Sources = append(v.Sources, sourceRef{Name: s.Name, Href: "sources/" + pathEscape(s.Name) + ".html"})
	}
	mk := func(file, tab, title string) *page {
		depth := strings.Count(file, "/")
		p := &page{Title: title + " · " + v.Title, Plan: v,
			Root: strings.Repeat("../", depth+1), P: strings.Repeat("../", depth)}
		for _, t := range tabs {
			p.Nav = append(p.Nav, navItem{Href: p.P + t.file, Label: t.label, Current: t.file == tab})
		}
		return p
	}
	md := func(file string, shift int) (template.HTML, error) {
		data, ok := pl.Files[file]
		if !ok {
			return "", fmt.Errorf("%s was not rendered", file)
		}
		return markdownPage(data, file, mdPages, shift)
	}
	out := func(file, tmpl string, p *page) error { return b.page(name+"/"+file, tmpl, p) }

	p := mk("index.html", "index.html", "Overview")
	p.Title = v.Title
	if err := out("index.html", "overview", p); err != nil {
		return err
	}
	p = mk("strategy.html", "strategy.html", "Strategy")
	var err error
	if p.Body, err = md("strategy.md", 0); err != nil {
		return err
	}
	if err := out("strategy.html", "markdown", p); err != nil {
		return err
	}
	if err := out("architecture.html", "architecture", mk("architecture.html", "architecture.html", "Architecture")); err != nil {
		return err
	}
	if err := out("runbooks.html", "runbooks", mk("runbooks.html", "runbooks.html", "Runbooks")); err != nil {
		return err
	}
	for i := range v.Runbooks {
		rv := &v.Runbooks[i]
		file := "runbooks/" + rv.ID + ".html"
		p := mk(file, "runbooks.html", "Runbook "+rv.Title)
		p.Runbook = rv
		if p.Body, err = md("runbooks/"+rv.ID+".md", 0); err != nil {
			return err
		}
		for _, f := range []string{"run.sh", "manifest.json"} {
			if _, ok := pl.Files["bundle/"+rv.ID+"/"+f]; ok {
				p.Bundle = append(p.Bundle, f)
			}
		}
		if err := out(file, "runbook", p); err != nil {
			return err
		}
	}
	for _, pg := range []struct{ file, tmpl, title string }{
		{"drills.html", "drills", "Drills"}, {"signoffs.html", "signoffs", "Sign-offs"},
		{"lint.html", "lint", "Lint findings"}, {"verify.html", "verify", "Verify evidence"},
		{"sources.html", "sources", "Plan sources"},
	} {
		if err := out(pg.file, pg.tmpl, mk(pg.file, pg.file, pg.title)); err != nil {
			return err
		}
	}
	p = mk("comms.html", "comms.html", "Communications")
	if p.Comms, err = comms(pl); err != nil {
		return err
	}
	if err := out("comms.html", "comms", p); err != nil {
		return err
	}
	p = mk("cost.html", "cost.html", "Cost")
	if v.HasCost {
		if p.Body, err = md("cost.md", 0); err != nil {
			return err
		}
	}
	if err := out("cost.html", "markdown", p); err != nil {
		return err
	}
	marks := sourceMarks(v)
	for _, s := range pl.Sources {
		file := "sources/" + s.Name + ".html"
		p := mk(file, "sources.html", s.Name)
		sv := &sourceView{Name: s.Name}
		for i, segs := range highlight(s.Name, s.Data) {
			sv.Lines = append(sv.Lines, sourceLine{N: i + 1, Segs: segs, Marks: marks[s.Name][i+1]})
		}
		p.Source = sv
		if err := out(file, "source", p); err != nil {
			return err
		}
	}
	return nil
}

// comms renders the filled templates of every in-scope scenario, as the
// generator wrote them under comms/<scenario>/<template>.md.
func comms(pl *Plan) ([]commSection, error) {
	var names []string
	for f := range pl.Files {
		if strings.HasPrefix(f, "comms/") && strings.HasSuffix(f, ".md") {
			names = append(names, f)
		}
	}
	slices.Sort(names)
	var out []commSection
	for _, f := range names {
		body, err := markdownPage(pl.Files[f], f, nil, 2)
		if err != nil {
			return nil, err
		}
		scen := strings.Split(f, "/")[1]
		title := scen
		if s := pl.Plan.Scenarios[scen]; s != nil && s.Title != "" {
			title = s.Title
		}
		out = append(out, commSection{Scenario: scen, Title: title, Body: body})
	}
	return out, nil
}

// sourceMarks lists, per source file and line, the lint findings and
// verify checks about it, so that a source page shows them in place.
func sourceMarks(v *planView) map[string]map[int][]mark {
	marks := map[string]map[int][]mark{}
	add := func(l link, m mark) {
		if l.file == "" || l.line == 0 {
			return
		}
		if marks[l.file] == nil {
			marks[l.file] = map[int][]mark{}
		}
		marks[l.file][l.line] = append(marks[l.file][l.line], m)
	}
	for _, f := range v.Lint.Findings {
		add(f.Pos, mark{Label: f.Severity + " " + f.Rule, Href: fmt.Sprintf("lint.html#f%d", f.N), State: f.Severity})
	}
	for _, f := range v.Lint.Suppressed {
		add(f.Pos, mark{Label: "suppressed " + f.Rule, Href: fmt.Sprintf("lint.html#f%d", f.N), State: "suppressed"})
	}
	if v.Verify != nil {
		for i, c := range v.Verify.Checks {
			if c.Status != stOK {
				add(c.Pos, mark{Label: "verify " + c.Status + " " + c.ID, Href: fmt.Sprintf("verify.html#c%d", i+1), State: c.Status})
			}
		}
	}
	return marks
}

// pathEscape escapes each segment of a slash-separated path for a URL.
func pathEscape(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

var layout = template.Must(template.New("layout").Funcs(template.FuncMap{
	"state": stateClass,
	"add":   func(a, b int) int { return a + b },
	// at points a link relative to the plan folder from a page below it.
	"at": func(prefix string, l link) link {
		if l.Href != "" {
			l.Href = prefix + l.Href
		}
		return l
	},
}).ParseFS(content, "templates/*.html"))

// templates holds one template per kind of page, each the layout with its
// own content.
var (
	templatesMu sync.Mutex
	templates   = map[string]*template.Template{}
)

func pageTemplate(kind string) (*template.Template, error) {
	templatesMu.Lock()
	defer templatesMu.Unlock()
	if t, ok := templates[kind]; ok {
		return t, nil
	}
	if layout.Lookup(kind) == nil {
		return nil, fmt.Errorf("no page template %q", kind)
	}
	t, err := template.Must(layout.Clone()).Parse(`{{define "content"}}{{template "` + kind + `" .}}{{end}}`)
	if err != nil {
		return nil, err
	}
	templates[kind] = t
	return t, nil
}

func (b *builder) page(file, kind string, p *page) error {
	t, err := pageTemplate(kind)
	if err != nil {
		return err
	}
	p.Tool = b.tool
	var out bytes.Buffer
	if err := t.ExecuteTemplate(&out, "layout", p); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return b.files.Add("", generator.Files{file: out.Bytes()})
}

// stateClass maps a state label to the class that colours it; the label
// itself is always shown as text, so colour never carries it alone.
func stateClass(s string) string {
	switch s {
	case stMet, stCurrent, stOK, "clean", "success", "info":
		return "good"
	case stMissed, stStale, stMissing, stOverdue, stMismatch, "errors", "error", "failed", "aborted":
		return "bad"
	case stNotShown, stUnverified, "warnings", "warning", "partial", stNoDrill:
		return "warn"
	}
	return "na"
}
