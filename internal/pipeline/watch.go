package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// WatchRequest is one early warning (docs/watch.md).
type WatchRequest struct {
	// Period is the period watched; zero: the watch.period holding AsOf.
	Period transform.Period
	Only   []string  // unit codes; nil: every unit
	AsOf   time.Time // zero: now (the engine's clock)
}

// WatchPeriodOf returns the period of kind watch.period ("month",
// "quarter", "year") holding t.
func WatchPeriodOf(kind string, t time.Time) transform.Period {
	switch kind {
	case "month":
		return transform.PeriodOf(transform.Month, t)
	case "year":
		return transform.PeriodOf(transform.Year, t)
	}
	return transform.PeriodOf(transform.Quarter, t)
}

// Watch lists the open dossiers and petitions at risk of costing points in
// a period and projects its scores (load.Store.Watch), as a run of source
// "watch". The deadlines of the rules come from watch.* and the working-day
// calendar: due_soon reaches the end of the watch.due_within_days-th
// working day after today (0: today).
func (e *Engine) Watch(ctx context.Context, store *load.Store, req WatchRequest) (load.WatchResult, error) {
	lreq, err := e.watchRequest(req)
	if err != nil {
		return load.WatchResult{}, err
	}
	p := lreq.Period
	r, err := e.startRun(ctx, store, "watch", "watch "+p.Code, false, nil)
	if err != nil {
		return load.WatchResult{}, err
	}
	r.log = r.log.With().Str("period", p.Code).Logger()
	r.finished, r.unobserved = "watch finished", true
	var res load.WatchResult
	units, err := e.refreshCalendar(ctx, store)
	if err == nil {
		lreq.Units = units
		res, err = store.Watch(ctx, lreq)
	}
	r.row.Loaded = uint64(len(res.Items))
	err = r.finish(ctx, err, func(ev *zerolog.Event) *zerolog.Event { return ev.Time("as_of", lreq.AsOf) })
	return res, err
}

// watchRequest fills a load request from the settings and the calendar.
func (e *Engine) watchRequest(req WatchRequest) (load.WatchRequest, error) {
	w := e.cfg.Watch
	asOf := req.AsOf
	if asOf.IsZero() {
		asOf = e.now()
	}
	asOf = asOf.In(transform.HoChiMinh())
	p := req.Period
	if p.Code == "" {
		p = WatchPeriodOf(w.Period, asOf)
	}
	if !asOf.Before(p.End) && asOf.Sub(p.End) > 24*time.Hour {
		return load.WatchRequest{}, fmt.Errorf("watch %s: the period ended on %s: its points are counted (run compute and explain)",
			p.Code, p.LastDay().Format("2006-01-02"))
	}
	cal, err := e.calendar()
	if err != nil {
		return load.WatchRequest{}, err
	}
	return load.WatchRequest{
		Period: p, Only: req.Only, AsOf: asOf,
		DueUntil:          endOfDay(cal.AddWorkingDays(asOf, w.DueWithinDays)),
		PetitionUntil:     endOfDay(cal.AddWorkingDays(asOf, w.PetitionWithinDays)),
		StepUnsyncedAfter: w.StepUnsyncedAfter.D(),
		Settings:          e.IndicatorSettings(),
	}, nil
}

// endOfDay is the last second of t's day.
func endOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 23, 59, 59, 0, t.Location())
}
