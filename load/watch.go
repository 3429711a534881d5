package load

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/indicators"
)

// WatchRequest is one early warning (docs/watch.md) of one period that has
// not ended, as of one moment.
type WatchRequest struct {
	Period   transform.Period
	Units    *transform.Units
	Only     []string  // unit codes; empty: every unit of the period
	AsOf     time.Time // "now": what is open, what is due, hours left
	DueUntil time.Time // due_soon: a dossier deadline up to this moment
	// PetitionUntil: petition_due_soon, a petition deadline up to this moment.
	PetitionUntil     time.Time
	StepUnsyncedAfter time.Duration // step_unsynced: a step not on the national portal this long after it
	Settings          IndicatorSettings
}

// WatchResult is a committed watch: its items and projected scores.
type WatchResult struct {
	WatchID string
	Period  string
	AsOf    time.Time
	Units   []transform.ScopeUnit
	Items   []AtRiskItem
	Scores  []AtRiskScore
}

// AtRiskItem is one row of v_at_risk.
type AtRiskItem struct {
	Unit      string     `json:"unit_code"`
	ItemKind  string     `json:"item_kind"` // dossier | petition
	ItemID    string     `json:"item_id"`
	Rule      string     `json:"rule"`
	Metric    string     `json:"metric"`
	Indicator string     `json:"indicator"`
	Kind      string     `json:"kind"` // recoverable | lost | threat | risk
	Procedure string     `json:"procedure_code,omitempty"`
	Deadline  *time.Time `json:"deadline,omitempty"`
	HoursLeft float64    `json:"hours_left"`
	Points    float64    `json:"points"`
	Detail    string     `json:"detail"`
	flip      string
}

// AtRiskScore is one row of v_at_risk_scores.
type AtRiskScore struct {
	Unit      string  `json:"unit_code"`
	Indicator string  `json:"indicator"`
	Secured   float64 `json:"secured"` // if nothing changes
	IfDone    float64 `json:"if_done"` // if every recoverable item is done in time
	Lost      float64 `json:"lost"`    // already lost to the overdue items listed
	Max       float64 `json:"max_score"`
}

// Watch statuses (watches.status).
const (
	WatchRunning   = "running"
	WatchCommitted = "committed"
	WatchFailed    = "failed"
)

const (
	insertWatchMarkerSQL = `INSERT INTO {db}.watches (watch_id, period, as_of, units, version, status, started_at, finished_at, error, row_version)`
	insertAtRiskItemsSQL = `INSERT INTO {db}.at_risk_items (watch_id, period, as_of, unit_code, item_kind, item_id, rule, metric, indicator, kind,
procedure_code, deadline, hours_left, points, detail, version)`
	insertAtRiskScoresSQL = `INSERT INTO {db}.at_risk_scores (watch_id, period, as_of, unit_code, indicator, secured, if_done, lost, max_score, version)`

	selectCandidatesSQL = `SELECT unit_code, item_kind, item_id, rule, metric, indicator, kind, flip, procedure_code, deadline, detail
FROM {db}.at_risk_candidates WHERE watch_id = @watch_id`

	// obsoleteWatchesSQL lists the watches of a period whose rows no view
	// shows: committed ones superseded for every unit of their set, failed
	// ones, and ones left running by a process that died.
	obsoleteWatchesSQL = `SELECT watch_id FROM {db}.watches FINAL
WHERE period = @period AND watch_id != @watch_id
  AND ((status = 'committed' AND version NOT IN (SELECT published_version FROM {db}.v_published_watches WHERE period = @period))
       OR status = 'failed'
       OR (status = 'running' AND started_at < toDateTime(@stale_before)))`
)

// watchTables are the tables a watch's own rows live in, partitioned by
// watch id.
var watchTables = []string{"at_risk_candidates", "at_risk_items", "at_risk_scores"}

// Watch lists the items at risk in a period and projects its scores with
// the index's own SQL: scenario A is the period computed as if it ended
// with nothing changed; the at-risk rules (transform/indicators/atrisk)
// list the items from A; scenario B is A with every recoverable item done,
// C is B with the lost ones done too, D is A with the threatened ones lost.
// Each item costs its share of the points its metric moves between the
// scenarios. The result is published atomically (a 'committed' marker in
// watches) and the scenarios' scratch rows are dropped. On a cluster every
// statement runs on one node, after the sharded tables are in sync.
func (s *Store) Watch(ctx context.Context, req WatchRequest) (WatchResult, error) {
	if s.Cluster() == "" {
		return s.watch(ctx, req)
	}
	node, err := s.pinnedNode(ctx)
	if err != nil {
		return WatchResult{}, fmt.Errorf("watch %s: %w", req.Period.Code, err)
	}
	defer node.Close()
	if err := s.SyncReplicas(ctx); err != nil {
		return WatchResult{}, fmt.Errorf("watch %s: %w", req.Period.Code, err)
	}
	return node.watch(ctx, req)
}

// watchRun is the state of one watch.
type watchRun struct {
	id      string
	version uint64
	started time.Time
	req     WatchRequest
	units   []transform.ScopeUnit
	links   []transform.ScopeLink
	params  []any    // scenario A's
	made    []string // scenario compute ids written so far
}

func (s *Store) watch(ctx context.Context, req WatchRequest) (WatchResult, error) {
	req.Settings.setDefaults()
	p := req.Period
	w := &watchRun{req: req, started: time.Now(), version: uint64(time.Now().UnixNano())}
	w.id = fmt.Sprintf("watch-%s-%d", p.Code, w.version)
	w.units, w.links = req.Units.Scopes(p.LastDay())
	province, selected, err := selectUnits(p, w.units, req.Only)
	if err != nil {
		return WatchResult{}, fmt.Errorf("watch: %w", err)
	}
	w.params = w.scenarioParams(w.id+"-a", province, selected)
	res := WatchResult{WatchID: w.id, Period: p.Code, AsOf: req.AsOf, Units: w.units}
	if err := s.writeWatchMarker(ctx, w, selected, WatchRunning, nil); err != nil {
		return res, fmt.Errorf("watch %s: record start: %w", p.Code, err)
	}
	defer s.dropScratch(ctx, w)
	if err := s.watchAll(ctx, w, &res); err != nil {
		s.failWatch(ctx, w, selected, err)
		return res, fmt.Errorf("watch %s: %w", p.Code, err)
	}
	if err := s.writeWatchMarker(ctx, w, selected, WatchCommitted, nil); err != nil {
		s.failWatch(ctx, w, selected, err)
		return res, fmt.Errorf("watch %s: commit: %w", p.Code, err)
	}
	if err := s.dropObsoleteWatches(ctx, w); err != nil {
		s.opts.Logger.Warn().Err(err).Str("period", p.Code).Msg("could not drop the rows of older watches")
	}
	return res, nil
}

// scenarioParams are the named parameters of one scenario: a compute's,
// with "today" at the end of the period (nothing changes until then), and
// the watch's own.
func (w *watchRun) scenarioParams(computeID, province string, selected []string) []any {
	p, r := w.req.Period, w.req
	params := computeParams(computeID, p.Code, w.version, p.Start, p.End, p.PreviousYear(), p.FallbackDivisor(), province, selected, r.Settings)
	params = setParam(params, "now_ts", p.End.Unix()-1)
	params = setParam(params, "watch_id", w.id)
	return append(params,
		clickhouse.Named("as_of_ts", r.AsOf.Unix()),
		clickhouse.Named("due_until_ts", r.DueUntil.Unix()),
		clickhouse.Named("petition_until_ts", r.PetitionUntil.Unix()),
		clickhouse.Named("step_unsynced_s", int64(r.StepUnsyncedAfter/time.Second)),
		clickhouse.Named("base_id", w.id+"-a"),
	)
}

// watchAll runs scenario A, the rules, the other scenarios, and writes the
// priced items and projected scores.
func (s *Store) watchAll(ctx context.Context, w *watchRun, res *WatchResult) error {
	base := w.id + "-a"
	w.made = append(w.made, base)
	if err := s.buildPeriodDossiers(ctx, base, w.req.Period.Code, w.units, w.links, w.params); err != nil {
		return err
	}
	if err := s.scoreScenario(ctx, w, w.params); err != nil {
		return err
	}
	rules, err := indicators.AtRiskRules()
	if err != nil {
		return err
	}
	for _, r := range rules {
		if err := s.execNamed(ctx, r.SQL, w.params); err != nil {
			return fmt.Errorf("at-risk rule %s: %w", r.Code, err)
		}
	}
	items, err := s.readCandidates(ctx, w)
	if err != nil {
		return err
	}
	scores, err := s.runScenarios(ctx, w, items)
	if err != nil {
		return err
	}
	res.Items = priceItems(items, scores, movesOf(rules), w.req.AsOf, w.req.Period.End)
	res.Scores = projectScores(scores)
	return s.writeWatchResult(ctx, w, res)
}

// scoreScenario writes a scenario's metrics and group scores (the
// compute's own statements, under the scenario's compute id). Scenario A
// runs every metric; the others rerun only the metrics a flip can move
// (flippedMetrics) and copy A's rows of the rest.
func (s *Store) scoreScenario(ctx context.Context, w *watchRun, params []any) error {
	metrics, err := indicators.Metrics()
	if err != nil {
		return err
	}
	if named(params, "compute_id") != named(params, "base_id") {
		var keep []string
		metrics, keep = flippedMetrics(metrics)
		if err := s.execNamed(ctx, copyMetricsSQL, append(params, clickhouse.Named("kept", keep))); err != nil {
			return fmt.Errorf("copy the unmoved metrics: %w", err)
		}
	}
	if err := s.computeMetricsOf(ctx, w.req.Period, w.req.Settings, params, metrics); err != nil {
		return err
	}
	for _, stmt := range []string{groupScoresSQL, totalScoresSQL} {
		if err := s.execNamed(ctx, stmt, params); err != nil {
			return fmt.Errorf("group scores: %w", err)
		}
	}
	return nil
}

// copyMetricsSQL copies scenario A's rows of the metrics in @kept to a
// scenario: no flip moves them.
const copyMetricsSQL = `INSERT INTO {db}.indicator_metrics (period, unit_code, indicator, metric, numerator, denominator,
ratio, score, max_score, points_lost, scope, no_data, formula_version, computed_at, compute_id, version)
SELECT period, unit_code, indicator, metric, numerator, denominator, ratio, score, max_score, points_lost, scope, no_data,
       formula_version, computed_at, @compute_id, version
FROM {db}.indicator_metrics
WHERE compute_id = @base_id AND has(@kept, metric)`

// flipWords are the per-dossier facts a scenario changes and the table its
// petitions flip reads: a metric whose SQL names none of them, and has no
// coefficient, scores the same in every scenario.
var flipWords = regexp.MustCompile(`\b(late|dossier_synced|synced_on_time|result_links|at_risk_candidates)\b`)

// flippedMetrics splits the metrics into those a scenario must rerun and
// the codes of those it copies from scenario A.
func flippedMetrics(metrics []indicators.Metric) (rerun []indicators.Metric, kept []string) {
	for _, m := range metrics {
		if m.Coefficient != "" || flipWords.MatchString(m.SQL) {
			rerun = append(rerun, m)
		} else {
			kept = append(kept, m.Code)
		}
	}
	return rerun, append(kept, "")
}

// named returns the value of the named parameter name of params.
func named(params []any, name string) any {
	for _, p := range params {
		if nv, ok := p.(driver.NamedValue); ok && nv.Name == name {
			return nv.Value
		}
	}
	return nil
}

// setParam replaces the named parameter name of params (a copy).
func setParam(params []any, name string, v any) []any {
	out := make([]any, 0, len(params))
	for _, p := range params {
		if named, ok := p.(driver.NamedValue); ok && named.Name == name {
			continue
		}
		out = append(out, p)
	}
	return append(out, clickhouse.Named(name, v))
}
