package main

import (
	"runtime"
	"sync"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
)

type loadResult struct {
	plan *plan.Plan
	err  error
}

// loadAll loads each group of paths as one plan, in parallel (CUE
// evaluation is single-threaded per plan), and returns results in the order
// of the groups so that output is stable.
func loadAll(groups [][]string) []loadResult {
	results := make([]loadResult, len(groups))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			p, err := schema.Load(g...)
			results[i] = loadResult{p, err}
		}()
	}
	wg.Wait()
	return results
}
