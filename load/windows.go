package load

import (
	"context"
	"fmt"
	"time"
)

const insertWindowSQL = `INSERT INTO {db}.windows (run_id, source, window_from, window_to, depth, total_reported,
records_read, distinct_records, rereads, pages, page_size, status, error, portal_time, recorded_at, version)`

// Window statuses (windows.status) are extract's: complete, split,
// shortfall, page_ignored, endless_pages, no_total, unstable, failed.

// WindowRecord is what one window read proved (v_windows).
type WindowRecord struct {
	RunID      string
	Source     string
	From, To   time.Time
	Depth      int   // halvings from the planned window
	Total      int64 // the portal's total in the last read (-1: it sent none)
	Read       uint64
	Distinct   uint64
	Rereads    int
	Pages      int
	PageSize   int
	Status     string
	Error      string
	PortalTime *time.Time // the portal's HTTP Date, if it sent one
}

// RecordWindows writes the windows a run read, in one batch.
func (s *Store) RecordWindows(ctx context.Context, ws []WindowRecord) error {
	now := time.Now()
	v := uint64(now.UnixNano())
	err := s.insertRows(ctx, s.opts.Logger, insertWindowSQL, len(ws), func(i int) []any {
		w := &ws[i]
		return []any{w.RunID, w.Source, w.From, w.To, uint8(min(w.Depth, 255)), w.Total, w.Read, w.Distinct,
			uint32(w.Rereads), uint32(w.Pages), uint32(w.PageSize), w.Status, w.Error, w.PortalTime, now, v}
	})
	if err != nil {
		return fmt.Errorf("record %d windows: %w", len(ws), err)
	}
	return nil
}
