package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/lint"
	"github.com/drplan/drplan/plan"
)

func newExplainCmd(s Streams) *cobra.Command {
	var markdown bool
	cmd := &cobra.Command{
		Use:   "explain RULE",
		Short: "Explain a lint rule: why it exists and how to fix its findings",
		Example: `  drplan explain DR004
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
				var ids []string
				for _, r := range lint.Rules() {
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
