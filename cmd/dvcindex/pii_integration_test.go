package main

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// piiCSV is a file drop that carries personal columns the contract knows
// (Họ tên, Số CCCD), personal columns it does not (Địa chỉ, Ghi chú) and
// ragged rows: an address with an unquoted separator (one cell too many) and
// a row with one cell too few, which would shift a name into "Đơn vị".
func piiCSV(rows []fileRow, badStatus bool) (data []byte, pii []string) {
	var b strings.Builder
	b.WriteString("Mã hồ sơ,Mã TTHC,Đơn vị,Trạng thái,Ngày cập nhật,Họ tên,Số CCCD,Địa chỉ,Ghi chú\n")
	for i, r := range rows {
		id := "0" + strconv.Itoa(790000000000+i*7919)
		addr := "Số " + strconv.Itoa(40+i) + " Lê Lợi"
		note := "nộp thay cho " + r.name
		pii = append(pii, r.name, id, addr, note)
		status := strconv.Itoa(r.tr.Status)
		if badStatus {
			status = "không rõ"
		}
		cells := []string{r.tr.ID, r.tr.ProcedureNational, r.tr.UnitName, status, dmy(&r.tr.UpdatedAt), r.name, id, addr, note}
		switch i % 5 {
		case 1: // an unquoted comma in the address: every later cell shifts right
			cells[7] = "Số " + strconv.Itoa(40+i) + ", " + r.name
			pii = append(pii, cells[7])
		case 3: // the unit cell left out: the name would land in "Đơn vị"
			cells = append(cells[:2], cells[3:]...)
		}
		b.WriteString(strings.Join(cells, ",") + "\n")
	}
	return []byte(b.String()), pii
}

// TestNoPersonalDataAnywhere runs every personal-data path — dossiers and
// petitions with unknown personal keys (HoTenNguoiNop, DiaChi, ſoCCCD,
// HOTENNGUOINOP, a long-s ſoDinhDanh), owners' names in step text and
// attachment names, a CSV with personal and unknown columns and ragged rows,
// a file whose every row is rejected — then the report in every format, and
// looks for each personal value in every String column of every table
// (v_rejects.raw included), in the logs of every run, in the reason files
// and in the reports.
func TestNoPersonalDataAnywhere(t *testing.T) {
	o := simOptions(400)
	o.ExtraPII = true
	o.Petitions = 240
	// Bodies cut mid-record and HTML pages are retried; the retry warnings
	// must not quote a record.
	o.Faults, o.FaultRate = []string{"truncate", "html200"}, 0.15
	h := newHarness(t, o)
	inbox, out := t.TempDir(), t.TempDir()
	env := []string{"DVC_FILES_INBOX=" + inbox, "DVC_FILES_SETTLE=0s", "DVC_LOG_LEVEL=debug"}

	var pii []string
	var invalid, invalidPetitions int
	for i := 0; i < h.sim.Len(); i++ {
		tr := h.sim.Truth(i)
		pii = append(pii, tr.PII...)
		if tr.Invalid {
			invalid++
		}
	}
	for j := 0; j < h.sim.Petitions(); j++ {
		pt := h.sim.PetitionTruth(j)
		pii = append(pii, pt.PII...)
		if pt.Invalid {
			invalidPetitions++
		}
	}
	if invalid == 0 || invalidPetitions == 0 {
		t.Fatalf("%d invalid dossiers, %d invalid petitions: the reject paths are not exercised", invalid, invalidPetitions)
	}
	good, filePII := piiCSV(validTruths(h.sim, 0, 20), false)
	pii = append(pii, filePII...)
	bad, badPII := piiCSV(validTruths(h.sim, 40, 4), true)
	pii = append(pii, badPII...)
	for name, data := range map[string][]byte{"ho-so.csv": good, "Danh sách (Nguyễn).csv": bad} {
		if err := os.WriteFile(filepath.Join(inbox, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	var logs strings.Builder
	run := func(args ...string) {
		t.Helper()
		code, stdout, errs := h.run(env, args...)
		logs.WriteString(stdout + errs)
		if code != 0 {
			t.Fatalf("%v exit %d: %s %.3000s", args, code, stdout, errs)
		}
	}
	run("migrate")
	for _, src := range []string{"procedures", "dossiers", "petitions", "files"} {
		run("sync", "--source", src)
	}
	for _, f := range []string{"md", "csv", "html"} {
		run("report", "--period", "2025-07", "--format", f, "--out", filepath.Join(out, "report."+f))
	}

	// The inputs did reach every place that is scanned.
	if !strings.Contains(logs.String(), "portal request failed; retrying") {
		t.Error("no truncated body was retried: the fault is not exercised")
	}
	for q, min := range map[string]uint64{
		"SELECT count() FROM {db}.v_rejects WHERE source = 'dossiers' AND (raw LIKE '%HoTenNguoiNop%' OR raw LIKE '%HOTENNGUOINOP%')": 1,
		"SELECT count() FROM {db}.v_rejects WHERE source = 'petitions' AND raw LIKE '%HoTenNguoiGui%'":                                1,
		"SELECT count() FROM {db}.v_rejects WHERE source = 'files' AND field = '(row)' AND reason LIKE '%shifts the columns%'":        4,
		"SELECT count() FROM {db}.v_dossier_steps WHERE content != ''":                                                                1,
		"SELECT count() FROM {db}.v_files WHERE status = 'failed' AND reason LIKE '%every one%'":                                      1,
		// The archive is scanned too (every String column of every table).
		"SELECT count() FROM {db}.v_raw_pages WHERE source = 'dossiers' AND body LIKE '%ChuHoSo%'": 1,
		"SELECT count() FROM {db}.v_raw_pages WHERE source = 'petitions'":                          1,
		"SELECT count() FROM {db}.v_raw_pages WHERE source = 'files'":                              1,
		"SELECT count() FROM {db}.v_raw_pages WHERE source = 'procedures'":                         1,
	} {
		if n := h.count(q); n < min {
			t.Errorf("%d rows, want ≥ %d: %s", n, min, q)
		}
	}
	if n := h.count("SELECT count() FROM {db}.v_rejects WHERE source = 'files' AND field = '(row)' AND raw NOT LIKE '{\"file_row\":%'"); n != 0 {
		t.Errorf("%d ragged rows keep cells in their raw payload", n)
	}
	reasons, _ := filepath.Glob(filepath.Join(inbox, "failed", "*.reason.txt"))
	if len(reasons) != 1 {
		t.Fatalf("reason files %v, want the one of the file whose every row was rejected", reasons)
	}

	assertNoPersonalData(t, h.store, pii)
	texts := map[string]string{"logs": logs.String()}
	for _, p := range reasons {
		texts[p] = readScannedFile(t, p)
	}
	for _, f := range []string{"md", "html"} {
		texts["report."+f] = readScannedFile(t, filepath.Join(out, "report."+f))
	}
	zr, err := zip.OpenReader(filepath.Join(out, "report.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		texts["report.csv/"+f.Name] = string(data)
	}
	for where, text := range texts {
		if text == "" {
			t.Errorf("%s is empty: the scan would prove nothing", where)
		}
		assertNoPersonalText(t, where, text, pii)
	}
}

func readScannedFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// assertNoPersonalText fails if any personal value (of at least 5 bytes, in
// NFC or NFD, or JSON-escaped as a log line would carry it) is in text.
func assertNoPersonalText(t *testing.T, where, text string, pii []string) {
	t.Helper()
	for _, v := range pii {
		if len(v) < 5 {
			continue
		}
		for _, form := range []string{norm.NFC.String(v), norm.NFD.String(v), strconv.Quote(v)[1 : len(strconv.Quote(v))-1]} {
			if strings.Contains(text, form) {
				t.Errorf("personal value %q found in %s", v, where)
				break
			}
		}
	}
}
