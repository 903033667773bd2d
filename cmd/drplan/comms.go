package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/generator"
	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
)

// CommsOptions are the inputs of `drplan comms`.
type CommsOptions struct {
	Streams  Streams
	Plan     string
	Scenario string
	Audience string
	Phase    string
	Template string
	Set      map[string]string
}

func newCommsCmd(s Streams) *cobra.Command {
	opts := &CommsOptions{Streams: s}
	var set []string
	cmd := &cobra.Command{
		Use:   "comms --plan PATH --scenario S (--audience A [--phase P] | --template T) [--set KEY=VALUE]...",
		Short: "Print one pre-written message, filled in, for pasting",
		Long: `Print a communication template of the plan for a scenario, with the plan's
facts filled in (system, affected_services, affected_tiers, rto, rpo,
scenario) and incident-time fields from --set (e.g. --set
incident.start_time=03:12). Fields still missing are printed as [[field]]
and listed on standard error.`,
		Example: `  drplan comms --plan plans/orderflow --scenario region-failure --audience status-page --phase declared \
    --set incident.start_time=03:12 --set incident.next_update=03:45`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Plan == "" || opts.Scenario == "" || (opts.Audience == "" && opts.Template == "") {
				return usageError("specify `--plan`, `--scenario`, and `--audience` or `--template`")
			}
			opts.Set = map[string]string{}
			for _, kv := range set {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return usageError("`--set` takes KEY=VALUE, not %q", kv)
				}
				opts.Set[k] = v
			}
			return commsRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Plan, "plan", "", "plan directory or file")
	f.StringVar(&opts.Scenario, "scenario", "", "scenario ID")
	f.StringVar(&opts.Audience, "audience", "", "status-page, exec-channel, customer-email, internal or regulator")
	f.StringVar(&opts.Phase, "phase", "", "declared, update or resolved (when the audience has several templates)")
	f.StringVar(&opts.Template, "template", "", "template ID, instead of --audience and --phase")
	f.StringArrayVar(&set, "set", nil, "incident-time field, KEY=VALUE (repeatable)")
	return cmd
}

func commsRun(opts *CommsOptions) error {
	p, err := schema.Load(opts.Plan)
	if err != nil {
		printLoadError(opts.Streams, err)
		return silentExit(ExitInvalid)
	}
	if p.Scenarios[opts.Scenario] == nil {
		return usageError("plan %s has no scenario %q (it has: %s)", p.Name, opts.Scenario, strings.Join(plan.Keys(p.Scenarios), ", "))
	}
	id, err := pickTemplate(p, opts)
	if err != nil {
		return &exitError{ExitInvalid, err}
	}
	facts := generator.CommsFacts(p, opts.Scenario)
	for k, v := range opts.Set {
		facts[k] = v
	}
	subject, body, unfilled := generator.FillComms(p.Comms[id], facts)
	if subject != "" {
		fmt.Fprintf(opts.Streams.Out, "Subject: %s\n\n", subject)
	}
	fmt.Fprint(opts.Streams.Out, body)
	if len(unfilled) > 0 {
		fmt.Fprintf(opts.Streams.ErrOut, "drplan: still to fill in: %s (--set KEY=VALUE)\n", strings.Join(unfilled, ", "))
	}
	return nil
}

func pickTemplate(p *plan.Plan, opts *CommsOptions) (string, error) {
	if opts.Template != "" {
		if p.Comms[opts.Template] == nil {
			return "", fmt.Errorf("plan %s has no template %q (it has: %s)", p.Name, opts.Template, strings.Join(plan.Keys(p.Comms), ", "))
		}
		if !p.Comms[opts.Template].AppliesTo(opts.Scenario) {
			return "", fmt.Errorf("template %q is written for %s, not scenario %q (its templates: %s)", opts.Template,
				strings.Join(p.Comms[opts.Template].Scenarios, ", "), opts.Scenario, strings.Join(p.CommTemplates(opts.Scenario), ", "))
		}
		return opts.Template, nil
	}
	var match []string
	for _, id := range p.CommTemplates(opts.Scenario) {
		t := p.Comms[id]
		if t.Audience == opts.Audience && (opts.Phase == "" || t.Phase == opts.Phase) {
			match = append(match, id)
		}
	}
	switch len(match) {
	case 0:
		return "", fmt.Errorf("plan %s has no %s template%s for scenario %s", p.Name, opts.Audience, map[bool]string{true: " for phase " + opts.Phase}[opts.Phase != ""], opts.Scenario)
	case 1:
		return match[0], nil
	}
	return "", fmt.Errorf("several %s templates (%s): choose one with `--phase` or `--template`", opts.Audience, strings.Join(match, ", "))
}
