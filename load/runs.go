package load

import (
	"context"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
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

// RunAbandoned is the status of a run whose process ended before it could
// record an outcome (killed, machine lost).
const RunAbandoned = "abandoned"

const staleRunsSQL = `SELECT run_id, source, command, started_at, fetched, loaded, rejected, window_from, window_to
FROM {db}.v_runs
WHERE source = @source AND status = 'running' AND started_at < @before`

// AbandonStaleRuns marks the source's runs still "running" that started
// before before as abandoned, so v_runs does not show a killed run as
// running forever. Callers pass a time no live run can have started before
// (now minus the longest a run may take). It returns how many it marked.
func (s *Store) AbandonStaleRuns(ctx context.Context, source string, before time.Time) (int, error) {
	rows, err := s.conn.Query(ctx, s.SQL(staleRunsSQL), clickhouse.Named("source", source), clickhouse.Named("before", before))
	if err != nil {
		return 0, fmt.Errorf("read stale runs of %s: %w", source, err)
	}
	var stale []Run
	for rows.Next() {
		var r Run
		if err := rows.Scan(&r.ID, &r.Source, &r.Command, &r.StartedAt, &r.Fetched, &r.Loaded, &r.Rejected, &r.WindowFrom, &r.WindowTo); err != nil {
			rows.Close()
			return 0, fmt.Errorf("read stale runs of %s: %w", source, err)
		}
		stale = append(stale, r)
	}
	rows.Close()
	for _, r := range stale {
		r.Status = RunAbandoned
		r.Error = "the process ended before the run recorded an outcome (killed or lost); its window was not committed past the watermark"
		if err := s.RecordRun(ctx, r); err != nil {
			return 0, err
		}
	}
	return len(stale), nil
}
