package load

import (
	"context"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/dvcindex/dvcindex/transform"
)

const (
	insertPetitionsSQL = `INSERT INTO {db}.petitions (petition_id, version, dossier_id, unit_code, unit_name, received_at,
deadline_at, handled_at, rating, updated_at, source, run_id, loaded_at)`
	insertBCQGSQL     = `INSERT INTO {db}.bcqg_counts (unit_code, period, received, synced_at, run_id, version)`
	insertOfficialSQL = `INSERT INTO {db}.official_scores (period, unit_code, indicator, metric, score, max_score, ratio,
synced_at, run_id, version)`
	keyedPresentSQL = `SELECT DISTINCT unit_code FROM {db}.%s WHERE period = @period`
)

// WritePetitions writes normalized petitions as one batch; the version is
// their NgayCapNhat, like dossiers.
func (s *Store) WritePetitions(ctx context.Context, runID string, ps []transform.Petition) error {
	now := time.Now()
	err := s.insertRows(ctx, s.opts.Logger, insertPetitionsSQL, len(ps), func(i int) []any {
		p := &ps[i]
		return []any{p.PetitionID, uint64(p.UpdatedAt.Unix()), p.DossierID, p.UnitCode, p.UnitName, p.ReceivedAt,
			p.DeadlineAt, p.HandledAt, p.Rating, p.UpdatedAt, p.Source, runID, now}
	})
	if err != nil {
		return fmt.Errorf("load petitions batch (%d rows): %w", len(ps), err)
	}
	return nil
}

// WriteBCQG writes BCQG received counts; a re-read replaces the count.
func (s *Store) WriteBCQG(ctx context.Context, runID string, cs []transform.BCQGCount) error {
	now := time.Now()
	v := uint64(now.UnixNano())
	err := s.insertRows(ctx, s.opts.Logger, insertBCQGSQL, len(cs), func(i int) []any {
		return []any{cs[i].UnitCode, cs[i].Period, cs[i].Received, now, runID, v}
	})
	if err != nil {
		return fmt.Errorf("load bcqg_counts (%d rows): %w", len(cs), err)
	}
	return nil
}

// WriteOfficialScores writes published scores; a re-read replaces them.
func (s *Store) WriteOfficialScores(ctx context.Context, runID string, os []transform.OfficialScore) error {
	now := time.Now()
	v := uint64(now.UnixNano())
	err := s.insertRows(ctx, s.opts.Logger, insertOfficialSQL, len(os), func(i int) []any {
		o := &os[i]
		return []any{o.Period, o.UnitCode, o.Indicator, o.Metric, o.Score, o.Max, o.Ratio, now, runID, v}
	})
	if err != nil {
		return fmt.Errorf("load official_scores (%d rows): %w", len(os), err)
	}
	return nil
}

// KeyedPresent returns the units that already have rows in table
// ("bcqg_counts" or "official_scores") for period.
func (s *Store) KeyedPresent(ctx context.Context, table, period string) (map[string]bool, error) {
	if table != "bcqg_counts" && table != "official_scores" {
		return nil, fmt.Errorf("keyed table %q", table)
	}
	rows, err := s.conn.Query(ctx, s.SQL(fmt.Sprintf(keyedPresentSQL, table)), clickhouse.Named("period", period))
	if err != nil {
		return nil, fmt.Errorf("read %s of %s: %w", table, period, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out[u] = true
	}
	return out, rows.Err()
}
