package site

import (
	"fmt"
	"strings"
	"time"

	"github.com/drplan/drplan/plan"
)

// plotView is a runbook's drill history drawn as SVG: one panel for the
// measured RTO and one for the measured RPO, each drill a point against
// the target it was held to. The geometry is computed here and laid out
// by the template, so that every label goes through html/template's
// escaping and the page needs no script to show it.
type plotView struct {
	ID, Title, Desc string
	W, H            int
	Panels          []panel
}

type panel struct {
	Title        string
	X, Y, W, H   float64 // the plotting area
	X2, Y2, YLab float64 // its right and bottom edges; where y labels end
	YTicks       []tick
	XLabels      []tick
	Target       string // polyline points of the target line
	TargetLabel  string
	TargetLabelX float64
	TargetLabelY float64
	Line         string // polyline points joining the measurements
	Points       []point
	Empty        string // shown when nothing was measured
}

type tick struct {
	Pos   float64
	Label string
}

type point struct {
	X, Y float64
	// Shape is a polygon's points; a circle is drawn when it is empty.
	// Met targets are circles, anything else a triangle or a square, so
	// the shape tells what the colour tells.
	Shape string
	State string
	Label string
	Tip   string
}

const (
	plotW      = 760
	plotH      = 250
	panelGap   = 40
	marginL    = 62
	marginR    = 16
	marginTop  = 34
	marginBot  = 46
	maxXLabels = 8
)

func newPlot(id, title string, drills []drillView) *plotView {
	pv := &plotView{
		ID:    id,
		Title: "Drill history: " + title,
		Desc: fmt.Sprintf("Measured RTO and RPO of %d drills of runbook %s, oldest first, each against the target it was held to.",
			len(drills), title),
		W: plotW, H: plotH,
	}
	pw := float64(plotW-panelGap)/2 - marginL - marginR
	ph := float64(plotH - marginTop - marginBot)
	for i, kind := range []string{"RTO", "RPO"} {
		x0 := float64(i)*(float64(plotW+panelGap)/2) + marginL
		pv.Panels = append(pv.Panels, newPanel(kind, drills, x0, marginTop, pw, ph))
	}
	return pv
}

func newPanel(kind string, drills []drillView, x0, y0, w, h float64) panel {
	pn := panel{Title: "Measured " + kind, X: x0, Y: y0, W: w, H: h, X2: x0 + w, Y2: y0 + h, YLab: x0 - 6}
	get := func(d drillView) (m, t *time.Duration, state string) {
		if kind == "RTO" {
			return d.rto, d.rtoTarget, d.RTOState
		}
		return d.rpo, d.rpoTarget, d.RPOState
	}
	var top time.Duration
	measured := 0
	for _, d := range drills {
		m, t, _ := get(d)
		if m != nil {
			measured++
			top = max(top, *m)
		}
		if t != nil {
			top = max(top, *t)
		}
	}
	// Headroom above the highest value keeps its label inside the panel.
	top += top / 8
	step := niceStep(top)
	ticks := int((top + step - 1) / step)
	if ticks == 0 {
		ticks = 1
	}
	yMax := step * time.Duration(ticks)
	y := func(d time.Duration) float64 { return y0 + h - h*float64(d)/float64(yMax) }
	for i := 0; i <= ticks; i++ {
		v := step * time.Duration(i)
		pn.YTicks = append(pn.YTicks, tick{Pos: round(y(v)), Label: plan.Duration{Duration: v}.Human()})
	}
	slot := w / float64(len(drills))
	x := func(i int) float64 { return x0 + slot*(float64(i)+0.5) }
	every := (len(drills) + maxXLabels - 1) / maxXLabels
	var target, line []string
	for i, d := range drills {
		if i%every == 0 || i == len(drills)-1 {
			pn.XLabels = append(pn.XLabels, tick{Pos: round(x(i)), Label: d.Date})
		}
		m, t, state := get(d)
		if t != nil {
			// The target is a step line: each drill's slot at the level
			// it was held to, so a changed objective shows where it changed.
			ty := round(y(*t))
			target = append(target, fmt.Sprintf("%g,%g %g,%g", round(x0+slot*float64(i)), ty, round(x0+slot*float64(i+1)), ty))
			pn.TargetLabel = "target " + human(t)
		}
		if m == nil {
			continue
		}
		px, py := round(x(i)), round(y(*m))
		line = append(line, fmt.Sprintf("%g,%g", px, py))
		tip := fmt.Sprintf("%s, %s (%s): measured %s %s", d.Date, d.Environment, d.Outcome, kind, human(m))
		if t != nil {
			tip += ", target " + human(t)
		}
		pt := point{X: px, Y: py, State: state, Label: human(m), Tip: tip + ": " + state}
		switch state {
		case stMet:
		case stMissed:
			pt.Shape = fmt.Sprintf("%g,%g %g,%g %g,%g", px, py-6, px+6, py+5, px-6, py+5)
		default:
			pt.Shape = fmt.Sprintf("%g,%g %g,%g %g,%g %g,%g", px-5, py-5, px+5, py-5, px+5, py+5, px-5, py+5)
		}
		pn.Points = append(pn.Points, pt)
	}
	pn.Target = strings.Join(target, " ")
	pn.Line = strings.Join(line, " ")
	// The target is named in the panel's title row, where no point can
	// cover it; the dashed line is its key.
	pn.TargetLabelX, pn.TargetLabelY = round(x0+w), 20
	if measured == 0 {
		pn.Empty = "no drill measured its " + kind
	}
	return pn
}

// niceStep picks a tick step on a human scale (1 s, 2 s, 5 s, ... 1 h,
// 2 h, ...) that divides top into at most five intervals.
func niceStep(top time.Duration) time.Duration {
	steps := []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
		time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}
	for _, s := range steps {
		if top <= 5*s {
			return s
		}
	}
	day := 24 * time.Hour
	n := time.Duration(1)
	for top > 5*n*day {
		n *= 2
	}
	return n * day
}

func round(f float64) float64 {
	return float64(int64(f*10+0.5)) / 10
}
