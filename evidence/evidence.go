// Package evidence is the record `drplan verify --record` leaves behind: what
// was checked against AWS, when, and what it found. The auditor site reads it
// (`drplan render --evidence FILE`) and `drplan verify --snapshot FILE`
// re-runs the comparison offline from the observed state it carries.
package evidence

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/drplan/drplan/plan"
)

// Kind marks a verify record, so that a wrong file passed to --evidence or
// --snapshot is refused with a clear message rather than read as empty.
const Kind = "drplan-verify-record"

// Status is the outcome of one check.
type Status string

const (
	// OK: AWS matches what the plan declares.
	OK Status = "ok"
	// Mismatch: AWS disagrees with the plan.
	Mismatch Status = "mismatch"
	// Unverified: the resource could not be read (access denied, throttled
	// past retries, region not answering); the reason is in Message.
	Unverified Status = "unverified"
)

// Record is one verify run.
type Record struct {
	Kind    string    `json:"kind"`
	Tool    string    `json:"tool"`
	Version string    `json:"version"`
	TakenAt time.Time `json:"takenAt"`
	Plans   []Plan    `json:"plans"`
	// Observed is the AWS state as read, owned by package verify; it holds
	// no credentials and no secrets.
	Observed json.RawMessage `json:"observed,omitempty"`
}

// Plan is the checks of one plan.
type Plan struct {
	Name   string  `json:"name"`
	Path   string  `json:"path"`
	Checks []Check `json:"checks"`
}

// Check is one comparison between the plan and AWS.
type Check struct {
	// ID names the check, e.g. "aurora-global.secondary-region".
	ID string `json:"id"`
	// RuleID is the finding's rule ID when the check fails (as in lint).
	RuleID    string `json:"rule,omitempty"`
	Component string `json:"component,omitempty"`
	Resource  string `json:"resource,omitempty"`
	Region    string `json:"region,omitempty"`
	// Account is the AWS account the resource was read in, when the plan
	// names one.
	Account  string   `json:"account,omitempty"`
	Status   Status   `json:"status"`
	Message  string   `json:"message"`
	Expected string   `json:"expected,omitempty"`
	Observed string   `json:"observed,omitempty"`
	Pos      plan.Pos `json:"pos"`
}

// Counts returns how many checks of each status a plan has.
func (p Plan) Counts() map[Status]int {
	n := map[Status]int{}
	for _, c := range p.Checks {
		n[c.Status]++
	}
	return n
}

// Write encodes r as indented JSON.
func Write(w io.Writer, r *Record) error {
	r.Kind = Kind
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Read decodes a record, refusing files that are not one.
func Read(r io.Reader, name string) (*Record, error) {
	var rec Record
	dec := json.NewDecoder(r)
	if err := dec.Decode(&rec); err != nil {
		return nil, fmt.Errorf("%s: not a drplan verify record: %v", name, err)
	}
	if rec.Kind != Kind {
		return nil, fmt.Errorf("%s: not a drplan verify record (kind %q, want %q)", name, rec.Kind, Kind)
	}
	return &rec, nil
}

// ReadFile reads the record at path.
func ReadFile(path string) (*Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}
