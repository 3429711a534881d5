package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
)

// ReprocessRequest is one reprocess: the archived pages of a source whose
// window overlaps [From, To) (zero times: everything archived), normalized
// again with today's rules.
type ReprocessRequest struct {
	Source   string
	From, To time.Time
	DryRun   bool
	// Restart ignores the progress a previous reprocess of the same range
	// recorded, and starts again from its first archived run.
	Restart bool
	// Progress, if set, is told after each archived run reprocessed.
	Progress func(done, total int, runID string)
}

// ReprocessStateKey names a reprocess's progress in sync_state: the last
// fetch time of the last archived run it reloaded.
func ReprocessStateKey(source string, from, to time.Time) string {
	span := "all"
	if !from.IsZero() || !to.IsZero() {
		span = from.Format(time.DateOnly) + ":" + to.Format(time.DateOnly)
	}
	return "reprocess:" + source + ":" + span
}

// ReprocessReport is what a reprocess did, or in a dry run would do.
type ReprocessReport struct {
	Result Result
	Diff   *Diff // dry run only: what would change
}

// CheckReprocess returns the usage error of a reprocess that cannot run.
func (e *Engine) CheckReprocess(req ReprocessRequest) (Source, error) {
	src, ok := Lookup(req.Source)
	if !ok {
		return src, UnknownSource(req.Source)
	}
	if src.reparse == nil {
		return src, Usagef("%s cannot be reprocessed: its archive is read again by its own sync (reprocess reads dossiers, petitions and files)", src.Name)
	}
	if src.Kind != Windowed && (!req.From.IsZero() || !req.To.IsZero()) {
		return src, Usagef("%s has no windows: reprocess it whole, without --from and --to", src.Name)
	}
	if !req.From.IsZero() && !req.From.Before(req.To) {
		return src, Usagef("--from %s must be before --to %s", req.From.Format(time.DateOnly), req.To.Format(time.DateOnly))
	}
	return src, nil
}

// Reprocess re-normalizes the archived pages of a source and reloads the
// normalized tables: nothing is fetched, and a record's new row replaces
// its old one (same version, written later). It goes archived run by
// archived run in fetch order, recording its progress after each under
// ReprocessStateKey, so a rerun continues where it stopped. A dry run
// writes nothing and reports, per field and per reject field, the counts
// before and after.
func (e *Engine) Reprocess(ctx context.Context, store *load.Store, req ReprocessRequest) (ReprocessReport, error) {
	src, err := e.CheckReprocess(req)
	if err != nil {
		return ReprocessReport{}, err
	}
	norm, err := src.reparse(e, src.Name, true)
	if err != nil {
		return ReprocessReport{}, err
	}
	runs, err := store.ArchivedRuns(ctx, src.Name, req.From, req.To)
	if err != nil {
		return ReprocessReport{}, fmt.Errorf("%w (has 'dvcindex migrate' run?)", err)
	}
	rp := &reprocess{e: e, store: store, src: src, req: req, norm: norm, key: ReprocessStateKey(src.Name, req.From, req.To)}
	return rp.run(ctx, runs)
}

// reprocess is one run of Reprocess.
type reprocess struct {
	e     *Engine
	store *load.Store
	src   Source
	req   ReprocessRequest
	norm  pageNormalizer
	key   string
}

func (rp *reprocess) run(ctx context.Context, runs []load.ArchivedRun) (ReprocessReport, error) {
	todo, err := rp.pending(ctx, runs)
	if err != nil {
		return ReprocessReport{}, err
	}
	if len(todo) == 0 {
		note := fmt.Sprintf("reprocess %s: nothing archived to reprocess", rp.src.Name)
		if len(runs) > 0 {
			note = fmt.Sprintf("reprocess %s: already complete (%d archived runs; --restart to reprocess them again)", rp.src.Name, len(runs))
		}
		rp.e.report(Result{Note: note})
		return ReprocessReport{Result: Result{Note: note}}, nil
	}
	r, err := rp.e.startRun(ctx, rp.store, rp.src.Name, "reprocess", rp.req.DryRun, nil)
	if err != nil {
		return ReprocessReport{}, err
	}
	r.finished = "reprocess finished"
	r.log.Info().Int("archived_runs", len(todo)).Bool("dry_run", rp.req.DryRun).Msg("reprocess started")
	stats := &syncStats{}
	var diff *diffSink
	if rp.req.DryRun {
		diff = newDiffSink(stats)
	}
	var runErr error
	for i, ar := range todo {
		if runErr = rp.archivedRun(ctx, r, ar, stats, diff); runErr != nil {
			break
		}
		if rp.req.Progress != nil {
			rp.req.Progress(i+1, len(todo), ar.RunID)
		}
	}
	r.row.Fetched, r.row.Loaded, r.row.Rejected = stats.Fetched.Load(), stats.Loaded.Load(), stats.Rejected.Load()
	r.normalized = stats.Normalized.Load()
	rep := ReprocessReport{}
	if diff != nil && runErr == nil {
		rep.Diff, runErr = diff.diff(ctx, rp.store, rp.src.Name, todo)
	}
	runErr = r.finish(ctx, runErr, func(ev *zerolog.Event) *zerolog.Event { return ev.Int("archived_runs", len(todo)) })
	rep.Result = Result{Run: r.row}
	if diff != nil {
		rep.Result.Rejects = diff.dry.rejects
	}
	rp.e.report(rep.Result)
	return rep, runErr
}

// pending are the archived runs a previous reprocess of the range did not
// finish.
func (rp *reprocess) pending(ctx context.Context, runs []load.ArchivedRun) ([]load.ArchivedRun, error) {
	if rp.req.Restart || rp.req.DryRun {
		return runs, nil
	}
	done, ok, err := rp.store.Watermark(ctx, rp.key)
	if err != nil || !ok {
		return runs, err
	}
	var out []load.ArchivedRun
	for _, ar := range runs {
		if ar.Last.After(done) {
			out = append(out, ar)
		}
	}
	return out, nil
}

// archivedRun sends one archived run's pages through the pipeline, then
// records the progress.
func (rp *reprocess) archivedRun(ctx context.Context, r *run, ar load.ArchivedRun, stats *syncStats, diff *diffSink) error {
	var sink windowSink
	var writer *load.Writer
	if diff != nil {
		sink = diff
	} else {
		writer = rp.store.NewWriter(r.row.ID, r.log)
		sink = &writerSink{w: writer, log: r.log}
	}
	stream := func(ctx context.Context, out chan<- extract.Page) error {
		return rp.store.ArchivedPages(ctx, rp.src.Name, ar.RunID, rp.req.From, rp.req.To, func(p load.RawPage) error {
			select {
			case out <- archivedPage(p):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}
	p := &pipeline{src: stream, normalize: rp.norm, workers: rp.e.cfg.Sync.Workers, sink: sink, stats: stats, log: r.log,
		hook: rp.e.opts.Hook}
	_, err := p.run(ctx)
	if writer != nil {
		ws := writer.Stats()
		stats.Loaded.Add(ws.Loaded())
		stats.Rejected.Add(ws.Rejects)
	}
	if err != nil {
		return fmt.Errorf("reprocess %s archived run %s: %w", rp.src.Name, ar.RunID, err)
	}
	if diff != nil {
		return nil
	}
	return rp.store.AdvanceWatermark(ctx, rp.key, ar.Last, r.row.ID)
}

// archivedPage is an archived page as the pipeline reads pages.
func archivedPage(p load.RawPage) extract.Page {
	lines := p.Lines()
	recs := make([]json.RawMessage, len(lines))
	for i, l := range lines {
		recs[i] = l
	}
	return extract.Page{Source: p.Source, Window: extract.Window{From: p.From, To: p.To}, Number: p.Page, Total: p.Total, Records: recs}
}
