package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// maxDryRunRejects is how many rejects a dry run keeps to print.
const maxDryRunRejects = 50

// recordTimeout bounds the writes that record a run's end, made even when
// the run's context was cancelled.
const recordTimeout = 15 * time.Second

// Result is what one run reports to Options.Report.
type Result struct {
	Run     load.Run
	Rejects []transform.Reject // dry run: the first ones, to print
	Files   []FileOutcome      // a file run: one per dropped file
	// Note is a line that stands for a run that did not start (nothing to
	// read yet, a backfill already complete) or that tells where it
	// resumes; "" otherwise.
	Note string
}

// runner is one kind of source: it runs one incremental pass.
type runner interface {
	sync(ctx context.Context, e *Engine, store *load.Store, src Source, dryRun bool) error
}

// backfiller is a runner that can re-read a closed range (BackfillRequest).
type backfiller interface {
	backfill(ctx context.Context, e *Engine, store *load.Store, src Source, req BackfillRequest) error
}

// run is the lifecycle every run shares: a running row in v_runs at its
// start, its counts as it works, the final row and the observer at its end.
// A dry run writes no row.
type run struct {
	e          *Engine
	store      *load.Store
	row        load.Run
	dryRun     bool
	log        zerolog.Logger
	normalized uint64 // records that passed normalization
	finished   string // the end's log message ("sync finished")
	unobserved bool   // not told to the Observer (compute)
	shape      *shape // the keys of the records read, for schema drift
}

// NewRunID returns a sortable, unique run identifier.
func NewRunID(now time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%s", now.UTC().Format("20060102T150405Z"), hex.EncodeToString(b))
}

// startRun records a running row for source and command (unless dryRun),
// with the span it reads if window is set, and returns the run, with a
// logger carrying its run_id and source.
func (e *Engine) startRun(ctx context.Context, store *load.Store, source, command string, dryRun bool, window *extract.Window) (*run, error) {
	id := NewRunID(e.now())
	r := &run{e: e, store: store, dryRun: dryRun, finished: "sync finished", shape: newShape(),
		log: e.log.With().Str("run_id", id).Str("source", source).Logger(),
		row: load.Run{ID: id, Source: source, Command: command, StartedAt: e.now(), Status: load.RunRunning}}
	if window != nil {
		from, to := window.From, window.To
		r.row.WindowFrom, r.row.WindowTo = &from, &to
	}
	return r, r.record(ctx)
}

// record writes the run's current row (not in a dry run).
func (r *run) record(ctx context.Context) error {
	if r.dryRun {
		return nil
	}
	return r.store.RecordRun(ctx, r.row)
}

// finish closes a run whose counts are set: its end time and status
// (failed with runErr, else dry_run or success), one log line with extra
// fields, the final row and the observer. The row is written even when ctx
// was cancelled, with a fresh short deadline, so an aborted run is recorded
// as failed. It returns runErr joined with any error recording the run.
func (r *run) finish(ctx context.Context, runErr error, extra func(*zerolog.Event) *zerolog.Event) error {
	r.e.recordDrift(ctx, r, r.row.Source, r.shape)
	end := r.e.now()
	run := &r.row
	run.FinishedAt = &end
	run.Status = load.RunSuccess
	if r.dryRun {
		run.Status = load.RunDryRun
	}
	ev := r.log.Info()
	if runErr != nil {
		run.Status, run.Error = load.RunFailed, runErr.Error()
		ev = r.log.Error().Err(runErr)
	}
	ev = ev.Uint64("fetched", run.Fetched).Uint64("loaded", run.Loaded).Uint64("rejected", run.Rejected)
	if extra != nil {
		ev = extra(ev)
	}
	ev.Dur("took", end.Sub(run.StartedAt)).Str("status", run.Status).Msg(r.finished)
	if r.dryRun {
		return runErr
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := r.store.RecordRun(rctx, *run); err != nil {
		r.log.Error().Err(err).Msg("could not record the run's outcome")
		runErr = errors.Join(runErr, err)
	}
	if r.e.opts.Observer != nil && !r.unobserved {
		r.e.opts.Observer.RunFinished(*run, r.normalized)
	}
	return runErr
}

// writeRejects writes rejects of a run that gathered them (keyed and
// snapshot runs) and flushes them.
func (r *run) writeRejects(ctx context.Context, rejects []transform.Reject) error {
	if len(rejects) == 0 {
		return nil
	}
	return r.write(ctx, func(w *load.Writer) error {
		for _, rj := range rejects {
			if err := w.AddReject(ctx, rj); err != nil {
				return err
			}
		}
		return nil
	})
}

// write hands a writer of the run to add, then flushes it (not in a dry
// run): nil means every row add gave was acknowledged.
func (r *run) write(ctx context.Context, add func(w *load.Writer) error) error {
	if r.dryRun {
		return nil
	}
	w := r.store.NewWriter(r.row.ID, r.log)
	if err := add(w); err != nil {
		return err
	}
	return w.Flush(ctx)
}

// dryRejects keeps the first rejects of a dry run to print.
func dryRejects(dryRun bool, rejects []transform.Reject) []transform.Reject {
	if !dryRun {
		return nil
	}
	return rejects
}

// abandonStaleRuns marks runs of source left "running" by a process that
// died as abandoned. A run older than twice serve.job_timeout cannot still be
// alive: serve cancels its jobs at the timeout.
func (e *Engine) abandonStaleRuns(ctx context.Context, store *load.Store, source string) {
	before := e.now().Add(-2 * e.cfg.Serve.JobTimeout.D())
	n, err := store.AbandonStaleRuns(ctx, source, before)
	if err != nil {
		e.log.Warn().Err(err).Str("source", source).Msg("could not mark stale runs as abandoned")
		return
	}
	if n > 0 {
		e.log.Warn().Int("runs", n).Str("source", source).Msg("runs left running by a process that ended were marked abandoned")
	}
}

// Sync runs one incremental pass of the named source: stale runs of it are
// marked abandoned first (not in a dry run), then its kind's runner reads.
func (e *Engine) Sync(ctx context.Context, store *load.Store, name string, dryRun bool) error {
	src, ok := Lookup(name)
	if !ok {
		return UnknownSource(name)
	}
	if src.Check != nil {
		if err := src.Check(e.cfg); err != nil {
			return err
		}
	}
	if !dryRun {
		e.abandonStaleRuns(ctx, store, name)
		e.dropOldArchive(ctx, store)
	}
	return src.runner.sync(ctx, e, store, src, dryRun)
}

// dropOldArchive applies archive.keep: the archive's months older than the
// retention are dropped (0 keeps everything). A failure is logged.
func (e *Engine) dropOldArchive(ctx context.Context, store *load.Store) {
	keep := e.cfg.Archive.Keep.D()
	if keep <= 0 {
		return
	}
	dropped, err := store.DropArchiveBefore(ctx, e.now().Add(-keep))
	if err != nil {
		e.log.Warn().Err(err).Msg("could not drop the archive's months older than archive.keep")
	}
	if len(dropped) > 0 {
		e.log.Info().Ints("months", dropped).Dur("keep", keep).Msg("archive months older than archive.keep dropped")
	}
}
