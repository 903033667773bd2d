package plandiff

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Report is the comparison of one or more plans between two versions, as
// the formats write it.
type Report struct {
	// Base and Head name the two versions (paths or git revisions).
	Base  string  `json:"base"`
	Head  string  `json:"head"`
	Plans []*Diff `json:"plans"`
}

// Formats are the output formats, the first the default.
var Formats = []string{"markdown", "json"}

// Write writes the report in format.
func Write(w io.Writer, format string, r *Report) error {
	switch format {
	case "markdown":
		return WriteMarkdown(w, r)
	case "json":
		return WriteJSON(w, r)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, " or "))
}

// WriteJSON writes the report as indented JSON. Field names are stable;
// docs/ci.md describes them.
func WriteJSON(w io.Writer, r *Report) error {
	if r.Plans == nil {
		r.Plans = []*Diff{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteMarkdown writes the report as GitHub-flavoured Markdown, for a pull
// request comment or a job summary: sign-off invalidations first, as an
// alert, then the changes grouped by section.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## drplan diff\n\nChanges in substance from %s to %s.\n", code(r.Base), code(r.Head))
	if len(r.Plans) == 0 {
		b.WriteString("\nNo plans found.\n")
	}
	for _, d := range r.Plans {
		markdownPlan(&b, d)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func markdownPlan(b *strings.Builder, d *Diff) {
	fmt.Fprintf(b, "\n### %s", escape(d.Name))
	if d.Path != "" {
		fmt.Fprintf(b, " (%s)", code(filepath.ToSlash(d.Path)))
	}
	b.WriteString("\n\n")
	switch d.Status {
	case StatusAdded:
		b.WriteString("New plan.\n")
		return
	case StatusRemoved:
		b.WriteString("Plan removed.\n")
		return
	case StatusUnchanged:
		b.WriteString("No changes in substance.\n")
		return
	}
	if len(d.Invalidated) > 0 {
		b.WriteString("> [!WARNING]\n")
		b.WriteString("> **Sign-offs invalidated.** These tiers' objectives changed after the business signed them off; " +
			"each needs a new approval (`drplan signoff`) before the plan states what was agreed.\n>\n")
		for _, inv := range d.Invalidated {
			fmt.Fprintf(b, "> - **%s**", escape(inv.Tier))
			if inv.Title != "" {
				fmt.Fprintf(b, " (%s)", escape(inv.Title))
			}
			fmt.Fprintf(b, ": %s. Stale: ", escape(strings.Join(inv.Because, "; ")))
			for i, s := range inv.SignOffs {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(b, "%s (%s, %s)", escape(s.Role), escape(s.Name), s.Date)
			}
			b.WriteString(".")
			if inv.Pos != nil {
				fmt.Fprintf(b, " %s", code(filepath.ToSlash(inv.Pos.String())))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	for _, sec := range Sections {
		first := true
		for _, ch := range d.Changes {
			if ch.Section != sec.ID {
				continue
			}
			if first {
				fmt.Fprintf(b, "#### %s\n\n", sec.Title)
				first = false
			}
			fmt.Fprintf(b, "- %s", escape(ch.Message))
			if ch.Pos != nil {
				fmt.Fprintf(b, " %s", code(filepath.ToSlash(ch.Pos.String())))
				if ch.Effect == Removed {
					// The line is the base version's; head has none.
					b.WriteString(" (before)")
				}
			}
			b.WriteString("\n")
			if ch.Detail != "" {
				fence := "```"
				for strings.Contains(ch.Detail, fence) {
					fence += "`"
				}
				fmt.Fprintf(b, "\n  %sdiff\n", fence)
				for _, line := range strings.Split(ch.Detail, "\n") {
					b.WriteString(strings.TrimRight("  "+line, " ") + "\n")
				}
				fmt.Fprintf(b, "  %s\n\n", fence)
			}
		}
		if !first {
			b.WriteString("\n")
		}
	}
	// One blank line between plans, not two.
	s := strings.TrimRight(b.String(), "\n") + "\n"
	b.Reset()
	b.WriteString(s)
}

// escape makes plan text safe inside Markdown prose: it cannot open HTML,
// links, emphasis or tables, and stays on one line. A '>' or '#' inside a
// line is plain text; lines never start with one here.
func escape(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<|", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// code writes s as an inline code span, with a fence longer than any run
// of backticks inside it.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}
