package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/refdata"
)

// calendar returns the working-day calendar: the user's holidays file if
// configured, else the project's copy of holidays-vn.csv.
func (a *app) calendar() (*transform.Calendar, error) {
	data := refdata.HolidaysCSV
	if f := a.cfg.Indicators.HolidaysFile; f != "" {
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

func (a *app) indicatorSettings() load.IndicatorSettings {
	c := a.cfg.Indicators
	return load.IndicatorSettings{
		ZeroDenominator: c.ZeroDenominator, ProvinceMetrics: c.ProvinceMetrics, SyncScoring: c.SyncScoring,
		SyncDeadline: c.SyncDeadline.D(), PetitionDeadlineDays: c.PetitionDeadlineDays,
	}
}

// compute runs the indicator engine for one period and prints the scores.
func (a *app) compute(ctx context.Context, store *load.Store, p transform.Period, only []string, offline bool) error {
	runID := newRunID(a.now())
	log := a.log.With().Str("run_id", runID).Str("source", "compute").Str("period", p.Code).Logger()
	start := a.now()
	run := load.Run{ID: runID, Source: "compute", Command: "compute " + p.Code, StartedAt: start, Status: load.RunRunning}
	if err := store.RecordRun(ctx, run); err != nil {
		return err
	}
	if !offline {
		a.fetchMissingKeyed(ctx, store, p, log)
	}
	cal, err := a.calendar()
	if err == nil {
		err = store.RefreshCalendar(ctx, cal)
	}
	var units *transform.Units
	if err == nil {
		units, err = transform.DefaultUnits()
	}
	var res load.ComputeResult
	if err == nil {
		res, err = store.Compute(ctx, load.ComputeRequest{Period: p, Units: units, Only: only, Settings: a.indicatorSettings()})
	}
	end := a.now()
	run.FinishedAt, run.Loaded, run.Status = &end, res.Metrics, load.RunSuccess
	run.Fetched = res.Dossiers
	if err != nil {
		run.Status, run.Error = load.RunFailed, err.Error()
		log.Error().Err(err).Msg("compute failed")
	} else {
		log.Info().Uint64("dossiers", res.Dossiers).Uint64("metrics", res.Metrics).Uint64("findings", res.Findings).
			Dur("took", end.Sub(start)).Msg("compute finished")
	}
	if rerr := store.RecordRun(context.WithoutCancel(ctx), run); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		return err
	}
	a.logReconciliation(ctx, store, p.Code, log)
	return a.printScores(ctx, store, p.Code, only)
}

// fetchMissingKeyed reads the BCQG counts (of P and of the year before, for
// the DOSSIER_SYNC fallback) and the official scores of P that are not in
// ClickHouse yet. A portal that cannot be reached does not stop the compute:
// the metrics then use what is there, and the log says so. Inside serve it
// first waits for a running fetch of the same source (sourceLocks), then
// reads only what that fetch did not load.
func (a *app) fetchMissingKeyed(ctx context.Context, store *load.Store, p transform.Period, log zerolog.Logger) {
	for _, f := range []struct {
		src     keyedSource
		periods []transform.Period
	}{
		{bcqgSource, []transform.Period{p, p.PreviousYear()}},
		{evaluationSource, []transform.Period{p}},
	} {
		if f.src.name == evaluationSource.name && a.cfg.Evaluation.RootDepartmentID == "" {
			continue // not configured for a province
		}
		unlock, err := a.locks.lock(ctx, f.src.name)
		if err == nil {
			err = a.syncKeyed(ctx, store, f.src, f.periods, true, false, "compute "+p.Code)
			unlock()
		}
		if err != nil {
			log.Warn().Err(err).Str("keyed_source", f.src.name).Msg("could not read missing data from the portal; computing with what ClickHouse has")
		}
	}
}

// logReconciliation logs every unit and metric whose recomputed score is
// further from the official one than indicators.reconcile_tolerance.
func (a *app) logReconciliation(ctx context.Context, store *load.Store, period string, log zerolog.Logger) {
	gaps, err := store.ReconciliationGaps(ctx, period, a.cfg.Indicators.ReconcileTolerance)
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
		log.Info().Float64("tolerance", a.cfg.Indicators.ReconcileTolerance).Msg("recomputed scores agree with the official ones")
	}
	a.logOfficialCheck(ctx, store, period, log)
}

// printScores prints the seven indicators of each unit of the period.
func (a *app) printScores(ctx context.Context, store *load.Store, period string, only []string) error {
	rows, err := store.Scores(ctx, period)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, u := range only {
		want[u] = true
	}
	tw := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "period %s\tunit\ttransparency\tprogress\tonline\tpayment\tdigitization\tsatisfaction\ttotal\t\n", period)
	for _, r := range rows {
		if len(want) > 0 && !want[r.UnitCode] {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s", r.UnitName, r.UnitCode)
		for _, s := range r.Scores {
			fmt.Fprintf(tw, "\t%.2f", s)
		}
		fmt.Fprint(tw, "\t\n")
	}
	return tw.Flush()
}
