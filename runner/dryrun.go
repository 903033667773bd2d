package runner

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/drplan/drplan/plan"
)

// Waves groups the steps by when they can start: every step of a wave
// waits only for steps of earlier waves, so a wave's steps run in parallel.
func (b *Bundle) Waves() [][]int {
	level := map[string]int{}
	var waves [][]int
	for i, s := range b.Manifest.Steps {
		l := 0
		for _, d := range s.After {
			if level[d]+1 > l {
				l = level[d] + 1
			}
		}
		level[s.ID] = l
		for len(waves) <= l {
			waves = append(waves, nil)
		}
		waves[l] = append(waves[l], i)
	}
	return waves
}

// PrintPlan writes what a run would do, in the order it would do it, and
// runs nothing.
func PrintPlan(w io.Writer, b *Bundle) {
	m := &b.Manifest
	fmt.Fprintf(w, "Dry run: runbook %s (%s), plan %s, %s. Nothing is executed.\n", m.Runbook.ID, m.Runbook.Title, m.Plan, plural(len(m.Steps), "step"))
	if m.RTO != nil {
		fmt.Fprintf(w, "RTO target: %s (tier %s)\n", m.RTO.Text, m.RTO.Tier)
	}
	r := &Runner{b: b}
	for _, pc := range m.Preconditions {
		fmt.Fprintf(w, "Pre-condition: %s\n", oneLine(pc.Check))
		if strings.TrimSpace(pc.Command) != "" {
			fmt.Fprintln(w, "    checked by:")
			for _, line := range strings.Split(strings.TrimRight(pc.Command, "\n"), "\n") {
				fmt.Fprintf(w, "    | %s\n", line)
			}
			if pc.Expect != "" {
				fmt.Fprintf(w, "    expect: /%s/\n", pc.Expect)
			}
		}
	}
	for n, wave := range b.Waves() {
		fmt.Fprintf(w, "\nWave %d", n+1)
		if len(wave) > 1 {
			fmt.Fprintf(w, " (%d steps in parallel)", len(wave))
		}
		fmt.Fprintln(w, ":")
		for _, i := range wave {
			s := &m.Steps[i]
			fmt.Fprintf(w, "  Step %d %s: %s\n", s.Number, s.ID, s.Title)
			if len(s.After) > 0 {
				fmt.Fprintf(w, "    after: %s\n", strings.Join(s.After, ", "))
			}
			if s.Approval != nil {
				fmt.Fprintf(w, "    approval gate: %s (%s)\n", s.Approval.Role, oneLine(s.Approval.Reason))
			}
			if s.Manual {
				fmt.Fprintln(w, "    by hand (no command)")
			} else {
				fmt.Fprintf(w, "    run: %s\n", s.Script)
				for _, line := range r.commandLines(s.Script) {
					fmt.Fprintf(w, "    | %s\n", line)
				}
			}
			if s.TimeoutSeconds > 0 {
				fmt.Fprintf(w, "    timeout: %s\n", plan.Duration{Duration: time.Duration(s.TimeoutSeconds) * time.Second})
			}
			if s.Expect != "" {
				fmt.Fprintf(w, "    expect: /%s/\n", s.Expect)
			}
			if len(s.Measures) > 0 {
				fmt.Fprintf(w, "    measures: %s\n", strings.Join(s.Measures, ", "))
			}
			if len(s.Recovers) > 0 {
				fmt.Fprintf(w, "    recovers: %s\n", strings.Join(s.Recovers, ", "))
			}
			switch {
			case s.Rollback != "":
				fmt.Fprintf(w, "    rollback: %s\n", s.Rollback)
			case s.Irreversible != "":
				fmt.Fprintf(w, "    irreversible: %s\n", oneLine(s.Irreversible))
			}
		}
	}
}
