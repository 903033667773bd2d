package plandiff

import (
	"testing"

	"github.com/drplan/drplan/internal/plangen"
	"github.com/drplan/drplan/schema"
)

// BenchmarkCompare compares two synthetic plans of 1,000 services and
// 5,000 steps that differ everywhere plangen's seed reaches.
func BenchmarkCompare(b *testing.B) {
	dirA, dirB := b.TempDir(), b.TempDir()
	for dir, seed := range map[string]int64{dirA: 1, dirB: 2} {
		if err := plangen.Write(dir, plangen.Options{Services: 1000, Steps: 5000, Seed: seed}); err != nil {
			b.Fatal(err)
		}
	}
	base, err := schema.Load(dirA)
	if err != nil {
		b.Fatal(err)
	}
	head, err := schema.Load(dirB)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		Compare(base, head)
	}
}
