package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
)

var statusNames = map[int]string{1: "Mới đăng ký", 2: "Được tiếp nhận", 3: "Không được tiếp nhận", 4: "Đang xử lý",
	5: "Yêu cầu bổ sung", 6: "Yêu cầu thực hiện nghĩa vụ tài chính", 7: "Công dân yêu cầu rút hồ sơ", 8: "Dừng xử lý",
	9: "Đã xử lý xong", 10: "Đã trả kết quả"}

var channelNames = map[int]string{1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính"}

// fileRow is a dossier as an export lists it, from the simulator's truth.
type fileRow struct {
	tr   simulator.Truth
	name string // an owner's name: not a §6 column, but some exports add it
}

func dmy(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(simulator.Location).Format("02/01/2006 15:04:05")
}

func validTruths(sim *simulator.Simulator, from, n int) []fileRow {
	var out []fileRow
	for i := from; i < sim.Len() && len(out) < n; i++ {
		if tr := sim.Truth(i); !tr.Invalid {
			out = append(out, fileRow{tr: tr, name: "Nguyễn Văn Thử" + strconv.Itoa(i)})
		}
	}
	return out
}

// messyCSV writes rows with unaccented headers in a scrambled order, ";",
// a BOM, CRLF, an unknown column and a personal column.
func messyCSV(rows []fileRow, badStatusRow bool) []byte {
	var b strings.Builder
	b.WriteString("\ufeffSTT;Trang thai;Ngay cap nhat;Ma ho so;Don vi;Ma TTHC;Kenh nop;Ho ten;Ngay tiep nhan;Ngay hen tra;Ngay tra ket qua\r\n")
	for i, r := range rows {
		status := strconv.Itoa(r.tr.Status)
		if badStatusRow && i == len(rows)-1 {
			status = "không rõ"
		}
		cells := []string{strconv.Itoa(i + 1), status, dmy(&r.tr.UpdatedAt), r.tr.ID, "UBND " + r.tr.UnitName,
			r.tr.ProcedureNational, channelNames[r.tr.Channel], r.name, dmy(r.tr.Received), dmy(r.tr.Due), dmy(r.tr.Returned)}
		for j, c := range cells {
			if strings.ContainsAny(c, ";\"") {
				cells[j] = strconv.Quote(c)
			}
		}
		b.WriteString(strings.Join(cells, ";") + "\r\n")
	}
	return []byte(b.String())
}

// messyXLSX writes a title row, a blank row, then headers with diacritics
// (one in NFD) and dates as real date cells.
func messyXLSX(t *testing.T, rows []fileRow) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	set := func(cell string, v any) {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "DANH SÁCH HỒ SƠ — UBND THỊ XÃ HOÀI NHƠN")
	headers := []string{"Mã hồ sơ", norm.NFD.String("Ngày cập nhật"), "Mã TTHC", "Tên TTHC", "Đơn vị", "Kênh nộp", "Ngày nộp",
		"Ngày tiếp nhận", "Trạng thái", "Ghi chú"}
	for c, hd := range headers {
		set(cellName(t, c+1, 3), hd)
	}
	wall := func(t time.Time) time.Time { // the sheet holds local wall-clock time
		l := t.In(simulator.Location)
		return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
	}
	for i, r := range rows {
		row := i + 4
		vals := []any{r.tr.ID, wall(r.tr.UpdatedAt), r.tr.ProcedureNational, "Thủ tục", r.tr.UnitName, channelNames[r.tr.Channel],
			dmy(r.tr.Submitted), dmy(r.tr.Received), statusNames[r.tr.Status], "ghi chú " + strconv.Itoa(i)}
		for c, v := range vals {
			set(cellName(t, c+1, row), v)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func cellName(t *testing.T, col, row int) string {
	t.Helper()
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		t.Fatal(err)
	}
	return cell
}

// checkFileDates: the received, due (Ngay hen tra) and returned (Ngay tra
// ket qua) dates the CSV wrote are the loaded ones, to the second; a blank
// cell loads as NULL.
func checkFileDates(t *testing.T, h *harness, rows []fileRow) {
	t.Helper()
	type dates struct{ received, due, returned *time.Time }
	got := map[string]dates{}
	q, err := h.store.Conn().Query(context.Background(), h.store.SQL("SELECT dossier_id, received_at, due_at, returned_at FROM {db}.v_dossiers"))
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	for q.Next() {
		var id string
		var d dates
		if err := q.Scan(&id, &d.received, &d.due, &d.returned); err != nil {
			t.Fatal(err)
		}
		got[id] = d
	}
	if err := q.Err(); err != nil {
		t.Fatal(err)
	}
	same := func(a, b *time.Time) bool {
		return (a == nil) == (b == nil) && (a == nil || a.Truncate(time.Second).Equal(b.Truncate(time.Second)))
	}
	var dues, returns int
	for _, r := range rows {
		g := got[r.tr.ID]
		if !same(g.received, r.tr.Received) || !same(g.due, r.tr.Due) || !same(g.returned, r.tr.Returned) {
			t.Errorf("dossier %s: received %v, due %v, returned %v; the file says %v, %v, %v", r.tr.ID,
				g.received, g.due, g.returned, r.tr.Received, r.tr.Due, r.tr.Returned)
		}
		if r.tr.Due != nil {
			dues++
		}
		if r.tr.Returned != nil {
			returns++
		}
	}
	if dues == 0 || returns == 0 {
		t.Errorf("the CSV rows carry %d due and %d returned dates: the check would prove nothing", dues, returns)
	}
}

func TestFileDrops(t *testing.T) {
	h := newHarness(t, simOptions(120))
	inbox := t.TempDir()
	env := []string{"DVC_FILES_INBOX=" + inbox, "DVC_FILES_SETTLE=0s"}
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(inbox, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	csvRows := validTruths(h.sim, 0, 30)
	xlsxRows := validTruths(h.sim, 60, 25)
	csvData := messyCSV(csvRows, true)
	write("export-csv.csv", csvData)
	write("export-xlsx.xlsx", messyXLSX(t, xlsxRows))
	write("broken.xlsx", []byte("this is not a spreadsheet"))
	write("no-update-column.csv", []byte("Mã hồ sơ,Mã TTHC,Đơn vị,Trạng thái\nX-1,1.010824,Tam Quan,1\n"))
	write("notes.txt", []byte("ignored"))

	code, out, errs := h.run(env, "sync", "--source", "files")
	if code != 0 {
		t.Fatalf("sync files exit %d\nstdout: %s\nstderr: %.3000s", code, out, errs)
	}
	// Every valid row of both files is in v_dossiers at its version; the
	// last CSV row (a status nobody knows) is rejected.
	want := map[string]time.Time{}
	for _, r := range csvRows[:len(csvRows)-1] {
		want[r.tr.ID] = r.tr.UpdatedAt
	}
	for _, r := range xlsxRows {
		want[r.tr.ID] = r.tr.UpdatedAt
	}
	got := loadedDossiers(t, h.store)
	if len(got) != len(want) {
		t.Errorf("v_dossiers has %d dossiers, want %d", len(got), len(want))
	}
	for id, at := range want {
		if g, ok := got[id]; !ok || !g.Equal(at) {
			t.Errorf("dossier %s: loaded %v (%v), want updated_at %s", id, ok, g, at)
		}
	}
	checkFileDates(t, h, csvRows[:len(csvRows)-1])
	if n := h.count("SELECT count() FROM {db}.v_dossiers WHERE source != 'files' OR step_count != 0"); n != 0 {
		t.Errorf("%d file dossiers with another source or with steps", n)
	}
	if n := h.count("SELECT count() FROM {db}.v_dossiers WHERE channel = 'online'"); n == 0 {
		t.Error("no channel read from the text \"Trực tuyến\"")
	}
	if n := h.count("SELECT count() FROM {db}.v_rejects WHERE source = 'files' AND field = 'TrangThaiHoSo' AND record_key = ?", csvRows[len(csvRows)-1].tr.ID); n != 1 {
		t.Errorf("the bad-status row is not in v_rejects (%d)", n)
	}
	// The owner's names of the CSV's personal column are hashed, never stored.
	var pii []string
	for _, r := range csvRows {
		pii = append(pii, r.name)
	}
	assertNoPersonalData(t, h.store, pii)

	// Files moved: good ones to done/, bad ones to failed/ with a reason.
	exists := func(p string) bool { _, err := os.Stat(filepath.Join(inbox, p)); return err == nil }
	for _, p := range []string{"done/export-csv.csv", "done/export-xlsx.xlsx", "failed/broken.xlsx", "failed/no-update-column.csv", "notes.txt"} {
		if !exists(p) {
			t.Errorf("%s missing", p)
		}
	}
	for _, p := range []string{"export-csv.csv", "export-xlsx.xlsx", "broken.xlsx", "no-update-column.csv"} {
		if exists(p) {
			t.Errorf("%s still in the inbox", p)
		}
	}
	for name, wantReason := range map[string]string{"broken.xlsx": "xlsx", "no-update-column.csv": "Ngày cập nhật"} {
		reason, err := os.ReadFile(filepath.Join(inbox, "failed", name+".reason.txt"))
		if err != nil || !strings.Contains(string(reason), wantReason) {
			t.Errorf("reason file of %s: %q, %v; want it to mention %q", name, reason, err, wantReason)
		}
		if !strings.Contains(out, strconv.Quote(name)+": FAILED") {
			t.Errorf("stdout does not report %s as failed:\n%s", name, out)
		}
	}
	if n := h.count("SELECT count() FROM {db}.v_files WHERE status = 'done'"); n != 2 {
		t.Errorf("v_files has %d done files, want 2", n)
	}

	// A re-dropped file (same bytes, another name) is a no-op.
	write("export-csv-again.csv", csvData)
	before := h.count("SELECT count() FROM {db}.dossiers")
	code, out, errs = h.run(env, "sync", "--source", "files")
	if code != 0 {
		t.Fatalf("second sync exit %d: %s %.2000s", code, out, errs)
	}
	if !strings.Contains(out, `already loaded (as "export-csv.csv")`) {
		t.Errorf("stdout does not say the file was already loaded:\n%s", out)
	}
	if after := h.count("SELECT count() FROM {db}.dossiers"); after != before {
		t.Errorf("a re-dropped file wrote %d rows", after-before)
	}
	if !exists("done/export-csv-again.csv") || exists("export-csv-again.csv") {
		t.Error("the re-dropped file was not moved to done/")
	}
	// A file with the name of one already in done/ does not overwrite it.
	write("export-xlsx.xlsx", messyXLSX(t, xlsxRows[:3]))
	if code, _, errs := h.run(env, "sync", "--source", "files"); code != 0 {
		t.Fatalf("third sync exit %d: %.2000s", code, errs)
	}
	entries, err := os.ReadDir(filepath.Join(inbox, "done"))
	if err != nil || len(entries) != 4 {
		t.Errorf("done/ holds %d files (%v), want 4", len(entries), err)
	}
}

func TestFilesNeedAnInbox(t *testing.T) {
	h := newHarness(t, simOptions(10))
	code, _, errs := h.run(nil, "sync", "--source", "files")
	if code != exitUsage || !strings.Contains(errs, "files.inbox") {
		t.Fatalf("exit %d, stderr %s", code, errs)
	}
	// Without --source, sync skips files when no inbox is configured.
	if code, _, errs := h.run(nil, "sync", "--once"); code != 0 || strings.Contains(errs, "files.inbox") {
		t.Fatalf("sync of every source: exit %d, %.2000s", code, errs)
	}
}
