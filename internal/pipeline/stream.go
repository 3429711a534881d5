package pipeline

import (
	"context"
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
	Loaded     atomic.Uint64 // rows acknowledged by ClickHouse (or normalized, in a dry run)
	Rejected   atomic.Uint64
}

// normalized is one page after transform.
type normalized struct {
	page    int
	rows    int                                             // records that passed normalization
	add     func(ctx context.Context, w *load.Writer) error // hands the rows to the batch writer
	rejects []transform.Reject
	newest  time.Time     // the latest NgayCapNhat of the page's rows
	archive *load.RawPage // the page as archived; nil when not archiving (dry run)
	shape   *shape        // the keys of the page's records
	// dossiers are the page's rows when they are dossiers, for the
	// reprocess dry run's diff (diff.go).
	dossiers []transform.Dossier
}

// pageStream sends pages to out until it has sent them all (nil) or
// fails; the portal's windows (extract.Windowed) and the archive
// (reprocess) are its two kinds.
type pageStream func(ctx context.Context, out chan<- extract.Page) error

// pageNormalizer turns one page of raw records into rows and rejects. It
// must be safe for concurrent use: every worker calls it.
type pageNormalizer func(p extract.Page) normalized

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
	src       pageStream
	normalize pageNormalizer
	archive   *archiver // nil: pages are not archived (reprocess); else normalize must read records as archived
	shape     *shape    // the run's key counts; the loader adds each page's
	workers   int
	sink      windowSink
	stats     *syncStats
	log       zerolog.Logger
	// hook, if set, is called in every stage ("fetch" once per window,
	// "normalize" and "load" once per page). Tests only: it may panic.
	hook func(stage string)
}

// run sends the pages of p.src through the pipeline. The first stage to fail (or
// panic) cancels the others; run returns only after all have stopped, with
// the newest NgayCapNhat the loader was given.
func (p *pipeline) run(ctx context.Context) (newest time.Time, _ error) {
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
		return p.src(gctx, pages)
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
			if p.shape != nil {
				p.shape.add(n.shape)
			}
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
		var rp *load.RawPage
		var sh *shape
		if p.archive != nil {
			// The page is archived first, and its records are normalized
			// as archived (personal fields hashed once, by the scrubber):
			// a reprocess of the archive reads exactly what a sync read.
			sh = newShape()
			page := p.archive.windowPage(pg, sh)
			rp = &page
			pg.Records = archivedPage(page).Records
		}
		n := p.normalize(pg)
		n.archive, n.shape = rp, sh
		p.stats.Normalized.Add(uint64(n.rows))
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
// ErrPipelinePanic, logged with its stack. Without it one bad record or bug
// would kill the process, and with it the daemon.
func guard(log zerolog.Logger, stage string, f func() error) func() error {
	return func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				what := panicText(v)
				log.Error().Str("stage", stage).Str("panic", what).Str("stack", string(debug.Stack())).
					Msg("pipeline goroutine panicked; failing the run")
				err = fmt.Errorf("%s stage: %w: %s", stage, ErrPipelinePanic, what)
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

// recordParser is what a windowed source declares to read its pages: the
// transform that parses a record (and makes a reject of a failure), the
// record's version (NgayCapNhat) and the load that hands a row to the
// writer.
type recordParser[T any] struct {
	parse   func([]byte) (T, error)
	reject  func(stage string, raw []byte, err error) transform.Reject
	updated func(*T) time.Time
	add     func(ctx context.Context, w *load.Writer, row *T) error
}

// page parses every record of a page: a parsed row is kept (and its
// version counts for the page's newest), a record that fails becomes a
// reject of stage "normalize".
func (rp recordParser[T]) page(p extract.Page) normalized {
	rows := make([]T, 0, len(p.Records))
	out := normalized{page: p.Number}
	for _, raw := range p.Records {
		row, err := rp.parse(raw)
		if err != nil {
			out.rejects = append(out.rejects, rp.reject("normalize", raw, err))
			continue
		}
		rows = append(rows, row)
		out.newest = later(out.newest, rp.updated(&rows[len(rows)-1]))
	}
	out.rows = len(rows)
	if ds, ok := any(rows).([]transform.Dossier); ok {
		out.dossiers = ds
	}
	out.add = func(ctx context.Context, w *load.Writer) error {
		for i := range rows {
			if err := rp.add(ctx, w, &rows[i]); err != nil {
				return err
			}
		}
		return nil
	}
	return out
}

// writerSink loads into ClickHouse.
type writerSink struct {
	w   *load.Writer
	log zerolog.Logger
}

func (s *writerSink) add(ctx context.Context, n normalized) error {
	if n.archive != nil {
		if err := s.w.AddRawPage(ctx, *n.archive); err != nil {
			return err
		}
	}
	if n.add != nil {
		if err := n.add(ctx, s.w); err != nil {
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
	s.stats.Loaded.Add(uint64(n.rows))
	s.stats.Rejected.Add(uint64(len(n.rejects)))
	for _, r := range n.rejects {
		if len(s.rejects) < s.max {
			s.rejects = append(s.rejects, r)
		}
	}
	return nil
}

func (s *dryRunSink) done(context.Context) error { return nil }
