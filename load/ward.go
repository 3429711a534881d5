package load

import (
	"context"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// What the unit's page (internal/ward, internal/web) reads beyond explain:
// the units with figures, and the items behind a metric's findings, page
// by page. Only the analysts' views.

const (
	unitsWithFiguresSQL = `SELECT DISTINCT unit_code, period FROM {db}.v_indicator_scores ORDER BY unit_code, period DESC`

	referenceUnitsSQL = `SELECT code, name, type, district_code, province_code, valid_from, valid_to FROM {db}.v_units
ORDER BY code, valid_from`

	findingItemsCountSQL = `SELECT count() FROM {db}.v_dossier_findings
WHERE period = @period AND has(@units, unit_code) AND metric = @metric`

	// The items of a metric's findings, the worst first, with the dossier's
	// dates when the item is a dossier.
	findingItemsSQL = `SELECT dossier_id, procedure_code, ifNull(procedure_name, ''), received_at, due_at, finished_at, finding, detail
FROM
(
    SELECT dossier_id, procedure_code, national_code, finding, detail, severity, received_at, due_at, finished_at
    FROM
    (
        SELECT dossier_id, procedure_code, substring(procedure_code, 1, 8) AS national_code, finding, detail, severity
        FROM {db}.v_dossier_findings
        WHERE period = @period AND has(@units, unit_code) AND metric = @metric
        ORDER BY severity DESC, dossier_id, finding
        LIMIT @offset, @limit
    )
    ANY LEFT JOIN
    (
        SELECT dossier_id, received_at, due_at, finished_at FROM {db}.v_dossiers
        WHERE dossier_id IN (SELECT dossier_id FROM {db}.v_dossier_findings
                             WHERE period = @period AND has(@units, unit_code) AND metric = @metric AND dossier_id != '')
    ) USING dossier_id
)
ANY LEFT JOIN (SELECT national_code, toNullable(name) AS procedure_name FROM {db}.v_procedures) USING national_code
ORDER BY severity DESC, dossier_id, finding`
)

// UnitPeriod is one unit with computed figures for one period.
type UnitPeriod struct {
	Code, Period string
}

// UnitsWithFigures lists every (unit, period) with computed figures,
// newest period first within a unit.
func (s *Store) UnitsWithFigures(ctx context.Context) ([]UnitPeriod, error) {
	rows, err := s.conn.Query(ctx, s.SQL(unitsWithFiguresSQL))
	if err != nil {
		return nil, fmt.Errorf("list the units with figures: %w", err)
	}
	defer rows.Close()
	var out []UnitPeriod
	for rows.Next() {
		var u UnitPeriod
		if err := rows.Scan(&u.Code, &u.Period); err != nil {
			return nil, fmt.Errorf("list the units with figures: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ReferenceUnit is one row of v_units: a unit over its validity.
type ReferenceUnit struct {
	Code, Name, Type, DistrictCode, ProvinceCode string
	ValidFrom                                    time.Time
	ValidTo                                      *time.Time
}

// ReferenceUnits reads v_units (every unit over each of its validities).
func (s *Store) ReferenceUnits(ctx context.Context) ([]ReferenceUnit, error) {
	rows, err := s.conn.Query(ctx, s.SQL(referenceUnitsSQL))
	if err != nil {
		return nil, fmt.Errorf("read v_units: %w", err)
	}
	defer rows.Close()
	var out []ReferenceUnit
	for rows.Next() {
		var u ReferenceUnit
		if err := rows.Scan(&u.Code, &u.Name, &u.Type, &u.DistrictCode, &u.ProvinceCode, &u.ValidFrom, &u.ValidTo); err != nil {
			return nil, fmt.Errorf("read v_units: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// FindingItem is one item behind a metric's findings.
type FindingItem struct {
	ID, ProcedureCode, ProcedureName string
	Received, Due, Finished          *time.Time
	Finding, Detail                  string
}

// FindingItems returns items offset … offset+limit of a metric's findings
// in the units' scope, and how many there are.
func (s *Store) FindingItems(ctx context.Context, period string, units []string, metric string, offset, limit int) ([]FindingItem, int, error) {
	args := []any{clickhouse.Named("period", period), clickhouse.Named("units", units), clickhouse.Named("metric", metric),
		clickhouse.Named("offset", offset), clickhouse.Named("limit", limit)}
	total, err := s.countNamed(ctx, findingItemsCountSQL, args)
	if err != nil {
		return nil, 0, fmt.Errorf("count the items of %s: %w", metric, err)
	}
	rows, err := s.conn.Query(ctx, s.SQL(findingItemsSQL), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("read the items of %s: %w", metric, err)
	}
	defer rows.Close()
	var out []FindingItem
	for rows.Next() {
		var it FindingItem
		if err := rows.Scan(&it.ID, &it.ProcedureCode, &it.ProcedureName, &it.Received, &it.Due, &it.Finished, &it.Finding, &it.Detail); err != nil {
			return nil, 0, fmt.Errorf("read the items of %s: %w", metric, err)
		}
		out = append(out, it)
	}
	return out, int(total), rows.Err()
}

// ExplainScope returns the units whose findings belong to unit in period:
// itself and, for a district or the province, the units below it (as
// Explain gathers them).
func (s *Store) ExplainScope(ctx context.Context, unit, period string) ([]string, error) {
	rows, err := s.conn.Query(ctx, s.SQL(explainScopeSQL), clickhouse.Named("period", period), clickhouse.Named("unit", unit))
	if err != nil {
		return nil, fmt.Errorf("read unit scope: %w", err)
	}
	defer rows.Close()
	var scope []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("read unit scope: %w", err)
		}
		scope = append(scope, c)
	}
	return scope, rows.Err()
}
