package lint

import (
	"fmt"
	"testing"

	"github.com/drplan/drplan/internal/plangen"
	"github.com/drplan/drplan/schema"
)

// BenchmarkLint measures the rules alone on loaded plans; loading is
// schema.BenchmarkLoad. The rules must add little to the evaluation and
// grow linearly with the plan.
func BenchmarkLint(b *testing.B) {
	for _, size := range []struct{ services, steps int }{{1000, 5000}, {10000, 50000}} {
		b.Run(fmt.Sprintf("services=%d/steps=%d", size.services, size.steps), func(b *testing.B) {
			if testing.Short() && size.services > 1000 {
				b.Skip("large plan skipped in -short mode")
			}
			dir := b.TempDir()
			if err := plangen.Write(dir, plangen.Options{Services: size.services, Steps: size.steps, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			p, err := schema.Load(dir)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				Lint(p, Options{Now: testNow})
			}
		})
	}
}
