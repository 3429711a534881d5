package pipeline

import (
	"errors"
	"fmt"
)

// UsageError is a request the user must correct (a flag, a missing
// setting): the command line exits 2 on it. Its message is the whole
// explanation, with the key or flag to change.
type UsageError struct{ Err error }

func (u UsageError) Error() string { return u.Err.Error() }
func (u UsageError) Unwrap() error { return u.Err }

// Usagef formats a UsageError.
func Usagef(format string, args ...any) error { return UsageError{fmt.Errorf(format, args...)} }

// ErrPipelinePanic marks a run failed by a panic in one of its pipeline
// goroutines: the run fails, its watermark stays, the process lives on.
var ErrPipelinePanic = errors.New("pipeline goroutine panicked")

// ErrOfficialIncomplete: a read of a family of the national reporting API
// did not account for every department its pagination reported; the run
// fails and keeps its watermark.
var ErrOfficialIncomplete = errors.New("national reporting read incomplete")
