package load

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/dvcindex/dvcindex/transform/indicators"
)

// A scenario is scenario A's period with some listed items' fate changed:
// fix counts the items of those kinds as done in time, brk counts them as
// lost.
type scenario struct {
	name     string // b, c, d
	fix, brk []string
}

// scenarioScores are every scenario's scores: per scenario name ("a" …),
// per unit, the metric scores and the group and total scores.
type scenarioScores map[string]map[string]unitScores

type unitScores struct {
	metrics map[string]float64 // ifNull(score, 0)
	groups  map[string][2]float64
}

// columnRe is a column name DESCRIBE may return that can be written into
// SQL text as is.
var columnRe = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// flipSetSQL selects the ids of a watch's items of one flip whose kind is in
// the array parameter %s.
const flipSetSQL = `SELECT item_id FROM {db}.at_risk_candidates WHERE watch_id = @watch_id AND flip = '%s' AND has(@%s, kind)`

// scenarioFlips are the per-dossier facts a scenario changes: done in time
// (fix_kinds) or lost (break_kinds).
func scenarioFlips() map[string]string {
	in := func(flip, kinds string) string { return "dossier_id IN (" + fmt.Sprintf(flipSetSQL, flip, kinds) + ")" }
	return map[string]string{
		"compute_id":     "@scenario_id",
		"late":           "toUInt8(if(" + in("on_time", "fix_kinds") + ", 0, if(" + in("on_time", "break_kinds") + ", 1, late)))",
		"dossier_synced": "toUInt8(if(" + in("synced", "fix_kinds") + ", 1, dossier_synced))",
		"synced_on_time": "toUInt8(if(" + in("synced", "fix_kinds") + ", 1, synced_on_time))",
		"result_links":   "toUInt16(if(" + in("result", "fix_kinds") + ", greatest(result_links, 1), result_links))",
	}
}

// runScenarios scores scenarios A (already written), B, and C and D when
// they change something, and reads every scenario's scores.
func (s *Store) runScenarios(ctx context.Context, w *watchRun, items []AtRiskItem) (scenarioScores, error) {
	has := map[string]bool{}
	for _, it := range items {
		has[it.Kind] = true
	}
	runs := []scenario{{name: "b", fix: []string{indicators.KindRecoverable}}}
	if has[indicators.KindLost] {
		runs = append(runs, scenario{name: "c", fix: []string{indicators.KindRecoverable, indicators.KindLost}})
	}
	if has[indicators.KindThreat] {
		runs = append(runs, scenario{name: "d", brk: []string{indicators.KindThreat}})
	}
	cols, err := s.periodDossierColumns(ctx)
	if err != nil {
		return nil, err
	}
	for _, sc := range runs {
		if err := s.runScenario(ctx, w, sc, cols); err != nil {
			return nil, fmt.Errorf("scenario %s: %w", sc.name, err)
		}
	}
	return s.readScenarioScores(ctx, w)
}

// runScenario copies scenario A's period dossiers with the scenario's
// flips under its own compute id and scores them.
func (s *Store) runScenario(ctx context.Context, w *watchRun, sc scenario, cols []string) error {
	id := w.id + "-" + sc.name
	w.made = append(w.made, id)
	if err := s.writeScope(ctx, id, w.req.Period.Code, w.units, w.links); err != nil {
		return err
	}
	params := setParam(w.params, "compute_id", id)
	params = setParam(params, "fix_kinds", orNoKind(sc.fix))
	params = setParam(params, "break_kinds", orNoKind(sc.brk))
	params = append(params, clickhouse.Named("scenario_id", id))
	flips := scenarioFlips()
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = c
		if e, ok := flips[c]; ok {
			exprs[i] = e
		}
	}
	stmt := "INSERT INTO {db}.period_dossiers (" + strings.Join(cols, ", ") + ")\nSELECT " + strings.Join(exprs, ",\n       ") +
		"\nFROM {db}.period_dossiers WHERE compute_id = @base_id"
	if err := s.execNamed(ctx, stmt, params); err != nil {
		return fmt.Errorf("copy period dossiers: %w", err)
	}
	return s.scoreScenario(ctx, w, params)
}

func orNoKind(kinds []string) []string {
	if len(kinds) == 0 {
		return noKinds()
	}
	return kinds
}

// periodDossierColumns lists period_dossiers' columns, each checked to be a
// plain identifier.
func (s *Store) periodDossierColumns(ctx context.Context) ([]string, error) {
	rows, err := s.conn.Query(ctx, s.SQL("DESCRIBE TABLE {db}.period_dossiers"))
	if err != nil {
		return nil, fmt.Errorf("describe period_dossiers: %w", err)
	}
	defer rows.Close()
	n := len(rows.Columns())
	var cols []string
	for rows.Next() {
		vals := make([]any, n)
		for i := range vals {
			vals[i] = new(string)
		}
		if err := rows.Scan(vals...); err != nil {
			return nil, fmt.Errorf("describe period_dossiers: %w", err)
		}
		name := *vals[0].(*string)
		if !columnRe.MatchString(name) {
			return nil, fmt.Errorf("describe period_dossiers: column %q is not a plain identifier", name)
		}
		cols = append(cols, name)
	}
	return cols, rows.Err()
}

const (
	selectScenarioMetricsSQL = `SELECT compute_id, unit_code, metric, ifNull(score, 0.) FROM {db}.indicator_metrics
WHERE has(@ids, compute_id)`
	selectScenarioGroupsSQL = `SELECT compute_id, unit_code, indicator, score, max_score FROM {db}.indicator_scores
WHERE has(@ids, compute_id)`
)

// readScenarioScores reads the metric and group scores of every scenario
// the watch wrote, keyed by scenario name.
func (s *Store) readScenarioScores(ctx context.Context, w *watchRun) (scenarioScores, error) {
	out := scenarioScores{}
	name := func(id string) string { return id[strings.LastIndexByte(id, '-')+1:] }
	unit := func(id, code string) unitScores {
		sc := out[name(id)]
		if sc == nil {
			sc = map[string]unitScores{}
			out[name(id)] = sc
		}
		u, ok := sc[code]
		if !ok {
			u = unitScores{metrics: map[string]float64{}, groups: map[string][2]float64{}}
			sc[code] = u
		}
		return u
	}
	ids := clickhouse.Named("ids", w.made)
	err := s.scanRows(ctx, selectScenarioMetricsSQL, []any{ids}, func(scan func(...any) error) error {
		var id, code, metric string
		var score float64
		if err := scan(&id, &code, &metric, &score); err != nil {
			return err
		}
		unit(id, code).metrics[metric] = score
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read scenario metrics: %w", err)
	}
	err = s.scanRows(ctx, selectScenarioGroupsSQL, []any{ids}, func(scan func(...any) error) error {
		var id, code, group string
		var score, max float64
		if err := scan(&id, &code, &group, &score, &max); err != nil {
			return err
		}
		unit(id, code).groups[group] = [2]float64{score, max}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read scenario scores: %w", err)
	}
	return out, nil
}

// scanRows runs q and calls row for each result row.
func (s *Store) scanRows(ctx context.Context, q string, args []any, row func(scan func(...any) error) error) error {
	rows, err := s.conn.Query(ctx, s.SQL(q), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// readCandidates reads the items the rules listed.
func (s *Store) readCandidates(ctx context.Context, w *watchRun) ([]AtRiskItem, error) {
	var out []AtRiskItem
	err := s.scanRows(ctx, selectCandidatesSQL, []any{clickhouse.Named("watch_id", w.id)}, func(scan func(...any) error) error {
		var it AtRiskItem
		var deadline *time.Time
		if err := scan(&it.Unit, &it.ItemKind, &it.ItemID, &it.Rule, &it.Metric, &it.Indicator, &it.Kind, &it.flip,
			&it.Procedure, &deadline, &it.Detail); err != nil {
			return err
		}
		it.Deadline = deadline
		out = append(out, it)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read at-risk items: %w", err)
	}
	return out, nil
}
