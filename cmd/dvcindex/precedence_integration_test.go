package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// TestFileDropNeverReplacesTheAPI: a dossier read from the portal API, then
// dropped in a spreadsheet with a later NgayCapNhat and an on-time finish,
// stays at its API version in v_dossiers (a ward cannot turn a late dossier
// into an on-time one); a dossier found only in the file is still loaded.
func TestFileDropNeverReplacesTheAPI(t *testing.T) {
	h := newHarness(t, simOptions(80))
	if code, out, errs := h.run(nil, "sync", "--source", "dossiers"); code != 0 {
		t.Fatalf("sync dossiers exit %d: %s %.2000s", code, out, errs)
	}
	var api fileRow
	for _, r := range validTruths(h.sim, 0, 80) {
		if r.tr.Due != nil && r.tr.Received != nil {
			api = r
			break
		}
	}
	if api.tr.ID == "" {
		t.Fatal("the simulator has no received dossier with a due date")
	}
	later := api.tr.UpdatedAt.Add(30 * 24 * time.Hour)
	onTime := api.tr.Due.Add(-time.Hour)
	const fileOnly = "FILE-ONLY-000001"
	csv := "Mã hồ sơ,Mã TTHC,Đơn vị,Trạng thái,Ngày cập nhật,Ngày tiếp nhận,Ngày hẹn trả,Ngày kết thúc xử lý,Ngày trả kết quả\n"
	for _, id := range []string{api.tr.ID, fileOnly} {
		csv += strings.Join([]string{id, api.tr.ProcedureNational, api.tr.UnitName, "10", dmy(&later),
			dmy(api.tr.Received), dmy(api.tr.Due), dmy(&onTime), dmy(&onTime)}, ",") + "\n"
	}
	inbox := t.TempDir()
	if err := os.WriteFile(filepath.Join(inbox, "ward-export.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := h.run([]string{"DVC_FILES_INBOX=" + inbox, "DVC_FILES_SETTLE=0s"}, "sync", "--source", "files"); code != 0 {
		t.Fatalf("sync files exit %d: %s %.2000s", code, out, errs)
	}
	// The file's row of the API dossier was loaded, and lost.
	if n := h.count("SELECT count() FROM {db}.dossiers WHERE dossier_id = ? AND source = 'files'", api.tr.ID); n != 1 {
		t.Fatalf("the file's row of %s was not written (%d rows): nothing was tested", api.tr.ID, n)
	}
	tests := []struct {
		id, source string
		updated    time.Time
		returned   *time.Time
	}{
		{api.tr.ID, "dossiers", api.tr.UpdatedAt, api.tr.Returned},
		{fileOnly, "files", later, &onTime},
	}
	for _, tt := range tests {
		var source string
		var updated time.Time
		var returned *time.Time
		err := h.store.Conn().QueryRow(context.Background(),
			h.store.SQL("SELECT source, updated_at, returned_at FROM {db}.v_dossiers WHERE dossier_id = @id"),
			clickhouse.Named("id", tt.id)).Scan(&source, &updated, &returned)
		if err != nil {
			t.Fatalf("dossier %s: %v", tt.id, err)
		}
		if source != tt.source || !updated.Equal(tt.updated) || !sameTime(returned, tt.returned) {
			t.Errorf("dossier %s: v_dossiers shows source %s, updated_at %s, returned_at %v; want %s, %s, %v",
				tt.id, source, updated, returned, tt.source, tt.updated, tt.returned)
		}
	}
	if n := h.count("SELECT count() FROM {db}.v_dossiers WHERE dossier_id = ?", api.tr.ID); n != 1 {
		t.Errorf("v_dossiers has %d rows of %s", n, api.tr.ID)
	}
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}
