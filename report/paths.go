package report

import (
	"net/url"
	"path/filepath"
	"strings"
)

// relTo returns file relative to base, slash-separated, and whether it is
// relative. With no base, a relative file is taken as already relative to
// wherever the consumer looks. A file outside base keeps its own form, made
// absolute, since "../x" means nothing to a repository-rooted consumer.
func relTo(file, base string) (string, bool) {
	if base == "" {
		return filepath.ToSlash(file), !filepath.IsAbs(file)
	}
	absFile, err1 := filepath.Abs(file)
	absBase, err2 := filepath.Abs(base)
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(file), !filepath.IsAbs(file)
	}
	rel, err := filepath.Rel(absBase, absFile)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(absFile), false
	}
	return filepath.ToSlash(rel), true
}

// displayPath is a file as annotation consumers want it: relative to base
// when that works, else as given.
func displayPath(file, base string) string {
	if file == "" || base == "" {
		return filepath.ToSlash(file)
	}
	if rel, ok := relTo(file, base); ok {
		return rel
	}
	return filepath.ToSlash(file)
}

// fileURI turns a file into a URI reference: relative ones percent-encoded
// (so spaces and "#" survive), absolute ones as file:// URLs.
func fileURI(file, base string) (uri string, relative bool) {
	p, rel := relTo(file, base)
	if rel {
		// url.URL guards a first segment with a colon ("a:b/c") with "./"
		// so it is not read as a scheme.
		return (&url.URL{Path: p}).String(), true
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: C:/x -> /C:/x
	}
	return (&url.URL{Scheme: "file", Path: p}).String(), false
}
