package plandiff

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
)

var (
	orderflowOnce sync.Once
	orderflowPlan *plan.Plan
	orderflowErr  error
)

// orderflow returns a fresh deep copy of the reference plan, to change in
// a test. A JSON round trip would not do: it turns `after: []` (start at
// once) into no `after` (wait for the step before).
func orderflow(t *testing.T) *plan.Plan {
	t.Helper()
	orderflowOnce.Do(func() {
		orderflowPlan, orderflowErr = schema.Load("../plans/orderflow")
	})
	if orderflowErr != nil {
		t.Fatal(orderflowErr)
	}
	p := deepCopy(reflect.ValueOf(orderflowPlan)).Interface().(*plan.Plan)
	p.Reindex()
	return p
}

// deepCopy copies v, keeping nil and empty slices apart. Unexported
// fields are copied shallowly (time.Time's location, the plan's caches).
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Elem().Type())
		out.Elem().Set(deepCopy(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				out.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(deepCopy(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), deepCopy(it.Value()))
		}
		return out
	}
	return v
}

func dur(s string) *plan.Duration {
	d, err := plan.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func step(p *plan.Plan, runbook, id string) *plan.Step {
	for _, s := range p.Runbooks[runbook].Steps {
		if s.ID == id {
			return s
		}
	}
	panic("no step " + id)
}

// renameComponent renames a component and every reference to it.
func renameComponent(p *plan.Plan, old, id string) {
	p.Components[id] = p.Components[old]
	delete(p.Components, old)
	swap := func(s *string) {
		if *s == old {
			*s = id
		}
	}
	for _, s := range p.Services {
		for i := range s.DependsOn {
			swap(&s.DependsOn[i])
		}
	}
	for _, r := range p.Replication {
		swap(&r.From)
		swap(&r.To)
	}
	for _, d := range p.DNS {
		swap(&d.HostedZone)
		swap(&d.Primary.Component)
		swap(&d.Secondary.Component)
	}
	for i := range p.Promotion.Components {
		swap(&p.Promotion.Components[i])
	}
	for i := range p.Promotion.NotPromoted {
		swap(&p.Promotion.NotPromoted[i].Component)
	}
	for _, s := range p.Scenarios {
		for i := range s.RestoreFrom {
			swap(&s.RestoreFrom[i])
		}
	}
	for _, a := range p.Alerts {
		swap(&a.Component)
	}
	for i := range p.Cost.SteadyState {
		swap(&p.Cost.SteadyState[i].Component)
	}
	for i := range p.Cost.DRState {
		swap(&p.Cost.DRState[i].Component)
	}
}

// renameRunbook renames a runbook and every reference to it.
func renameRunbook(p *plan.Plan, old, id string) {
	p.Runbooks[id] = p.Runbooks[old]
	delete(p.Runbooks, old)
	swap := func(s *string) {
		if *s == old {
			*s = id
		}
	}
	for _, s := range p.Scenarios {
		swap(&s.Runbook)
	}
	for _, a := range p.Alerts {
		swap(&a.Runbook)
	}
	for i := range p.GameDays.Schedule {
		swap(&p.GameDays.Schedule[i].Runbook)
	}
	for _, d := range p.Drills {
		swap(&d.Runbook)
	}
}

// summary lists a diff's changes as "kind effect" lines, in order.
func summary(d *Diff) []string {
	var out []string
	for _, c := range d.Changes {
		out = append(out, c.Kind+" "+c.Effect)
	}
	return out
}

// TestCompareFires changes one thing at a time in the reference plan and
// checks that exactly the expected changes are reported.
func TestCompareFires(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *plan.Plan)
		want   []string
		// message, when set, must appear in the first change's message.
		message string
	}{
		{"rpo loosened", func(p *plan.Plan) { p.Tiers["tier1"].RPO = dur("1m") },
			[]string{"tier.rpo loosened"}, "tier1: RPO loosened from 30 s to 60 s (by 30 s)"},
		{"rto tightened", func(p *plan.Plan) { p.Tiers["tier2"].RTO = dur("15m") },
			[]string{"tier.rto tightened"}, "RTO tightened from 30 min to 15 min"},
		{"rto removed", func(p *plan.Plan) { p.Tiers["tier3"].RTO = nil },
			[]string{"tier.rto removed"}, "RTO removed (was 4 h)"},
		{"strategy", func(p *plan.Plan) { p.Tiers["tier2"].Strategy = "pilot-light" },
			[]string{"tier.strategy changed"}, `strategy changed from "warm-standby" to "pilot-light"`},
		{"trigger", func(p *plan.Plan) { p.Tiers["tier0"].Trigger = "manual" },
			[]string{"tier.trigger changed"}, ""},
		{"tier added", func(p *plan.Plan) { p.Tiers["tier4"] = &plan.Tier{Level: 4, Title: "Archive"} },
			[]string{"tier added"}, "tier4 added: Archive"},
		{"sign-off renewed", func(p *plan.Plan) {
			p.Tiers["tier1"].RPO = dur("1m")
			for i := range p.Tiers["tier1"].SignOff.Given {
				p.Tiers["tier1"].SignOff.Given[i].Digest = p.TierDigest("tier1")
			}
		}, []string{"tier.rpo loosened", "tier.signoff changed", "tier.signoff changed"}, ""},
		{"sign-off role required", func(p *plan.Plan) {
			p.Tiers["tier0"].SignOff.Required = append(p.Tiers["tier0"].SignOff.Required, "CISO")
		}, []string{"tier.signoff-required added"}, "required sign-offs gained CISO"},
		{"service moves tier", func(p *plan.Plan) { p.Services["webhooks"].Tier = "tier1" },
			[]string{"service.tier changed"}, "service webhooks moved from tier2 to tier1"},
		{"service dependency", func(p *plan.Plan) {
			p.Services["checkout"].DependsOn = slices.DeleteFunc(p.Services["checkout"].DependsOn, func(s string) bool { return s == "msk-use1" })
		}, []string{"service.depends-on removed"}, "lost msk-use1"},
		{"service removed", func(p *plan.Plan) { delete(p.Services, "ds-notebooks") },
			[]string{"service removed"}, ""},
		{"component removed", func(p *plan.Plan) { delete(p.Components, "tooling-db") },
			[]string{"component removed"}, ""},
		{"alert guards a tier", func(p *plan.Plan) { p.Alerts["aurora-replication-lag"].Guards = &plan.AlertGuard{Tier: "tier1"} },
			[]string{"alert.guards added"}, `alert aurora-replication-lag: what it guards set to "the RPO of tier1"`},
		{"alert guards readiness", func(p *plan.Plan) {
			p.Alerts["msk-replication-lag"].Guards = &plan.AlertGuard{Readiness: "offsets mirrored"}
		}, []string{"alert.guards added"}, `what it guards set to "readiness: offsets mirrored"`},
		{"backlog count", func(p *plan.Plan) {
			n := int64(5)
			p.Alerts["msk-replication-lag"].ThresholdCount = &n
		}, []string{"alert.threshold-count added"}, `threshold (late operations) set to "5"`},
		{"path carries none", func(p *plan.Plan) { p.Replication["backups-crr"].Carries = []string{} },
			[]string{"replication.carries added"}, `replication path backups-crr: tiers whose RPO it carries set to "none"`},
		{"metric period", func(p *plan.Plan) { p.Replication["aurora-global"].Metric.Period = dur("1m") },
			[]string{"replication.metric-period added"}, "metric period set to 60 s"},
		{"standby capacity", func(p *plan.Plan) { p.Components["eks-usw2"].Capacity.PercentOfPrimary = 60 },
			[]string{"component.capacity increased"}, "standby capacity increased from 30% of primary to 60% of primary"},
		{"standby region", func(p *plan.Plan) { p.Components["db-standby"].Region = "eu-west-1" },
			[]string{"component.region changed"}, ""},
		{"backups moved into production", func(p *plan.Plan) { p.Components["s3-backups-usw2"].Account = "prod" },
			[]string{"component.account changed"}, `component s3-backups-usw2: account changed from "backup" to "prod"`},
		{"account purpose", func(p *plan.Plan) { p.Accounts["network"].Purpose = "workload" },
			[]string{"account.purpose changed"}, `account network: purpose changed from "dns" to "workload"`},
		{"component immutability lost", func(p *plan.Plan) {
			c := p.Components["s3-backups-usw2"]
			c.Immutable = false
			c.AWS.ObjectLock = nil
		}, []string{"component.immutable changed", "component.aws removed"}, "no longer holds immutable copies"},
		{"replication mode", func(p *plan.Plan) { p.Replication["aurora-global"].Mode = "sync" },
			[]string{"replication.mode changed"}, ""},
		{"replication lag", func(p *plan.Plan) { p.Replication["aurora-global"].ExpectedLag = dur("5s") },
			[]string{"replication.expected-lag increased"}, ""},
		{"replication path added", func(p *plan.Plan) {
			p.Replication["new-path"] = &plan.ReplicationPath{From: "db-primary", To: "tooling-db", Mode: "async", Mechanism: "logical"}
		}, []string{"replication added"}, "db-primary -> tooling-db, async, logical"},
		{"dns ttl", func(p *plan.Plan) {
			for _, d := range p.DNS {
				d.TTL = plan.Duration{Duration: d.TTL.Duration + time.Minute}
			}
		}, []string{"dns.ttl loosened"}, ""},
		{"promotion boundary", func(p *plan.Plan) {
			p.Promotion.Components = p.Promotion.Components[1:]
		}, []string{"promotion.components removed"}, ""},
		{"scenario out of scope", func(p *plan.Plan) {
			p.Scenarios["ransomware"].InScope = false
			p.Scenarios["ransomware"].Reason = "Covered by the security team's plan."
		}, []string{"scenario.scope changed"}, "scenario ransomware moved out of scope: Covered by the security team's plan."},
		{"scenario into scope", func(p *plan.Plan) { p.Scenarios["payment-provider-outage"].InScope = true },
			[]string{"scenario.scope changed"}, "moved into scope"},
		{"scenario rto", func(p *plan.Plan) { p.Scenarios["data-corruption"].RTO = dur("8h") },
			[]string{"scenario.rto loosened"}, ""},
		{"rollback removed", func(p *plan.Plan) { step(p, "region-failover", "fence-primary-writers").Rollback = nil },
			[]string{"step.rollback removed"}, "runbook region-failover step fence-primary-writers: rollback removed, and the step is not marked irreversible"},
		{"rollback replaced by irreversible", func(p *plan.Plan) {
			s := step(p, "region-failover", "fence-primary-writers")
			s.Rollback, s.Irreversible = nil, "Writers stay fenced."
		}, []string{"step.rollback removed"}, `now marked irreversible: "Writers stay fenced."`},
		{"rollback command", func(p *plan.Plan) {
			step(p, "region-failover", "raise-standby-capacity").Rollback.Command = "kubectl patch nodepool general -p '{}'"
		}, []string{"step.rollback-command changed"}, ""},
		{"command changed", func(p *plan.Plan) {
			s := step(p, "region-failover", "activate-standby-workloads")
			s.Command = strings.Replace(s.Command, "--timeout 600", "--timeout 900", 1)
		}, []string{"step.command changed"}, ""},
		{"approval removed", func(p *plan.Plan) { step(p, "region-failover", "fence-primary-writers").Approval = nil },
			[]string{"step.approval removed"}, "no longer waits for the Incident Commander's go-ahead"},
		{"approval added", func(p *plan.Plan) {
			step(p, "region-failover", "check-standby-db").Approval = &plan.Approval{Role: "Incident Commander", Reason: "x"}
		}, []string{"step.approval added"}, ""},
		{"timeout", func(p *plan.Plan) { step(p, "region-failover", "check-standby-db").Timeout = dur("10m") },
			[]string{"step.timeout loosened"}, "timeout loosened from 3 min to 10 min (by 7 min)"},
		{"estimate on the critical path", func(p *plan.Plan) {
			step(p, "region-failover", "raise-standby-capacity").Estimate = dur("5m")
		}, []string{"step.estimate increased", "runbook.critical-path increased", "runbook.critical-path increased"}, "estimate increased from 30 s to 5 min"},
		{"step added", func(p *plan.Plan) {
			rb := p.Runbooks["pitr-restore"]
			rb.Steps = append(rb.Steps, &plan.Step{ID: "tell-finance", Title: "Tell finance", Command: "true", After: []string{}})
		}, []string{"step added"}, "runbook pitr-restore: step"},
		{"step removed", func(p *plan.Plan) {
			rb := p.Runbooks["ransomware-restore"]
			last := rb.Steps[len(rb.Steps)-1]
			rb.Steps = rb.Steps[:len(rb.Steps)-1]
			_ = last
		}, []string{"step removed"}, ""},
		{"steps swapped", func(p *plan.Plan) {
			rb := p.Runbooks["region-failover"]
			// Both steps say what they wait for, so only the order changes.
			i := slices.IndexFunc(rb.Steps, func(s *plan.Step) bool { return s.ID == "promote-redis" })
			j := slices.IndexFunc(rb.Steps, func(s *plan.Step) bool { return s.ID == "stop-mirrormaker" })
			rb.Steps[i], rb.Steps[j] = rb.Steps[j], rb.Steps[i]
		}, []string{"step.order reordered"},
			"runbook region-failover: step stop-mirrormaker moved to position 7 (was 8), after wait-aurora-writer and before promote-redis"},
		{"step without after moved", func(p *plan.Plan) {
			rb := p.Runbooks["region-failover"]
			// check-standby-db has no `after`: second, it waits for the
			// step before it, which delays the promotion behind it; tier0
			// and tier1 wait for the longer EKS track anyway.
			rb.Steps[0], rb.Steps[1] = rb.Steps[1], rb.Steps[0]
		}, []string{"step.after added", "step.order reordered", "runbook.critical-path increased", "runbook.critical-path increased"},
			"runbook region-failover step check-standby-db: waits for gained fence-primary-writers"},
		{"precondition removed", func(p *plan.Plan) {
			rb := p.Runbooks["region-failover"]
			rb.Preconditions = rb.Preconditions[1:]
		}, []string{"runbook.precondition removed"}, ""},
		{"precondition wait", func(p *plan.Plan) {
			rb := p.Runbooks["region-failover"]
			rb.Preconditions[1].Wait = dur("5m")
		}, []string{"runbook.precondition-wait increased", "runbook.critical-path increased", "runbook.critical-path increased", "runbook.critical-path increased", "runbook.critical-path increased"}, ""},
		{"runbook removed", func(p *plan.Plan) { delete(p.Runbooks, "pitr-restore") },
			[]string{"runbook removed"}, ""},
		{"component renamed", func(p *plan.Plan) { renameComponent(p, "tooling-db", "tooling-database") },
			[]string{"component.id renamed"}, "Component tooling-db renamed to tooling-database, nothing else changed"},
		{"runbook renamed", func(p *plan.Plan) { renameRunbook(p, "pitr-restore", "pitr") },
			[]string{"runbook.id renamed"}, "Runbook pitr-restore renamed to pitr"},
		{"step renamed", func(p *plan.Plan) {
			rb := p.Runbooks["region-failover"]
			for _, s := range rb.Steps {
				if s.ID == "promote-redis" {
					s.ID = "promote-redis-global"
				}
				for i, a := range s.After {
					if a == "promote-redis" {
						s.After[i] = "promote-redis-global"
					}
				}
			}
		}, []string{"step.id renamed"}, "runbook region-failover: step promote-redis renamed to promote-redis-global"},
		{"renamed and changed", func(p *plan.Plan) {
			renameRunbook(p, "pitr-restore", "pitr")
			p.Runbooks["pitr"].Owner = "DBA on-call"
			// Not a pure rename: removed and added, and the references
			// that follow it are changes too.
		}, []string{"scenario.runbook changed", "runbook added", "runbook removed", "alert.runbook changed", "gameday.schedule added", "gameday.schedule removed"},
			`scenario data-corruption: runbook changed from "pitr-restore" to "pitr"`},
		{"peak load stated", func(p *plan.Plan) {
			v := 5000.0
			p.Tiers["tier1"].PeakLoad = &v
		}, []string{"tier.peak-load added"}, `tier1: peak load set to "5000"`},
		{"peak load raised", func(p *plan.Plan) {
			v := 90000.0
			p.Services["checkout"].PeakLoad = &v
		}, []string{"service.peak-load increased"}, "service checkout: peak load increased from 80,000 to 90,000"},
		{"component stated stateful", func(p *plan.Plan) {
			p.Components["eks-usw2"].State = plan.Stateful
			p.Components["eks-usw2"].Rebuild = nil
		}, []string{"component.state changed", "component.rebuild removed"}, `component eks-usw2: state changed from "stateless" to "stateful"`},
		{"standing approval given", func(p *plan.Plan) {
			d, _ := plan.ParseDate("2026-11-01")
			for _, s := range p.Runbooks["region-failover"].Steps {
				if s.Approval != nil {
					s.Approval.Standing = &plan.StandingApproval{ApprovedBy: "VP Engineering", Date: d, Reference: "CAB-118"}
					break
				}
			}
		}, []string{"step.standing-approval added"}, `standing approval for automated runs set to "VP Engineering on 2026-11-01 (CAB-118)"`},
		{"second runbook", func(p *plan.Plan) {
			s := p.Scenarios["data-corruption"]
			s.Runbooks = []string{"ransomware-restore"}
		}, []string{"scenario.runbooks added"}, "scenario data-corruption: runbooks gained ransomware-restore"},
		{"explicit alert threshold", func(p *plan.Plan) { p.Alerts["aurora-replication-lag"].Threshold = dur("20s") },
			[]string{"alert.threshold loosened"}, "alert aurora-replication-lag: threshold loosened from 5 s to 20 s"},
		{"alert severity", func(p *plan.Plan) { p.Alerts["backup-freshness"].Severity = "ticket" },
			[]string{"alert.severity changed"}, ""},
		{"alert removed", func(p *plan.Plan) { delete(p.Alerts, "standby-capacity") },
			[]string{"alert removed"}, ""},
		{"game-day cadence", func(p *plan.Plan) { p.GameDays.Cadence["tier0"] = *dur("180d") },
			[]string{"gameday.cadence loosened"}, ""},
		{"game day unscheduled", func(p *plan.Plan) { p.GameDays.Schedule = p.GameDays.Schedule[1:] },
			[]string{"gameday.schedule removed"}, ""},
		{"drill added", func(p *plan.Plan) {
			d, _ := plan.ParseDate("2027-01-13")
			p.Drills["2027-01-13-region-failover-production"] = &plan.Drill{Date: d, Runbook: "region-failover", Environment: "production", Operator: "x", Outcome: "success", Measured: &plan.Measured{RTO: dur("9m")}}
		}, []string{"drill added"}, "2027-01-13 of region-failover in production, success, measured RTO 9 min"},
		{"drill rewritten", func(p *plan.Plan) { p.Drills["2026-10-21-region-failover-production"].Measured.RTO = dur("9m") },
			[]string{"drill.measured-rto decreased"}, ""},
		{"comms body", func(p *plan.Plan) {
			for _, id := range plan.Keys(p.Comms) {
				p.Comms[id].Body += "\nOne more line."
				break
			}
		}, []string{"comms.body changed"}, ""},
		{"cost line", func(p *plan.Plan) { p.Cost.SteadyState[1].Monthly += 17000 },
			[]string{"cost.steady-state increased", "cost.steady-state-item increased"}, "steady-state total increased from 42,810 USD/month to 59,810 USD/month (+17,000 USD/month)"},
		{"dr cost line removed", func(p *plan.Plan) { p.Cost.DRState = p.Cost.DRState[1:] },
			[]string{"cost.dr-state decreased", "cost.dr-state-item removed"}, ""},
		{"downtime cost", func(p *plan.Plan) { p.Business.DowntimeCost["checkout"].PerMinute = 150000 },
			[]string{"business.downtime-cost increased"}, ""},
		{"owner", func(p *plan.Plan) { p.Owner.Person = "Sam Lee" },
			[]string{"owner changed"}, `owner: person changed from "Dana Whitfield" to "Sam Lee"`},
		{"review cadence", func(p *plan.Plan) { p.Review.Cadence = *dur("180d") },
			[]string{"review.cadence loosened", "review.due changed"}, ""},
		{"reviewed again", func(p *plan.Plan) { p.Review.LastReviewed, _ = plan.ParseDate("2027-01-10") },
			[]string{"review.last-reviewed changed", "review.due changed"}, ""},
		{"finding accepted", func(p *plan.Plan) {
			p.Tiers["tier2"].Accept = append(p.Tiers["tier2"].Accept, plan.Suppression{Rule: "DR101", Reason: "known"})
		}, []string{"acceptance added"}, `tier2 now accepts DR101: "known"`},
		{"suppression removed", func(p *plan.Plan) { p.Alerts["backup-freshness"].Accept = nil },
			[]string{"acceptance removed"}, "alert backup-freshness no longer accepts DR106"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, head := orderflow(t), orderflow(t)
			tt.change(head)
			d := Compare(base, head)
			want := tt.want
			if got := summary(d); !slices.Equal(got, want) {
				t.Fatalf("changes:\n  %s\nwant:\n  %s\nmessages:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "), strings.Join(messages(d), "\n  "))
			}
			if tt.message != "" && !strings.Contains(d.Changes[0].Message, tt.message) {
				t.Errorf("message %q does not say %q", d.Changes[0].Message, tt.message)
			}
			if d.Status != StatusChanged {
				t.Errorf("status %q, want changed", d.Status)
			}
		})
	}
}

func messages(d *Diff) []string {
	var out []string
	for _, c := range d.Changes {
		out = append(out, c.Message)
	}
	return out
}

// TestCompareQuiet makes changes that change nothing in substance.
func TestCompareQuiet(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *plan.Plan)
	}{
		{"nothing", func(p *plan.Plan) {}},
		{"duration restated", func(p *plan.Plan) {
			// "5m" and "300s" are the same objective.
			p.Tiers["tier1"].RTO = &plan.Duration{Duration: 300 * time.Second}
		}},
		{"set-like lists reordered", func(p *plan.Plan) {
			slices.Reverse(p.Services["checkout"].DependsOn)
			slices.Reverse(p.Scenarios["region-failure"].Tiers)
			slices.Reverse(p.Runbooks["region-failover"].Tiers)
			slices.Reverse(p.Promotion.Components)
			slices.Reverse(p.Tiers["tier0"].SignOff.Given)
			slices.Reverse(p.Tiers["tier0"].SignOff.Required)
			slices.Reverse(p.GameDays.Schedule)
			slices.Reverse(p.Cost.SteadyState)
			slices.Reverse(p.Cost.DRState)
			slices.Reverse(p.Runbooks["region-failover"].Preconditions[:1])
		}},
		{"runbook moved to runbooks", func(p *plan.Plan) {
			s := p.Scenarios["data-corruption"]
			s.Runbooks, s.Runbook = []string{s.Runbook}, ""
		}},
		{"prose reworded", func(p *plan.Plan) {
			p.Description = "Reworded."
			p.Tiers["tier0"].Description = "Reworded."
			p.Runbooks["pitr-restore"].Description = "Reworded."
		}},
		{"step renumbered", func(p *plan.Plan) {
			// A step's number is its position; writing it differently is not a change.
			for _, s := range p.Runbooks["pitr-restore"].Steps {
				s.Number += 10
			}
		}},
		{"derived threshold unchanged by another tier", func(p *plan.Plan) {
			// tier3's RPO guards no alert without an explicit threshold
			// other than backup-freshness, which has one.
			p.Tiers["tier3"].Description = "x"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, head := orderflow(t), orderflow(t)
			tt.change(head)
			d := Compare(base, head)
			if len(d.Changes) > 0 || len(d.Invalidated) > 0 || d.Status != StatusUnchanged {
				t.Fatalf("reported %s: %s", d.Status, strings.Join(messages(d), "; "))
			}
		})
	}
}

func TestInvalidation(t *testing.T) {
	base, head := orderflow(t), orderflow(t)
	head.Tiers["tier1"].RPO = dur("1m")
	head.Services["webhooks"].Tier = "tier1"
	d := Compare(base, head)
	var got []string
	for _, inv := range d.Invalidated {
		var roles []string
		for _, s := range inv.SignOffs {
			roles = append(roles, s.Role)
		}
		got = append(got, fmt.Sprintf("%s: %s [%s]", inv.Tier, strings.Join(inv.Because, "; "), strings.Join(roles, ", ")))
	}
	want := []string{
		"tier1: RPO 30 s to 60 s; services added: webhooks [VP Engineering, CFO]",
		"tier2: services removed: webhooks [VP Engineering, CFO]",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("invalidated:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if d.Invalidated[0].Pos == nil || !strings.HasSuffix(d.Invalidated[0].Pos.File, "tiers.cue") {
		t.Errorf("invalidation not located in tiers.cue: %v", d.Invalidated[0].Pos)
	}

	// A sign-off given again for the new objectives is not stale.
	for i := range head.Tiers["tier1"].SignOff.Given {
		head.Tiers["tier1"].SignOff.Given[i].Digest = head.TierDigest("tier1")
	}
	d = Compare(base, head)
	if len(d.Invalidated) != 1 || d.Invalidated[0].Tier != "tier2" {
		t.Fatalf("after re-signing tier1: %+v", d.Invalidated)
	}

	// Dropping the sign-off along with the change does not hide it.
	base, head = orderflow(t), orderflow(t)
	head.Tiers["tier2"].RTO = dur("1h")
	head.Tiers["tier2"].SignOff.Given = head.Tiers["tier2"].SignOff.Given[:1]
	d = Compare(base, head)
	if len(d.Invalidated) != 1 || len(d.Invalidated[0].SignOffs) != 2 {
		t.Fatalf("dropped sign-off: %+v", d.Invalidated)
	}

	// A sign-off already stale in base is not invalidated by the change.
	base, head = orderflow(t), orderflow(t)
	base.Tiers["tier3"].SignOff.Given[0].Digest = "sha256:old"
	head.Tiers["tier3"].SignOff.Given[0].Digest = "sha256:old"
	head.Tiers["tier3"].RPO = dur("2h")
	d = Compare(base, head)
	if len(d.Invalidated) != 1 || len(d.Invalidated[0].SignOffs) != 1 || d.Invalidated[0].SignOffs[0].Role != "CFO" {
		t.Fatalf("stale-in-base sign-off: %+v", d.Invalidated)
	}
}

// TestDerivedThreshold checks that an alert without a threshold of its own
// reports the change of the RPO it is derived from.
func TestDerivedThreshold(t *testing.T) {
	base, head := orderflow(t), orderflow(t)
	for _, p := range []*plan.Plan{base, head} {
		p.Alerts["aurora-replication-lag"].Threshold = nil
	}
	// aurora-global carries tier0 and tier1; tier0's RPO (0) is the strictest.
	head.Tiers["tier0"].RPO = dur("10s")
	d := Compare(base, head)
	var found bool
	for _, c := range d.Changes {
		if c.Kind == "alert.threshold" {
			found = true
			if c.Effect != Loosened || c.Before != "0s" || c.After != "10s" || !strings.Contains(c.Message, "derived") {
				t.Errorf("derived threshold change: %+v", c)
			}
		}
	}
	if !found {
		t.Fatalf("no alert.threshold change in %s", strings.Join(messages(d), "; "))
	}
}

func TestRemovedFieldLocatedInBase(t *testing.T) {
	base, head := orderflow(t), orderflow(t)
	rb := head.Runbooks["region-failover"]
	// Drop step 1, so the step losing its rollback sits one index earlier.
	rb.Steps = rb.Steps[1:]
	step(head, "region-failover", "fence-primary-writers").Rollback = nil
	d := Compare(base, head)
	for _, c := range d.Changes {
		if c.Kind == "step.rollback" {
			if c.Path != "runbooks.region-failover.steps.1.rollback" {
				t.Errorf("path %q, want the base's steps.1", c.Path)
			}
			want := base.Source.Pos("runbooks", "region-failover", "steps", 1, "rollback")
			if c.Pos == nil || *c.Pos != want {
				t.Errorf("pos %v, want %v", c.Pos, want)
			}
			return
		}
	}
	t.Fatalf("no step.rollback change in %s", strings.Join(messages(d), "; "))
}

func TestAddedAndRemovedPlans(t *testing.T) {
	p := orderflow(t)
	if d := Compare(nil, p); d.Status != StatusAdded || d.Name != "orderflow" {
		t.Errorf("added: %+v", d)
	}
	if d := Compare(p, nil); d.Status != StatusRemoved {
		t.Errorf("removed: %+v", d)
	}
}

func TestLongestIncreasing(t *testing.T) {
	for _, tt := range []struct {
		seq  []int
		keep []bool
	}{
		{nil, []bool{}},
		{[]int{0, 1, 2}, []bool{true, true, true}},
		{[]int{1, 0, 2}, []bool{false, true, true}},
		{[]int{3, 0, 1, 2}, []bool{false, true, true, true}},
		{[]int{0, 3, 1, 2}, []bool{true, false, true, true}},
	} {
		if got := longestIncreasing(tt.seq); !slices.Equal(got, tt.keep) {
			t.Errorf("longestIncreasing(%v) = %v, want %v", tt.seq, got, tt.keep)
		}
	}
}

func TestMarkdownEscapesPlanText(t *testing.T) {
	base, head := orderflow(t), orderflow(t)
	head.Owner.Person = "<img src=x> *Sam* [me](http://x) | a_b"
	var b strings.Builder
	if err := WriteMarkdown(&b, &Report{Base: "a", Head: "b", Plans: []*Diff{Compare(base, head)}}); err != nil {
		t.Fatal(err)
	}
	want := `to "\<img src=x> \*Sam\* \[me\](http://x) \| a\_b"`
	if !strings.Contains(b.String(), want) {
		t.Fatalf("markdown does not escape plan text; want %s in:\n%s", want, b.String())
	}
}

func TestMarkdownShowsCommandChange(t *testing.T) {
	base, head := orderflow(t), orderflow(t)
	s := step(head, "region-failover", "activate-standby-workloads")
	s.Command = strings.Replace(s.Command, "--timeout 600", "--timeout 900", 1)
	var b strings.Builder
	if err := WriteMarkdown(&b, &Report{Base: "a", Head: "b", Plans: []*Diff{Compare(base, head)}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  ```diff\n",
		"\n  -argocd --argocd-context usw2 app sync orderflow-usw2 --timeout 600\n",
		"\n  +argocd --argocd-context usw2 app sync orderflow-usw2 --timeout 900\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, b.String())
		}
	}
}
