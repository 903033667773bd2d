package report

import (
	"encoding/json"
	"io"
)

func init() { Register("json", writeJSON) }

// jsonReport fixes the top-level field order: what ran, the tally, then
// the detail.
type jsonReport struct {
	Tool    string       `json:"tool"`
	Version string       `json:"version"`
	Summary Summary      `json:"summary"`
	Rules   []Rule       `json:"rules"`
	Plans   []PlanResult `json:"plans"`
}

// writeJSON writes the result for scripts. Lists are never null, so a
// consumer can iterate without a nil check.
func writeJSON(w io.Writer, r *Result, _ Options) error {
	out := jsonReport{
		Tool:    r.Tool,
		Version: r.Version,
		Summary: r.Summarize(),
		Rules:   r.Rules,
		Plans:   make([]PlanResult, len(r.Plans)),
	}
	if out.Rules == nil {
		out.Rules = []Rule{}
	}
	for i, p := range r.Plans {
		if p.Findings == nil {
			p.Findings = []Finding{}
		}
		out.Plans[i] = p
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Messages quote plan text; "<" and "&" there are not HTML.
	enc.SetEscapeHTML(false)
	return enc.Encode(out) // Encode ends with a newline.
}
