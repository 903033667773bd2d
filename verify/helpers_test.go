package verify_test

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/drplan/drplan/evidence"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
	"github.com/drplan/drplan/verify"
	"github.com/drplan/drplan/verify/awstest"
)

// useServer points the SDK's standard configuration at srv, with static
// fake credentials and no shared config files, as a user's environment
// would with AWS_ENDPOINT_URL set.
func useServer(t testing.TB, srv *awstest.Server) {
	t.Helper()
	for k, v := range srv.Env(t.TempDir()) {
		t.Setenv(k, v)
	}
}

// fastRetries keeps retry back-off short so tests of failing regions end quickly.
var fastRetries = verify.Config{Concurrency: 8, MaxAttempts: 3, MaxBackoff: 20 * time.Millisecond}

func orderflow(t testing.TB) *plan.Plan {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	p, err := schema.Load(filepath.Join(filepath.Dir(file), "..", "plans", "orderflow"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// run reads srv with the real clients and compares p.
func run(t testing.TB, srv *awstest.Server, p *plan.Plan, cfg verify.Config) ([]evidence.Check, *verify.Observed) {
	t.Helper()
	useServer(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	obs, err := verify.Live(ctx, []*plan.Plan{p}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return verify.Compare(p, obs), obs
}
