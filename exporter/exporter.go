// Package exporter serves Prometheus metrics about DR plans: when each plan
// is due for review, when each runbook was last drilled and last drilled
// successfully, what the last drill measured, and how many lint findings are
// open; and, with continuous verification on, what verify last found when
// it compared the plans with AWS, and when it last ran and succeeded. It watches the plans' files and reloads a plan when they change,
// keeping the last good metrics when a reload fails, so that a plan broken
// in a working copy never blanks the dashboards: drplan_plan_load_ok says so
// instead.
package exporter

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/drplan/drplan/lint"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/report"
	"github.com/drplan/drplan/schema"
)

// DefaultInterval is how often the plans' files are checked for changes.
const DefaultInterval = 2 * time.Second

// Options configure an Exporter.
type Options struct {
	// Plans are the plans to export, each given as the paths that form it
	// (a plan directory, or plan files loaded together), as schema.Load
	// takes them.
	Plans [][]string
	// Interval is how often the files are polled for changes;
	// DefaultInterval when zero.
	Interval time.Duration
	// Now is the clock lint judges staleness against at each load;
	// time.Now when nil.
	Now func() time.Time
	// Log receives one line per load, reload and failure; discarded when nil.
	Log io.Writer
	// Verify, when its Interval is set, compares the plans with AWS on
	// that schedule and exports the outcome.
	Verify VerifyOptions
}

// Exporter holds the current metrics of a set of plans and keeps them
// current. Its methods are safe for concurrent use.
type Exporter struct {
	opts   Options
	mu     sync.Mutex // guards plans' ok and snap, read by Collect, written by reload
	pollMu sync.Mutex // serialises polls, and so each plan's finger
	// verifyMu serialises verify runs: a run started by hand (VerifyOnce)
	// waits for the scheduled one.
	verifyMu sync.Mutex
	plans    []*planState
	reg      *prometheus.Registry
}

// planState is one plan's source, the fingerprint of its files when last
// loaded, and the metrics of its last good load.
type planState struct {
	paths  []string
	label  string // plan_path: the paths as given, joined by spaces
	finger string
	ok     bool
	snap   *snapshot  // nil until the plan has loaded once
	plan   *plan.Plan // the plan of snap, which verify compares with AWS
	// verified is nil until verify has run on the plan.
	verified *verifyStats
}

// snapshot is what the exporter reports about one successfully loaded plan.
type snapshot struct {
	name      string
	reviewDue time.Time // zero when the plan has no review section
	runbooks  []runbookStats
	findings  map[report.Severity]int
}

type runbookStats struct {
	id          string
	lastDrill   time.Time // zero: never drilled
	lastSuccess time.Time // zero: never drilled successfully
	rto, rpo    *time.Duration
	lostWrites  *int
}

// New loads every plan and returns an exporter reporting them. A plan that
// does not load is reported with drplan_plan_load_ok 0, not an error.
func New(o Options) *Exporter {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Verify.Timeout <= 0 || o.Verify.Timeout > o.Verify.Interval {
		o.Verify.Timeout = o.Verify.Interval
	}
	e := &Exporter{opts: o, reg: prometheus.NewRegistry()}
	for _, paths := range o.Plans {
		ps := &planState{paths: paths, label: strings.Join(paths, " ")}
		e.plans = append(e.plans, ps)
		e.reload(ps, fingerprint(paths), true)
	}
	e.reg.MustRegister(collector{e})
	return e
}

// Registry is the registry the exporter's collector is registered in.
func (e *Exporter) Registry() *prometheus.Registry { return e.reg }

// Handler serves /metrics, and a short page linking to it at /.
func (e *Exporter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{ErrorLog: logger{e.opts.Log}}))
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>drplan exporter</title></head><body><h1>drplan exporter</h1><p><a href="/metrics">Metrics</a></p></body></html>`+"\n")
	})
	return mux
}

// Watch polls the plans' files every Interval and reloads the plans whose
// files changed, until ctx is done.
func (e *Exporter) Watch(ctx context.Context) {
	t := time.NewTicker(e.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			e.Poll()
		}
	}
}

// Poll reloads, once, the plans whose files changed since they were last
// loaded. Watch calls it every Interval.
func (e *Exporter) Poll() {
	e.pollMu.Lock()
	defer e.pollMu.Unlock()
	for _, ps := range e.plans {
		if f := fingerprint(ps.paths); f != ps.finger {
			e.reload(ps, f, false)
		}
	}
}

// Serve serves the metrics on ln and watches the plans until ctx is done,
// then shuts the server down gracefully, giving in-flight scrapes up to
// five seconds.
func (e *Exporter) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { e.Watch(ctx) })
	if e.opts.Verify.Interval > 0 {
		wg.Go(func() { e.verifyLoop(ctx) })
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var err error
	select {
	case err = <-errc: // the listener failed
	case <-ctx.Done():
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = srv.Shutdown(sctx)
		scancel()
		if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
	}
	cancel()
	wg.Wait()
	return err
}

// reload loads ps, recording finger as the state of its files (taken
// before the load, so that a change during the load is seen by the next
// poll). On failure the last good snapshot stays.
func (e *Exporter) reload(ps *planState, finger string, first bool) {
	p, err := schema.Load(ps.paths...)
	var snap *snapshot
	if err == nil {
		snap = takeSnapshot(p, e.opts.Now())
	}
	e.mu.Lock()
	ps.finger = finger
	ps.ok = err == nil
	if snap != nil {
		ps.snap, ps.plan = snap, p
	}
	e.mu.Unlock()
	switch {
	case err == nil && first:
		fmt.Fprintf(e.opts.Log, "%s: loaded plan %q\n", ps.label, snap.name)
	case err == nil:
		fmt.Fprintf(e.opts.Log, "%s: reloaded plan %q\n", ps.label, snap.name)
	case ps.snap != nil:
		fmt.Fprintf(e.opts.Log, "%s: reload failed, keeping the last good metrics:\n%s\n", ps.label, indent(err.Error()))
	default:
		fmt.Fprintf(e.opts.Log, "%s: does not load:\n%s\n", ps.label, indent(err.Error()))
	}
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

// takeSnapshot computes the metrics of a loaded plan, linting it as of now.
func takeSnapshot(p *plan.Plan, now time.Time) *snapshot {
	s := &snapshot{name: p.Name, findings: map[report.Severity]int{}}
	if p.Review != nil {
		s.reviewDue = p.Review.Due().Time
	}
	findings, _ := lint.Lint(p, lint.Options{Now: now})
	for _, f := range findings {
		s.findings[f.Severity]++
	}

	// Every declared runbook is reported, drilled or not, so that "never
	// drilled" is a 0 timestamp an alert sees rather than a missing series.
	byRunbook := map[string][]*plan.Drill{}
	for id := range p.Runbooks {
		byRunbook[id] = nil
	}
	for _, d := range p.Drills {
		byRunbook[d.Runbook] = append(byRunbook[d.Runbook], d)
	}
	for id, drills := range byRunbook {
		rs := runbookStats{id: id}
		// Latest last: by date, then start time within the day.
		slices.SortFunc(drills, func(a, b *plan.Drill) int {
			return cmp.Or(a.Date.Compare(b.Date.Time), cmp.Compare(a.StartedAt, b.StartedAt))
		})
		if n := len(drills); n > 0 {
			last := drills[n-1]
			rs.lastDrill = last.Date.Time
			if m := last.Measured; m != nil {
				if m.RTO != nil {
					rs.rto = &m.RTO.Duration
				}
				if m.RPO != nil {
					rs.rpo = &m.RPO.Duration
				}
				rs.lostWrites = m.LostWrites
			}
		}
		for _, d := range slices.Backward(drills) {
			if d.Outcome == "success" {
				rs.lastSuccess = d.Date.Time
				break
			}
		}
		s.runbooks = append(s.runbooks, rs)
	}
	slices.SortFunc(s.runbooks, func(a, b runbookStats) int { return strings.Compare(a.id, b.id) })
	return s
}

// fingerprint summarises the files a plan is loaded from (names, sizes and
// modification times of each directory's entries and its drills/ folder, or
// of each file), so that adding, removing or editing one changes it.
func fingerprint(paths []string) string {
	var b strings.Builder
	stat := func(p string) {
		st, err := os.Stat(p)
		if err != nil {
			fmt.Fprintf(&b, "%s: %v\n", p, err)
			return
		}
		fmt.Fprintf(&b, "%s %d %d %v\n", p, st.Size(), st.ModTime().UnixNano(), st.IsDir())
	}
	list := func(dir string) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			fmt.Fprintf(&b, "%s: %v\n", dir, err)
			return
		}
		for _, en := range entries {
			if !en.IsDir() {
				stat(filepath.Join(dir, en.Name()))
			}
		}
	}
	for _, p := range paths {
		stat(p)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			list(p)
			list(filepath.Join(p, schema.DrillsDir))
		}
	}
	return b.String()
}

// logger adapts the log writer to promhttp's error logger.
type logger struct{ w io.Writer }

func (l logger) Println(v ...any) { fmt.Fprintln(l.w, v...) }
