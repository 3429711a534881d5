package load

import (
	"context"
	"fmt"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// What a reprocess dry run compares with (pipeline/diff.go).

const (
	countSetSQL       = `SELECT %s FROM {db}.v_dossiers WHERE has(@ids, dossier_id)`
	rejectsByFieldSQL = `SELECT field, count() FROM {db}.v_rejects
WHERE source = @source AND has(@runs, run_id) GROUP BY field`
)

// countSetChunk bounds the ids bound into one query.
const countSetChunk = 5000

// CountSet counts, among the current rows of the dossiers ids, those for
// which each condition holds. The conditions are SQL over v_dossiers
// written in the program (never from input); the ids are bound.
func (s *Store) CountSet(ctx context.Context, ids []string, conditions []string) ([]uint64, error) {
	cols := make([]string, len(conditions))
	for i, c := range conditions {
		cols[i] = "countIf(" + c + ")"
	}
	stmt := s.SQL(fmt.Sprintf(countSetSQL, strings.Join(cols, ", ")))
	out := make([]uint64, len(conditions))
	for len(ids) > 0 {
		n := min(len(ids), countSetChunk)
		got := make([]uint64, len(conditions))
		dest := make([]any, len(got))
		for i := range got {
			dest[i] = &got[i]
		}
		if err := s.conn.QueryRow(ctx, stmt, clickhouse.Named("ids", ids[:n])).Scan(dest...); err != nil {
			return nil, fmt.Errorf("count the current fields of %d dossiers: %w", n, err)
		}
		for i := range got {
			out[i] += got[i]
		}
		ids = ids[n:]
	}
	return out, nil
}

// RejectsByField counts the rejects of source written by runs, per field.
func (s *Store) RejectsByField(ctx context.Context, source string, runs []string) (map[string]uint64, error) {
	out := map[string]uint64{}
	if len(runs) == 0 {
		return out, nil
	}
	rows, err := s.conn.Query(ctx, s.SQL(rejectsByFieldSQL), clickhouse.Named("source", source), clickhouse.Named("runs", runs))
	if err != nil {
		return nil, fmt.Errorf("count the rejects of %s: %w", source, err)
	}
	defer rows.Close()
	for rows.Next() {
		var f string
		var n uint64
		if err := rows.Scan(&f, &n); err != nil {
			return nil, fmt.Errorf("count the rejects of %s: %w", source, err)
		}
		out[f] = n
	}
	return out, rows.Err()
}
