// Package schema holds the CUE definition of a plan (#Plan), embedded in the
// binary, and the loader that unifies a user's files with it and returns the
// typed plan with the source position of every node.
package schema

import (
	_ "embed"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
)

// Source is the schema's CUE text, as `drplan schema` prints it.
//
//go:embed plan.cue
var Source string

// FileName is the name the embedded schema's positions carry, so that
// errors can be told apart from the user's own files.
const FileName = "drplan:schema/plan.cue"

var (
	schemaOnce sync.Once
	schemaAST  *ast.File
	schemaErr  error
)

// parsed returns the schema's syntax tree, parsed once per process. Each
// load compiles it into its own cue.Context (contexts are not safe for
// concurrent use, and plans load in parallel), which is cheap next to
// evaluating a plan.
func parsed() (*ast.File, error) {
	schemaOnce.Do(func() {
		schemaAST, schemaErr = parser.ParseFile(FileName, Source)
	})
	return schemaAST, schemaErr
}

// definition compiles the schema in ctx and returns #Plan.
func definition(ctx *cue.Context) (cue.Value, error) {
	f, err := parsed()
	if err != nil {
		return cue.Value{}, err
	}
	v := ctx.BuildFile(f)
	if err := v.Err(); err != nil {
		return cue.Value{}, err
	}
	return v.LookupPath(cue.ParsePath("#Plan")), nil
}
