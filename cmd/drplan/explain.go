package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/lint"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/verify"
)

func newExplainCmd(s Streams) *cobra.Command {
	var markdown bool
	cmd := &cobra.Command{
		Use:   "explain RULE",
		Short: "Explain a lint or verify rule: why it exists and how to fix its findings",
		Example: `  drplan explain DR004
  drplan explain DR205                        # verify's rules are DR2xx
  drplan explain --markdown > docs/rules.md   # the whole rule reference`,
		Args: func(cmd *cobra.Command, args []string) error {
			if markdown && len(args) == 0 {
				return nil
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				_, err := fmt.Fprint(s.Out, lint.Reference())
				return err
			}
			r := lint.Lookup(args[0])
			if r == nil {
				if vr, ok := verify.RuleByID(args[0]); ok {
					if markdown {
						_, err := fmt.Fprintf(s.Out, "## %s\n\n**%s** (%s)\n\n**Why.** %s\n\n**Fix.** %s\n", vr.ID, vr.Title, vr.Severity, vr.Rationale, vr.Remediation)
						return err
					}
					fmt.Fprintf(s.Out, "%s (%s, drplan verify): %s\n\nWhy:\n%s\n\nFix:\n%s\n\nSee %s\n",
						vr.ID, vr.Severity, vr.Title, indent(vr.Rationale), indent(vr.Remediation), vr.HelpURI)
					return nil
				}
				var ids []string
				for _, r := range lint.Rules() {
					ids = append(ids, r.ID)
				}
				for _, r := range verify.Rules() {
					ids = append(ids, r.ID)
				}
				msg := fmt.Sprintf("no rule %q", args[0])
				if sug := plan.Closest(strings.ToUpper(args[0]), ids); sug != "" {
					msg += fmt.Sprintf(" (did you mean %s?)", sug)
				}
				return usageError("%s; `drplan lint --list-rules` lists them", msg)
			}
			if markdown {
				_, err := fmt.Fprint(s.Out, lint.RuleMarkdown(r))
				return err
			}
			fmt.Fprintf(s.Out, "%s (%s): %s\n\nWhy:\n%s\n\nFix:\n%s\n\nSee %s\n",
				r.ID, r.Severity, r.Title, indent(r.Rationale), indent(r.Remediation), r.HelpURI())
			return nil
		},
	}
	cmd.Flags().BoolVar(&markdown, "markdown", false, "print Markdown; without RULE, the whole rule reference")
	return cmd
}

// indent wraps text at 76 columns, indented by two spaces.
func indent(text string) string {
	var lines []string
	line := " "
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 78 && line != " " {
			lines = append(lines, line)
			line = " "
		}
		line += " " + w
	}
	return strings.Join(append(lines, line), "\n")
}
