package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

func TestJSONRoundTrip(t *testing.T) {
	for name, r := range map[string]*Result{"fixture": fixtureResult(), "clean": cleanResult()} {
		t.Run(name, func(t *testing.T) {
			out := render(t, "json", r, Options{})
			if !bytes.HasSuffix(out, []byte("}\n")) {
				t.Error("output does not end with a newline")
			}
			var got struct {
				Result
				Summary Summary `json:"summary"`
			}
			dec := json.NewDecoder(bytes.NewReader(out))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil {
				t.Fatal(err)
			}
			// Written lists are never null; otherwise what went in comes out.
			want := *r
			want.Plans = append([]PlanResult(nil), r.Plans...)
			for i := range want.Plans {
				if want.Plans[i].Findings == nil {
					want.Plans[i].Findings = []Finding{}
				}
			}
			if !reflect.DeepEqual(got.Result, want) {
				t.Errorf("round trip differs:\ngot  %+v\nwant %+v", got.Result, want)
			}
			if got.Summary != r.Summarize() {
				t.Errorf("summary = %+v, want %+v", got.Summary, r.Summarize())
			}
		})
	}
}

func TestJSONShape(t *testing.T) {
	out := render(t, "json", fixtureResult(), Options{})
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	var summary map[string]int
	if err := json.Unmarshal(raw["summary"], &summary); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"error": 2, "warning": 2, "info": 2, "suppressed": 1, "loadErrors": 1}
	if !reflect.DeepEqual(summary, want) {
		t.Errorf("summary = %v, want %v", summary, want)
	}
	// Field order is part of the output's stability.
	for _, pair := range [][2]string{{`"tool"`, `"summary"`}, {`"summary"`, `"rules"`}, {`"rules"`, `"plans"`}} {
		if bytes.Index(out, []byte(pair[0])) > bytes.Index(out, []byte(pair[1])) {
			t.Errorf("%s comes after %s", pair[0], pair[1])
		}
	}
	if bytes.Contains(out, []byte("null")) {
		t.Errorf("output has a null:\n%s", out)
	}
	if !bytes.Contains(out, []byte("<orders-db> & friends")) {
		t.Error("message HTML-escaped")
	}
	if !bytes.Equal(out, render(t, "json", fixtureResult(), Options{})) {
		t.Error("output is not deterministic")
	}
}
