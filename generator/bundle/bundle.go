// Package bundle renders a runbook as an executable bundle: one POSIX sh
// script per step (and per rollback), a standalone run.sh that walks the
// steps for an engineer who does not have drplan, and manifest.json, which
// describes the steps and pins the SHA-256 of every other file so that a
// runner can refuse a bundle that was changed after it was rendered.
package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/drplan/drplan/plan"
)

// Format names the bundle layout manifest.json describes.
const Format = "drplan-bundle/v1"

// ManifestFile is the bundle's manifest, relative to the bundle folder.
const ManifestFile = "manifest.json"

// RunFile is the standalone runner, relative to the bundle folder.
const RunFile = "run.sh"

// Manifest is the content of manifest.json.
type Manifest struct {
	Format  string  `json:"format"`
	Plan    string  `json:"plan"`
	Runbook Runbook `json:"runbook"`
	// Scenarios are the plan's scenarios this runbook answers: a drill of
	// it records one of them.
	Scenarios     []string       `json:"scenarios,omitempty"`
	RTO           *RTO           `json:"rto,omitempty"`
	Preconditions []Precondition `json:"preconditions"`
	Steps         []Step         `json:"steps"`
	// Files maps every other file of the bundle to its SHA-256, hex.
	Files map[string]string `json:"files"`
}

// Runbook identifies the runbook a bundle runs.
type Runbook struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// RTO is the strictest recovery-time objective of the runbook's tiers.
type RTO struct {
	Seconds int64  `json:"seconds"`
	Text    string `json:"text"`
	Tier    string `json:"tier"`
}

// Precondition must hold before step 1.
type Precondition struct {
	Check       string `json:"check"`
	Command     string `json:"command,omitempty"`
	Expect      string `json:"expect,omitempty"`
	WaitSeconds int64  `json:"waitSeconds,omitempty"`
}

// Step is one step of the bundle. Script is empty (and Manual true) when
// the step has no command: it is done by hand.
type Step struct {
	Number         int       `json:"number"`
	ID             string    `json:"id"`
	Title          string    `json:"title"`
	Script         string    `json:"script,omitempty"`
	Manual         bool      `json:"manual,omitempty"`
	After          []string  `json:"after"`
	Approval       *Approval `json:"approval,omitempty"`
	TimeoutSeconds int64     `json:"timeoutSeconds,omitempty"`
	Expect         string    `json:"expect,omitempty"`
	Recovers       []string  `json:"recovers,omitempty"`
	// Measures names what the step's output reports for the drill record
	// ("drplan-measure: rpo=1.5s" lines).
	Measures       []string `json:"measures,omitempty"`
	Rollback       string   `json:"rollback,omitempty"`
	RollbackExpect string   `json:"rollbackExpect,omitempty"`
	Irreversible   string   `json:"irreversible,omitempty"`
}

// Approval is a gate the step waits at for a role's go-ahead.
type Approval struct {
	Role   string `json:"role"`
	Reason string `json:"reason"`
	// Standing is the role's approval given in advance for automated runs;
	// the runner decides whether it is still in force when it reaches the gate.
	Standing *plan.StandingApproval `json:"standing,omitempty"`
}

// Files renders the bundle of runbook runbookID, paths relative to the
// bundle folder. The output is deterministic.
func Files(p *plan.Plan, runbookID string) (map[string][]byte, error) {
	rb := p.Runbooks[runbookID]
	if rb == nil {
		return nil, fmt.Errorf("no runbook %q", runbookID)
	}
	files := map[string][]byte{}
	m := Manifest{
		Format:        Format,
		Plan:          p.Name,
		Runbook:       Runbook{ID: runbookID, Title: rb.Title},
		Preconditions: []Precondition{},
		Steps:         []Step{},
		Scenarios:     p.RunbookScenarios(runbookID),
	}
	if rto, tier, ok := p.StrictestRTO(p.RunbookTiers(runbookID)); ok {
		m.RTO = &RTO{Seconds: int64(rto.Seconds()), Text: rto.String(), Tier: tier}
	}
	for _, pc := range rb.Preconditions {
		mp := Precondition{Check: pc.Check, Command: pc.Command, Expect: pc.Expect}
		if pc.Wait != nil {
			mp.WaitSeconds = int64(pc.Wait.Seconds())
		}
		m.Preconditions = append(m.Preconditions, mp)
	}
	for i, s := range rb.Steps {
		st := Step{Number: s.Number, ID: s.ID, Title: s.Title, After: []string{}, Expect: s.Expect, Recovers: s.Recovers, Measures: s.Measures, Irreversible: s.Irreversible}
		for _, j := range rb.StepDeps(i) {
			st.After = append(st.After, rb.Steps[j].ID)
		}
		if s.Approval != nil {
			st.Approval = &Approval{Role: s.Approval.Role, Reason: s.Approval.Reason, Standing: s.Approval.Standing}
		}
		if s.Timeout != nil {
			st.TimeoutSeconds = int64(s.Timeout.Seconds())
		}
		base := fmt.Sprintf("steps/%02d-%s", s.Number, s.ID)
		if strings.TrimSpace(s.Command) == "" {
			st.Manual = true
		} else {
			st.Script = base + ".sh"
			if err := add(files, st.Script, stepScript(p, runbookID, s, "Step", s.Command)); err != nil {
				return nil, err
			}
		}
		if s.Rollback != nil && strings.TrimSpace(s.Rollback.Command) != "" {
			st.Rollback = base + ".rollback.sh"
			st.RollbackExpect = s.Rollback.Expect
			if err := add(files, st.Rollback, stepScript(p, runbookID, s, "Rollback of step", s.Rollback.Command)); err != nil {
				return nil, err
			}
		}
		m.Steps = append(m.Steps, st)
	}
	files[RunFile] = runScript(p, runbookID, rb, m)
	m.Files = map[string]string{}
	for name, data := range files {
		sum := sha256.Sum256(data)
		m.Files[name] = hex.EncodeToString(sum[:])
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	files[ManifestFile] = buf.Bytes()
	return files, nil
}

// add stores a generated file, refusing a name that is not a plain
// relative path inside the bundle (step IDs come from the plan).
func add(files map[string][]byte, name string, data []byte) error {
	if strings.Contains(name, "..") || strings.HasPrefix(name, "/") || strings.ContainsAny(name, "\\\n") {
		return fmt.Errorf("refusing bundle file %q: not a plain path inside the bundle", name)
	}
	if _, dup := files[name]; dup {
		return fmt.Errorf("two steps render to %s", name)
	}
	files[name] = data
	return nil
}

// commandMarker separates a script's header from the plan's command,
// which follows verbatim; run.sh prints what follows it.
const commandMarker = "# --- command (verbatim from the plan) ---"

func stepScript(p *plan.Plan, runbookID string, s *plan.Step, what, command string) []byte {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&b, "# %s %d of runbook %s (plan %s): %s\n", what, s.Number, runbookID, p.Name, oneLine(s.Title))
	b.WriteString("# Generated by drplan from the plan; change the plan, not this file.\n")
	b.WriteString("set -eu\n")
	b.WriteString(commandMarker + "\n")
	b.WriteString(command)
	if !strings.HasSuffix(command, "\n") {
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// oneLine folds text onto one line, for a comment or a prompt.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// shQuote quotes s as one POSIX sh word.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func runScript(p *plan.Plan, runbookID string, rb *plan.Runbook, m Manifest) []byte {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&b, "# Runbook %s of plan %s: %s\n", runbookID, p.Name, oneLine(rb.Title))
	b.WriteString(runHeader)
	fmt.Fprintf(&b, "runbook=%s\n", shQuote(runbookID))
	fmt.Fprintf(&b, "runbook_title=%s\n", shQuote(oneLine(rb.Title)))
	rto := ""
	if m.RTO != nil {
		rto = fmt.Sprintf("%s (tier %s)", m.RTO.Text, m.RTO.Tier)
	}
	fmt.Fprintf(&b, "rto=%s\n", shQuote(rto))
	b.WriteString(runBody)
	b.WriteString("\nstart_runbook\n")
	if len(m.Preconditions) > 0 {
		b.WriteString("\n# Pre-conditions: the engineer confirms them; they are not checked.\n")
		for _, pc := range m.Preconditions {
			fmt.Fprintf(&b, "precondition %s\n", shQuote(oneLine(pc.Check)))
		}
		b.WriteString("confirm_preconditions\n")
	}
	for _, s := range m.Steps {
		fmt.Fprintf(&b, "\n# Step %d: %s\n", s.Number, oneLine(s.Title))
		fmt.Fprintf(&b, "num=%d\n", s.Number)
		fmt.Fprintf(&b, "title=%s\n", shQuote(oneLine(s.Title)))
		fmt.Fprintf(&b, "after=%s\n", shQuote(strings.Join(s.After, ", ")))
		fmt.Fprintf(&b, "script=%s\n", shQuote(s.Script))
		fmt.Fprintf(&b, "expect=%s\n", shQuote(s.Expect))
		fmt.Fprintf(&b, "expect_ere=%s\n", shQuote(ereOrEmpty(s.Expect)))
		fmt.Fprintf(&b, "timeout=%d\n", s.TimeoutSeconds)
		role, reason, standing, from, until := "", "", "", "", ""
		if s.Approval != nil {
			role, reason = oneLine(s.Approval.Role), oneLine(s.Approval.Reason)
			if st := s.Approval.Standing; st != nil {
				standing, from = oneLine(st.String()), st.Date.String()
				if st.Expires != nil {
					until = st.Expires.String()
				}
			}
		}
		fmt.Fprintf(&b, "approval_role=%s\n", shQuote(role))
		fmt.Fprintf(&b, "approval_reason=%s\n", shQuote(reason))
		fmt.Fprintf(&b, "approval_standing=%s\n", shQuote(standing))
		fmt.Fprintf(&b, "approval_from=%s\n", shQuote(from))
		fmt.Fprintf(&b, "approval_until=%s\n", shQuote(until))
		fmt.Fprintf(&b, "rollback=%s\n", shQuote(s.Rollback))
		fmt.Fprintf(&b, "rollback_expect=%s\n", shQuote(s.RollbackExpect))
		fmt.Fprintf(&b, "rollback_expect_ere=%s\n", shQuote(ereOrEmpty(s.RollbackExpect)))
		fmt.Fprintf(&b, "irreversible=%s\n", shQuote(oneLine(s.Irreversible)))
		b.WriteString("run_step\n")
	}
	b.WriteString("\nfinish_runbook\n")
	return []byte(b.String())
}

// ereOrEmpty is run.sh's form of an expected-output pattern, "" when POSIX
// cannot state it (run.sh then says the check is the engineer's).
func ereOrEmpty(expr string) string {
	if expr == "" {
		return ""
	}
	ere, _ := ERE(expr)
	return ere
}
