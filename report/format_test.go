package report

import (
	"io"
	"slices"
	"strings"
	"testing"
)

func TestFormatsRegistered(t *testing.T) {
	want := []string{"github", "json", "junit", "sarif", "text"}
	if got := Formats(); !slices.Equal(got, want) {
		t.Fatalf("Formats() = %v, want %v", got, want)
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := Write(io.Discard, "yaml", fixtureResult(), Options{})
	if err == nil {
		t.Fatal("Write with an unknown format succeeded")
	}
	msg := err.Error()
	if !strings.Contains(msg, `"yaml"`) {
		t.Errorf("error %q does not name the format asked for", msg)
	}
	for _, f := range Formats() {
		if !strings.Contains(msg, f) {
			t.Errorf("error %q does not name known format %q", msg, f)
		}
	}
}

func TestEveryFormatHandlesEmptyResult(t *testing.T) {
	for _, f := range Formats() {
		for _, r := range []*Result{{}, cleanResult()} {
			// Output, if any, is whole lines.
			if out := render(t, f, r, Options{}); len(out) > 0 && !strings.HasSuffix(string(out), "\n") {
				t.Errorf("%s: output does not end with a newline: %q", f, out)
			}
		}
	}
}

func TestSummarize(t *testing.T) {
	got := fixtureResult().Summarize()
	want := Summary{Errors: 2, Warnings: 2, Infos: 2, Suppressed: 1, LoadErrors: 1}
	if got != want {
		t.Errorf("Summarize() = %+v, want %+v", got, want)
	}
}
