package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// windowed is the kind of source read by closed windows on its update
// cursor (NgayCapNhat), with an incremental watermark.
type windowed struct {
	path string
	key  []string // fields that identify a record (the API's sort key): distinct records prove a window complete
	// parser builds a run's page normalizer; it may refuse (no pii.key).
	parser recordsParser
}

// sync reads [watermark − sync.lookback, now − sync.safety_lag); a new
// source starts at sync.since, with nothing behind it to re-read.
func (k windowed) sync(ctx context.Context, e *Engine, store *load.Store, src Source, dryRun bool) error {
	norm, err := k.parser(e, src.Name, true) // records are normalized as archived
	if err != nil {
		return err
	}
	wm, ok, err := store.Watermark(ctx, src.Name)
	if err != nil {
		return fmt.Errorf("%w (has 'dvcindex migrate' run?)", err)
	}
	lookback := e.cfg.Sync.Lookback.D()
	if !ok {
		wm, lookback = e.cfg.Sync.Since.T(), 0
	}
	w, ok := extract.IncrementalWindow(wm, lookback, e.cfg.Sync.SafetyLag.D(), e.now())
	if !ok {
		e.report(Result{Note: fmt.Sprintf("sync %s: nothing to read yet (watermark %s)", src.Name,
			wm.In(transform.HoChiMinh()).Format("2006-01-02 15:04:05 Asia/Ho_Chi_Minh"))})
		return nil
	}
	res, err := e.runWindows(ctx, store, windowRequest{source: src.Name, kind: k, normalize: norm, command: "sync",
		window: w, advance: true, dryRun: dryRun})
	e.report(res)
	return err
}

// windowRequest is one sync or backfill of a windowed source.
type windowRequest struct {
	source    string
	kind      windowed
	normalize pageNormalizer
	command   string         // "sync" or "backfill"
	window    extract.Window // the whole span to read
	advance   bool           // move the watermark (stateKey, else the source's) after each window
	stateKey  string         // sync_state entry advanced instead of the source's incremental watermark
	dryRun    bool
	progress  func(done, total int, w extract.Window)
}

// runWindows reads req.window in steps of sync.window through the
// pipeline. After each step is proved complete (extract: its distinct
// records account for the portal's total) and its batches are all
// acknowledged, it advances the watermark (if req.advance), so a long first
// sync keeps its progress and a failed step never moves it. The run's start
// and end are recorded in runs, what each window proved in windows.
func (e *Engine) runWindows(ctx context.Context, store *load.Store, req windowRequest) (Result, error) {
	r, err := e.startRun(ctx, store, req.source, req.command, req.dryRun, &req.window)
	if err != nil {
		return Result{Run: r.row}, err
	}
	from, to := req.window.From, req.window.To
	r.log.Info().Time("from", from).Time("to", to).Bool("dry_run", req.dryRun).Msg("sync started")
	s := &windowSync{e: e, run: r, req: req, stats: &syncStats{}, arch: e.newArchiver(req.source)}
	s.src = &extract.Windowed{Client: e.portalClient(req.source, r.log), Source: req.source, Path: req.kind.path,
		PageSize: e.cfg.Source(req.source).PageSize, Location: transform.HoChiMinh(),
		Key: req.kind.key, MinWindow: e.cfg.Sync.MinWindow.D()}
	windows := extract.PlanWindows(from, to, e.cfg.Sync.Window.D())
	var syncErr error
	for i, w := range windows {
		if syncErr = s.window(ctx, w); syncErr != nil {
			break
		}
		if req.progress != nil {
			req.progress(i+1, len(windows), w)
		}
		r.log.Debug().Stringer("window", w).Uint64("fetched", s.stats.Fetched.Load()).Msg("window loaded")
	}
	r.row.Fetched, r.row.Loaded, r.row.Rejected = s.stats.Fetched.Load(), s.stats.Loaded.Load(), s.stats.Rejected.Load()
	r.normalized = s.stats.Normalized.Load()
	syncErr = r.finish(ctx, syncErr, nil)
	res := Result{Run: r.row}
	if s.dry != nil {
		res.Rejects = s.dry.rejects
	}
	return res, syncErr
}

// windowSync is one run of a windowed source, window after window.
type windowSync struct {
	e     *Engine
	run   *run
	src   *extract.Windowed
	req   windowRequest
	stats *syncStats
	dry   *dryRunSink
	clock portalClock
	arch  *archiver // a dry run archives too, and its sink drops the pages
}

// window reads, loads and records one planned window, then advances the
// watermark.
func (s *windowSync) window(ctx context.Context, w extract.Window) error {
	var sink windowSink
	var writer *load.Writer
	if s.run.dryRun {
		if s.dry == nil {
			s.dry = &dryRunSink{stats: s.stats, max: maxDryRunRejects}
		}
		sink = s.dry
	} else {
		writer = s.run.store.NewWriter(s.run.row.ID, s.run.log)
		sink = &writerSink{w: writer, log: s.run.log}
	}
	var reports []extract.WindowReport
	s.src.Report = func(r extract.WindowReport) { reports = append(reports, r) }
	stream := func(ctx context.Context, out chan<- extract.Page) error { return s.src.Stream(ctx, w, out) }
	p := &pipeline{src: stream, normalize: s.req.normalize, archive: s.arch, shape: s.run.shape, workers: s.e.cfg.Sync.Workers,
		sink: sink, stats: s.stats, log: s.run.log, hook: s.e.opts.Hook}
	newest, err := p.run(ctx)
	if writer != nil {
		ws := writer.Stats()
		s.stats.Loaded.Add(ws.Loaded())
		s.stats.Rejected.Add(ws.Rejects)
	}
	if err != nil {
		err = fmt.Errorf("sync %s window %s: %w", s.run.row.Source, w, err)
	}
	if err = errors.Join(err, s.recordWindows(ctx, reports)); err != nil {
		return err
	}
	s.clock.observe(newest, reports)
	return s.advance(ctx, w)
}

// recordWindows writes what each window read proved (v_windows), even when
// the run is being aborted: a failed window is the one worth reading about.
func (s *windowSync) recordWindows(ctx context.Context, reports []extract.WindowReport) error {
	if s.run.dryRun || len(reports) == 0 {
		return nil
	}
	rows := make([]load.WindowRecord, 0, len(reports))
	for _, r := range reports {
		rec := load.WindowRecord{RunID: s.run.row.ID, Source: r.Source, From: r.Window.From, To: r.Window.To,
			Depth: r.Depth, Total: int64(r.Total), Read: uint64(r.Read), Distinct: uint64(r.Distinct), Rereads: r.Rereads,
			Pages: r.Pages, PageSize: r.PageSize, Status: r.Status}
		if r.Err != nil {
			rec.Error = r.Err.Error()
		}
		if !r.PortalTime.IsZero() {
			pt := r.PortalTime
			rec.PortalTime = &pt
		}
		rows = append(rows, rec)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	return s.run.store.RecordWindows(rctx, rows)
}

// advance moves the watermark (or the backfill's progress) to the end of
// window w, but never past the portal's clock (portalClock).
func (s *windowSync) advance(ctx context.Context, w extract.Window) error {
	if !s.req.advance || s.run.dryRun {
		return nil
	}
	to, ok := s.clock.limit(w.To, s.e.cfg.Sync.SafetyLag.D())
	if !ok {
		s.run.log.Warn().Stringer("window", w).Msg("the portal sent no Date and no record yet: the watermark stays until it does")
		return nil
	}
	if to.Before(w.To) {
		ev := s.run.log.Debug() // seconds of skew are not worth a warning
		if w.To.Sub(to) > time.Minute {
			ev = s.run.log.Warn()
		}
		ev.Time("window_end", w.To).Time("watermark", to).Time("portal_time", s.clock.portal).
			Msg("the host clock is ahead of the portal: watermark capped at the portal's clock")
	}
	state := s.run.row.Source
	if s.req.stateKey != "" {
		state = s.req.stateKey // a backfill's own progress, never the incremental watermark
	}
	return s.run.store.AdvanceWatermark(ctx, state, to, s.run.row.ID)
}
