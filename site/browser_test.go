package site

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/drplan/drplan/generator"
	"github.com/drplan/drplan/internal/testtool"
)

// browser is a headless Chromium that records, per page, what a user
// would notice going wrong: console errors, uncaught exceptions, failed
// requests and dialogs (alert, confirm, prompt).
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
	dialogs  []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := testtool.Need(t, "chromium", "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.WindowSize(1280, 900))
	if os.Geteuid() == 0 {
		// Chromium refuses to start its sandbox as root.
		opts = append(opts, chromedp.NoSandbox)
	}
	// The browser lives as long as this context: it bounds the whole
	// session, and each action has a shorter deadline of its own.
	session, cancelSession := context.WithTimeout(context.Background(), 2*time.Minute)
	alloc, cancelAlloc := chromedp.NewExecAllocator(session, opts...)
	b := &browser{}
	ctx, cancelCtx := chromedp.NewContext(alloc, chromedp.WithListener(b.listen))
	t.Cleanup(func() { cancelCtx(); cancelAlloc(); cancelSession() })
	b.ctx = ctx
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, log.Enable, cdp.Empty{})
		return err
	})); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return b
}

// listen runs in the tab's event loop: it records and returns at once.
func (b *browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			b.problems = append(b.problems, "console "+string(ev.Type))
		}
	case *runtime.EventExceptionThrown:
		b.problems = append(b.problems, "uncaught exception: "+ev.ExceptionDetails.Text)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			b.problems = append(b.problems, "console: "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	case *network.EventLoadingFailed:
		b.problems = append(b.problems, "request failed: "+ev.ErrorText)
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 {
			b.problems = append(b.problems, fmt.Sprintf("HTTP %d for %s", ev.Response.Status, ev.Response.URL))
		}
	case *cdppage.EventJavascriptDialogOpening:
		b.dialogs = append(b.dialogs, string(ev.Type)+": "+ev.Message)
		// A dialog blocks the page; dismiss it from outside the loop.
		go func() {
			ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
			defer cancel()
			chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}()
	}
}

// do runs actions with a deadline of their own.
func (b *browser) do(d time.Duration, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, d)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// eval navigates to u and evaluates js there, within a deadline.
func eval[T any](b *browser, u, js string) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	var zero T
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		return zero, err
	}
	return chromedp.Run(ctx, chromedp.Evaluate[T](js))
}

// take returns and clears what went wrong since the last call.
func (b *browser) take() (problems, dialogs []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	problems, dialogs = b.problems, b.dialogs
	b.problems, b.dialogs = nil, nil
	return problems, dialogs
}

// pageFacts is what a loaded page tells about itself.
type pageFacts struct {
	Links     []string `json:"links"`
	IDs       []string `json:"ids"`
	BadImages []string `json:"badImages"`
	Scripts   int      `json:"scripts"`
	Handlers  []string `json:"handlers"`
	JSURLs    []string `json:"jsURLs"`
	Pwned     bool     `json:"pwned"`
}

const factsJS = `(() => {
  const all = Array.from(document.querySelectorAll('*'));
  return {
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    ids: all.filter(e => e.id).map(e => e.id),
    badImages: Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
    scripts: document.scripts.length,
    handlers: all.flatMap(e => Array.from(e.attributes).filter(a => a.name.toLowerCase().startsWith('on')).map(a => e.tagName + ' ' + a.name)),
    jsURLs: all.flatMap(e => ['href', 'src', 'action', 'formaction', 'xlink:href'].map(n => e.getAttribute(n) || '')).filter(v => /^\s*(javascript|vbscript):/i.test(v)),
    pwned: typeof window.__pwned !== 'undefined',
  };
})()`

// visit loads u and returns its facts, failing the test on any problem.
func (b *browser) visit(t *testing.T, u string) pageFacts {
	t.Helper()
	f, err := eval[pageFacts](b, u, factsJS)
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	problems, dialogs := b.take()
	for _, p := range problems {
		t.Errorf("%s: %s", u, p)
	}
	for _, d := range dialogs {
		t.Errorf("%s: a script ran and opened a dialog (%s)", u, d)
	}
	for _, img := range f.BadImages {
		t.Errorf("%s: image %s did not load", u, img)
	}
	if f.Scripts > 0 || len(f.Handlers) > 0 || len(f.JSURLs) > 0 || f.Pwned {
		t.Errorf("%s: page carries script: %d <script>, handlers %v, javascript: URLs %v, window.__pwned set: %v", u, f.Scripts, f.Handlers, f.JSURLs, f.Pwned)
	}
	return f
}

// crawl visits every page reachable from start inside root and checks
// that every internal link resolves, fragments included. It returns the
// pages visited.
func (b *browser) crawl(t *testing.T, root, start string, exists func(u string) bool) []string {
	t.Helper()
	queue := []string{start}
	seen := map[string]bool{start: true}
	ids := map[string][]string{}
	type ref struct{ from, to, frag string }
	var refs []ref
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		f := b.visit(t, u)
		ids[u] = f.IDs
		for _, l := range f.Links {
			if !strings.HasPrefix(l, root) {
				continue // an external link (the rule reference): not fetched
			}
			target, frag, _ := strings.Cut(l, "#")
			refs = append(refs, ref{u, target, frag})
			if strings.HasSuffix(target, ".html") && !seen[target] {
				seen[target] = true
				queue = append(queue, target)
			}
		}
	}
	for _, r := range refs {
		if _, visited := ids[r.to]; !visited && !exists(r.to) {
			t.Errorf("%s links to %s, which does not exist", r.from, r.to)
			continue
		}
		if r.frag != "" && !slices.Contains(ids[r.to], r.frag) {
			t.Errorf("%s links to %s#%s, which has no such anchor", r.from, r.to, r.frag)
		}
	}
	return slices.Sorted(func(yield func(string) bool) {
		for u := range ids {
			if !yield(u) {
				return
			}
		}
	})
}

// screenshotDir is where the tests leave screenshots to look at.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("DRPLAN_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "drplan-site-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func (b *browser) screenshot(t *testing.T, u, file string) {
	b.shoot(t, u, file, chromedp.FullScreenshot(100))
}

// shoot saves what shot captures of u.
func (b *browser) shoot(t *testing.T, u, file string, shot chromedp.Action[[]byte]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		t.Fatalf("screenshot of %s: %v", u, err)
	}
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		t.Fatalf("screenshot of %s: %v", u, err)
	}
	b.take()
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// media emulates a CSS media type ("print"), or stops emulating ("").
func (b *browser) media(t *testing.T, m string) {
	t.Helper()
	err := b.do(5*time.Second, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
}

// visibleSize returns the rendered width and height of the first element
// matching sel.
func (b *browser) visibleSize(t *testing.T, u, sel string) (w, h float64) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return [0, 0]; const r = e.getBoundingClientRect(); const s = getComputedStyle(e); return s.visibility === 'hidden' || s.display === 'none' ? [0, 0] : [r.width, r.height]; })()`, sel)
	size, err := eval[[]float64](b, u, js)
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	b.take()
	return size[0], size[1]
}

// The OrderFlow site is built once for the browser tests, with evidence.
var (
	orderflowOnce sync.Once
	orderflowDir  string
)

func orderflowSite(t *testing.T) string {
	t.Helper()
	orderflowOnce.Do(func() {
		in, files := buildInput(t, "../plans/orderflow", time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), true)
		in.Evidence = orderflowEvidence()
		site, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		if err := files.Add("", site); err != nil {
			t.Fatal(err)
		}
		dir, err := os.MkdirTemp("", "drplan-site-test-")
		if err != nil {
			t.Fatal(err)
		}
		orderflowDir = filepath.Join(dir, "out")
		if err := generator.WriteDir(orderflowDir, files); err != nil {
			t.Fatal(err)
		}
	})
	if orderflowDir == "" {
		t.Fatal("the OrderFlow site could not be built")
	}
	return orderflowDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if orderflowDir != "" {
		os.RemoveAll(filepath.Dir(orderflowDir))
	}
	os.Exit(code)
}

// serve serves dir on 127.0.0.1 and returns its root URL and a check that
// a URL answers 200.
func serve(t *testing.T, dir string) (string, func(string) bool) {
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	return srv.URL + "/", func(u string) bool {
		resp, err := srv.Client().Get(u)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
}

// Every page of the OrderFlow site loads without an error or a failed
// request, and every internal link and anchor resolves.
func TestSiteLinksResolve(t *testing.T) {
	dir := orderflowSite(t)
	b := newBrowser(t)
	root, exists := serve(t, dir)
	pages := b.crawl(t, root, root+"index.html", exists)
	// Every page the site wrote is reachable by links from the index.
	var written []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(dir, p)
			written = append(written, root+filepath.ToSlash(rel))
		}
		return nil
	})
	for _, w := range written {
		if !slices.Contains(pages, escapeURL(w)) {
			t.Errorf("page %s is not linked from the site", w)
		}
	}
	if len(pages) != len(written) || len(pages) < 25 {
		t.Errorf("crawled %d pages, the site has %d", len(pages), len(written))
	}
}

// The diagram and the drill plots are drawn with a size, on screen and in
// print, and the screenshots show it.
func TestSiteLooksRight(t *testing.T) {
	dir := orderflowSite(t)
	b := newBrowser(t)
	root, _ := serve(t, dir)
	planPage := root + "orderflow/index.html"
	for _, sel := range []string{"figure.diagram img", "figure.plot svg", "figure.plot .pt"} {
		if w, h := b.visibleSize(t, planPage, sel); w <= 0 || h <= 0 {
			t.Errorf("%s: %s is not visible (%gx%g)", planPage, sel, w, h)
		}
	}
	if w, h := b.visibleSize(t, root+"orderflow/drills.html", "#region-failover figure.plot svg"); w < 300 || h < 100 {
		t.Errorf("drill plot of region-failover is %gx%g", w, h)
	}
	shots := screenshotDir(t)
	b.screenshot(t, root+"index.html", filepath.Join(shots, "index.png"))
	b.screenshot(t, planPage, filepath.Join(shots, "orderflow.png"))
	b.screenshot(t, root+"orderflow/drills.html", filepath.Join(shots, "orderflow-drills.png"))
	// The viewport only: the line a finding links to, scrolled into view.
	b.shoot(t, root+"orderflow/sources/architecture.cue.html#L454", filepath.Join(shots, "orderflow-source.png"), chromedp.CaptureScreenshot())

	// Printed, the navigation goes and the tables stay.
	b.media(t, "print")
	if w, _ := b.visibleSize(t, root+"orderflow/drills.html", "nav.tabs"); w != 0 {
		t.Error("the navigation is printed")
	}
	if w, h := b.visibleSize(t, root+"orderflow/drills.html", "table"); w <= 0 || h <= 0 {
		t.Error("the drill table is not printed")
	}
	b.screenshot(t, root+"orderflow/drills.html", filepath.Join(shots, "orderflow-drills-print.png"))
	b.media(t, "")
	t.Logf("screenshots of the index and the OrderFlow pages are in %s", shots)
}

// The same site opened from disk, with no server: relative links only.
func TestSiteFromFile(t *testing.T) {
	dir := orderflowSite(t)
	b := newBrowser(t)
	fileRoot := (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir) + "/"}).String()
	for _, p := range []string{"index.html", "orderflow/index.html", "orderflow/drills.html", "orderflow/sources/tiers.cue.html"} {
		f := b.visit(t, fileRoot+p)
		for _, l := range f.Links {
			target, _, _ := strings.Cut(l, "#")
			if !strings.HasPrefix(target, "file://") {
				continue
			}
			pu, err := url.Parse(target)
			if err != nil {
				t.Errorf("%s: bad link %s", p, l)
				continue
			}
			if _, err := os.Stat(pu.Path); err != nil {
				t.Errorf("file://%s links to %s, which does not exist", p, l)
			}
		}
	}
	if w, h := b.visibleSize(t, fileRoot+"orderflow/index.html", "figure.diagram img"); w <= 0 || h <= 0 {
		t.Errorf("from file://, the diagram is not visible (%gx%g)", w, h)
	}
}

func escapeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return p.String()
}

// A plan whose every string tries to run script executes nothing: no
// dialog opens, no global is set, no element carries a handler or a
// javascript: URL, on any page.
func TestHostilePlanRunsNoScript(t *testing.T) {
	b := newBrowser(t)
	dir := hostilePlan(t)
	in, files := buildInput(t, dir, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), false)
	in.Evidence = hostileEvidence(in.Plans[0].Plan.Name, filepath.Join(dir, "plan.cue"))
	root, exists := serve(t, renderSite(t, in, files))
	pages := b.crawl(t, root, root+"index.html", exists)
	if len(pages) < 15 {
		t.Errorf("crawled only %d pages", len(pages))
	}
	// The hostile strings are there, shown as text.
	text, err := eval[string](b, root+"evil/index.html", "document.querySelector('main').innerText")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<script>window.__pwned=1;alert(1)</script>", "javascript:window.__pwned=3"} {
		if !strings.Contains(text, want) {
			t.Errorf("the overview does not show %q as text", want)
		}
	}
}
