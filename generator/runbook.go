package generator

import (
	"fmt"
	"strings"
	"time"

	"github.com/drplan/drplan/plan"
)

// RunbookMarkdown renders runbooks/<id>.md, the view an on-call engineer
// follows at 3 AM: pre-conditions as a checklist, then every step with its
// command, expected output, rollback, owner and approval gate, and the time
// each step is expected to be done by, against the RTO it serves.
func RunbookMarkdown(p *plan.Plan, id string) []byte {
	rb := p.Runbooks[id]
	var b strings.Builder
	fmt.Fprintf(&b, "# Runbook: %s\n\n", inline(rb.Title))
	fmt.Fprintf(&b, "Plan **%s** · runbook `%s`", inline(title(p)), id)
	if rb.Owner != "" {
		fmt.Fprintf(&b, " · owner: %s", inline(rb.Owner))
	}
	b.WriteString("\n\n")
	if rb.Description != "" {
		b.WriteString(paragraph(rb.Description) + "\n\n")
	}
	if len(rb.Tiers) > 0 {
		b.WriteString("Restores: ")
		for i, t := range rb.Tiers {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(tierObjective(p, t))
		}
		b.WriteString(".\n\n")
	}

	if len(rb.Preconditions) > 0 {
		b.WriteString("## Before you start\n\n")
		for _, pc := range rb.Preconditions {
			fmt.Fprintf(&b, "- [ ] %s", inline(pc.Check))
			if pc.Wait != nil {
				fmt.Fprintf(&b, " *(waits %s)*", pc.Wait.Human())
			}
			b.WriteString("\n")
			if pc.Command != "" {
				b.WriteString(codeBlock("sh", pc.Command, "  "))
			}
			if pc.Expect != "" {
				fmt.Fprintf(&b, "  Expect output matching `%s`.\n", code(pc.Expect))
			}
		}
		b.WriteString("\n")
	}

	done := rb.Finish(rb.EstimateOf)
	wait := rb.Waits()
	b.WriteString("## Steps\n\n")
	if wait > 0 {
		fmt.Fprintf(&b, "Times below are counted from the declaration, including %s of pre-condition waits; steps whose dependencies allow it run in parallel.\n\n", plan.Duration{Duration: wait}.Human())
	}
	for i, s := range rb.Steps {
		fmt.Fprintf(&b, "### %d. %s\n\n", s.Number, inline(s.Title))
		var meta []string
		if s.Owner != "" {
			meta = append(meta, "owner: "+inline(s.Owner))
		}
		if s.Estimate != nil {
			meta = append(meta, "estimate: "+s.Estimate.Human())
		}
		if s.Timeout != nil {
			meta = append(meta, "timeout: "+s.Timeout.Human())
		}
		meta = append(meta, "done by: "+clock(wait+done[i]))
		if deps := rb.StepDeps(i); len(deps) > 0 {
			var names []string
			for _, d := range deps {
				names = append(names, fmt.Sprintf("%d", rb.Steps[d].Number))
			}
			meta = append(meta, "after step "+strings.Join(names, ", "))
		} else if i > 0 {
			meta = append(meta, "can start at once")
		}
		b.WriteString(strings.Join(meta, " · ") + "\n\n")
		if s.Approval != nil {
			fmt.Fprintf(&b, "> **Approval gate.** Wait for the go-ahead of the %s: %s\n", inline(s.Approval.Role), inline(s.Approval.Reason))
			if st := s.Approval.Standing; st != nil {
				// The runner decides on the day whether it is still in force.
				fmt.Fprintf(&b, ">\n> Standing approval for automated runs: %s. `drplan run --yes` passes this gate while it is in force; an attended run still asks.\n", inline(st.String()))
			}
			b.WriteString("\n")
		}
		if s.Command != "" {
			b.WriteString(codeBlock("sh", s.Command, ""))
			b.WriteString("\n")
		}
		if s.Expect != "" {
			fmt.Fprintf(&b, "Expected output matches `%s`", code(s.Expect))
			if s.Sample != "" {
				b.WriteString(", for example:\n\n" + codeBlock("text", s.Sample, "") + "\n")
			} else {
				b.WriteString(".\n\n")
			}
		}
		switch {
		case s.Rollback != nil:
			b.WriteString("Rollback:\n\n" + codeBlock("sh", s.Rollback.Command, "") + "\n")
		case s.Irreversible != "":
			fmt.Fprintf(&b, "**Irreversible.** %s\n\n", inline(s.Irreversible))
		}
		for _, t := range s.Recovers {
			if tier := p.Tiers[t]; tier != nil && tier.RTO != nil {
				verdict := "within"
				if wait+done[i] > tier.RTO.Duration {
					verdict = "**beyond**"
				}
				fmt.Fprintf(&b, "After this step %s is serving again: %s, %s its RTO of %s.\n\n", t, clock(wait+done[i]), verdict, tier.RTO.Human())
			}
		}
	}

	if len(rb.PostActions) > 0 {
		b.WriteString("## After the steps\n\n")
		for _, a := range rb.PostActions {
			fmt.Fprintf(&b, "- [ ] **%s**", inline(a.Title))
			if a.Within != nil {
				fmt.Fprintf(&b, " (within %s)", a.Within.Human())
			}
			if a.Owner != "" {
				fmt.Fprintf(&b, " — %s", inline(a.Owner))
			}
			b.WriteString("\n")
			if a.Detail != "" {
				b.WriteString("  " + paragraph(a.Detail) + "\n")
			}
			if a.Command != "" {
				b.WriteString(codeBlock("sh", a.Command, "  "))
			}
		}
	}
	return []byte(b.String())
}

func tierObjective(p *plan.Plan, id string) string {
	t := p.Tiers[id]
	if t == nil {
		return id
	}
	s := fmt.Sprintf("%s (%s", id, inline(t.Title))
	if t.RTO != nil {
		s += ", RTO " + t.RTO.Human()
	}
	if t.RPO != nil {
		s += ", RPO " + t.RPO.Human()
	}
	return s + ")"
}

// clock formats an offset from the declaration as T+1h02m30s.
func clock(d time.Duration) string {
	return "T+" + plan.Duration{Duration: d.Round(time.Second)}.String()
}

// codeBlock fences text so that no backtick run inside it can close the
// fence early; indent prefixes every line (for list items).
func codeBlock(lang, text, indent string) string {
	fence := "```"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	var b strings.Builder
	b.WriteString(indent + fence + lang + "\n")
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString(indent + line + "\n")
	}
	b.WriteString(indent + fence + "\n")
	return b.String()
}

// code makes text safe inside an inline code span.
func code(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "`", "'"), "\n", " ")
}

// inline makes plan text safe as inline Markdown: one line, and no raw
// HTML (plan strings are data, never markup).
func inline(s string) string {
	r := strings.NewReplacer("\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;")
	return strings.TrimSpace(r.Replace(s))
}

// paragraph keeps a multi-line plan text's line breaks as soft breaks and
// escapes raw HTML.
func paragraph(s string) string {
	r := strings.NewReplacer("<", "&lt;", ">", "&gt;")
	return strings.TrimSpace(r.Replace(s))
}
