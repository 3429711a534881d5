package transform

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// File exports (portal-api.md §6): "Danh sách hồ sơ" saved by officials from
// the one-stop software as .xlsx or .csv. The headers are Vietnamese, with or
// without diacritics, in any order; a file holds flat dossiers without steps.
//
// A file row is mapped to the portal's dossier fields (FileLayout.Record)
// and then normalized by the same Normalizer as the API's dossiers, so codes,
// units, dates and statuses follow exactly the same rules. Columns that are
// not in §6 are dropped, except personal columns (owner, ID number, phone,
// email), which a file should not have but which are mapped to the portal's
// personal fields so that they are hashed like the API's, never stored.

// ErrFileLayout marks a file whose header cannot be read: it fails whole.
var ErrFileLayout = errors.New("file layout")

// fileColumn is one known header: its portal field and its spellings,
// folded (foldHeader).
type fileColumn struct {
	field    string
	label    string // as in portal-api.md §6, for messages
	date     bool
	required bool
	aliases  []string
}

var fileColumns = []fileColumn{
	{field: "MaHoSo", label: "Mã hồ sơ", required: true, aliases: []string{"ma ho so", "mahoso", "so ho so", "ma hs"}},
	{field: "MaTTHC", label: "Mã TTHC", required: true, aliases: []string{"ma tthc", "matthc", "ma thu tuc", "ma thu tuc hanh chinh"}},
	{field: "TenTTHC", label: "Tên TTHC", aliases: []string{"ten tthc", "tentthc", "ten thu tuc", "ten thu tuc hanh chinh"}},
	{field: "DonViXuLy", label: "Đơn vị", required: true, aliases: []string{"don vi", "don vi xu ly", "donvixuly", "co quan xu ly", "don vi tiep nhan"}},
	{field: "KenhThucHien", label: "Kênh nộp", aliases: []string{"kenh nop", "kenh thuc hien", "kenhthuchien", "hinh thuc nop", "kenh"}},
	{field: "NgayNopHoSo", label: "Ngày nộp", date: true, aliases: []string{"ngay nop", "ngay nop ho so", "ngaynophoso"}},
	{field: "NgayTiepNhan", label: "Ngày tiếp nhận", date: true, aliases: []string{"ngay tiep nhan", "ngaytiepnhan"}},
	{field: "NgayHenTra", label: "Ngày hẹn trả", date: true, aliases: []string{"ngay hen tra", "ngay hen tra ket qua", "ngayhentra"}},
	{field: "NgayKetThucXuLy", label: "Ngày kết thúc xử lý", date: true, aliases: []string{"ngay ket thuc xu ly", "ngayketthucxuly", "ngay xu ly xong"}},
	{field: "NgayTra", label: "Ngày trả kết quả", date: true, aliases: []string{"ngay tra ket qua", "ngay tra", "ngaytra"}},
	{field: "TrangThaiHoSo", label: "Trạng thái", required: true, aliases: []string{"trang thai", "trang thai ho so", "trangthaihoso", "tinh trang"}},
	{field: "NgayCapNhat", label: "Ngày cập nhật", date: true, required: true, aliases: []string{"ngay cap nhat", "ngaycapnhat", "cap nhat luc", "thoi diem cap nhat"}},
	// Personal columns are not part of §6; if a file has them they are
	// hashed (through the portal's personal fields), never stored.
	{field: "ChuHoSo", label: "Chủ hồ sơ", aliases: []string{"chu ho so", "chuhoso", "ho ten", "ho va ten", "ten nguoi nop", "nguoi nop", "ten chu ho so", "nguoi dung ten"}},
	{field: "SoDinhDanh", label: "Số định danh", aliases: []string{"so dinh danh", "sodinhdanh", "cccd", "so cccd", "cmnd", "so cmnd", "cccd cmnd", "so giay to", "so giay to tuy than", "ma dinh danh"}},
	{field: "SoDienThoai", label: "Số điện thoại", aliases: []string{"so dien thoai", "sodienthoai", "dien thoai", "sdt"}},
	{field: "Email", label: "Email", aliases: []string{"email", "e mail", "thu dien tu"}},
	{field: "MaDoiTuong", label: "Tài khoản nộp", aliases: []string{"ma doi tuong", "madoituong", "tai khoan nop", "tai khoan"}},
}

var fileColumnByAlias = func() map[string]*fileColumn {
	m := map[string]*fileColumn{}
	for i := range fileColumns {
		for _, a := range fileColumns[i].aliases {
			m[a] = &fileColumns[i]
		}
	}
	return m
}()

// foldHeader reduces a header cell to lower-case ASCII words: diacritics
// dropped, punctuation ("Mã TTHC (*)", "Ngày nộp:") and a BOM removed.
func foldHeader(s string) string {
	f := foldASCII(s)
	var b strings.Builder
	space := false
	for _, r := range f {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// FileLayout is how a file's columns map to portal fields.
type FileLayout struct {
	HeaderRow int // index of the header row in the file's rows
	Width     int // cells in the header row
	// Positional: the file places cells by position alone (CSV), so a row
	// whose cell count is not Width is shifted (RaggedRowReject). Set by
	// the reader of the file, not by DetectFileLayout.
	Positional bool
	fields     []string // portal field per column; "" = dropped
	dates      []bool
	Ignored    []string // headers dropped because they are not in §6
}

// MaxTitleRows is how far down a header row is looked for: exports often
// start with a title ("DANH SÁCH HỒ SƠ …") and a blank line.
const MaxTitleRows = 10

// DetectFileLayout finds the header row among the first rows of a file and
// maps its columns. It fails (ErrFileLayout) when no row has the required
// columns, naming those that are missing, or when a field has two columns.
func DetectFileLayout(rows [][]string) (FileLayout, error) {
	bestKnown := -1
	var bestMissing []string
	for r := 0; r < len(rows) && r < MaxTitleRows; r++ {
		l := FileLayout{HeaderRow: r, Width: len(rows[r]), fields: make([]string, len(rows[r])), dates: make([]bool, len(rows[r]))}
		seen := map[string]int{}
		known := 0
		for c, cell := range rows[r] {
			col, ok := fileColumnByAlias[foldHeader(cell)]
			if !ok {
				if strings.TrimFunc(cell, isSpaceOrFormat) != "" {
					l.Ignored = append(l.Ignored, cleanText(cell))
				}
				continue
			}
			if prev, dup := seen[col.field]; dup {
				return FileLayout{}, fmt.Errorf("%w: row %d: columns %d and %d are both %q", ErrFileLayout, r+1, prev+1, c+1, col.label)
			}
			seen[col.field] = c
			l.fields[c], l.dates[c] = col.field, col.date
			known++
		}
		var missing []string
		for _, col := range fileColumns {
			if _, ok := seen[col.field]; col.required && !ok {
				missing = append(missing, col.label)
			}
		}
		if len(missing) == 0 {
			return l, nil
		}
		if known > bestKnown {
			bestKnown, bestMissing = known, missing
		}
	}
	if bestKnown <= 0 {
		return FileLayout{}, fmt.Errorf("%w: no header row in the first %d rows names the columns of a dossier list (Mã hồ sơ, Mã TTHC, Đơn vị, Trạng thái, Ngày cập nhật, …)", ErrFileLayout, MaxTitleRows)
	}
	return FileLayout{}, fmt.Errorf("%w: missing required column(s) %s", ErrFileLayout, strings.Join(bestMissing, ", "))
}

// Blank reports whether a row has no value at all (blank lines are skipped,
// not rejected).
func Blank(row []string) bool {
	for _, c := range row {
		if strings.TrimFunc(c, isSpaceOrFormat) != "" {
			return false
		}
	}
	return true
}

// RaggedRowReject is the reject of a row of a positional file (CSV) whose
// cell count differs from its header's: a missing or extra separator has
// shifted every cell after it, so no cell can be trusted to be the column it
// sits in — a name could be read as a unit — and none is kept, not even the
// dossier id. fileName names the file, row is 1-based.
func RaggedRowReject(fileName string, row, cells int, l FileLayout) Reject {
	return Reject{Source: "files", Stage: "normalize", Field: "(row)",
		Reason: fmt.Sprintf("%q row %d: %d cells where the header (row %d) has %d; a missing or extra separator shifts the columns, so the row is not read",
			fileName, row, cells, l.HeaderRow+1, l.Width),
		Raw: fmt.Sprintf(`{"file_row":%d,"cells":%d,"header_cells":%d}`, row, cells, l.Width)}
}

// Record maps one data row to a portal dossier (JSON object). ok is false
// for a row with no value at all (blank lines are skipped, not rejected).
func (l FileLayout) Record(row []string) (raw json.RawMessage, ok bool) {
	m := make(map[string]string, len(l.fields))
	for c, field := range l.fields {
		if field == "" || c >= len(row) {
			continue
		}
		v := cleanText(row[c])
		if v == "" {
			continue
		}
		if l.dates[c] {
			v = excelSerialDate(v)
		}
		m[field] = v
	}
	if len(m) == 0 {
		return nil, false
	}
	b, err := json.Marshal(m)
	if err != nil { // a map of strings always marshals
		return nil, false
	}
	return b, true
}

// excelSerialDate converts a spreadsheet date serial ("45306.75": days since
// 1899-12-30, the fraction being the time of day, as .xlsx stores dates) to
// yyyyMMddHHmmss; other values are returned unchanged for ParseDate.
func excelSerialDate(v string) string {
	if len(v) < 5 || v[0] < '1' || v[0] > '9' {
		return v
	}
	if i := strings.IndexByte(v, '.'); i != 5 && !(i < 0 && len(v) == 5) {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 20000 || f > 80000 { // 1954 … 2119
		return v
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	return t.Format("20060102150405")
}
