package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// keyed is the kind of source read per period (and per unit or family
// within it); a re-read replaces the rows of its keys, so a failed run
// leaves what it had written and the next one completes it.
type keyed struct {
	// open returns the reader of one period for a run.
	open func(e *Engine, r *run, units *transform.Units) periodReader
}

// periodReader reads one period and, unless the run is dry, writes it;
// with onlyMissing it skips the keys that have rows already.
type periodReader func(ctx context.Context, p transform.Period, onlyMissing bool) (keyedCounts, []transform.Reject, error)

type keyedCounts struct{ fetched, loaded uint64 }

// sync reads every period from sync.since to now on the first run, then
// those that can still change (the current and the previous one of each
// length).
func (k keyed) sync(ctx context.Context, e *Engine, store *load.Store, src Source, dryRun bool) error {
	now := e.now()
	_, seen, err := store.Watermark(ctx, src.Name)
	if err != nil {
		return err
	}
	periods := transform.Periods(e.cfg.Sync.Since.T(), now)
	if seen {
		periods = nil
		for _, pk := range []transform.PeriodKind{transform.Year, transform.Quarter, transform.Month} {
			cur := transform.PeriodOf(pk, now)
			periods = append(periods, cur.Previous(), cur)
		}
	}
	res, err := e.runKeyed(ctx, store, src, periods, false, dryRun, "sync")
	e.report(res)
	return err
}

// backfill re-reads every period (month, quarter, year) in [From, To).
func (k keyed) backfill(ctx context.Context, e *Engine, store *load.Store, src Source, req BackfillRequest) error {
	_, err := e.runKeyed(ctx, store, src, transform.Periods(req.From, req.To.Add(-time.Second)), false, req.DryRun, "backfill")
	return err
}

// runKeyed reads src for every key of each period (or only the keys that
// have no rows yet, when onlyMissing) in one run.
func (e *Engine) runKeyed(ctx context.Context, store *load.Store, src Source, periods []transform.Period,
	onlyMissing, dryRun bool, command string) (Result, error) {
	k := src.runner.(keyed)
	units, err := e.Units()
	if err != nil {
		return Result{}, err
	}
	r, err := e.startRun(ctx, store, src.Name, command, dryRun, nil)
	if err != nil {
		return Result{}, err
	}
	read := k.open(e, r, units)
	var rejects []transform.Reject
	var fetched, loaded uint64
	var syncErr error
	for _, p := range periods {
		n, rj, err := read(ctx, p, onlyMissing)
		fetched, loaded = fetched+n.fetched, loaded+n.loaded
		rejects = append(rejects, rj...)
		if err != nil {
			syncErr = fmt.Errorf("sync %s period %s: %w", src.Name, p.Code, err)
			break
		}
	}
	if syncErr == nil {
		syncErr = r.writeRejects(ctx, rejects)
	}
	if syncErr == nil && !dryRun && command != "backfill" {
		// The watermark of a keyed source only says "initialised at": later
		// runs re-read the periods that can still change. A backfill of some
		// periods initialises nothing.
		syncErr = store.AdvanceWatermark(ctx, src.Name, e.now(), r.row.ID)
	}
	r.row.Fetched, r.row.Loaded, r.row.Rejected = fetched, loaded, uint64(len(rejects))
	r.normalized = loaded
	syncErr = r.finish(ctx, syncErr, func(ev *zerolog.Event) *zerolog.Event { return ev.Int("periods", len(periods)) })
	return Result{Run: r.row, Rejects: dryRejects(dryRun, rejects)}, syncErr
}

// FetchKeyed reads the named keyed source for the given periods in one run
// of command (what compute does for the periods it needs, and what a
// caller does to fill chosen periods); with onlyMissing, keys that have
// rows already are skipped. The result is reported as every run's is.
func (e *Engine) FetchKeyed(ctx context.Context, store *load.Store, name string, periods []transform.Period,
	onlyMissing bool, command string) error {
	src, ok := Lookup(name)
	if !ok {
		return UnknownSource(name)
	}
	if _, isKeyed := src.runner.(keyed); !isKeyed {
		return Usagef("source %s is %s, not keyed: it has no periods to fetch", name, src.Kind)
	}
	if src.Check != nil {
		if err := src.Check(e.cfg); err != nil {
			return err
		}
	}
	res, err := e.runKeyed(ctx, store, src, periods, onlyMissing, false, command)
	e.report(res)
	return err
}
