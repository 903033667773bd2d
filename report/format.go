package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Options tune a format's output.
type Options struct {
	// Color enables ANSI colour (text format only); callers set it only
	// for a terminal without NO_COLOR.
	Color bool
	// BaseDir is the directory file paths are made relative to, for
	// formats whose consumers want repository-relative paths (sarif,
	// github).
	BaseDir string
}

// Formatter writes a result in one format.
type Formatter func(w io.Writer, r *Result, o Options) error

var formats = map[string]Formatter{}

// Register adds a format; formats register themselves in init.
func Register(name string, f Formatter) {
	if _, dup := formats[name]; dup {
		panic("report: format registered twice: " + name)
	}
	formats[name] = f
}

// Formats lists the registered format names, sorted.
func Formats() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Write writes r in the named format.
func Write(w io.Writer, format string, r *Result, o Options) error {
	f, ok := formats[format]
	if !ok {
		return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats(), ", "))
	}
	return f(w, r, o)
}
