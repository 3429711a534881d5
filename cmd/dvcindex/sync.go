package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

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
}

// pageNormalizer turns one page of raw records into rows and rejects. It
// must be safe for concurrent use: every worker calls it.
type pageNormalizer func(p extract.Page) normalized

// windowedSource is an incremental source read by windows on its cursor.
type windowedSource struct {
	name      string // "dossiers", "petitions"
	path      string
	normalize pageNormalizer
}

// dossierSource reads /api/v1/dossiers.
func dossierSource(norm *transform.Normalizer) windowedSource {
	return windowedSource{name: "dossiers", path: "/api/v1/dossiers", normalize: func(p extract.Page) normalized {
		return normalizePage(norm, p)
	}}
}

// petitionSource reads /api/v1/petitions.
func petitionSource(pp *transform.PetitionParser) windowedSource {
	return windowedSource{name: "petitions", path: "/api/v1/petitions", normalize: func(p extract.Page) normalized {
		out := normalized{page: p.Number, petitions: make([]transform.Petition, 0, len(p.Records))}
		for _, raw := range p.Records {
			pet, err := pp.Petition(raw)
			if err != nil {
				out.rejects = append(out.rejects, pp.Reject("normalize", raw, err))
				continue
			}
			out.petitions = append(out.petitions, pet)
		}
		return out
	}}
}

// windowSink receives the normalized pages of one window. The loader is the
// only goroutine that calls it, so it needs no locking.
type windowSink interface {
	add(ctx context.Context, n normalized) error
	// done is called once after the last page; for a writer it flushes, and
	// its nil return means every row of the window was acknowledged.
	done(ctx context.Context) error
}

// syncWindow runs one window through the pipeline: a fetcher streaming pages,
// workers normalizing them, and one loader. The first stage to fail cancels
// the others; syncWindow returns only after all have stopped.
func syncWindow(ctx context.Context, src *extract.Windowed, w extract.Window, normalize pageNormalizer,
	workers int, sink windowSink, stats *syncStats) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g, gctx := errgroup.WithContext(ctx)
	pages := make(chan extract.Page, pagesInFlight)
	results := make(chan normalized, resultsInFlight)

	g.Go(func() error {
		defer close(pages)
		return src.Stream(gctx, w, pages)
	})
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		g.Go(func() error {
			defer wg.Done()
			for p := range pages {
				stats.Fetched.Add(uint64(len(p.Records)))
				n := normalize(p)
				stats.Normalized.Add(uint64(len(n.dossiers) + len(n.petitions)))
				select {
				case results <- n:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		wg.Wait()
		close(results)
		return nil
	})
	g.Go(func() error {
		for n := range results {
			if err := sink.add(gctx, n); err != nil {
				return err
			}
		}
		if gctx.Err() != nil {
			return gctx.Err()
		}
		return sink.done(gctx)
	})
	return g.Wait()
}

func normalizePage(norm *transform.Normalizer, p extract.Page) normalized {
	out := normalized{page: p.Number, dossiers: make([]transform.Dossier, 0, len(p.Records))}
	for _, raw := range p.Records {
		d, err := norm.Dossier(raw)
		if err != nil {
			out.rejects = append(out.rejects, norm.Reject("normalize", raw, err))
			continue
		}
		out.dossiers = append(out.dossiers, d)
	}
	return out
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
}

// syncResult is what a sync reports.
type syncResult struct {
	run     load.Run
	rejects []transform.Reject // dry run only
}

// runWindowedSync reads req.window in steps of sync.window through the
// pipeline. After each step's batches are all acknowledged it advances the
// watermark (if req.advance), so a long first sync keeps its progress and a
// failed step never moves it. The run's start and end are recorded in runs.
func (a *app) runWindowedSync(ctx context.Context, store *load.Store, client *extract.Client,
	req syncRequest, log zerolog.Logger) (syncResult, error) {
	runID := req.runID
	start := a.now()
	from, to := req.window.From, req.window.To
	run := load.Run{ID: runID, Source: req.source.name, Command: req.command, StartedAt: start, Status: load.RunRunning,
		WindowFrom: &from, WindowTo: &to}
	if !req.dryRun {
		if err := store.RecordRun(ctx, run); err != nil {
			return syncResult{run: run}, err
		}
	}
	log.Info().Time("from", from).Time("to", to).Bool("dry_run", req.dryRun).Msg("sync started")

	stats := &syncStats{}
	src := &extract.Windowed{Client: client, Source: req.source.name, Path: req.source.path,
		PageSize: a.cfg.Source(req.source.name).PageSize, Location: transform.HoChiMinh()}
	windows := extract.PlanWindows(from, to, a.cfg.Sync.Window.D())
	var dry *dryRunSink
	var syncErr error
	for i, w := range windows {
		var sink windowSink
		var writer *load.Writer
		if req.dryRun {
			if dry == nil {
				dry = &dryRunSink{stats: stats, max: 50}
			}
			sink = dry
		} else {
			writer = store.NewWriter(runID, log)
			sink = &writerSink{w: writer, log: log}
		}
		err := syncWindow(ctx, src, w, req.source.normalize, a.cfg.Sync.Workers, sink, stats)
		if writer != nil {
			ws := writer.Stats()
			stats.Loaded.Add(ws.Dossiers + ws.Petitions)
			stats.Rejected.Add(ws.Rejects)
		}
		if err != nil {
			syncErr = fmt.Errorf("sync %s window %s: %w", req.source.name, w, err)
			break
		}
		if req.advance && !req.dryRun {
			state := req.source.name
			if req.stateKey != "" {
				state = req.stateKey // a backfill's own progress, never the incremental watermark
			}
			if err := store.AdvanceWatermark(ctx, state, w.To, runID); err != nil {
				syncErr = err
				break
			}
		}
		if req.progress != nil {
			req.progress(i+1, len(windows), w)
		}
		log.Debug().Stringer("window", w).Uint64("fetched", stats.Fetched.Load()).Msg("window loaded")
	}

	run.Fetched, run.Loaded, run.Rejected = stats.Fetched.Load(), stats.Loaded.Load(), stats.Rejected.Load()
	syncErr = a.finishRun(ctx, store, &run, syncErr, req.dryRun, stats.Normalized.Load(), log, nil)
	res := syncResult{run: run}
	if dry != nil {
		res.rejects = dry.rejects
	}
	return res, syncErr
}
