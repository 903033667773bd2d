package report

import (
	"bytes"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/drplan/drplan/internal/testtool"
)

// golden compares got with testdata/name (DRPLAN_UPDATE=1 rewrites it).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testtool.Golden(t, filepath.Join("testdata", name), got)
}

func TestTextGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		r      *Result
		color  bool
	}{
		{"text.golden", fixtureResult(), false},
		{"text-color.golden", fixtureResult(), true},
		{"text-clean.golden", cleanResult(), false},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			got := render(t, "text", tc.r, Options{Color: tc.color})
			hasEsc := bytes.ContainsRune(got, 0x1b)
			if hasEsc != tc.color {
				t.Errorf("Color=%v but output has escape bytes: %v", tc.color, hasEsc)
			}
			golden(t, tc.golden, got)
		})
	}
}

func TestTextColourOnlyAddsEscapes(t *testing.T) {
	plain := render(t, "text", fixtureResult(), Options{})
	coloured := render(t, "text", fixtureResult(), Options{Color: true})
	stripped := regexpANSI.ReplaceAll(coloured, nil)
	if !bytes.Equal(stripped, plain) {
		t.Errorf("coloured output without its escapes differs from plain:\n%s\n---\n%s", stripped, plain)
	}
	for _, want := range []string{
		ansiRed + "error" + ansiReset,
		ansiYellow + "warning" + ansiReset,
		ansiCyan + "info" + ansiReset,
		ansiBold + "DR001" + ansiReset,
	} {
		if !bytes.Contains(coloured, []byte(want)) {
			t.Errorf("coloured output lacks %q", want)
		}
	}
}

var regexpANSI = regexp.MustCompile("\x1b\\[[0-9;]*m")
