package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
	"github.com/drplan/drplan/signoff"
)

// SignoffOptions are the inputs of `drplan signoff`.
type SignoffOptions struct {
	Streams Streams
	Path    string
	Request signoff.Request
}

func newSignoffCmd(s Streams, runF func(*SignoffOptions) error) *cobra.Command {
	opts := &SignoffOptions{Streams: s}
	var date string
	cmd := &cobra.Command{
		Use:   "signoff PATH --tier TIER --role ROLE --name NAME",
		Short: "Record a business sign-off of a tier's objectives in the plan",
		Long: `Record that NAME, in ROLE, approved TIER's objectives as the plan states them
now. The sign-off carries a digest of the tier's RTO, RPO, strategy and
services: changing any of them later makes it stale, and lint (DR001) asks
for a new approval. An earlier sign-off by the same role is replaced.

The sign-off is written into the CUE file that declares the tier.`,
		Example: `  drplan signoff plans/orderflow --tier tier0 --role CFO --name "Helen Okafor"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[0]
			for flag, v := range map[string]string{"tier": opts.Request.Tier, "role": opts.Request.Role, "name": opts.Request.Name} {
				if v == "" {
					return usageError("`--%s` is required", flag)
				}
			}
			if date == "" {
				date = time.Now().UTC().Format(time.DateOnly)
			}
			d, err := plan.ParseDate(date)
			if err != nil {
				return usageError("`--date`: %v", err)
			}
			opts.Request.Date = d
			if runF != nil {
				return runF(opts)
			}
			return signoffRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Request.Tier, "tier", "", "tier ID, e.g. tier0")
	cmd.Flags().StringVar(&opts.Request.Role, "role", "", "the approver's business role, e.g. CFO")
	cmd.Flags().StringVar(&opts.Request.Name, "name", "", "the approver's name")
	cmd.Flags().StringVar(&date, "date", "", "date of the approval, YYYY-MM-DD (default: today)")
	return cmd
}

func signoffRun(opts *SignoffOptions) error {
	p, err := schema.Load(opts.Path)
	if err != nil {
		printLoadError(opts.Streams, err)
		return silentExit(ExitInvalid)
	}
	r := opts.Request
	if t := p.Tiers[r.Tier]; t != nil && (t.SignOff == nil || !slices.Contains(t.SignOff.Required, r.Role)) {
		fmt.Fprintf(opts.Streams.ErrOut, "drplan: note: %s is not among the roles tier %s requires\n", r.Role, r.Tier)
	}
	file, digest, err := signoff.Record(p, r)
	if err != nil {
		return &exitError{ExitInvalid, err}
	}
	// The edited plan must still load: a sign-off never breaks a plan.
	if _, err := schema.Load(opts.Path); err != nil {
		printLoadError(opts.Streams, err)
		return &exitError{ExitInvalid, fmt.Errorf("%s no longer loads after the edit; please report this", file)}
	}
	fmt.Fprintf(opts.Streams.Out, "%s: recorded sign-off of %s by %s (%s, %s), %s\n", file, r.Tier, r.Name, r.Role, r.Date, digest)
	return nil
}
