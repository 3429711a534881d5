package load

import (
	"context"
	"fmt"
	"time"
)

const lastSuccessSQL = `SELECT source, max(finished_at) AS finished FROM {db}.v_runs
WHERE status = 'success' AND command = 'sync' AND finished_at IS NOT NULL
GROUP BY source`

// LastSuccessfulSyncs returns, per source, when its latest successful sync
// run finished (v_runs). A source never synced successfully is absent.
func (s *Store) LastSuccessfulSyncs(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.conn.Query(ctx, s.SQL(lastSuccessSQL))
	if err != nil {
		return nil, fmt.Errorf("read last successful syncs: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var src string
		var t *time.Time
		if err := rows.Scan(&src, &t); err != nil {
			return nil, fmt.Errorf("read last successful syncs: %w", err)
		}
		if t != nil {
			out[src] = *t
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read last successful syncs: %w", err)
	}
	return out, nil
}
