package verify

import (
	"fmt"
	"strings"
)

// RulesMarkdown is the rule reference of docs/verify.md, generated from
// the rules themselves so the two cannot drift; a test compares them.
func RulesMarkdown() string {
	var b strings.Builder
	for _, r := range rules {
		fmt.Fprintf(&b, "### %s\n\n**%s** (%s)\n\n%s\n\n*Fix:* %s\n\n", r.ID, r.Title, r.Severity, r.Rationale, r.Remediation)
	}
	return b.String()
}
