// Command dvcindex is the CLI of the pipeline (interfaces.md): migrate, sync,
// backfill, compute, explain, report, serve, doctor and version. It only wires
// the packages together: extract reads the portal, transform normalizes,
// load writes ClickHouse.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/dvcindex/dvcindex/internal/pipeline"
)

// Exit codes of interfaces.md.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code. Tests
// call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, environ []string) int {
	root := newRootCmd(stdout, stderr, environ)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ue usageError
	var pe pipeline.UsageError
	if errors.As(err, &ue) || errors.As(err, &pe) || isCobraUsage(err) {
		fmt.Fprintf(stderr, "Error: %v\nRun 'dvcindex --help' for usage.\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "Error: %v\n", err)
	return exitFailure
}

// usageError is a command line the user must correct.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// isCobraUsage recognises cobra's own usage errors, which are plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "required flag", "accepts ", "invalid argument", "flag needs an argument"} {
		if strings.HasPrefix(msg, p) || strings.Contains(msg, " "+p) {
			return true
		}
	}
	return false
}
