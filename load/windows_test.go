package load_test

import (
	"context"
	"testing"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
)

// TestRecordWindows: what each window read proved lands in v_windows, one
// row per window, and a rewrite of the same window replaces it.
func TestRecordWindows(t *testing.T) {
	s := chtest.Store(t)
	ctx := context.Background()
	pt := at("2025-09-01 17:00")
	rows := []load.WindowRecord{
		{RunID: "r1", Source: "dossiers", From: at("2025-05-15 00:00"), To: at("2025-06-15 00:00"), Total: 312, Read: 330,
			Distinct: 312, Rereads: 1, Pages: 9, PageSize: 50, Status: "complete", PortalTime: &pt},
		{RunID: "r1", Source: "dossiers", From: at("2025-06-15 00:00"), To: at("2025-06-30 12:00"), Depth: 1, Total: 26,
			Read: 69, Distinct: 23, Rereads: 2, Pages: 9, PageSize: 10, Status: "shortfall", Error: "short"},
	}
	for i := 0; i < 2; i++ { // written twice: still one row per window
		if err := s.RecordWindows(ctx, rows); err != nil {
			t.Fatal(err)
		}
	}
	if got := count(t, s, "SELECT count() FROM {db}.v_windows"); got != 2 {
		t.Fatalf("%d rows, want 2", got)
	}
	q := `SELECT count() FROM {db}.v_windows WHERE run_id = 'r1' AND status = 'shortfall' AND total_reported = 26
AND records_read = 69 AND distinct_records = 23 AND rereads = 2 AND depth = 1 AND page_size = 10 AND portal_time IS NULL
AND window_to = toDateTime('2025-06-30 12:00:00', 'Asia/Ho_Chi_Minh')`
	if got := count(t, s, q); got != 1 {
		t.Fatalf("the shortfall window is not as written")
	}
	if got := count(t, s, "SELECT count() FROM {db}.v_windows WHERE portal_time = toDateTime('2025-09-01 17:00:00', 'Asia/Ho_Chi_Minh')"); got != 1 {
		t.Fatal("portal_time not as written")
	}
}
