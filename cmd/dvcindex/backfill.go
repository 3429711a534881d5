package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	// progressbar draws the backfill's progress on a terminal (a redrawn
	// line with rate and ETA); off a terminal plain lines are written instead.
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/transform"
)

// backfillStateKey names a backfill's own progress in sync_state: the end of
// the last window it loaded. It is never the source's incremental watermark.
func backfillStateKey(source string, from, to time.Time) string {
	return fmt.Sprintf("backfill:%s:%s:%s", source, from.Format(time.DateOnly), to.Format(time.DateOnly))
}

// backfill re-reads [from, to) of a source in steps of sync.window. A
// windowed source records its progress after each window under
// backfillStateKey, so a rerun with the same range continues where the
// previous one stopped; the incremental watermark is never read or moved.
// Keyed sources (bcqg, evaluation) re-read every period in the range.
func (a *app) backfill(ctx context.Context, source, fromS, toS string, dryRun, unsafeDevKey bool) error {
	if !contains(allSources, source) {
		return usagef("unknown source %q; sources are dossiers, petitions, evaluation, bcqg", source)
	}
	fd, err := config.ParseDate(fromS)
	if err != nil {
		return usagef("--from: %v", err)
	}
	td, err := config.ParseDate(toS)
	if err != nil {
		return usagef("--to: %v", err)
	}
	from, to := fd.T(), td.T()
	if !from.Before(to) {
		return usagef("--from %s must be before --to %s", fromS, toS)
	}
	if limit := a.now().Add(-a.cfg.Sync.SafetyLag.D()); to.After(limit) {
		return usagef("--to %s is not a closed window yet: it must be at most now − sync.safety_lag (%s)", toS,
			limit.In(transform.HoChiMinh()).Format("2006-01-02 15:04:05"))
	}
	switch source {
	case "procedures":
		return usagef("procedures has no history to backfill: every sync reads the whole catalogue")
	case "files":
		return usagef("files has no window to backfill: drop the exports in files.inbox and run sync --source files")
	}
	store, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	switch source {
	case "bcqg", "evaluation":
		src := bcqgSource
		if source == "evaluation" {
			src = evaluationSource
		}
		return a.syncKeyed(ctx, store, src, transform.Periods(from, to.Add(-time.Second)), false, dryRun, "backfill")
	}
	src, err := a.windowedSource(source, unsafeDevKey)
	if err != nil {
		return err
	}
	key := backfillStateKey(source, from, to)
	start := from
	if done, ok, err := store.Watermark(ctx, key); err != nil {
		return fmt.Errorf("%w (has 'dvcindex migrate' run?)", err)
	} else if ok && done.After(from) {
		start = done
	}
	loc := transform.HoChiMinh()
	if !start.Before(to) {
		fmt.Fprintf(a.stdout, "backfill %s [%s, %s): already complete\n", source, fromS, toS)
		return nil
	}
	if start.After(from) {
		fmt.Fprintf(a.stdout, "backfill %s [%s, %s): resuming at %s\n", source, fromS, toS, start.In(loc).Format("2006-01-02 15:04:05"))
	}
	runID := newRunID(a.now())
	log := a.log.With().Str("run_id", runID).Str("source", source).Logger()
	prog := newProgress(a.stderr, source, len(extract.PlanWindows(start, to, a.cfg.Sync.Window.D())))
	res, err := a.runWindowedSync(ctx, store, a.sourceClient(source, log), syncRequest{
		runID: runID, source: src, command: "backfill", window: extract.Window{From: start, To: to},
		advance: true, stateKey: key, dryRun: dryRun, progress: prog.step,
	}, log)
	prog.finish()
	a.printRun(res)
	return err
}

// windowedSource builds the windowed source of a name (dossiers, petitions).
func (a *app) windowedSource(source string, unsafeDevKey bool) (windowedSource, error) {
	if source == "petitions" {
		units, err := transform.DefaultUnits()
		if err != nil {
			return windowedSource{}, err
		}
		return petitionSource(transform.NewPetitionParser(units).WithPII(a.scrubber())), nil
	}
	norm, err := a.normalizer(source, unsafeDevKey)
	if err != nil {
		return windowedSource{}, err
	}
	return dossierSource(norm), nil
}

// progress shows a backfill's windows: a bar on a terminal, plain lines
// otherwise (logs and CI keep one line per window).
type progress struct {
	w      io.Writer
	source string
	bar    *progressbar.ProgressBar
	start  time.Time
}

func newProgress(w io.Writer, source string, windows int) *progress {
	p := &progress{w: w, source: source, start: time.Now()}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(windows,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("backfill "+source),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("windows"),
			progressbar.OptionShowIts(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

func (p *progress) step(done, total int, w extract.Window) {
	if p.bar != nil {
		_ = p.bar.Set(done)
		return
	}
	loc := transform.HoChiMinh()
	fmt.Fprintf(p.w, "backfill %s: window %d/%d [%s, %s) loaded (%.0f%%, %s elapsed)\n", p.source, done, total,
		w.From.In(loc).Format("2006-01-02 15:04"), w.To.In(loc).Format("2006-01-02 15:04"),
		100*float64(done)/float64(max(total, 1)), time.Since(p.start).Round(time.Second))
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
