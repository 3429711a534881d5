package load

import (
	"context"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/dvcindex/dvcindex/transform"
)

const (
	insertTargetsSQL = `INSERT INTO {db}.unit_targets (unit_code, period, indicator, target, source, version)`
	// A unit's targets for a period: the period's own, else its year's.
	unitTargetsSQL = `SELECT indicator, argMax(target, length(period)) AS unit_target
FROM {db}.v_unit_targets
WHERE unit_code = @unit AND (period = @period OR period = substring(@period, 1, 4))
GROUP BY indicator`
)

// RefreshTargets replaces the units' targets with targets, read from
// source (the file's name). It is run by migrate, with the reference units.
func (s *Store) RefreshTargets(ctx context.Context, source string, targets []transform.Target) error {
	v := uint64(time.Now().UnixNano())
	rows := append([]transform.Target{{}}, targets...) // the marker row: a load, even of no target
	err := s.insertRows(ctx, s.opts.Logger, insertTargetsSQL, len(rows), func(i int) []any {
		t := rows[i]
		return []any{t.UnitCode, t.Period, t.Indicator, t.Score, source, v}
	})
	if err != nil {
		return fmt.Errorf("load unit_targets: %w", err)
	}
	return nil
}

// UnitTargets returns a unit's targets for a period by indicator code: the
// period's own target, else its year's.
func (s *Store) UnitTargets(ctx context.Context, unit, period string) (map[string]float64, error) {
	rows, err := s.conn.Query(ctx, s.SQL(unitTargetsSQL), clickhouse.Named("unit", unit), clickhouse.Named("period", period))
	if err != nil {
		return nil, fmt.Errorf("read the targets of %s: %w", unit, err)
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var ind string
		var t float64
		if err := rows.Scan(&ind, &t); err != nil {
			return nil, fmt.Errorf("read the targets of %s: %w", unit, err)
		}
		out[ind] = t
	}
	return out, rows.Err()
}
