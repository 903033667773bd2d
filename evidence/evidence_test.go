package evidence

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	in := &Record{Tool: "drplan", TakenAt: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC),
		Plans: []Plan{{Name: "p", Checks: []Check{{ID: "a", Status: OK}, {ID: "b", Status: Mismatch}, {ID: "c", Status: Mismatch}}}}}
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := Read(&buf, "rec.json")
	if err != nil {
		t.Fatal(err)
	}
	if !out.TakenAt.Equal(in.TakenAt) || len(out.Plans[0].Checks) != 3 {
		t.Fatalf("round trip lost data: %+v", out)
	}
	if n := out.Plans[0].Counts(); n[Mismatch] != 2 || n[OK] != 1 {
		t.Fatalf("counts = %v", n)
	}
}

func TestReadRefusesOtherJSON(t *testing.T) {
	_, err := Read(strings.NewReader(`{"tool":"drplan","plans":[]}`), "lint.json")
	if err == nil || !strings.Contains(err.Error(), "lint.json: not a drplan verify record") {
		t.Fatalf("err = %v", err)
	}
	_, err = Read(strings.NewReader(`not json`), "x")
	if err == nil {
		t.Fatal("accepted non-JSON")
	}
}
