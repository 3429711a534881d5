package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// Channel capacities of the sync pipeline. Each slot holds one page (at most
// portal.page_size records), so memory is bounded by a few pages per stage
// plus one insert batch, whatever the size of the export.
const (
	pagesInFlight   = 4
	resultsInFlight = 4
)

// syncStats are the counts of one run.
type syncStats struct {
	Fetched    atomic.Uint64 // records read from the portal
	Normalized atomic.Uint64 // records that passed normalization (before loading)
	Loaded     atomic.Uint64 // dossiers acknowledged by ClickHouse (or normalized, in a dry run)
	Rejected   atomic.Uint64
}

// normalized is one page after transform.
type normalized struct {
	page      int
	dossiers  []transform.Dossier
	petitions []transform.Petition
	rejects   []transform.Reject
	newest    time.Time // the latest NgayCapNhat of the page's rows
}

// pageNormalizer turns one page of raw records into rows and rejects. It
// must be safe for concurrent use: every worker calls it.
type pageNormalizer func(p extract.Page) normalized

// windowedSource is an incremental source read by windows on its cursor.
type windowedSource struct {
	name      string // "dossiers", "petitions"
	path      string
	key       []string // fields that identify a record (the API's sort key): distinct records prove a window complete
	normalize pageNormalizer
}

// dossierSource reads /api/v1/dossiers.
func dossierSource(norm *transform.Normalizer) windowedSource {
	return windowedSource{name: "dossiers", path: "/api/v1/dossiers", key: []string{"NgayCapNhat", "MaHoSo"},
		normalize: func(p extract.Page) normalized { return normalizePage(norm, p) }}
}

// petitionSource reads /api/v1/petitions.
func petitionSource(pp *transform.PetitionParser) windowedSource {
	return windowedSource{name: "petitions", path: "/api/v1/petitions", key: []string{"NgayCapNhat", "MaPAKN"},
		normalize: func(p extract.Page) normalized {
			out := normalized{page: p.Number}
			out.petitions, out.rejects, out.newest = normalizeRecords(p, pp.Petition, pp.Reject,
				func(pet transform.Petition) time.Time { return pet.UpdatedAt })
			return out
		}}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// windowSink receives the normalized pages of one window. The loader is the
// only goroutine that calls it, so it needs no locking.
type windowSink interface {
	add(ctx context.Context, n normalized) error
	// done is called once after the last page; for a writer it flushes, and
	// its nil return means every row of the window was acknowledged.
	done(ctx context.Context) error
}

// pipeline runs windows of one source: a fetcher streaming pages, workers
// normalizing them, and one loader.
type pipeline struct {
	src       *extract.Windowed
	normalize pageNormalizer
	workers   int
	sink      windowSink
	stats     *syncStats
	log       zerolog.Logger
	// hook, if set, is called in every stage ("fetch" once per window,
	// "normalize" and "load" once per page). Tests only: it may panic.
	hook func(stage string)
}

// errPipelinePanic marks a run failed by a panic in one of its pipeline
// goroutines: the run fails, its watermark stays, the process lives on.
var errPipelinePanic = errors.New("pipeline goroutine panicked")

// run sends window w through the pipeline. The first stage to fail (or
// panic) cancels the others; run returns only after all have stopped, with
// the newest NgayCapNhat the loader was given.
func (p *pipeline) run(ctx context.Context, w extract.Window) (newest time.Time, _ error) {
	workers := p.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g, gctx := errgroup.WithContext(ctx)
	pages := make(chan extract.Page, pagesInFlight)
	results := make(chan normalized, resultsInFlight)
	g.Go(guard(p.log, "fetch", func() error {
		defer close(pages)
		p.at("fetch")
		return p.src.Stream(gctx, w, pages)
	}))
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		g.Go(guard(p.log, "normalize", func() error {
			defer wg.Done()
			return p.normalizeAll(gctx, pages, results)
		}))
	}
	g.Go(func() error {
		wg.Wait()
		close(results)
		return nil
	})
	g.Go(guard(p.log, "load", func() error {
		for n := range results {
			p.at("load")
			newest = later(newest, n.newest)
			if err := p.sink.add(gctx, n); err != nil {
				return err
			}
		}
		if gctx.Err() != nil {
			return gctx.Err()
		}
		return p.sink.done(gctx)
	}))
	err := g.Wait()
	return newest, err
}

func (p *pipeline) normalizeAll(ctx context.Context, pages <-chan extract.Page, results chan<- normalized) error {
	for pg := range pages {
		p.stats.Fetched.Add(uint64(len(pg.Records)))
		p.at("normalize")
		n := p.normalize(pg)
		p.stats.Normalized.Add(uint64(len(n.dossiers) + len(n.petitions)))
		select {
		case results <- n:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (p *pipeline) at(stage string) {
	if p.hook != nil {
		p.hook(stage)
	}
}

// guard turns a panic in a pipeline goroutine into an error wrapping
// errPipelinePanic, logged with its stack. Without it one bad record or bug
// would kill the process, and with it the daemon.
func guard(log zerolog.Logger, stage string, f func() error) func() error {
	return func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				what := panicText(v)
				log.Error().Str("stage", stage).Str("panic", what).Str("stack", string(debug.Stack())).
					Msg("pipeline goroutine panicked; failing the run")
				err = fmt.Errorf("%s stage: %w: %s", stage, errPipelinePanic, what)
			}
		}()
		return f()
	}
}

// panicText describes a panic value without quoting data: a runtime error's
// message (index out of range, nil dereference) is the runtime's own; any
// other value may carry a record's content, so only its type is told.
func panicText(v any) string {
	if re, ok := v.(runtime.Error); ok {
		return re.Error()
	}
	return fmt.Sprintf("panic value of type %T", v)
}

func normalizePage(norm *transform.Normalizer, p extract.Page) normalized {
	out := normalized{page: p.Number}
	out.dossiers, out.rejects, out.newest = normalizeRecords(p, norm.Dossier, norm.Reject,
		func(d transform.Dossier) time.Time { return d.UpdatedAt })
	return out
}

// normalizeRecords parses every record of a page: a parsed row is kept (and
// its version, NgayCapNhat, counts for the page's newest), a record that
// fails becomes a reject of stage "normalize".
func normalizeRecords[T any](p extract.Page, parse func([]byte) (T, error),
	reject func(stage string, raw []byte, err error) transform.Reject, updated func(T) time.Time) ([]T, []transform.Reject, time.Time) {
	rows := make([]T, 0, len(p.Records))
	var rejects []transform.Reject
	var newest time.Time
	for _, raw := range p.Records {
		row, err := parse(raw)
		if err != nil {
			rejects = append(rejects, reject("normalize", raw, err))
			continue
		}
		rows = append(rows, row)
		newest = later(newest, updated(row))
	}
	return rows, rejects, newest
}

// writerSink loads into ClickHouse.
type writerSink struct {
	w   *load.Writer
	log zerolog.Logger
}

func (s *writerSink) add(ctx context.Context, n normalized) error {
	for i := range n.dossiers {
		if err := s.w.AddDossier(ctx, n.dossiers[i]); err != nil {
			return err
		}
	}
	for i := range n.petitions {
		if err := s.w.AddPetition(ctx, n.petitions[i]); err != nil {
			return err
		}
	}
	for _, r := range n.rejects {
		s.log.Warn().Str("record_key", r.RecordKey).Str("field", r.Field).Str("reason", r.Reason).Msg("record rejected")
		if err := s.w.AddReject(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

func (s *writerSink) done(ctx context.Context) error { return s.w.Flush(ctx) }

// dryRunSink counts and keeps the first rejects to print; it writes nothing.
type dryRunSink struct {
	stats   *syncStats
	rejects []transform.Reject
	max     int
}

func (s *dryRunSink) add(_ context.Context, n normalized) error {
	s.stats.Loaded.Add(uint64(len(n.dossiers) + len(n.petitions)))
	s.stats.Rejected.Add(uint64(len(n.rejects)))
	for _, r := range n.rejects {
		if len(s.rejects) < s.max {
			s.rejects = append(s.rejects, r)
		}
	}
	return nil
}

func (s *dryRunSink) done(context.Context) error { return nil }

// syncRequest is one sync or backfill of a windowed source. log carries
// the run's run_id and source.
type syncRequest struct {
	source   windowedSource
	runID    string
	command  string         // "sync" or "backfill"
	window   extract.Window // the whole span to read
	advance  bool           // move the watermark (stateKey, else the source's) after each window
	stateKey string         // sync_state entry advanced instead of the source's incremental watermark
	dryRun   bool
	progress func(done, total int, w extract.Window)
	hook     func(stage string) // tests only: see pipeline.hook
}

// syncResult is what a sync reports.
type syncResult struct {
	run     load.Run
	rejects []transform.Reject // dry run only
}

// runWindowedSync reads req.window in steps of sync.window through the
// pipeline. After each step is proved complete (extract: its distinct
// records account for the portal's total) and its batches are all
// acknowledged, it advances the watermark (if req.advance), so a long first
// sync keeps its progress and a failed step never moves it. The run's start
// and end are recorded in runs, what each window proved in windows.
func (a *app) runWindowedSync(ctx context.Context, store *load.Store, client *extract.Client,
	req syncRequest, log zerolog.Logger) (syncResult, error) {
	start := a.now()
	from, to := req.window.From, req.window.To
	run := load.Run{ID: req.runID, Source: req.source.name, Command: req.command, StartedAt: start, Status: load.RunRunning,
		WindowFrom: &from, WindowTo: &to}
	if !req.dryRun {
		if err := store.RecordRun(ctx, run); err != nil {
			return syncResult{run: run}, err
		}
	}
	log.Info().Time("from", from).Time("to", to).Bool("dry_run", req.dryRun).Msg("sync started")

	s := &windowSync{a: a, store: store, req: req, log: log, stats: &syncStats{}}
	s.src = &extract.Windowed{Client: client, Source: req.source.name, Path: req.source.path,
		PageSize: a.cfg.Source(req.source.name).PageSize, Location: transform.HoChiMinh(),
		Key: req.source.key, MinWindow: a.cfg.Sync.MinWindow.D()}
	windows := extract.PlanWindows(from, to, a.cfg.Sync.Window.D())
	var syncErr error
	for i, w := range windows {
		if syncErr = s.window(ctx, w); syncErr != nil {
			break
		}
		if req.progress != nil {
			req.progress(i+1, len(windows), w)
		}
		log.Debug().Stringer("window", w).Uint64("fetched", s.stats.Fetched.Load()).Msg("window loaded")
	}

	run.Fetched, run.Loaded, run.Rejected = s.stats.Fetched.Load(), s.stats.Loaded.Load(), s.stats.Rejected.Load()
	syncErr = a.finishRun(ctx, store, &run, syncErr, req.dryRun, s.stats.Normalized.Load(), log, nil)
	res := syncResult{run: run}
	if s.dry != nil {
		res.rejects = s.dry.rejects
	}
	return res, syncErr
}

// windowSync is one run of a windowed source, window after window.
type windowSync struct {
	a     *app
	store *load.Store
	src   *extract.Windowed
	req   syncRequest
	log   zerolog.Logger
	stats *syncStats
	dry   *dryRunSink
	clock portalClock
}

// window reads, loads and records one planned window, then advances the
// watermark.
func (s *windowSync) window(ctx context.Context, w extract.Window) error {
	var sink windowSink
	var writer *load.Writer
	if s.req.dryRun {
		if s.dry == nil {
			s.dry = &dryRunSink{stats: s.stats, max: 50}
		}
		sink = s.dry
	} else {
		writer = s.store.NewWriter(s.req.runID, s.log)
		sink = &writerSink{w: writer, log: s.log}
	}
	var reports []extract.WindowReport
	s.src.Report = func(r extract.WindowReport) { reports = append(reports, r) }
	p := &pipeline{src: s.src, normalize: s.req.source.normalize, workers: s.a.cfg.Sync.Workers, sink: sink,
		stats: s.stats, log: s.log, hook: s.req.hook}
	newest, err := p.run(ctx, w)
	if writer != nil {
		ws := writer.Stats()
		s.stats.Loaded.Add(ws.Dossiers + ws.Petitions)
		s.stats.Rejected.Add(ws.Rejects)
	}
	if err != nil {
		err = fmt.Errorf("sync %s window %s: %w", s.req.source.name, w, err)
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
	if s.req.dryRun || len(reports) == 0 {
		return nil
	}
	rows := make([]load.WindowRecord, 0, len(reports))
	for _, r := range reports {
		rec := load.WindowRecord{RunID: s.req.runID, Source: r.Source, From: r.Window.From, To: r.Window.To,
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
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	return s.store.RecordWindows(rctx, rows)
}

// advance moves the watermark (or the backfill's progress) to the end of
// window w, but never past the portal's clock (portalClock).
func (s *windowSync) advance(ctx context.Context, w extract.Window) error {
	if !s.req.advance || s.req.dryRun {
		return nil
	}
	to, ok := s.clock.limit(w.To, s.a.cfg.Sync.SafetyLag.D())
	if !ok {
		s.log.Warn().Stringer("window", w).Msg("the portal sent no Date and no record yet: the watermark stays until it does")
		return nil
	}
	if to.Before(w.To) {
		ev := s.log.Debug() // seconds of skew are not worth a warning
		if w.To.Sub(to) > time.Minute {
			ev = s.log.Warn()
		}
		ev.Time("window_end", w.To).Time("watermark", to).Time("portal_time", s.clock.portal).
			Msg("the host clock is ahead of the portal: watermark capped at the portal's clock")
	}
	state := s.req.source.name
	if s.req.stateKey != "" {
		state = s.req.stateKey // a backfill's own progress, never the incremental watermark
	}
	return s.store.AdvanceWatermark(ctx, state, to, s.req.runID)
}

// portalClock is what a run saw of the portal's time. A watermark never
// passes it, so a host clock far ahead of the portal cannot park the
// watermark in the future, where the records the portal writes meanwhile
// would never be read.
type portalClock struct {
	newest time.Time // the newest NgayCapNhat loaded
	portal time.Time // the latest HTTP Date the portal answered with
}

func (c *portalClock) observe(newest time.Time, reports []extract.WindowReport) {
	c.newest = later(c.newest, newest)
	for _, r := range reports {
		c.portal = later(c.portal, r.PortalTime)
	}
}

// limit caps a window end at the later of the newest NgayCapNhat loaded and
// the portal's Date less the safety lag. ok is false with no evidence at all.
func (c *portalClock) limit(end time.Time, safetyLag time.Duration) (time.Time, bool) {
	lim := c.newest
	if !c.portal.IsZero() {
		lim = later(lim, c.portal.Add(-safetyLag))
	}
	if lim.IsZero() {
		return end, false
	}
	if lim.Before(end) {
		return lim, true
	}
	return end, true
}
