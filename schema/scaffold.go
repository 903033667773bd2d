package schema

import (
	"bytes"
	"embed"
	"fmt"
	"regexp"
	"strings"
	"text/template"
)

//go:embed scaffold/plan.cue.tmpl
var scaffoldFS embed.FS

// ScaffoldOptions parameterise a new plan.
type ScaffoldOptions struct {
	// Name is the plan's name (an ID).
	Name string
	// Dir is the directory the plan is written to, for the instructions in it.
	Dir string
	// Today is the date written as the last review, YYYY-MM-DD.
	Today string
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Scaffold returns the files of a new plan with every section present.
func Scaffold(o ScaffoldOptions) (map[string][]byte, error) {
	if !idRE.MatchString(o.Name) {
		return nil, fmt.Errorf("plan name %q is not an ID: use lowercase letters, digits and '-'", o.Name)
	}
	tmpl, err := template.ParseFS(scaffoldFS, "scaffold/plan.cue.tmpl")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	data := struct {
		ScaffoldOptions
		Package string
	}{o, strings.ReplaceAll(o.Name, "-", "_")}
	if data.Package[0] >= '0' && data.Package[0] <= '9' {
		data.Package = "plan_" + data.Package
	}
	if err := tmpl.Execute(&b, data); err != nil {
		return nil, err
	}
	return map[string][]byte{"plan.cue": b.Bytes()}, nil
}
