package report

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

func init() { Register("github", writeGitHub) }

// writeGitHub writes GitHub Actions workflow commands, which the runner
// turns into annotations on the pull request's diff. Only counted
// findings and load errors are annotated: a suppressed finding is one the
// team has already decided about.
func writeGitHub(w io.Writer, r *Result, o Options) error {
	bw := bufio.NewWriter(w)
	for _, p := range r.Plans {
		for _, f := range p.LoadErrors {
			writeGitHubCommand(bw, "error", f.Pos.File, f.Pos.Line, f.Pos.Col, "load-error", f.Message, o)
		}
		for _, f := range p.Findings {
			writeGitHubCommand(bw, githubLevel(f.Severity), f.Pos.File, f.Pos.Line, f.Pos.Col, f.RuleID, f.Message, o)
		}
	}
	return bw.Flush()
}

func githubLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "notice"
}

func writeGitHubCommand(w *bufio.Writer, level, file string, line, col int, title, msg string, o Options) {
	var props []string
	if file != "" {
		props = append(props, "file="+githubEscapeProperty(displayPath(file, o.BaseDir)))
		if line > 0 {
			props = append(props, "line="+strconv.Itoa(line))
			if col > 0 {
				props = append(props, "col="+strconv.Itoa(col))
			}
		}
	}
	if title != "" {
		props = append(props, "title="+githubEscapeProperty(title))
	}
	w.WriteString("::" + level)
	if len(props) > 0 {
		w.WriteString(" " + strings.Join(props, ","))
	}
	w.WriteString("::" + githubEscapeData(msg) + "\n")
}

// The escaping is the runner's own (@actions/core's escapeData and
// escapeProperty): without it a newline in a message would end the
// command early and let plan text issue commands of its own, and a comma
// or colon in a path would end the property.
var (
	githubDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	githubPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func githubEscapeData(s string) string     { return githubDataEscaper.Replace(s) }
func githubEscapeProperty(s string) string { return githubPropertyEscaper.Replace(s) }
