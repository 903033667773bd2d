package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

func init() { Register("text", writeText) }

// ANSI SGR sequences for the text format.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

type painter bool

func (p painter) paint(code, s string) string {
	if !p {
		return s
	}
	return code + s + ansiReset
}

func (p painter) severity(s Severity) string {
	switch s {
	case Error:
		return p.paint(ansiRed, s.String())
	case Warning:
		return p.paint(ansiYellow, s.String())
	default:
		return p.paint(ansiCyan, s.String())
	}
}

// writeText is the format for people: one line per finding in the
// file:line:col form editors jump to, what to do about it, then a summary
// line per plan.
func writeText(w io.Writer, r *Result, o Options) error {
	bw := bufio.NewWriter(w)
	p := painter(o.Color)
	for i := range r.Plans {
		pr := &r.Plans[i]
		for _, f := range pr.LoadErrors {
			msg := f.Message
			if f.Path != "" {
				msg = f.Path + ": " + msg
			}
			fmt.Fprintf(bw, "%s: %s: %s\n", f.Pos, p.paint(ansiRed, "error"), indentLines(msg, "  "))
		}
		for _, f := range pr.Findings {
			fmt.Fprintf(bw, "%s: %s %s: %s\n", f.Pos, p.severity(f.Severity), p.paint(ansiBold, f.RuleID), indentLines(f.Message, "  "))
			if rule, ok := r.Rule(f.RuleID); ok {
				if rule.Remediation != "" {
					fmt.Fprintf(bw, "  remediation: %s\n", indentLines(rule.Remediation, "    "))
				}
				if rule.HelpURI != "" {
					fmt.Fprintf(bw, "  see: %s\n", rule.HelpURI)
				}
			}
		}
		if len(pr.Suppressed) > 0 {
			bw.WriteString("suppressed:\n")
			for _, f := range pr.Suppressed {
				// Not coloured by severity: it is not counted, and red
				// would say otherwise.
				fmt.Fprintf(bw, "  %s: %s %s: %s\n", f.Pos, f.Severity, p.paint(ansiBold, f.RuleID), indentLines(f.Message, "    "))
				if s := f.Suppressed; s != nil {
					reason := s.Reason
					if reason == "" {
						reason = "(no reason given)"
					}
					fmt.Fprintf(bw, "    reason: %s", indentLines(reason, "      "))
					if s.Expires != "" {
						fmt.Fprintf(bw, " (expires %s)", s.Expires)
					}
					bw.WriteString("\n")
				}
			}
		}
		// A blank line closes each plan's block, so the summary and the
		// next plan stand apart.
		if len(pr.LoadErrors)+len(pr.Findings)+len(pr.Suppressed) > 0 {
			bw.WriteString("\n")
		}
	}
	for i := range r.Plans {
		pr := &r.Plans[i]
		fmt.Fprintf(bw, "%s: %s\n", planLabel(pr), summaryText(pr.Summarize(), p))
	}
	return bw.Flush()
}

// planLabel names a plan the way the user named it.
func planLabel(p *PlanResult) string {
	if p.Path != "" {
		return p.Path
	}
	if p.Name != "" {
		return p.Name
	}
	return "-"
}

func summaryText(s Summary, p painter) string {
	var parts []string
	if s.LoadErrors > 0 {
		return "not checked: " + plural(s.LoadErrors, "load error", "load errors")
	}
	if s.Errors > 0 {
		parts = append(parts, p.paint(ansiRed, plural(s.Errors, "error", "errors")))
	}
	if s.Warnings > 0 {
		parts = append(parts, p.paint(ansiYellow, plural(s.Warnings, "warning", "warnings")))
	}
	if s.Infos > 0 {
		parts = append(parts, p.paint(ansiCyan, plural(s.Infos, "info", "info")))
	}
	text := strings.Join(parts, ", ")
	if text == "" {
		text = "no findings"
	}
	if s.Suppressed > 0 {
		text += fmt.Sprintf(" (%d suppressed)", s.Suppressed)
	}
	return text
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// indentLines keeps a multi-line message under its first line.
func indentLines(s, indent string) string {
	return strings.ReplaceAll(s, "\n", "\n"+indent)
}
