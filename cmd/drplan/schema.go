package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/schema"
)

func newSchemaCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the CUE schema plans are checked against",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprint(s.Out, schema.Source)
			return err
		},
	}
}
