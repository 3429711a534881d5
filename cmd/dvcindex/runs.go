package main

import (
	"context"
	"errors"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/load"
)

// finishRun closes a run whose counts are set: its end time and status
// (failed with runErr, else dry_run or success), one "sync finished" log line
// with extra fields, the final runs row and the metrics. The row is written
// even when ctx was cancelled, with a fresh short deadline, so an aborted run
// is recorded as failed. It returns runErr joined with any error recording
// the run.
func (a *app) finishRun(ctx context.Context, store *load.Store, run *load.Run, runErr error, dryRun bool,
	normalized uint64, log zerolog.Logger, extra func(*zerolog.Event) *zerolog.Event) error {
	end := a.now()
	run.FinishedAt = &end
	run.Status = load.RunSuccess
	if dryRun {
		run.Status = load.RunDryRun
	}
	ev := log.Info()
	if runErr != nil {
		run.Status, run.Error = load.RunFailed, runErr.Error()
		ev = log.Error().Err(runErr)
	}
	ev = ev.Uint64("fetched", run.Fetched).Uint64("loaded", run.Loaded).Uint64("rejected", run.Rejected)
	if extra != nil {
		ev = extra(ev)
	}
	ev.Dur("took", end.Sub(run.StartedAt)).Str("status", run.Status).Msg("sync finished")
	if dryRun {
		return runErr
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := store.RecordRun(rctx, *run); err != nil {
		log.Error().Err(err).Msg("could not record the run's outcome")
		runErr = errors.Join(runErr, err)
	}
	a.observeRun(*run, normalized)
	return runErr
}
