package pipeline

import (
	"context"
	"fmt"
	"os"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/official"
	"github.com/dvcindex/dvcindex/transform/refdata"
)

// ComputeRequest is one compute run.
type ComputeRequest struct {
	Period transform.Period
	Only   []string // unit codes; nil: every unit
	// Offline skips reading the keyed sources' missing periods.
	Offline bool
}

// Compute runs the indicator engine for one period as a run of source
// "compute": first (unless Offline) the keyed sources' rows the period
// needs and ClickHouse lacks, then the metrics, then the reconciliation
// with the official scores, in the log.
func (e *Engine) Compute(ctx context.Context, store *load.Store, req ComputeRequest) (load.ComputeResult, error) {
	p := req.Period
	r, err := e.startRun(ctx, store, "compute", "compute "+p.Code, false, nil)
	if err != nil {
		return load.ComputeResult{}, err
	}
	r.log = r.log.With().Str("period", p.Code).Logger()
	r.finished, r.unobserved = "compute finished", true
	if !req.Offline {
		e.fetchMissingKeyed(ctx, store, p, r.log)
	}
	var res load.ComputeResult
	units, err := e.refreshCalendar(ctx, store)
	if err == nil {
		res, err = store.Compute(ctx, load.ComputeRequest{Period: p, Units: units, Only: req.Only, Settings: e.IndicatorSettings()})
	}
	r.row.Fetched, r.row.Loaded = res.Dossiers, res.Metrics
	err = r.finish(ctx, err, func(ev *zerolog.Event) *zerolog.Event { return ev.Uint64("findings", res.Findings) })
	if err != nil {
		return res, err
	}
	e.logReconciliation(ctx, store, p.Code, r.log)
	return res, nil
}

// ComputeQuiet computes a period from what ClickHouse holds, with no run
// row and no portal read (the report fills a trend's missing periods).
func (e *Engine) ComputeQuiet(ctx context.Context, store *load.Store, p transform.Period) error {
	units, err := e.refreshCalendar(ctx, store)
	if err != nil {
		return err
	}
	_, err = store.Compute(ctx, load.ComputeRequest{Period: p, Units: units, Settings: e.IndicatorSettings()})
	return err
}

// refreshCalendar loads the working-day calendar into ClickHouse and
// returns the reference units.
func (e *Engine) refreshCalendar(ctx context.Context, store *load.Store) (*transform.Units, error) {
	cal, err := e.calendar()
	if err != nil {
		return nil, err
	}
	if err := store.RefreshCalendar(ctx, cal); err != nil {
		return nil, err
	}
	return e.Units()
}

// calendar returns the working-day calendar: the user's holidays file if
// configured, else the project's copy of holidays-vn.csv.
func (e *Engine) calendar() (*transform.Calendar, error) {
	data := refdata.HolidaysCSV
	if f := e.cfg.Indicators.HolidaysFile; f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("indicators.holidays_file: %w", err)
		}
		data = b
	}
	cal, err := transform.LoadHolidays(data)
	if err != nil {
		return nil, fmt.Errorf("holidays: %w", err)
	}
	return cal, nil
}

// IndicatorSettings are the indicators: settings the SQL of the metrics
// takes.
func (e *Engine) IndicatorSettings() load.IndicatorSettings {
	c := e.cfg.Indicators
	return load.IndicatorSettings{
		ZeroDenominator: c.ZeroDenominator, ProvinceMetrics: c.ProvinceMetrics, SyncScoring: c.SyncScoring,
		SyncDeadline: c.SyncDeadline.D(), PetitionDeadlineDays: c.PetitionDeadlineDays,
	}
}

// fetchMissingKeyed reads the BCQG counts (of P and of the year before, for
// the DOSSIER_SYNC fallback) and the official scores of P that are not in
// ClickHouse yet. A portal that cannot be reached does not stop the compute:
// the metrics then use what is there, and the log says so. Inside serve it
// first waits for a running fetch of the same source (Locks), then reads
// only what that fetch did not load.
func (e *Engine) fetchMissingKeyed(ctx context.Context, store *load.Store, p transform.Period, log zerolog.Logger) {
	for _, f := range []struct {
		source  string
		periods []transform.Period
	}{
		{bcqgName, []transform.Period{p, p.PreviousYear()}},
		{evaluationName, []transform.Period{p}},
	} {
		src, ok := Lookup(f.source)
		if !ok || (src.Enabled != nil && !src.Enabled(e.cfg)) {
			continue // not configured for a province
		}
		unlock, err := e.opts.Locks.Lock(ctx, f.source)
		if err == nil {
			_, err = e.runKeyed(ctx, store, src, f.periods, true, false, "compute "+p.Code)
			unlock()
		}
		if err != nil {
			log.Warn().Err(err).Str("keyed_source", f.source).Msg("could not read missing data from the portal; computing with what ClickHouse has")
		}
	}
}

// logReconciliation logs every unit and metric whose recomputed score is
// further from the official one than indicators.reconcile_tolerance, then
// how many official rows the published formulas reproduce.
func (e *Engine) logReconciliation(ctx context.Context, store *load.Store, period string, log zerolog.Logger) {
	gaps, err := store.ReconciliationGaps(ctx, period, e.cfg.Indicators.ReconcileTolerance)
	if err != nil {
		log.Warn().Err(err).Msg("could not read the reconciliation")
		return
	}
	for _, g := range gaps {
		log.Warn().Str("unit", g.UnitCode).Str("indicator", g.Indicator).Str("metric", g.Metric).
			Float64("official", g.Official).Float64("recomputed", g.Recomputed).Float64("difference", g.Difference).
			Float64("numerator", g.Numerator).Float64("denominator", g.Denominator).Float64("official_ratio", g.OfficialRatio).
			Msg("recomputed score differs from the official one beyond reconcile_tolerance")
	}
	if len(gaps) == 0 {
		log.Info().Float64("tolerance", e.cfg.Indicators.ReconcileTolerance).Msg("recomputed scores agree with the official ones")
	}
	c, err := store.OfficialCheckSummary(ctx, period)
	if err != nil {
		log.Warn().Err(err).Msg("could not read the official formula check")
		return
	}
	log.Info().Uint64("rows_checked", c.Checked).Uint64("reproduced_within_0_01", c.Reproduced).
		Float64("worst_gap", c.Worst).Str("worst_row", c.WorstRow).Str("formula_version", official.FormulaVersion).
		Msg("official formula check: published scores reproduced from the published counts")
}
