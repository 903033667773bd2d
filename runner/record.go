package runner

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"cuelang.org/go/cue/format"

	"github.com/drplan/drplan/plan"
)

// Drill turns the run into a drill record, as the plan's drills/ folder
// holds them.
func (st *DrillState) Drill(outcome string) *plan.Drill {
	start := st.Started.UTC()
	d := &plan.Drill{
		Date:        plan.Date{Time: time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)},
		StartedAt:   start.Format(time.RFC3339),
		Scenario:    st.Info.Scenario,
		Runbook:     st.Info.Runbook,
		Environment: st.Info.Environment,
		Operator:    st.Info.Operator,
		Outcome:     outcome,
	}
	m := &plan.Measured{}
	if rto, ok := st.MeasuredRTO(); ok {
		m.RTO = &plan.Duration{Duration: recordRound(rto)}
	}
	if v, ok := st.Measure("rpo"); ok {
		if rpo, err := time.ParseDuration(v); err == nil && rpo >= 0 {
			m.RPO = &plan.Duration{Duration: recordRound(rpo)}
		}
	}
	if v, ok := st.Measure("lost-writes"); ok {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			m.LostWrites = &n
		}
	}
	if m.RTO != nil || m.RPO != nil || m.LostWrites != nil {
		d.Measured = m
	}
	for _, id := range st.order {
		s := st.Steps[id]
		ds := plan.DrillStep{ID: id, Duration: plan.Duration{Duration: recordRound(s.Duration)}, Outcome: s.Status, Note: s.Note}
		switch s.Status {
		case "":
			ds.Outcome, ds.Note = OutcomeSkipped, "not run: the run ended before it"
		case "running":
			ds.Outcome, ds.Note = OutcomeFailed, "stopped while running"
		}
		if s.Runs > 1 {
			ds.Note = strings.TrimPrefix(ds.Note+fmt.Sprintf("; run %d times (resumed)", s.Runs), "; ")
		}
		d.Steps = append(d.Steps, ds)
	}
	d.FailedSteps = st.FailedSteps()
	return d
}

// recordRound keeps a record's durations readable: whole milliseconds
// below a second, tenths of a second below a minute, whole seconds above.
func recordRound(d time.Duration) time.Duration {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond)
	case d < time.Minute:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

// RecordCUE writes a drill record as a CUE file of the plan's package.
func RecordCUE(pkg, id, journal string, d *plan.Drill) ([]byte, error) {
	var b strings.Builder
	q := func(s string) string {
		// JSON strings are CUE strings.
		data, _ := json.Marshal(s)
		return string(data)
	}
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	fmt.Fprintf(&b, "// Recorded by `drplan run` from the journal %s.\n", filepath.Base(journal))
	b.WriteString("// Add what the drill taught under findings; the measurements are the run's.\n")
	fmt.Fprintf(&b, "drills: %s: {\n", q(id))
	fmt.Fprintf(&b, "date: %s\n", q(d.Date.String()))
	fmt.Fprintf(&b, "startedAt: %s\n", q(d.StartedAt))
	if d.Scenario != "" {
		fmt.Fprintf(&b, "scenario: %s\n", q(d.Scenario))
	}
	fmt.Fprintf(&b, "runbook: %s\n", q(d.Runbook))
	fmt.Fprintf(&b, "environment: %s\n", q(d.Environment))
	fmt.Fprintf(&b, "operator: %s\n", q(d.Operator))
	fmt.Fprintf(&b, "outcome: %s\n", q(d.Outcome))
	if m := d.Measured; m != nil {
		b.WriteString("measured: {\n")
		if m.RTO != nil {
			fmt.Fprintf(&b, "rto: %s\n", q(m.RTO.String()))
		}
		if m.RPO != nil {
			fmt.Fprintf(&b, "rpo: %s\n", q(m.RPO.String()))
		}
		if m.LostWrites != nil {
			fmt.Fprintf(&b, "lostWrites: %d\n", *m.LostWrites)
		}
		b.WriteString("}\n")
	}
	b.WriteString("steps: [\n")
	for _, s := range d.Steps {
		fmt.Fprintf(&b, "{id: %s, duration: %s, outcome: %s", q(s.ID), q(s.Duration.String()), q(s.Outcome))
		if s.Note != "" {
			fmt.Fprintf(&b, ", note: %s", q(oneLine(s.Note)))
		}
		b.WriteString("},\n")
	}
	b.WriteString("]\n")
	if len(d.FailedSteps) > 0 {
		fmt.Fprintf(&b, "failedSteps: [")
		for i, id := range d.FailedSteps {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(q(id))
		}
		b.WriteString("]\n")
	}
	b.WriteString("}\n")
	return format.Source([]byte(b.String()))
}
