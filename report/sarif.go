package report

import (
	"encoding/json"
	"io"
	"strings"
	"unicode"
)

func init() { Register("sarif", writeSARIF) }

// SARIF constants. The schema URI is the one GitHub code scanning and
// most viewers recognise.
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// sarifSrcRoot is the conventional base for repository-relative URIs.
	sarifSrcRoot = "%SRCROOT%"
	// sarifToolURI is drplan's home, the driver's informationUri.
	sarifToolURI = "https://github.com/drplan/drplan"
)

// The subset of SARIF 2.1.0 drplan writes. Struct field order is the
// output order, so output is stable.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string            `json:"id"`
		Name                 string            `json:"name,omitempty"`
		ShortDescription     *sarifText        `json:"shortDescription,omitempty"`
		FullDescription      *sarifText        `json:"fullDescription,omitempty"`
		Help                 *sarifHelp        `json:"help,omitempty"`
		HelpURI              string            `json:"helpUri,omitempty"`
		DefaultConfiguration sarifRuleDefaults `json:"defaultConfiguration"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifRuleDefaults struct {
		Level string `json:"level"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations,omitempty"`
	}
	sarifResult struct {
		RuleID       string             `json:"ruleId"`
		RuleIndex    *int               `json:"ruleIndex,omitempty"`
		Level        string             `json:"level"`
		Message      sarifText          `json:"message"`
		Locations    []sarifLocation    `json:"locations,omitempty"`
		Suppressions []sarifSuppression `json:"suppressions,omitempty"`
		Properties   *sarifProperties   `json:"properties,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
		LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	sarifLogical struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
	}
	sarifSuppression struct {
		Kind          string               `json:"kind"`
		Justification string               `json:"justification,omitempty"`
		Location      *sarifLocation       `json:"location,omitempty"`
		Properties    *sarifSuppressionExp `json:"properties,omitempty"`
	}
	sarifSuppressionExp struct {
		Expires string `json:"expires"`
	}
	sarifProperties struct {
		// Plan is the plan's name, NodePath the node the finding is about.
		Plan     string `json:"plan,omitempty"`
		NodePath string `json:"nodePath,omitempty"`
	}
)

// writeSARIF writes SARIF 2.1.0 for code-scanning consumers. Findings and
// suppressed findings are results (the latter with suppressions, so a
// viewer can show them dimmed); load errors are tool execution
// notifications, since no rule produced them, and mark the run failed.
func writeSARIF(w io.Writer, r *Result, o Options) error {
	name := r.Tool
	if name == "" {
		name = "drplan"
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           name,
			Version:        r.Version,
			InformationURI: sarifToolURI,
			Rules:          make([]sarifRule, 0, len(r.Rules)),
		}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		Results:     []sarifResult{},
	}
	index := map[string]int{}
	for i, rule := range r.Rules {
		index[rule.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleFor(rule))
	}
	inv := &run.Invocations[0]
	for _, p := range r.Plans {
		for _, f := range p.LoadErrors {
			inv.ExecutionSuccessful = false
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Level:     "error",
				Message:   sarifText{Text: f.Message},
				Locations: sarifLocations(f.Pos.File, f.Pos.Line, f.Pos.Col, "", o),
			})
		}
		for _, f := range p.Findings {
			run.Results = append(run.Results, sarifResultFor(p, f, index, o))
		}
		for _, f := range p.Suppressed {
			res := sarifResultFor(p, f, index, o)
			sup := sarifSuppression{Kind: "inSource"}
			if s := f.Suppressed; s != nil {
				sup.Justification = s.Reason
				if s.Pos.IsValid() {
					if locs := sarifLocations(s.Pos.File, s.Pos.Line, s.Pos.Col, "", o); len(locs) > 0 {
						sup.Location = &locs[0]
					}
				}
				if s.Expires != "" {
					sup.Properties = &sarifSuppressionExp{Expires: s.Expires}
				}
			}
			res.Suppressions = []sarifSuppression{sup}
			run.Results = append(run.Results, res)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

func sarifRuleFor(rule Rule) sarifRule {
	title := rule.Title
	if title == "" {
		title = rule.ID
	}
	sr := sarifRule{
		ID:                   rule.ID,
		Name:                 camelCase(title),
		ShortDescription:     &sarifText{Text: title},
		HelpURI:              rule.HelpURI,
		DefaultConfiguration: sarifRuleDefaults{Level: sarifLevel(rule.Severity)},
	}
	if sr.Name == "" {
		sr.Name = camelCase(rule.ID)
	}
	if rule.Rationale != "" {
		sr.FullDescription = &sarifText{Text: rule.Rationale}
	}
	if rule.Remediation != "" {
		sr.Help = &sarifHelp{Text: rule.Remediation, Markdown: rule.Remediation}
	}
	return sr
}

func sarifResultFor(p PlanResult, f Finding, index map[string]int, o Options) sarifResult {
	res := sarifResult{
		RuleID:    f.RuleID,
		Level:     sarifLevel(f.Severity),
		Message:   sarifText{Text: f.Message},
		Locations: sarifLocations(f.Pos.File, f.Pos.Line, f.Pos.Col, f.Path, o),
	}
	if i, ok := index[f.RuleID]; ok {
		res.RuleIndex = &i
	}
	if p.Name != "" || f.Path != "" {
		res.Properties = &sarifProperties{Plan: p.Name, NodePath: f.Path}
	}
	return res
}

// sarifLocations places a finding: the file and region when known, and
// the plan node path as a logical location.
func sarifLocations(file string, line, col int, nodePath string, o Options) []sarifLocation {
	var loc sarifLocation
	if file != "" {
		uri, rel := fileURI(file, o.BaseDir)
		phys := &sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}}
		if rel {
			phys.ArtifactLocation.URIBaseID = sarifSrcRoot
		}
		if line > 0 {
			phys.Region = &sarifRegion{StartLine: line, StartColumn: max(col, 0)}
		}
		loc.PhysicalLocation = phys
	}
	if nodePath != "" {
		loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: nodePath}}
	}
	if loc.PhysicalLocation == nil && loc.LogicalLocations == nil {
		return nil
	}
	return []sarifLocation{loc}
}

func sarifLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

// camelCase turns "Tier 0 needs an RPO" into "Tier0NeedsAnRPO", the form
// SARIF suggests for a rule's name.
func camelCase(s string) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		rs := []rune(word)
		b.WriteRune(unicode.ToUpper(rs[0]))
		b.WriteString(string(rs[1:]))
	}
	return b.String()
}
