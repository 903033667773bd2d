package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/plan"
	"github.com/drplan/drplan/schema"
)

// InitOptions are the inputs of `drplan init`.
type InitOptions struct {
	Streams Streams
	Dir     string
	Name    string
	Today   string
}

func newInitCmd(s Streams, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{Streams: s}
	cmd := &cobra.Command{
		Use:   "init DIR",
		Short: "Scaffold a new plan with every section present",
		Long: `Write a new plan into DIR (created if missing; it must be empty) with every
section of the schema present, commented and filled with example values that
validate. Replace the examples with your system's facts.`,
		Example: `  drplan init plans/payments --name payments`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if opts.Name == "" {
				opts.Name = filepath.Base(filepath.Clean(opts.Dir))
			}
			if opts.Today == "" {
				opts.Today = time.Now().UTC().Format(time.DateOnly)
			} else if _, err := plan.ParseDate(opts.Today); err != nil {
				return &exitError{ExitInvalid, fmt.Errorf("`--today`: %v", err)}
			}
			if runF != nil {
				return runF(opts)
			}
			return initRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Name, "name", "", "plan name (default: the directory's name)")
	cmd.Flags().StringVar(&opts.Today, "today", "", "date of the initial review, YYYY-MM-DD (default: today)")
	return cmd
}

func initRun(opts *InitOptions) error {
	files, err := schema.Scaffold(schema.ScaffoldOptions{Name: opts.Name, Dir: opts.Dir, Today: opts.Today})
	if err != nil {
		return &exitError{ExitInvalid, err}
	}
	if entries, err := os.ReadDir(opts.Dir); err == nil && len(entries) > 0 {
		return &exitError{ExitInvalid, fmt.Errorf("%s is not empty; drplan init writes only into a new or empty directory", opts.Dir)}
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return &exitError{ExitInvalid, err}
	}
	for _, name := range plan.Keys(files) {
		if err := os.WriteFile(filepath.Join(opts.Dir, name), files[name], 0o644); err != nil {
			return &exitError{ExitInvalid, err}
		}
		fmt.Fprintf(opts.Streams.Out, "wrote %s\n", filepath.Join(opts.Dir, name))
	}
	fmt.Fprintf(opts.Streams.Out, "Next: edit the plan, then run `drplan validate %s`.\n", opts.Dir)
	return nil
}
