package site

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/drplan/drplan/internal/testtool"
	"github.com/drplan/drplan/plan"
)

var asOf = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// golden compares got with testdata/name (DRPLAN_UPDATE=1 rewrites it).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testtool.Golden(t, filepath.Join("testdata", name), got)
}

// The OrderFlow site's pages are pinned by golden files (the source pages
// by one of them), and a second build is byte-identical.
func TestOrderFlowSiteGolden(t *testing.T) {
	in, _ := buildInput(t, "../plans/orderflow", asOf, true)
	in.Evidence = orderflowEvidence()
	files, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	pinned := 0
	for name, data := range files {
		if !bytes.Equal(data, again[name]) {
			t.Errorf("%s differs between two builds", name)
		}
		if strings.Contains(name, "/sources/") && name != "orderflow/sources/tiers.cue.html" {
			continue
		}
		golden(t, "orderflow-site/"+name, data)
		pinned++
	}
	if len(again) != len(files) {
		t.Errorf("two builds wrote %d and %d files", len(files), len(again))
	}
	// Every plan file has its page.
	for _, s := range in.Plans[0].Sources {
		if _, ok := files["orderflow/sources/"+s.Name+".html"]; !ok {
			t.Errorf("no page for source %s", s.Name)
		}
	}
	filepath.WalkDir("testdata/orderflow-site", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel("testdata/orderflow-site", p)
			if _, ok := files[filepath.ToSlash(rel)]; !ok {
				t.Errorf("stale golden file %s", p)
			}
		}
		return nil
	})
	if pinned < 15 {
		t.Errorf("only %d pages pinned", pinned)
	}
}

// What the index says about OrderFlow, as an auditor reads it.
func TestIndexStatesEachPlansStatus(t *testing.T) {
	in, _ := buildInput(t, "../plans/orderflow", asOf, false)
	in.Evidence = orderflowEvidence()
	files, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	index := pageText(t, files["index.html"])
	for _, want := range []string{
		"OrderFlow Disaster Recovery Plan orderflow as of 2026-11-25",
		"SRE - Platform Reliability Dana Whitfield",
		"2027-01-13 current",
		"tier0 RTO 60 s · RPO 0",
		"0 errors 15 warnings 0 info",
		"region-failover : 2026-10-21, RTO 11 min 40 s against 60 s missed",
		"pitr-restore : 2026-03-18, RTO 3 h 5 min against 4 h met",
		"mismatch 1 ok, 1 mismatch, 1 unverified taken 2026-11-24 06:30 UTC",
	} {
		if !strings.Contains(index, want) {
			t.Errorf("index lacks %q:\n%s", want, index)
		}
	}
	// A review due before the as-of date is overdue.
	in.Plans[0].Now = time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	files, err = Build(in)
	if err != nil {
		t.Fatal(err)
	}
	if index := pageText(t, files["index.html"]); !strings.Contains(index, "2027-01-13 overdue") {
		t.Errorf("expired review not shown overdue:\n%s", index)
	}
	// Without evidence the index says so rather than showing nothing.
	in.Evidence = nil
	files, _ = Build(in)
	if !strings.Contains(pageText(t, files["index.html"]), "no verify record") {
		t.Error("a plan without evidence is not marked")
	}
}

func TestSignOffsStaleWhenObjectivesChange(t *testing.T) {
	in, _ := buildInput(t, "../plans/orderflow", asOf, false)
	d, _ := plan.ParseDuration("2m")
	in.Plans[0].Plan.Tiers["tier0"].RTO = &d
	files, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	page := pageText(t, files["orderflow/signoffs.html"])
	if !strings.Contains(page, "tier0: Checkout & Payments stale") || !strings.Contains(page, "tier1: Order Read API, Auth, Inventory current") {
		t.Errorf("sign-off states wrong:\n%s", page)
	}
}

// pageText is the visible text of a page, whitespace collapsed.
func pageText(t *testing.T, page []byte) string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "style" || n.Data == "title" || n.Data == "svg") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return strings.Join(strings.Fields(b.String()), " ")
}

// Every page of a plan whose strings all try to inject markup holds no
// script, no event handler and no javascript: URL, and shows the strings
// as text. The browser test runs the same site for real.
func TestHostilePlanIsEscaped(t *testing.T) {
	dir := hostilePlan(t)
	in, _ := buildInput(t, dir, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), false)
	in.Evidence = hostileEvidence("evil", filepath.Join(dir, "plan.cue"))
	files, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				if n.Data == "script" || n.Data == "iframe" || n.Data == "object" || n.Data == "embed" {
					t.Errorf("%s: a <%s> element", name, n.Data)
				}
				if n.Data == "img" && n.Parent != nil && n.Parent.Data != "a" {
					t.Errorf("%s: an <img> that the site did not put there", name)
				}
				for _, a := range n.Attr {
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if strings.HasPrefix(a.Key, "on") {
						t.Errorf("%s: event handler %s=%q on <%s>", name, a.Key, a.Val, n.Data)
					}
					if (a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:")) {
						t.Errorf("%s: %s=%q on <%s>", name, a.Key, a.Val, n.Data)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	}
	overview := pageText(t, files["evil/index.html"])
	for _, want := range []string{evilScript, evilJSURL, evilImg} {
		if !strings.Contains(overview, want) {
			t.Errorf("overview does not show %q as text", want)
		}
	}
	if !strings.Contains(pageText(t, files["evil/verify.html"]), evilSVG) {
		t.Error("the verify page does not show the check's message as text")
	}
}

// Highlighting never loses or adds a byte: the segments of each line,
// joined, are the source.
func TestHighlightIsLossless(t *testing.T) {
	for _, c := range []struct{ name, src string }{
		{"a.cue", "package x\n\n// comment\nname: \"a\\\"b\" // trailing\nx: \"\"\"\n\tmulti\n\tline\n\t\"\"\"\ny: \"v\\(name)w\\(len(\"q\"))z\"\nn: 12 & >=3\n#Def: {a?: int}\n@attr(x)\n"},
		{"a.json", "{\"name\": \"x\", \"n\": [1, 2.5, true, null]}\n"},
		{"a.yaml", "name: x # comment\nlist:\n  - key: \"a # not a comment\"\n# whole line\n"},
		{"broken.cue", "name: \"unterminated\nx: 1\n"},
		{"crlf.cue", "a: 1\r\nb: 2\r\n"},
		{"notrailing.cue", "a: 1"},
		{"empty.cue", ""},
	} {
		lines := highlight(c.name, []byte(c.src))
		if got := joinLines(lines); got != strings.TrimSuffix(strings.ReplaceAll(c.src, "\r\n", "\n"), "\n") {
			t.Errorf("%s: highlighted text %q, source %q", c.name, got, c.src)
		}
	}
	lines := highlight("a.cue", []byte("// c\nname: \"x\" // t\nn: 1\npackage: 2\n"))
	want := [][]seg{
		{{clComment, "// c"}},
		{{clLabel, "name"}, {"", ": "}, {clString, `"x"`}, {"", " "}, {clComment, "// t"}},
		{{clLabel, "n"}, {"", ": "}, {clNumber, "1"}},
		{{clLabel, "package"}, {"", ": "}, {clNumber, "2"}},
	}
	if !slices.EqualFunc(lines, want, slices.Equal) {
		t.Errorf("highlight = %q, want %q", lines, want)
	}
}

func joinLines(lines [][]seg) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		for _, s := range l {
			b.WriteString(s.T)
		}
	}
	return b.String()
}

// FuzzHighlight feeds the highlighter (which reads the user's plan files)
// arbitrary input: it must not panic and must keep every byte.
func FuzzHighlight(f *testing.F) {
	f.Add("a.cue", "x: \"\\(a)\"\n")
	f.Add("a.yaml", "k: v # c\n")
	f.Add("a.json", "{\"a\": [1]}")
	f.Fuzz(func(t *testing.T, name, src string) {
		if strings.Contains(src, "\r") {
			return // CRLF endings are folded, tested above
		}
		lines := highlight(name, []byte(src))
		if got := joinLines(lines); got != strings.TrimSuffix(src, "\n") {
			t.Errorf("highlight(%q) lost text: %q", src, got)
		}
	})
}

func TestDrillVerdictsAndPlot(t *testing.T) {
	in, _ := buildInput(t, "../plans/orderflow", asOf, false)
	v := newPlanView(&in.Plans[0], nil, newSourceIndex(in.Plans[0].Plan, in.Plans[0].Sources))
	got := map[string]string{}
	for _, rb := range v.Runbooks {
		for _, d := range rb.Drills {
			got[d.ID] = d.RTOState + "/" + d.RPOState
		}
	}
	want := map[string]string{
		"2025-06-11-region-failover-staging":    "missed/missed",    // 27m10s > 60 s, 2 s > 0
		"2025-11-12-region-failover-production": "missed/not shown", // partial: RPO 0 met, but not end to end
		"2026-10-21-region-failover-production": "missed/met",
		"2026-03-18-pitr-staging":               "met/met", // scenario's own RTO 4 h
		"2026-07-22-ransomware-staging":         "missed/not shown",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("drill %s: %s, want %s", id, got[id], w)
		}
	}
	var rf *runbookView
	for i := range v.Runbooks {
		if v.Runbooks[i].ID == "region-failover" {
			rf = &v.Runbooks[i]
		}
	}
	rto := rf.Plot.Panels[0]
	// Three drills, three points, oldest first, each below the top tick
	// and above the axis; the target line sits at 60 s.
	if len(rto.Points) != 3 || rto.TargetLabel != "target 60 s" {
		t.Fatalf("RTO panel: %d points, %q", len(rto.Points), rto.TargetLabel)
	}
	top, bottom := rto.YTicks[len(rto.YTicks)-1].Pos, rto.YTicks[0].Pos
	for i, p := range rto.Points {
		if p.Y <= top || p.Y >= bottom {
			t.Errorf("point %d at y=%g outside (%g, %g)", i, p.Y, top, bottom)
		}
		if i > 0 && p.X <= rto.Points[i-1].X {
			t.Errorf("points not in date order")
		}
	}
	// 27m10s is drawn higher (smaller y) than 11m40s.
	if rto.Points[0].Y >= rto.Points[2].Y || rto.Points[0].Label != "27 min 10 s" || rto.Points[0].State != stMissed {
		t.Errorf("points: %+v", rto.Points)
	}
	if rto.YTicks[len(rto.YTicks)-1].Label != "40 min" {
		t.Errorf("top tick %q, want 40 min", rto.YTicks[len(rto.YTicks)-1].Label)
	}
}

func TestNiceStep(t *testing.T) {
	for _, c := range []struct {
		top, want time.Duration
	}{{0, time.Second}, {4 * time.Second, time.Second}, {90 * time.Second, 30 * time.Second},
		{31 * time.Minute, 10 * time.Minute}, {5 * time.Hour, time.Hour}, {16 * time.Hour, 6 * time.Hour}, {20 * 24 * time.Hour, 96 * time.Hour}} {
		if got := niceStep(c.top); got != c.want {
			t.Errorf("niceStep(%v) = %v, want %v", c.top, got, c.want)
		}
	}
}

func TestContactHref(t *testing.T) {
	for in, want := range map[string]string{
		"sre@example.com":              "mailto:sre@example.com",
		"https://status.example.com/x": "https://status.example.com/x",
		"javascript:alert(1)":          "",
		"JavaScript:alert(1)":          "",
		"#sre-oncall":                  "",
		"a@b.c <x>":                    "",
		"data:text/html,<script>":      "",
	} {
		if got := contactHref(in); got != want {
			t.Errorf("contactHref(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMarkdownLinksPointAtPages(t *testing.T) {
	md := []byte("[rb](runbooks/a.md) [cost](cost.md#total) [dot](architecture.dot) [ext](https://example.com/x.md) [js](javascript:alert(1)) [missing](runbooks/b.md)\n\n# Head\n")
	got, err := markdownPage(md, "strategy.md", map[string]bool{"runbooks/a.md": true, "cost.md": true}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`href="runbooks/a.html"`, `href="cost.html#total"`, `href="architecture.dot"`, `href="https://example.com/x.md"`, `href=""`, `href="runbooks/b.md"`, `<h2 id="head">Head</h2>`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("markdown lacks %s:\n%s", want, got)
		}
	}
}
