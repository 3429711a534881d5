package load

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/indicators"
)

// IndicatorSettings are the choices docs/indicators.md leaves to the
// operator; the defaults score as the national portal does (dvcqg-2026).
// Zero values take the defaults.
type IndicatorSettings struct {
	// ZeroDenominator replaces the portal's NULL for a zero denominator
	// (metrics with on_empty: null): official (NULL, default) | zero |
	// award_max | exclude.
	ZeroDenominator string
	ProvinceMetrics string // inherit | award_max | exclude
	// SyncScoring is official (DOSSIER_SYNC counts synced dossiers) or
	// deadline (every step within SyncDeadline, the earlier reading).
	SyncScoring          string
	SyncDeadline         time.Duration // the synced_late finding, and the deadline scoring (24h)
	PetitionDeadlineDays int           // HanXuLy default, working days (15)
}

func (s *IndicatorSettings) setDefaults() {
	if s.ZeroDenominator == "" {
		s.ZeroDenominator = "official"
	}
	if s.SyncScoring == "" {
		s.SyncScoring = "official"
	}
	if s.ProvinceMetrics == "" {
		s.ProvinceMetrics = "inherit"
	}
	if s.SyncDeadline == 0 {
		s.SyncDeadline = 24 * time.Hour
	}
	if s.PetitionDeadlineDays == 0 {
		s.PetitionDeadlineDays = 15
	}
}

// ComputeRequest is one compute of one period.
type ComputeRequest struct {
	Period   transform.Period
	Units    *transform.Units
	Only     []string // unit codes to (re)compute; empty: every unit of the period
	Settings IndicatorSettings
}

// ComputeResult summarises a compute.
type ComputeResult struct {
	ComputeID string
	Units     []transform.ScopeUnit
	Dossiers  uint64 // dossiers received in the period
	Metrics   uint64 // metric rows written
	Findings  uint64 // finding rows written
}

const (
	// roundScoreSQL rounds raw_score to 2 decimals, half up (see
	// metricWrapperSQL).
	roundScoreSQL = `floor(greatest(0., raw_score) * 100 + 0.5 + 1e-9) / 100`

	insertComputeUnitsSQL = `INSERT INTO {db}.compute_units (compute_id, period, unit_code, unit_name, level, parent_code, province_code)`
	insertUnitMapSQL      = `INSERT INTO {db}.unit_map (compute_id, src_code, unit_code, level, own)`
	insertCalendarSQL     = `INSERT INTO {db}.work_calendar (day, is_working, work_index, holiday, version)`

	// metricWrapperSQL turns a metric's (unit_code, numerator, denominator)
	// into stored rows for every unit of the compute: the score expression
	// of the (unrounded) ratio, scaled by the coefficient metric's ratio
	// when the metric has one (item 3.3), rounded to 2 decimals, and the
	// zero-denominator rule (NULL ratio and score where the portal
	// publishes null). %[1]s is the metric's SELECT, %[2]s its score
	// expression of ratio; both come from the embedded definitions, never
	// from input. NULL is written as nullIf(…, -1) (ratios and scores are
	// never negative): 18.16 folds if(c, x, NULL) wrongly. The rounding is half up on the exact value: a score is
	// max × a ratio of counts, so it lies either on a tie or at least
	// 1/(200·denominator) away from one, far above the 1e-9 nudge that
	// undoes binary artefacts (1.975 stored as 1.97499…).
	metricWrapperSQL = `INSERT INTO {db}.indicator_metrics (period, unit_code, indicator, metric, numerator, denominator,
ratio, score, max_score, points_lost, scope, no_data, formula_version, computed_at, compute_id, version)
SELECT @period, unit_code, @indicator, @metric, numerator, denominator, stored_ratio, stored_score, max_score,
       max_score - ifNull(stored_score, 0.), @scope, no_data, @formula_version, now(), @compute_id, @version
FROM
(
    SELECT unit_code, numerator, denominator, no_data, max_score,
           nullIf(if(has_data, plain_ratio, if(@empty_null = 1, -1., 0.)), -1.) AS stored_ratio,
           nullIf(if(has_data, ` + roundScoreSQL + `,
                     if(@empty_null = 1, -1., toFloat64(@empty_score))), -1.) AS stored_score
    FROM
    (
        SELECT unit_code, num AS numerator, den AS denominator,
               den > 0 AS has_data,
               toUInt8(NOT has_data) AS no_data,
               if(has_data, num / den, 0.) AS plain_ratio,
               plain_ratio * if(has_coef = 1, coef, 1.) AS ratio,
               toFloat64(%[2]s) AS raw_score,
               toFloat64(if(has_data, @max, @empty_max)) AS max_score
        FROM
        (
            SELECT unit_code, num, den
            FROM
            (
                SELECT unit_code FROM {db}.compute_units
                WHERE compute_id = @compute_id AND has(@units, unit_code) AND (@province_only = 0 OR level = 'province')
            )
            ANY LEFT JOIN
            (
                SELECT unit_code, toFloat64(numerator) AS num, toFloat64(denominator) AS den
                FROM (%[1]s)
            ) USING unit_code
        )
        ANY LEFT JOIN
        (
            SELECT unit_code, if(no_data = 1, 1., ifNull(ratio, 1.)) AS coef, toUInt8(1) AS has_coef
            FROM {db}.indicator_metrics
            WHERE compute_id = @compute_id AND metric = @coefficient_metric
        ) USING unit_code
    )
)`

	// inheritSQL gives the other units a province-level metric's values.
	inheritSQL = `INSERT INTO {db}.indicator_metrics (period, unit_code, indicator, metric, numerator, denominator,
ratio, score, max_score, points_lost, scope, no_data, formula_version, computed_at, compute_id, version)
SELECT @period, u.unit_code, indicator, metric, numerator, denominator, ratio,
       multiIf(@province_metrics = 'award_max', toNullable(toFloat64(@max)), @province_metrics = 'exclude', toNullable(0.), score) AS s,
       multiIf(@province_metrics = 'exclude', 0., max_score) AS m,
       m - ifNull(s, 0.), 'province', no_data, formula_version, now(), @compute_id, @version
FROM
(
    SELECT unit_code FROM {db}.compute_units
    WHERE compute_id = @compute_id AND has(@units, unit_code) AND level != 'province'
) AS u
CROSS JOIN
(
    SELECT indicator, metric, numerator, denominator, ratio, score, max_score, no_data, formula_version
    FROM {db}.indicator_metrics
    WHERE compute_id = @compute_id AND metric = @metric AND unit_code = @province_code
)`

	// A group's score is the sum of its metrics' rounded scores, a NULL
	// score counted as 0 with its maximum kept (reference §1.2 point 3,
	// §1.3). The sum of 2-decimal values is rounded only to undo binary
	// artefacts.
	groupScoresSQL = `INSERT INTO {db}.indicator_scores (period, unit_code, indicator, score, max_score, formula_version,
computed_at, compute_id, version)
SELECT @period, unit_code, indicator, round(sum(ifNull(score, 0.)), 2), sum(max_score),
       @formula_version, now(), @compute_id, @version
FROM {db}.indicator_metrics
WHERE compute_id = @compute_id
GROUP BY unit_code, indicator`

	totalScoresSQL = `INSERT INTO {db}.indicator_scores (period, unit_code, indicator, score, max_score, formula_version,
computed_at, compute_id, version)
SELECT @period, unit_code, 'total', round(sum(score), 2), sum(max_score), @formula_version, now(), @compute_id, @version
FROM {db}.indicator_scores
WHERE compute_id = @compute_id AND indicator != 'total'
GROUP BY unit_code`

	// A compute's marker: a 'running' row (row_version 1) when it starts,
	// then one 'committed' or 'failed' row (row_version 2). The views
	// publish only committed computes (migration 0008).
	insertComputeMarkerSQL = `INSERT INTO {db}.computes (compute_id, period, units, version, status, started_at, finished_at,
error, row_version)`

	// obsoleteComputesSQL lists the computes of a period whose rows no view
	// shows and no running compute needs: committed ones superseded for
	// every unit of their set, failed ones, and ones left running by a
	// process that died (started more than staleComputeAfter ago).
	obsoleteComputesSQL = `SELECT compute_id FROM {db}.v_computes
WHERE period = @period AND compute_id != @compute_id
  AND ((status = 'committed' AND version NOT IN (SELECT published_version FROM {db}.v_published_computes WHERE period = @period))
       OR status = 'failed'
       OR (status = 'running' AND started_at < toDateTime(@stale_before)))`

	// latestCommittedComputeSQL is the latest committed compute of @period (''
	// when none): the one whose scratch rows (unit names, period_dossiers)
	// readers use next to the views.
	latestCommittedComputeSQL = `SELECT argMax(compute_id, version) FROM {db}.computes WHERE period = @period AND status = 'committed'`
)

// Compute marker states (computes.status).
const (
	ComputeRunning   = "running"
	ComputeCommitted = "committed"
	ComputeFailed    = "failed"
)

// staleComputeAfter is how long after its start a compute still marked
// running is taken for one whose process died; its rows are then dropped.
const staleComputeAfter = 48 * time.Hour

// computeParams are the named parameters every indicator statement gets.
func computeParams(computeID, period string, version uint64, start, end time.Time, previousYear transform.Period,
	fallbackDivisor float64, province string, units []string, set IndicatorSettings) []any {
	return []any{
		clickhouse.Named("compute_id", computeID),
		clickhouse.Named("period", period),
		clickhouse.Named("version", version),
		clickhouse.Named("formula_version", indicators.FormulaVersion),
		clickhouse.Named("from_ts", start.Unix()),
		clickhouse.Named("to_ts", end.Unix()),
		clickhouse.Named("end_ts", end.Unix()-1),
		clickhouse.Named("from_day", start.Format("2006-01-02")),
		clickhouse.Named("to_day", end.Format("2006-01-02")),
		clickhouse.Named("previous_year", previousYear.Code),
		clickhouse.Named("fallback_divisor", fallbackDivisor),
		clickhouse.Named("sync_deadline_s", int64(set.SyncDeadline/time.Second)),
		clickhouse.Named("petition_deadline_days", set.PetitionDeadlineDays),
		clickhouse.Named("province_code", province),
		clickhouse.Named("province_metrics", set.ProvinceMetrics),
		clickhouse.Named("sync_scoring", set.SyncScoring),
		clickhouse.Named("units", units),
		clickhouse.Named("now_ts", time.Now().Unix()),
		// A compute lists no watch's items as done (load/watch.go).
		clickhouse.Named("watch_id", ""),
		clickhouse.Named("fix_kinds", noKinds()),
		clickhouse.Named("break_kinds", noKinds()),
	}
}

// noKinds binds "no kind" to an Array(String) parameter: 18.16 types an
// empty array literal Array(Nothing), which has() refuses.
func noKinds() []string { return []string{""} }

// writeScope writes a compute's units and unit map.
func (s *Store) writeScope(ctx context.Context, computeID, period string, units []transform.ScopeUnit, links []transform.ScopeLink) error {
	err := s.insertRows(ctx, s.opts.Logger, insertComputeUnitsSQL, len(units), func(i int) []any {
		u := units[i]
		return []any{computeID, period, u.Code, u.Name, u.Level, u.ParentCode, u.ProvinceCode}
	})
	if err != nil {
		return fmt.Errorf("write units: %w", err)
	}
	err = s.insertRows(ctx, s.opts.Logger, insertUnitMapSQL, len(links), func(i int) []any {
		l := links[i]
		return []any{computeID, l.Src, l.Unit, l.Level, b2u(l.Own)}
	})
	if err != nil {
		return fmt.Errorf("write unit map: %w", err)
	}
	return nil
}

// buildPeriodDossiers writes the compute's units and unit map, then builds
// its period_dossiers: the per-dossier facts every metric reads.
func (s *Store) buildPeriodDossiers(ctx context.Context, computeID, period string, units []transform.ScopeUnit,
	links []transform.ScopeLink, params []any) error {
	if err := s.writeScope(ctx, computeID, period, units, links); err != nil {
		return err
	}
	build, err := indicators.PeriodDossiers()
	if err != nil {
		return err
	}
	if err := s.execNamed(ctx, build.SQL, params); err != nil {
		return fmt.Errorf("build period_dossiers: %w", err)
	}
	return nil
}

// RangeDossiers builds the per-dossier facts of the dossiers received in
// [from, to) — a span that is not a reporting period, such as "since the
// decision that cut a time limit" — under a scratch compute id, for the
// report to count. The caller must call drop when done.
func (s *Store) RangeDossiers(ctx context.Context, units *transform.Units, from, to time.Time, set IndicatorSettings) (computeID string, drop func(), err error) {
	set.setDefaults()
	scope, links := units.Scopes(to.AddDate(0, 0, -1))
	province := ""
	all := make([]string, 0, len(scope))
	for _, u := range scope {
		all = append(all, u.Code)
		if u.Level == transform.LevelProvince {
			province = u.Code
		}
	}
	computeID = fmt.Sprintf("range-%d", time.Now().UnixNano())
	params := computeParams(computeID, "range", uint64(time.Now().UnixNano()), from, to, transform.PeriodOf(transform.Year, from),
		1, province, all, set)
	drop = func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if derr := s.dropCompute(dctx, computeID, scratchTables); derr != nil {
			s.opts.Logger.Warn().Err(derr).Msg("could not drop a scratch partition")
		}
	}
	if err := s.buildPeriodDossiers(ctx, computeID, "range", scope, links, params); err != nil {
		drop()
		return "", nil, fmt.Errorf("dossiers received %s – %s: %w", from.Format("2006-01-02"), to.Format("2006-01-02"), err)
	}
	return computeID, drop, nil
}

// scratchTables are partitioned by compute_id and dropped when a newer
// compute of the same period has finished.
var scratchTables = []string{"compute_units", "unit_map", "period_dossiers"}

// computeTables are every table a compute writes, each partitioned by
// compute_id: a failed or superseded compute is dropped from all of them.
var computeTables = append([]string{"indicator_metrics", "indicator_scores", "dossier_findings"}, scratchTables...)

// RefreshCalendar writes the working-day calendar the indicator SQL reads:
// every day from 2000-01-01 to 2040-12-31 with whether it is a working day
// and its work_index, the number of working days strictly before it (a
// running count ClickHouse 18.16 cannot compute without window functions).
func (s *Store) RefreshCalendar(ctx context.Context, cal *transform.Calendar) error {
	loc := transform.HoChiMinh()
	start := time.Date(2000, 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(2041, 1, 1, 0, 0, 0, 0, loc)
	type day struct {
		d       time.Time
		working bool
		index   uint32
	}
	var days []day
	var index uint32
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		w := cal.IsWorkingDay(d)
		days = append(days, day{d, w, index})
		if w {
			index++
		}
	}
	v := uint64(time.Now().UnixNano())
	err := s.insertRows(ctx, s.opts.Logger, insertCalendarSQL, len(days), func(i int) []any {
		name, _ := cal.Holiday(days[i].d)
		return []any{civil(days[i].d), b2u(days[i].working), days[i].index, name, v}
	})
	if err != nil {
		return fmt.Errorf("load work_calendar: %w", err)
	}
	return nil
}

// Compute recomputes every metric, group score and finding of one period
// inside ClickHouse, and publishes them atomically: the rows are written
// under a new compute id and version, and the views show them only once
// the compute's 'committed' marker is written, after its last statement.
// A compute that fails or is cancelled at any statement marks itself
// failed, drops its rows and leaves the previous compute's on view. Two
// computes of the same period (the daemon's and a CLI one) write disjoint
// partitions and never drop a compute that is running or still published;
// the one with the later version wins the views once both committed.
func (s *Store) Compute(ctx context.Context, req ComputeRequest) (ComputeResult, error) {
	if s.Cluster() == "" {
		return s.compute(ctx, req)
	}
	node, err := s.pinnedNode(ctx)
	if err != nil {
		return ComputeResult{}, fmt.Errorf("compute %s: %w", req.Period.Code, err)
	}
	defer node.Close()
	if err := s.SyncReplicas(ctx); err != nil {
		return ComputeResult{}, fmt.Errorf("compute %s: %w", req.Period.Code, err)
	}
	return node.compute(ctx, req)
}

// compute is Compute on one server, or on one node of a cluster.
func (s *Store) compute(ctx context.Context, req ComputeRequest) (ComputeResult, error) {
	req.Settings.setDefaults()
	p := req.Period
	units, links := req.Units.Scopes(p.LastDay())
	computeID := fmt.Sprintf("%s-%d", p.Code, time.Now().UnixNano())
	version := uint64(time.Now().UnixNano())
	res := ComputeResult{ComputeID: computeID, Units: units}
	province, selected, err := selectUnits(p, units, req.Only)
	if err != nil {
		return res, err
	}
	marker := computeMarker{id: computeID, period: p.Code, units: selected, version: version, started: time.Now()}
	if err := s.writeMarker(ctx, marker, ComputeRunning, nil); err != nil {
		return res, fmt.Errorf("compute %s: record start: %w", p.Code, err)
	}
	params := computeParams(computeID, p.Code, version, p.Start, p.End, p.PreviousYear(), p.FallbackDivisor(), province, selected, req.Settings)
	if err := s.computeAll(ctx, req, units, links, params, &res); err != nil {
		s.abortCompute(ctx, marker, err)
		return res, err
	}
	if err := s.writeMarker(ctx, marker, ComputeCommitted, nil); err != nil {
		err = fmt.Errorf("compute %s: commit: %w", p.Code, err)
		s.abortCompute(ctx, marker, err)
		return res, err
	}
	if err := s.dropObsoleteComputes(ctx, params); err != nil {
		// The results are published; stale rows only cost disk.
		s.opts.Logger.Warn().Err(err).Str("period", p.Code).Msg("could not drop the rows of older computes")
	}
	return res, nil
}

// selectUnits returns the province of the period and the units a compute
// writes: every unit, or the province and the units of only.
func selectUnits(p transform.Period, units []transform.ScopeUnit, only []string) (province string, selected []string, err error) {
	all := make([]string, 0, len(units))
	for _, u := range units {
		all = append(all, u.Code)
		if u.Level == transform.LevelProvince {
			province = u.Code
		}
	}
	selected = all
	if len(only) > 0 {
		known := map[string]bool{}
		for _, c := range all {
			known[c] = true
		}
		selected = []string{province} // province-level values are inherited from it
		for _, c := range only {
			if !known[c] {
				return "", nil, fmt.Errorf("compute %s: unit %q does not exist in this period (units: %s)", p.Code, c, strings.Join(all, ", "))
			}
			if c != province {
				selected = append(selected, c)
			}
		}
	}
	if province == "" {
		return "", nil, fmt.Errorf("compute %s: no province is valid on %s", p.Code, p.LastDay().Format("2006-01-02"))
	}
	return province, selected, nil
}

// computeAll runs every statement of a compute: period dossiers, metrics,
// group scores, findings, and the counts of what it wrote.
func (s *Store) computeAll(ctx context.Context, req ComputeRequest, units []transform.ScopeUnit, links []transform.ScopeLink,
	params []any, res *ComputeResult) error {
	p := req.Period
	if err := s.buildPeriodDossiers(ctx, res.ComputeID, p.Code, units, links, params); err != nil {
		return fmt.Errorf("compute %s: %w", p.Code, err)
	}
	var err error
	if res.Dossiers, err = s.countNamed(ctx, `SELECT count() FROM {db}.period_dossiers WHERE compute_id = @compute_id AND own = 1`, params); err != nil {
		return err
	}
	if err := s.computeMetrics(ctx, p, req.Settings, params); err != nil {
		return err
	}
	for _, stmt := range []string{groupScoresSQL, totalScoresSQL} {
		if err := s.execNamed(ctx, stmt, params); err != nil {
			return fmt.Errorf("compute %s: group scores: %w", p.Code, err)
		}
	}
	findings, err := indicators.Findings()
	if err != nil {
		return err
	}
	for _, f := range findings {
		for i, stmt := range SplitStatements(f.SQL) {
			if err := s.execNamed(ctx, stmt, params); err != nil {
				return fmt.Errorf("compute %s: findings %s statement %d: %w", p.Code, f.Name, i+1, err)
			}
		}
	}
	if res.Metrics, err = s.countNamed(ctx, `SELECT count() FROM {db}.indicator_metrics WHERE compute_id = @compute_id`, params); err != nil {
		return err
	}
	if res.Findings, err = s.countNamed(ctx, `SELECT count() FROM {db}.dossier_findings WHERE compute_id = @compute_id`, params); err != nil {
		return err
	}
	return nil
}

// computeMetrics writes every metric of the compute (and the inherited
// values of province-level ones).
func (s *Store) computeMetrics(ctx context.Context, p transform.Period, set IndicatorSettings, params []any) error {
	metrics, err := indicators.Metrics()
	if err != nil {
		return err
	}
	return s.computeMetricsOf(ctx, p, set, params, metrics)
}

// computeMetricsOf writes the given metrics of the compute.
func (s *Store) computeMetricsOf(ctx context.Context, p transform.Period, set IndicatorSettings, params []any, metrics []indicators.Metric) error {
	for _, m := range metrics {
		emptyNull, emptyScore, emptyMax := emptyRule(m, set.ZeroDenominator)
		provinceOnly := 0
		if m.Scope == "province" {
			provinceOnly = 1
		}
		mp := append(append([]any{}, params...),
			clickhouse.Named("indicator", m.Indicator),
			clickhouse.Named("metric", m.Code),
			clickhouse.Named("scope", m.Scope),
			clickhouse.Named("max", m.Max),
			clickhouse.Named("empty_null", emptyNull),
			clickhouse.Named("empty_score", emptyScore),
			clickhouse.Named("coefficient_metric", coefficientMetric(m)),
			clickhouse.Named("empty_max", emptyMax),
			clickhouse.Named("province_only", provinceOnly),
		)
		stmt := fmt.Sprintf(metricWrapperSQL, m.SQL, m.Score)
		if err := s.execNamed(ctx, stmt, mp); err != nil {
			return fmt.Errorf("compute %s: metric %s (%s): %w", p.Code, m.Code, m.File, err)
		}
		if m.Scope == "province" {
			if err := s.execNamed(ctx, inheritSQL, mp); err != nil {
				return fmt.Errorf("compute %s: inherit metric %s: %w", p.Code, m.Code, err)
			}
		}
	}
	return nil
}

// emptyRule is what a zero denominator gives a metric: NULL (emptyNull 1),
// or the score emptyScore; emptyMax is the maximum kept. The portal's rule
// is the metric's on_empty; indicators.zero_denominator can replace a NULL.
func emptyRule(m indicators.Metric, zeroDenominator string) (emptyNull uint8, emptyScore, emptyMax float64) {
	switch m.OnEmpty {
	case "zero":
		return 0, 0, m.Max
	case "max":
		return 0, m.Max, m.Max
	}
	switch zeroDenominator {
	case "zero":
		return 0, 0, m.Max
	case "award_max":
		return 0, m.Max, m.Max
	case "exclude":
		return 0, 0, 0
	}
	return 1, 0, m.Max
}

// coefficientMetric is the metric whose ratio scales a metric's ratio
// before scoring ("" for none): DOSSIER_SYNC for item 3.3.
func coefficientMetric(m indicators.Metric) string {
	if m.Coefficient == "sync" {
		return "DOSSIER_SYNC"
	}
	return ""
}

// computeMarker is one compute's row in computes.
type computeMarker struct {
	id, period string
	units      []string
	version    uint64
	started    time.Time
}

// writeMarker records a compute's state. The 'committed' row is one row in
// one insert: a compute is published entirely or not at all.
func (s *Store) writeMarker(ctx context.Context, m computeMarker, status string, cause error) error {
	if status != ComputeFailed {
		if err := s.hook("computes " + status); err != nil {
			return err
		}
	}
	var finished *time.Time
	rowVersion := uint8(2)
	if status == ComputeRunning {
		rowVersion = 1
	} else {
		now := time.Now()
		finished = &now
	}
	msg := ""
	if cause != nil {
		msg = cause.Error()
	}
	return s.insertRows(ctx, s.opts.Logger, insertComputeMarkerSQL, 1, func(int) []any {
		return []any{m.id, m.period, m.units, m.version, status, m.started, finished, msg, rowVersion}
	})
}

// abortCompute marks a compute failed and drops its rows, even when ctx was
// cancelled (that is how a compute is interrupted).
func (s *Store) abortCompute(ctx context.Context, m computeMarker, cause error) {
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := s.writeMarker(actx, m, ComputeFailed, cause); err != nil {
		s.opts.Logger.Warn().Err(err).Str("compute_id", m.id).Msg("could not mark a failed compute")
	}
	if err := s.dropCompute(actx, m.id, computeTables); err != nil {
		s.opts.Logger.Warn().Err(err).Str("compute_id", m.id).Msg("could not drop the rows of a failed compute")
	}
}

// dropObsoleteComputes drops every partition of the period's computes that
// no view shows and no running compute needs (obsoleteComputesSQL).
func (s *Store) dropObsoleteComputes(ctx context.Context, params []any) error {
	args := append(append([]any{}, params...), clickhouse.Named("stale_before", time.Now().Add(-staleComputeAfter).Unix()))
	rows, err := s.conn.Query(ctx, s.SQL(obsoleteComputesSQL), args...)
	if err != nil {
		return fmt.Errorf("list obsolete computes: %w", err)
	}
	var old []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		old = append(old, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range old {
		if err := s.dropCompute(ctx, id, computeTables); err != nil {
			return err
		}
	}
	return nil
}

// dropCompute drops the partitions of one compute from tables.
func (s *Store) dropCompute(ctx context.Context, id string, tables []string) error {
	// A partition value is a literal in DROP PARTITION; compute ids are
	// ours (period code and a number), and the dialect checks it anyway.
	for _, t := range tables {
		stmt, err := s.sql.DropPartition(t, id)
		if err != nil {
			return err
		}
		if err := s.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("drop %s partition %s: %w", t, id, err)
		}
	}
	return nil
}

func (s *Store) execNamed(ctx context.Context, stmt string, params []any) error {
	if err := s.hook(stmt); err != nil {
		return err
	}
	start := time.Now()
	err := s.conn.Exec(ctx, s.SQL(stmt), params...)
	s.opts.Logger.Debug().Dur("took", time.Since(start)).Str("statement", firstLine(stmt)).Msg("indicator statement")
	return err
}

func firstLine(stmt string) string {
	for _, l := range strings.Split(stmt, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "--") {
			return l
		}
	}
	return ""
}

func (s *Store) countNamed(ctx context.Context, q string, params []any) (uint64, error) {
	var n uint64
	if err := s.conn.QueryRow(ctx, s.SQL(q), params...).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s: %w", strings.SplitN(q, "\n", 2)[0], err)
	}
	return n, nil
}

// SplitStatements splits SQL text into statements on ';' at line ends,
// dropping comment-only lines.
func SplitStatements(sql string) []string {
	return Migration{SQL: sql}.Statements()
}

// hook runs the test hook of a store before a compute statement (nil in
// production; see export_test.go).
func (s *Store) hook(stmt string) error {
	if s.beforeStatement == nil {
		return nil
	}
	return s.beforeStatement(stmt)
}
