package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Journal entry types.
const (
	EntryStart     = "start"
	EntryResume    = "resume"
	EntryStepStart = "step-start"
	EntryStepEnd   = "step-end"
	EntryApproval  = "approval"
	// EntryPrecondition is a pre-condition's check, Step "pre-N".
	EntryPrecondition = "precondition"
	EntryRollStart    = "rollback-start"
	EntryRollEnd      = "rollback-end"
	EntryInterrupted  = "interrupted"
	EntryFinish       = "finish"
	EntryRecord       = "record"
)

// Step and run outcomes, as a drill record spells them.
const (
	OutcomeOK         = "ok"
	OutcomeFailed     = "failed"
	OutcomeTimeout    = "timeout"
	OutcomeSkipped    = "skipped"
	OutcomeRolledBack = "rolled-back"
)

// Entry is one line of the journal.
type Entry struct {
	Type string    `json:"type"`
	Time time.Time `json:"time"`
	Step string    `json:"step,omitempty"`
	// Outcome of a step, a rollback or the run.
	Outcome    string `json:"outcome,omitempty"`
	DurationMS int64  `json:"durationMs,omitempty"`
	ExitCode   *int   `json:"exitCode,omitempty"`
	Message    string `json:"message,omitempty"`
	// Output is the tail of a step's output, kept for the record's notes.
	Output   string            `json:"output,omitempty"`
	Measures map[string]string `json:"measures,omitempty"`
	// By names who approved a gate.
	By    string     `json:"by,omitempty"`
	Run   *RunInfo   `json:"run,omitempty"`
	Path  string     `json:"path,omitempty"`
	Stats *RunTotals `json:"stats,omitempty"`
}

// RunInfo is what the start entry fixes for the whole run, resumes included.
type RunInfo struct {
	Bundle         string `json:"bundle"`
	ManifestSHA256 string `json:"manifestSha256"`
	Plan           string `json:"plan"`
	Runbook        string `json:"runbook"`
	Operator       string `json:"operator"`
	Environment    string `json:"environment,omitempty"`
	Scenario       string `json:"scenario,omitempty"`
	// DrillID is the key of the drill record and Record the file it is
	// written to; fixed at the start so a resumed run writes the same one.
	DrillID string `json:"drillId,omitempty"`
	Record  string `json:"record,omitempty"`
	Package string `json:"package,omitempty"`
	// PlanDir is the plan the record joins ("" when it is written beside
	// the journal).
	PlanDir string `json:"planDir,omitempty"`
	RTOSec  int64  `json:"rtoSeconds,omitempty"`
}

// RunTotals summarises a finished run.
type RunTotals struct {
	Done   int `json:"done"`
	Failed int `json:"failed"`
	Total  int `json:"total"`
}

// Journal appends entries to a JSON Lines file, one write and one fsync
// per entry: whatever instant the process dies at, every entry it reported
// is on disk whole, and at most the one being written is cut short.
type Journal struct {
	Path string
	mu   sync.Mutex
	f    *os.File
}

// CreateJournal creates a new journal at path; it never overwrites one.
func CreateJournal(path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("journal %s already exists: resume it with `drplan run --resume %s`, or pass another --journal", path, path)
		}
		return nil, fmt.Errorf("creating the journal: %w", err)
	}
	// The file's name must survive a crash too.
	if err := syncDir(filepath.Dir(path)); err != nil {
		f.Close()
		return nil, err
	}
	return &Journal{Path: path, f: f}, nil
}

// OpenJournal reopens a journal for appending after reading it, cutting off
// a last line that a crash left half-written so the next entry starts on a
// line of its own.
func OpenJournal(path string) (*Journal, []Entry, error) {
	entries, good, err := ReadJournal(path)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, nil, err
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, nil, err
	}
	if _, err := f.Seek(good, 0); err != nil {
		f.Close()
		return nil, nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, nil, err
	}
	return &Journal{Path: path, f: f}, entries, nil
}

// ReadJournal reads every whole entry of a journal and returns the offset
// where the whole entries end. Only the last line may be damaged (a crash
// in the middle of a write); damage anywhere else is refused.
func ReadJournal(path string) ([]Entry, int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	var entries []Entry
	var off int64
	line := 1
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			// A last line without its newline was being written.
			break
		}
		var e Entry
		if err := json.Unmarshal(data[:i], &e); err != nil || e.Type == "" {
			if i+1 == len(data) {
				break
			}
			return nil, 0, fmt.Errorf("%s:%d: damaged journal entry; only the last line of a journal can be cut short by a crash", path, line)
		}
		entries = append(entries, e)
		off += int64(i + 1)
		data = data[i+1:]
		line++
	}
	if len(entries) == 0 || entries[0].Type != EntryStart || entries[0].Run == nil {
		return nil, 0, fmt.Errorf("%s:1: not a drplan run journal (it must begin with a start entry)", path)
	}
	return entries, off, nil
}

// Append writes one entry and waits until it is on disk.
func (j *Journal) Append(e Entry) error {
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := j.f.Write(data); err != nil {
		return fmt.Errorf("writing the journal %s: %w", j.Path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("syncing the journal %s: %w", j.Path, err)
	}
	return nil
}

// Close closes the journal file.
func (j *Journal) Close() error { return j.f.Close() }

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	// Some filesystems cannot sync a directory; the entry itself still is.
	_ = d.Sync()
	return nil
}
