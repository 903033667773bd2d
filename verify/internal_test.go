package verify

import (
	"testing"
	"time"
)

func TestScheduleInterval(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want time.Duration
		ok   bool
	}{
		{"cron(0 * ? * * *)", time.Hour, true},
		{"cron(0,30 * ? * * *)", 30 * time.Minute, true},
		{"cron(0 */4 ? * * *)", 4 * time.Hour, true},
		{"cron(0 0/6 ? * * *)", 6 * time.Hour, true},
		{"cron(0 1,13 ? * * *)", 12 * time.Hour, true},
		{"cron(0 1,5 ? * * *)", 20 * time.Hour, true},
		{"cron(0 5 ? * * *)", 24 * time.Hour, true},
		{"cron(0 5 ? * SUN *)", 7 * 24 * time.Hour, true},
		{"cron(0 5 ? * MON-FRI *)", 72 * time.Hour, true},
		{"cron(0 5 1 * ? *)", 31 * 24 * time.Hour, true},
		{"rate(1 hour)", time.Hour, true},
		{"rate(12 hours)", 12 * time.Hour, true},
		{"rate(30 minutes)", 30 * time.Minute, true},
		{"rate(1 day)", 24 * time.Hour, true},
		{"rate(0 hours)", 0, false},
		{"rate(2 fortnights)", 0, false},
		{"cron(0 5 ? *)", 0, false},
		{"cron(0 25 ? * * *)", 0, false},
		{"at(2026-01-01T00:00:00)", 0, false},
		{"", 0, false},
	} {
		got, ok := scheduleInterval(tc.expr)
		if got != tc.want || ok != tc.ok {
			t.Errorf("scheduleInterval(%q) = %v, %v; want %v, %v", tc.expr, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzScheduleInterval: schedules come from AWS, and from recorded
// snapshots anyone can edit; none may crash verify.
func FuzzScheduleInterval(f *testing.F) {
	for _, s := range []string{"cron(0 * ? * * *)", "rate(1 hour)", "cron(0 1,5 ? * * *)", "cron(0 */0 ? * * *)", "cron(0 , ? * * *)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := scheduleInterval(s); ok && d <= 0 {
			t.Errorf("scheduleInterval(%q) = %v, a non-positive interval", s, d)
		}
	})
}

func TestCallErrorNamesOperationNotCredentials(t *testing.T) {
	if got := callError(opDescribeDBClusters, "us-west-2", errNotFoundLike{}).Error(); got != "rds:DescribeDBClusters in us-west-2: boom" {
		t.Errorf("callError = %q", got)
	}
}

type errNotFoundLike struct{}

func (errNotFoundLike) Error() string { return "boom" }

func TestRoute53Region(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1": "us-east-1", "eu-central-1": "us-east-1", "": "us-east-1",
		"cn-north-1": "cn-northwest-1", "us-gov-east-1": "us-gov-west-1",
	} {
		if got := route53Region(region); got != want {
			t.Errorf("route53Region(%q) = %q, want %q", region, got, want)
		}
	}
}
