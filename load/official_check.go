package load

import (
	"context"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// officialCheckSQL summarizes v_official_formula_check: rows with both a
// published and a formula score, those within 0.01, and the largest gap
// with its row. @period ” means every period.
const officialCheckSQL = `SELECT count() AS checked,
       countIf(abs(ifNull(difference, 0.)) <= 0.01 + 0.000000001) AS reproduced,
       max(abs(ifNull(difference, 0.))) AS worst,
       argMax(concat(period, ' ', family, ' ', department_id, ' ', metric), abs(ifNull(difference, 0.))) AS worst_row
FROM {db}.v_official_formula_check
WHERE published_score IS NOT NULL AND formula_score IS NOT NULL AND (@period = '' OR period = @period)`

// OfficialCheck is the summary of the formula check on the official rows.
type OfficialCheck struct {
	Checked, Reproduced uint64
	Worst               float64 // largest |formula − published|
	WorstRow            string  // "period family department_id metric" of it
}

// Share is Reproduced/Checked (1 when nothing was checked).
func (c OfficialCheck) Share() float64 {
	if c.Checked == 0 {
		return 1
	}
	return float64(c.Reproduced) / float64(c.Checked)
}

// OfficialCheckSummary summarizes the formula check of period ("" = all).
func (s *Store) OfficialCheckSummary(ctx context.Context, period string) (OfficialCheck, error) {
	var c OfficialCheck
	row := s.conn.QueryRow(ctx, s.SQL(officialCheckSQL), clickhouse.Named("period", period))
	if err := row.Scan(&c.Checked, &c.Reproduced, &c.Worst, &c.WorstRow); err != nil {
		return OfficialCheck{}, fmt.Errorf("read the official formula check of %q: %w", period, err)
	}
	return c, nil
}
