package load

import (
	"context"
	"fmt"
	"time"

	"github.com/dvcindex/dvcindex/transform/official"
)

const (
	insertOfficialMetricsSQL = `INSERT INTO {db}.official_metrics (period, family, department_id, kind, metric, root,
department_code, department_name, department_type, level, agency_level, unit_code, metric_name, numerator_field,
denominator_field, numerator, denominator, ratio, score, max_score, data_quality_status, data_quality_message,
fetched_at, run_id, version)`
	insertOfficialCheckSQL = `INSERT INTO {db}.official_formula_check (period, family, department_id, kind, metric, item,
department_code, unit_code, indicator, dvc_metric, numerator, denominator, published_score, formula_score, difference,
published_max, formula_max, status, note, formula_version, checked_at, run_id, version)`
	insertOfficialResponseSQL = `INSERT INTO {db}.official_responses (period, family, page, body, fetched_at, run_id, version)`
)

// OfficialRead is everything one sync read of one family and period of the
// national reporting API produced: every page's rows, the dvcindex unit of
// each department that resolves to one, the formula check, and the bodies.
type OfficialRead struct {
	Period    string // dvcindex period code: 2026, 2026-Q3, 2026-08
	Family    string
	Rows      []official.Row
	Checks    []official.CheckRow
	Units     map[string]string // departmentId → unit code; absent = unmapped
	Bodies    [][]byte          // page 1, 2, … as received
	FetchedAt time.Time
	// Mapping gives the dvcindex indicator and metric of a check row (ok
	// false: none), to join the reconciliation.
	Mapping func(family, kind, metric string) (indicator, metric2 string, ok bool)
}

// WriteOfficialRead writes one read of a family and period; the views show
// only the newest read of each (period, family), so departments that
// disappear from a re-read disappear from the views too.
func (s *Store) WriteOfficialRead(ctx context.Context, runID string, r OfficialRead) error {
	v := uint64(time.Now().UnixNano())
	log := s.opts.Logger
	unit := func(dept string) *string {
		if u, ok := r.Units[dept]; ok {
			return &u
		}
		return nil
	}
	err := s.insertRows(ctx, log, insertOfficialMetricsSQL, len(r.Rows), func(i int) []any {
		m := &r.Rows[i]
		return []any{r.Period, m.Family, m.DepartmentID, string(m.Kind), m.Metric, boolByte(m.Root), m.DepartmentCode,
			m.DepartmentName, m.DepartmentType, m.DepartmentLevel, m.AgencyLevel, unit(m.DepartmentID), m.Name,
			m.NumeratorField, m.DenominatorField, m.Numerator, m.Denominator, m.Ratio, m.Score, m.MaxScore,
			m.DataQualityStatus, m.DataQualityMessage, r.FetchedAt, runID, v}
	})
	if err != nil {
		return fmt.Errorf("load official_metrics %s %s (%d rows): %w", r.Family, r.Period, len(r.Rows), err)
	}
	err = s.insertRows(ctx, log, insertOfficialCheckSQL, len(r.Checks), func(i int) []any {
		c := &r.Checks[i]
		ind, met, _ := r.Mapping(c.Family, string(c.Kind), c.Metric)
		return []any{r.Period, c.Family, c.DepartmentID, string(c.Kind), c.Metric, c.Item, c.DepartmentCode,
			unit(c.DepartmentID), ind, met, c.Numerator, c.Denominator, c.Published, c.Formula, c.Diff,
			c.PublishedMax, c.FormulaMax, string(c.Status), c.Note, official.FormulaVersion, r.FetchedAt, runID, v}
	})
	if err != nil {
		return fmt.Errorf("load official_formula_check %s %s (%d rows): %w", r.Family, r.Period, len(r.Checks), err)
	}
	err = s.insertRows(ctx, log, insertOfficialResponseSQL, len(r.Bodies), func(i int) []any {
		return []any{r.Period, r.Family, uint32(i + 1), string(r.Bodies[i]), r.FetchedAt, runID, v}
	})
	if err != nil {
		return fmt.Errorf("load official_responses %s %s: %w", r.Family, r.Period, err)
	}
	return nil
}

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}
