package schema

import (
	"fmt"
	"testing"

	"github.com/drplan/drplan/internal/plangen"
)

// BenchmarkLoad measures validating generated plans: the target is
// no slower than `cue vet` of the same files (scripts/bench-validate.sh
// measures both as whole processes).
func BenchmarkLoad(b *testing.B) {
	for _, size := range []struct{ services, steps int }{{1000, 5000}, {10000, 50000}} {
		b.Run(fmt.Sprintf("services=%d/steps=%d", size.services, size.steps), func(b *testing.B) {
			if testing.Short() && size.services > 1000 {
				b.Skip("large plan skipped in -short mode")
			}
			dir := b.TempDir()
			if err := plangen.Write(dir, plangen.Options{Services: size.services, Steps: size.steps, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := Load(dir); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
