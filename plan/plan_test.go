package plan

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	good := map[string]time.Duration{
		"0s":    0,
		"60s":   time.Minute,
		"5m":    5 * time.Minute,
		"1h30m": 90 * time.Minute,
		"90d":   90 * 24 * time.Hour,
		"2w":    14 * 24 * time.Hour,
		"250ms": 250 * time.Millisecond,
	}
	for in, want := range good {
		got, err := ParseDuration(in)
		if err != nil || got.Duration != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "5", "m", "5 m", "1y", "-5m", "99999999999999999999s", "9999999999999w"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) succeeded, want an error", in)
		}
	}
}

func TestDurationStringCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"60s": "1m", "90m": "1h30m", "14d": "2w", "10d": "10d", "0s": "0s", "1500ms": "1s500ms", "24h": "1d",
	} {
		d, err := ParseDuration(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.String(); got != want {
			t.Errorf("%q.String() = %q, want %q", in, got, want)
		}
		// The canonical form parses back to the same duration.
		back, err := ParseDuration(d.String())
		if err != nil || back != d {
			t.Errorf("round trip of %q: %v, %v", in, back, err)
		}
	}
}

func TestDurationHuman(t *testing.T) {
	for in, want := range map[string]string{"60s": "60 s", "5m": "5 min", "4h": "4 h", "90d": "90 days", "1d": "1 day", "0s": "0", "350ms": "350 ms", "1s300ms": "1.3 s", "12s250ms": "12.25 s", "11m40s": "11 min 40 s", "90d1h": "90 days and 1 hour", "1d2h5m": "1 day, 2 hours and 5 minutes", "2h30m": "2 h 30 min", "1h1s": "1 h 1 s", "49h": "2 days and 1 hour", "25h": "25 h"} {
		d, _ := ParseDuration(in)
		if got := d.Human(); got != want {
			t.Errorf("%q.Human() = %q, want %q", in, got, want)
		}
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2026-10-15")
	if err != nil {
		t.Fatal(err)
	}
	ninety, _ := ParseDuration("90d")
	if got := d.Add(ninety).String(); got != "2027-01-13" {
		t.Errorf("2026-10-15 + 90d = %s", got)
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("ParseDate accepted 2026-02-30")
	}
	var j Date
	if err := j.UnmarshalJSON([]byte(`"2026-01-02"`)); err != nil || j.String() != "2026-01-02" {
		t.Errorf("UnmarshalJSON: %v %v", j, err)
	}
}

func digestPlan() *Plan {
	rto, _ := ParseDuration("60s")
	rpo, _ := ParseDuration("0s")
	return &Plan{
		Tiers: map[string]*Tier{"tier0": {Level: 0, Title: "Checkout", RTO: &rto, RPO: &rpo, Strategy: "active-passive"}},
		Services: map[string]*Service{
			"payments": {Tier: "tier0"}, "checkout": {Tier: "tier0"}, "reports": {Tier: "tier2"},
		},
	}
}

func TestTierDigest(t *testing.T) {
	p := digestPlan()
	base := p.TierDigest("tier0")
	if !strings.HasPrefix(base, "sha256:") || len(base) != len("sha256:")+64 {
		t.Fatalf("digest %q is not sha256:<64 hex>", base)
	}
	// Writing the same objective differently does not change the digest.
	same, _ := ParseDuration("1m")
	p.Tiers["tier0"].RTO = &same
	p.Tiers["tier0"].Title = "Checkout and payments"
	if got := p.TierDigest("tier0"); got != base {
		t.Errorf("digest changed with a change of form only")
	}
	// Any change of substance does.
	changes := map[string]func(p *Plan){
		"rto":      func(p *Plan) { d, _ := ParseDuration("2m"); p.Tiers["tier0"].RTO = &d },
		"rpo":      func(p *Plan) { d, _ := ParseDuration("1s"); p.Tiers["tier0"].RPO = &d },
		"strategy": func(p *Plan) { p.Tiers["tier0"].Strategy = "warm-standby" },
		"services": func(p *Plan) { p.Services["reports"].Tier = "tier0" },
	}
	for name, change := range changes {
		p := digestPlan()
		change(p)
		if p.TierDigest("tier0") == base {
			t.Errorf("changing %s did not change the digest", name)
		}
	}
	if p.TierDigest("nope") != "" {
		t.Error("digest of an undeclared tier")
	}
}

func TestCheckReferences(t *testing.T) {
	p := digestPlan()
	p.Components = map[string]*Component{"db": {Kind: KindRDSPostgres, Region: "us-east-1"}}
	p.Regions = map[string]*Region{"us-east-1": {Role: "primary"}}
	p.Services["checkout"].DependsOn = []string{"db"}
	p.Runbooks = map[string]*Runbook{"rb": {Steps: []*Step{
		{Number: 1, ID: "a"}, {Number: 2, ID: "b", After: []string{"a"}},
	}}}
	if probs := p.CheckReferences(); len(probs) != 1 || probs[0].Path != "services.reports.tier" {
		t.Fatalf("want only the dangling tier2 reference, got %+v", probs)
	}
	p.Tiers["tier2"] = &Tier{Level: 2, Title: "Reports"}
	if probs := p.CheckReferences(); len(probs) != 0 {
		t.Fatalf("valid plan: %+v", probs)
	}
	p.Runbooks["rb"].Steps[0].After = []string{"b"}
	p.Runbooks["rb"].Steps = append(p.Runbooks["rb"].Steps, &Step{Number: 3, ID: "a"})
	p.Replication = map[string]*ReplicationPath{"loop": {From: "db", To: "db"}}
	p.Alerts = map[string]*Alert{"lag": {Replication: "lop"}}
	want := []string{
		`alerts.lag.replication: replication path "lop" is not declared in this plan (did you mean "loop"?)`,
		`replication.loop.to: replication path "loop" replicates component "db" to itself`,
		`runbooks.rb.steps.0.after.0: step "a" depends on "b", which does not come before it`,
		`runbooks.rb.steps.2.id: step id "a" is used by step 1 too`,
	}
	probs := p.CheckReferences()
	var got []string
	for _, pr := range probs {
		got = append(got, pr.Path+": "+pr.Msg)
	}
	all := strings.Join(got, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("missing %q in\n%s", w, all)
		}
	}
}

func TestSourcePos(t *testing.T) {
	s := NewSource("p", []string{"p/a.cue"})
	s.Set("", Pos{File: "p/a.cue", Line: 1, Col: 1})
	s.Set("tiers.tier0", Pos{File: "p/a.cue", Line: 5, Col: 8})
	if got := s.Pos("tiers", "tier0", "rto"); got.Line != 5 {
		t.Errorf("fallback to ancestor: %v", got)
	}
	if got := s.Pos("runbooks", "x", "steps", 3); got.Line != 1 {
		t.Errorf("fallback to root: %v", got)
	}
	if got := (Pos{File: "a.cue", Line: 3, Col: 4}).String(); got != "a.cue:3:4" {
		t.Errorf("Pos.String = %q", got)
	}
}

func TestLatestDate(t *testing.T) {
	p := digestPlan()
	if !p.LatestDate().IsZero() {
		t.Error("a plan with no dates has a latest date")
	}
	d1, _ := ParseDate("2026-10-15")
	d2, _ := ParseDate("2026-11-02")
	p.Review = &Review{LastReviewed: d1}
	p.Drills = map[string]*Drill{"x": {Date: d2}}
	if got := p.LatestDate().String(); got != "2026-11-02" {
		t.Errorf("LatestDate = %s", got)
	}
}
