package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/drplan/drplan/schema"
)

// ExitCode is drplan's process exit status: a contract users script against.
type ExitCode int

const (
	// ExitOK: no finding at or above the failure threshold.
	ExitOK ExitCode = 0
	// ExitFindings: findings at or above --fail-on.
	ExitFindings ExitCode = 1
	// ExitInvalid: the input could not be read or is invalid, or the command was misused.
	ExitInvalid ExitCode = 2
)

// Streams are the command's standard streams; tests substitute buffers.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

func defaultStreams() Streams {
	return Streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
}

// exitError carries an exit code through cobra's error return. Its message,
// if any, has not been printed yet.
type exitError struct {
	code ExitCode
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

// silentExit ends the command with code once its output is already printed.
func silentExit(code ExitCode) error { return &exitError{code: code} }

// silentExitIf is silentExit for a non-zero code, nil otherwise.
func silentExitIf(code ExitCode) error {
	if code == ExitOK {
		return nil
	}
	return silentExit(code)
}

// usageError is a misuse of the command: exit 2 with the message.
func usageError(format string, args ...any) error {
	return &exitError{ExitInvalid, fmt.Errorf(format, args...)}
}

// Main runs drplan with args and returns the exit code. It never panics at
// the user: a panic in a command is reported as an internal error.
func Main(args []string, s Streams) (code ExitCode) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(s.ErrOut, "drplan: internal error: %v\nPlease report this with the command and plan that caused it.\n", r)
			code = ExitInvalid
		}
	}()
	schema.SetCacheDir(schema.DefaultCacheDir())
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(s.ErrOut, "drplan: %v\n", ee.err)
		}
		return ee.code
	}
	// Anything cobra returns on its own is a usage problem (unknown
	// command or flag, wrong number of arguments).
	fmt.Fprintf(s.ErrOut, "drplan: %v\nRun 'drplan --help' for usage.\n", err)
	return ExitInvalid
}

func newRootCmd(s Streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "drplan",
		Short: "Disaster-recovery plans as code: lint, render, verify and drill them",
		Long: `drplan reads a disaster-recovery plan written in CUE (or YAML/JSON) next to
your infrastructure code, checks it, and turns it into the documents, runbooks
and alerts that auditors and on-call engineers use.

Exit codes: 0 clean; 1 findings at or above --fail-on; 2 unreadable or invalid
input, or misuse.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.ErrOut)
	root.AddCommand(
		newValidateCmd(s, nil),
		newLintCmd(s, nil),
		newExplainCmd(s),
		newSignoffCmd(s, nil),
		newRenderCmd(s, nil),
		newCommsCmd(s),
		newDrillCmd(s),
		newExporterCmd(s),
		newDiffCmd(s, nil),
		newRunCmd(s),
		newInitCmd(s, nil),
		newSchemaCmd(s),
		newVersionCmd(s),
		newVerifyCmd(s, nil),
	)
	return root
}
