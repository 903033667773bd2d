package plan

import (
	"fmt"
	"strings"
)

// Pos is a position in a plan source file. Line and Col are 1-based; a zero
// Line means the position is unknown (the file alone is named).
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// IsValid reports whether the position names a file.
func (p Pos) IsValid() bool { return p.File != "" }

// String formats the position as file:line:col, the form editors and CI
// annotations understand.
func (p Pos) String() string {
	switch {
	case p.File == "":
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Source records where a plan came from: its directory, its files, and the
// position of every node, keyed by the node's path in the plan
// ("runbooks.region-failover.steps.3.command").
type Source struct {
	// Dir is the plan directory as given by the user ("" for loose files).
	Dir string
	// Files are the files that make up the plan, in load order.
	Files []string
	pos   map[string]Pos
}

// NewSource returns an empty Source for the given directory and files.
func NewSource(dir string, files []string) *Source {
	return &Source{Dir: dir, Files: files, pos: make(map[string]Pos)}
}

// Set records the position of the node at path.
func (s *Source) Set(path string, p Pos) {
	if _, ok := s.pos[path]; !ok {
		s.pos[path] = p
	}
}

// Len is the number of recorded positions.
func (s *Source) Len() int { return len(s.pos) }

// Path joins path elements the way positions are keyed.
func Path(elems ...any) string {
	var b strings.Builder
	for i, e := range elems {
		if i > 0 {
			b.WriteByte('.')
		}
		fmt.Fprint(&b, e)
	}
	return b.String()
}

// Pos returns the position of the node at the path given by elems (strings
// and ints). A node that is absent - a missing field, which lint reports
// often - falls back to its nearest ancestor that was written, so a finding
// always points somewhere in the user's files.
func (s *Source) Pos(elems ...any) Pos {
	if s == nil {
		return Pos{}
	}
	path := Path(elems...)
	for {
		if p, ok := s.pos[path]; ok {
			return p
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			break
		}
		path = path[:i]
	}
	if p, ok := s.pos[""]; ok {
		return p
	}
	if len(s.Files) > 0 {
		return Pos{File: s.Files[0]}
	}
	return Pos{}
}
