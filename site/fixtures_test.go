package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
)

// orderflowEvidence is a verify record of OrderFlow as `drplan verify
// --record` writes it: an older run and a newer one with a mismatch.
func orderflowEvidence() []*evidence.Record {
	pos := func(file string, line int) plan.Pos {
		return plan.Pos{File: filepath.Join("..", "plans", "orderflow", file), Line: line, Col: 3}
	}
	older := &evidence.Record{Kind: evidence.Kind, Tool: "drplan", Version: "dev", TakenAt: time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC),
		Plans: []evidence.Plan{{Name: "orderflow", Path: "../plans/orderflow", Checks: []evidence.Check{
			{ID: "db-standby.region", Component: "db-standby", Resource: "orderflow-global", Region: "us-west-2", Status: evidence.OK, Message: "secondary cluster in us-west-2", Pos: pos("architecture.cue", 60)},
		}}}}
	newer := &evidence.Record{Kind: evidence.Kind, Tool: "drplan", Version: "dev", TakenAt: time.Date(2026, 11, 24, 6, 30, 0, 0, time.UTC),
		Plans: []evidence.Plan{{Name: "orderflow", Path: "../plans/orderflow", Checks: []evidence.Check{
			{ID: "db-standby.region", Component: "db-standby", Resource: "orderflow-global", Region: "us-west-2", Status: evidence.OK, Message: "secondary cluster in us-west-2", Pos: pos("architecture.cue", 60)},
			{ID: "backup-vault.object-lock", RuleID: "DR203", Component: "backups-usw2", Resource: "orderflow-dr-backups-usw2", Region: "us-west-2", Account: "444455556666",
				Status: evidence.Mismatch, Message: "Object Lock retention is shorter than the plan declares", Expected: "COMPLIANCE 35d", Observed: "COMPLIANCE 30d", Pos: pos("architecture.cue", 120)},
			{ID: "redis-standby.global-datastore", Component: "redis-standby", Region: "us-west-2", Status: evidence.Unverified, Message: "AccessDenied: elasticache:DescribeGlobalReplicationGroups", Pos: pos("architecture.cue", 90)},
		}}}}
	return []*evidence.Record{newer, older}
}

const (
	evilScript  = "<script>window.__pwned=1;alert(1)</script>"
	evilImg     = `<img src=x onerror="window.__pwned=2;alert(2)">`
	evilJSURL   = "javascript:window.__pwned=3;alert(3)"
	evilMDLink  = "[click](javascript:window.__pwned=4;alert(4))"
	evilSVG     = `<svg onload="window.__pwned=5;alert(5)"></svg>`
	evilAttr    = `" onmouseover="window.__pwned=6" x="`
	evilAutourl = "<javascript:window.__pwned=7>"
)

// hostilePlan writes a valid plan whose strings all try to run script,
// and returns its directory.
func hostilePlan(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "evil")
	files, err := schema.Scaffold(schema.ScaffoldOptions{Name: "evil", Dir: dir, Today: "2026-11-26"})
	if err != nil {
		t.Fatal(err)
	}
	src := string(files["plan.cue"])
	for old, evil := range map[string]string{
		`"evil disaster-recovery plan"`:   q(evilScript + " " + evilAttr),
		`"#platform-oncall"`:              q(evilJSURL),
		`"Jane Doe"`:                      q(evilImg),
		`"platform"`:                      q(evilMDLink),
		`"Core API"`:                      q(evilSVG + evilAutourl),
		`"Region failover"`:               q(evilScript),
		`"Promote the standby database"`:  q(evilImg + evilMDLink),
		`"Loss of the primary region"`:    q(evilScript + evilJSURL),
		`"Standby database replica"`:      q(evilImg),
		`"Schedule the failback window."`: q(evilMDLink + " " + evilAutourl),
		`"Service restored"`:              q(evilScript),
		`"Core API unavailable"`:          q(evilSVG),
		`"api.example.com"`:               q(evilAttr),
	} {
		if !strings.Contains(src, old) {
			t.Fatalf("scaffold has no %s to replace", old)
		}
		src = strings.ReplaceAll(src, old, evil)
	}
	// Comments and strings of the source page itself.
	src = "// " + evilScript + "\n" + src + "\n// " + evilImg + "\n"
	drill := `package evil

drills: "2026-11-20-evil": {
	date:        "2026-11-20"
	runbook:     "region-failover"
	scenario:    "region-failure"
	environment: "staging"
	operator:    ` + q(evilScript) + `
	outcome:     "success"
	measured: {rto: "20m", rpo: "10s"}
	findings: [` + q(evilImg) + `, ` + q(evilMDLink) + `, ` + q(evilJSURL) + `]
}
`
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("plan.cue", src)
	write("drills/2026-11-20-evil.cue", drill)
	return dir
}

// q quotes s as a CUE string.
func q(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

func hostileEvidence(name, file string) []*evidence.Record {
	return []*evidence.Record{{Kind: evidence.Kind, Tool: evilScript, Version: evilImg, TakenAt: time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC),
		Plans: []evidence.Plan{{Name: name, Path: filepath.Dir(file), Checks: []evidence.Check{{
			ID: evilScript, RuleID: evilJSURL, Component: evilImg, Resource: evilMDLink, Region: evilAttr,
			Status: evidence.Mismatch, Message: evilSVG, Expected: evilAutourl, Observed: evilScript,
			Pos: plan.Pos{File: file, Line: 3},
		}}}}}}
}
