package runner

import (
	"sort"
	"strings"
	"time"

	"github.com/drplan/drplan/generator/bundle"
)

// StepState is one step as the journal tells it.
type StepState struct {
	ID string
	// Status is the last outcome journaled ("" never ran, "running" started
	// with no end: the run died or was stopped inside it).
	Status   string
	Duration time.Duration
	Ended    time.Time
	Note     string
	Measures map[string]string
	Runs     int
}

// DrillState is a run rebuilt from its journal: what the runner resumes
// from and what the drill record is made of.
type DrillState struct {
	Info    RunInfo
	Started time.Time
	Steps   map[string]*StepState
	order   []string
	// recovers names the steps that bring a tier back, for the RTO.
	recovers map[string]bool
	deps     map[string][]string

	Finished      string
	FinishNote    string
	RecordWritten string
}

// Replay rebuilds the state of a run from its journal entries.
func Replay(b *Bundle, entries []Entry) *DrillState {
	st := &DrillState{Steps: map[string]*StepState{}, recovers: map[string]bool{}, deps: map[string][]string{}}
	for _, s := range b.Manifest.Steps {
		st.order = append(st.order, s.ID)
		st.Steps[s.ID] = &StepState{ID: s.ID}
		st.recovers[s.ID] = len(s.Recovers) > 0
		st.deps[s.ID] = s.After
	}
	for _, e := range entries {
		st.apply(e)
	}
	return st
}

func (st *DrillState) apply(e Entry) {
	s := st.Steps[e.Step]
	switch e.Type {
	case EntryStart:
		st.Info = *e.Run
		st.Started = e.Time
	case EntryResume:
		// A run resumed after it finished (failed or stopped) goes on.
		st.Finished, st.FinishNote, st.RecordWritten = "", "", ""
	case EntryStepStart:
		if s != nil {
			s.Status = "running"
			s.Runs++
		}
	case EntryStepEnd:
		if s != nil {
			s.Status = e.Outcome
			s.Duration = time.Duration(e.DurationMS) * time.Millisecond
			s.Ended = e.Time
			s.Note = e.Message
			s.Measures = e.Measures
		}
	case EntryRollEnd:
		if s != nil && e.Outcome == OutcomeOK {
			// A failed step stays failed in the record; its note says
			// it was undone.
			if s.Status == OutcomeOK || s.Status == OutcomeSkipped {
				s.Status = OutcomeRolledBack
			}
			s.Note = strings.TrimPrefix(s.Note+"; rolled back", "; ")
		}
	case EntryFinish:
		st.Finished, st.FinishNote = e.Outcome, e.Message
	case EntryRecord:
		st.RecordWritten = e.Path
	}
}

// IsDone reports whether a step completed (and was not rolled back).
func (st *DrillState) IsDone(id string) bool {
	s := st.Steps[id]
	return s != nil && (s.Status == OutcomeOK || s.Status == OutcomeSkipped)
}

func (st *DrillState) depsDone(s *bundle.Step) bool {
	for _, d := range s.After {
		if !st.IsDone(d) {
			return false
		}
	}
	return true
}

// Done lists the completed steps in runbook order.
func (st *DrillState) Done() []string {
	var out []string
	for _, id := range st.order {
		if st.IsDone(id) {
			out = append(out, id)
		}
	}
	return out
}

// Running lists the steps the journal saw start and never end.
func (st *DrillState) Running() []string {
	var out []string
	for _, id := range st.order {
		if st.Steps[id].Status == "running" {
			out = append(out, id)
		}
	}
	return out
}

// FailedSteps lists the steps whose last run failed or timed out.
func (st *DrillState) FailedSteps() []string {
	var out []string
	for _, id := range st.order {
		switch st.Steps[id].Status {
		case OutcomeFailed, OutcomeTimeout:
			out = append(out, id)
		}
	}
	return out
}

// CompletionOrder lists completed steps latest first: the order their
// rollbacks must run in. okOnly leaves out steps not executed (skipped).
func (st *DrillState) CompletionOrder(okOnly bool) []string {
	var out []string
	for _, id := range st.order {
		s := st.Steps[id]
		if s.Status == OutcomeOK || (!okOnly && s.Status == OutcomeSkipped) {
			out = append(out, id)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return st.Steps[out[i]].Ended.After(st.Steps[out[j]].Ended) })
	return out
}

// MeasuredRTO is the time from declaration (the run's start) to the end of
// the last recovering step, once every recovering step is done; a runbook
// without recovering steps counts its last step.
func (st *DrillState) MeasuredRTO() (time.Duration, bool) {
	var last time.Time
	any := false
	for _, id := range st.order {
		if st.recovers[id] {
			any = true
		}
	}
	for _, id := range st.order {
		if any && !st.recovers[id] {
			continue
		}
		if !st.IsDone(id) || st.Steps[id].Status == OutcomeSkipped {
			return 0, false
		}
		if st.Steps[id].Ended.After(last) {
			last = st.Steps[id].Ended
		}
	}
	if last.IsZero() {
		return 0, false
	}
	return last.Sub(st.Started), true
}

// Measure returns the last value a step reported for key.
func (st *DrillState) Measure(key string) (string, bool) {
	for i := len(st.order) - 1; i >= 0; i-- {
		s := st.Steps[st.order[i]]
		if v, ok := s.Measures[key]; ok && st.IsDone(s.ID) {
			return v, true
		}
	}
	return "", false
}

// Order is the runbook's step order.
func (st *DrillState) Order() []string { return st.order }
