package load

import (
	"context"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/dvcindex/dvcindex/transform/vocab"
)

// UnitScores are the seven indicators of one unit in one period.
type UnitScores struct {
	UnitCode, UnitName, Level string
	Scores                    [7]float64 // in vocab.Indicators() order
	Max                       [7]float64
}

const scoresSQL = `SELECT s.unit_code, u.unit_name, u.level, s.indicator, s.score, s.max_score
FROM
(
    SELECT unit_code, indicator, score, max_score FROM {db}.v_indicator_scores WHERE period = @period
) AS s
ANY LEFT JOIN
(
    SELECT unit_code, unit_name, level FROM {db}.compute_units
    WHERE compute_id = (` + latestCommittedComputeSQL + `)
) AS u USING unit_code
ORDER BY multiIf(u.level = 'province', 0, u.level = 'district', 1, 2), s.unit_code`

// Scores returns the latest scores of every unit of a period: the province
// first, then the district, then the wards.
func (s *Store) Scores(ctx context.Context, period string) ([]UnitScores, error) {
	rows, err := s.conn.Query(ctx, s.SQL(scoresSQL), clickhouse.Named("period", period))
	if err != nil {
		return nil, fmt.Errorf("read scores of %s: %w", period, err)
	}
	defer rows.Close()
	idx := map[string]int{}
	for i, ind := range vocab.IndicatorCodes() {
		idx[ind] = i
	}
	var out []UnitScores
	pos := map[string]int{}
	for rows.Next() {
		var code, name, level, ind string
		var score, max float64
		if err := rows.Scan(&code, &name, &level, &ind, &score, &max); err != nil {
			return nil, fmt.Errorf("read scores of %s: %w", period, err)
		}
		i, ok := pos[code]
		if !ok {
			i = len(out)
			pos[code] = i
			out = append(out, UnitScores{UnitCode: code, UnitName: name, Level: level})
		}
		if k, ok := idx[ind]; ok {
			out[i].Scores[k], out[i].Max[k] = score, max
		}
	}
	return out, rows.Err()
}

// Gap is one row of the reconciliation beyond the tolerance, with the counts
// on both sides.
type Gap struct {
	UnitCode, Indicator, Metric      string
	Official, Recomputed, Difference float64
	Numerator, Denominator           float64 // recomputed counts (0 for a group)
	OfficialRatio                    float64 // 0–1, as published (0 for a group)
}

const gapsSQL = `SELECT r.unit_code, r.indicator, r.metric, r.official, r.recomputed, r.difference,
       ifNull(m.numerator, 0.), ifNull(m.denominator, 0.), ifNull(m.ratio, 0.)
FROM
(
    SELECT unit_code, indicator, metric, official, recomputed, difference
    FROM {db}.v_score_reconciliation
    WHERE period = @period AND abs(difference) > @tolerance
) AS r
ANY LEFT JOIN
(
    SELECT unit_code, indicator, metric, numerator, denominator, o_ratio AS ratio
    FROM
    (
        SELECT unit_code, indicator, metric, numerator, denominator FROM {db}.v_indicator_metrics WHERE period = @period
    )
    ANY LEFT JOIN
    (
        SELECT unit_code, indicator, metric, ifNull(ratio, 0.) AS o_ratio FROM {db}.v_official_scores WHERE period = @period
    ) USING (unit_code, indicator, metric)
) AS m USING (unit_code, indicator, metric)
ORDER BY abs(r.difference) DESC`

// ReconciliationGaps lists the metrics and groups of a period whose
// recomputed score differs from the official one by more than tolerance.
func (s *Store) ReconciliationGaps(ctx context.Context, period string, tolerance float64) ([]Gap, error) {
	rows, err := s.conn.Query(ctx, s.SQL(gapsSQL), clickhouse.Named("period", period), clickhouse.Named("tolerance", tolerance))
	if err != nil {
		return nil, fmt.Errorf("read reconciliation of %s: %w", period, err)
	}
	defer rows.Close()
	var out []Gap
	for rows.Next() {
		var g Gap
		if err := rows.Scan(&g.UnitCode, &g.Indicator, &g.Metric, &g.Official, &g.Recomputed, &g.Difference,
			&g.Numerator, &g.Denominator, &g.OfficialRatio); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}
