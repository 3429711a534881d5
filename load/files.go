package load

import (
	"context"
	"fmt"
	"time"
)

const (
	insertFileSQL = `INSERT INTO {db}.files (content_hash, file_name, status, rows, loaded, rejected, reason,
processed_at, run_id, version)`
	fileDoneSQL = `SELECT file_name FROM {db}.files FINAL WHERE content_hash = ? AND status = 'done'`
)

// File statuses in files.status.
const (
	FileDone   = "done"
	FileFailed = "failed"
)

// FileRecord is one processed file of the file-drop source (v_files).
type FileRecord struct {
	Hash     string // hex SHA-256 of the file's bytes
	Name     string
	Status   string // FileDone or FileFailed
	Rows     uint64 // data rows in the file
	Loaded   uint64
	Rejected uint64
	Reason   string // why it failed
	RunID    string
}

// FileDone reports whether a file with this content hash was already loaded,
// and under which name.
func (s *Store) FileDone(ctx context.Context, hash string) (name string, done bool, err error) {
	rows, err := s.conn.Query(ctx, s.SQL(fileDoneSQL), hash)
	if err != nil {
		return "", false, fmt.Errorf("look up file %s: %w", hash, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return "", false, rows.Err()
	}
	if err := rows.Scan(&name); err != nil {
		return "", false, fmt.Errorf("look up file %s: %w", hash, err)
	}
	return name, true, rows.Err()
}

// RecordFile writes the outcome of one file; the latest write wins.
func (s *Store) RecordFile(ctx context.Context, f FileRecord) error {
	now := time.Now()
	err := s.insertRows(ctx, s.opts.Logger, insertFileSQL, 1, func(int) []any {
		return []any{f.Hash, f.Name, f.Status, f.Rows, f.Loaded, f.Rejected, f.Reason, now, f.RunID, uint64(now.UnixNano())}
	})
	if err != nil {
		return fmt.Errorf("record file %s (%s): %w", f.Name, f.Status, err)
	}
	return nil
}
