package load

import (
	"context"
	"fmt"
	"time"
)

const (
	watermarkSQL       = `SELECT watermark FROM {db}.sync_state FINAL WHERE source = ?`
	insertWatermarkSQL = `INSERT INTO {db}.sync_state (source, watermark, run_id, updated_at, version)`
	insertRunSQL       = `INSERT INTO {db}.runs (run_id, source, command, started_at, finished_at, status, fetched,
loaded, rejected, window_from, window_to, error, version)`
)

// Watermark returns the source's watermark: every record with a cursor
// before it has been loaded. ok is false for a source never synced.
func (s *Store) Watermark(ctx context.Context, source string) (t time.Time, ok bool, err error) {
	rows, err := s.conn.Query(ctx, s.SQL(watermarkSQL), source)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read watermark of %s: %w", source, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return time.Time{}, false, rows.Err()
	}
	if err := rows.Scan(&t); err != nil {
		return time.Time{}, false, fmt.Errorf("read watermark of %s: %w", source, err)
	}
	return t, true, rows.Err()
}

// AdvanceWatermark moves the source's watermark to to. It never moves it
// backwards: a backfill of an old window or a stale run leaves a later
// watermark in place. Callers call it only after every batch of the window was
// acknowledged.
func (s *Store) AdvanceWatermark(ctx context.Context, source string, to time.Time, runID string) error {
	cur, ok, err := s.Watermark(ctx, source)
	if err != nil {
		return err
	}
	if ok && !to.After(cur) {
		return nil
	}
	now := time.Now()
	err = s.insertRows(ctx, s.opts.Logger, insertWatermarkSQL, 1, func(int) []any {
		// The version orders writes; the watermark itself only grows, so the
		// latest write is also the furthest.
		return []any{source, to, runID, now, uint64(now.UnixNano())}
	})
	if err != nil {
		return fmt.Errorf("advance watermark of %s to %s: %w", source, to.Format(time.RFC3339), err)
	}
	return nil
}

// Run statuses as stored in runs.status.
const (
	RunRunning = "running"
	RunSuccess = "success"
	RunFailed  = "failed"
	RunDryRun  = "dry_run"
)

// Run is one row of the run history (v_runs).
type Run struct {
	ID         string
	Source     string
	Command    string // "sync", "backfill", "compute", …
	StartedAt  time.Time
	FinishedAt *time.Time
	Status     string
	Fetched    uint64
	Loaded     uint64
	Rejected   uint64
	WindowFrom *time.Time
	WindowTo   *time.Time
	Error      string
}

// RecordRun writes the run's current state. A run is written when it starts
// and again when it ends; v_runs shows the latest write.
func (s *Store) RecordRun(ctx context.Context, r Run) error {
	v := uint64(time.Now().UnixNano())
	err := s.insertRows(ctx, s.opts.Logger, insertRunSQL, 1, func(int) []any {
		return []any{r.ID, r.Source, r.Command, r.StartedAt, r.FinishedAt, r.Status, r.Fetched,
			r.Loaded, r.Rejected, r.WindowFrom, r.WindowTo, r.Error, v}
	})
	if err != nil {
		return fmt.Errorf("record run %s (%s): %w", r.ID, r.Status, err)
	}
	return nil
}
