package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// BackfillRequest is one backfill: [From, To) of a source.
type BackfillRequest struct {
	Source   string
	From, To time.Time
	DryRun   bool
	// Progress, if set, is told after each window (windowed sources).
	Progress func(done, total int, w extract.Window)
}

// BackfillStateKey names a backfill's own progress in sync_state: the end
// of the last window it loaded. It is never the source's incremental
// watermark.
func BackfillStateKey(source string, from, to time.Time) string {
	return fmt.Sprintf("backfill:%s:%s:%s", source, from.Format(time.DateOnly), to.Format(time.DateOnly))
}

// CheckBackfill returns the usage error of a backfill that cannot run: an
// unknown source, one that has no history to re-read, an empty range or
// one that is not closed yet (To after now − sync.safety_lag).
func (e *Engine) CheckBackfill(req BackfillRequest) (Source, error) {
	src, ok := Lookup(req.Source)
	if !ok {
		return src, UnknownSource(req.Source)
	}
	if !req.From.Before(req.To) {
		return src, Usagef("--from %s must be before --to %s", req.From.Format(time.DateOnly), req.To.Format(time.DateOnly))
	}
	if limit := e.now().Add(-e.cfg.Sync.SafetyLag.D()); req.To.After(limit) {
		return src, Usagef("--to %s is not a closed window yet: it must be at most now − sync.safety_lag (%s)",
			req.To.Format(time.DateOnly), limit.In(transform.HoChiMinh()).Format("2006-01-02 15:04:05"))
	}
	if _, can := src.runner.(backfiller); !can || src.NoBackfill != "" {
		return src, Usagef("%s", src.NoBackfill)
	}
	return src, nil
}

// Backfill re-reads [From, To) of a source. A windowed source reads it in
// steps of sync.window and records its progress after each under
// BackfillStateKey, so a rerun with the same range continues where the
// previous one stopped; the incremental watermark is never read or moved.
// A keyed source re-reads every period in the range.
func (e *Engine) Backfill(ctx context.Context, store *load.Store, req BackfillRequest) error {
	src, err := e.CheckBackfill(req)
	if err != nil {
		return err
	}
	if src.Check != nil {
		if err := src.Check(e.cfg); err != nil {
			return err
		}
	}
	return src.runner.(backfiller).backfill(ctx, e, store, src, req)
}

// backfill resumes [req.From, req.To) at the end of the last window a
// previous backfill of the same range loaded.
func (k windowed) backfill(ctx context.Context, e *Engine, store *load.Store, src Source, req BackfillRequest) error {
	norm, err := k.parser(e, src.Name, true) // records are normalized as archived
	if err != nil {
		return err
	}
	key := BackfillStateKey(src.Name, req.From, req.To)
	start := req.From
	if done, ok, err := store.Watermark(ctx, key); err != nil {
		return fmt.Errorf("%w (has 'dvcindex migrate' run?)", err)
	} else if ok && done.After(req.From) {
		start = done
	}
	span := fmt.Sprintf("backfill %s [%s, %s)", src.Name, req.From.Format(time.DateOnly), req.To.Format(time.DateOnly))
	if !start.Before(req.To) {
		e.report(Result{Note: span + ": already complete"})
		return nil
	}
	if start.After(req.From) {
		e.report(Result{Note: span + ": resuming at " + start.In(transform.HoChiMinh()).Format("2006-01-02 15:04:05")})
	}
	res, err := e.runWindows(ctx, store, windowRequest{source: src.Name, kind: k, normalize: norm, command: "backfill",
		window: extract.Window{From: start, To: req.To}, advance: true, stateKey: key, dryRun: req.DryRun, progress: req.Progress})
	e.report(res)
	return err
}
