package transform

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestDetectFileLayout(t *testing.T) {
	required := []string{"Mã hồ sơ", "Mã TTHC", "Đơn vị", "Trạng thái", "Ngày cập nhật"}
	tests := []struct {
		name       string
		rows       [][]string
		wantHeader int
		wantErr    string // substring; "" = ok
		wantIgnore []string
	}{
		{"diacritics", [][]string{required}, 0, "", nil},
		{"no diacritics, upper case, any order", [][]string{{"TRANG THAI", "ngay cap nhat", "MA HO SO", "don vi", "ma tthc"}}, 0, "", nil},
		{"NFD and punctuation", [][]string{{norm.NFD.String("Mã hồ sơ (*)"), "Mã TTHC:", norm.NFD.String("Đơn vị"), "Trạng thái", "Ngày cập nhật"}}, 0, "", nil},
		{"BOM and spaces", [][]string{{"\ufeffMã hồ sơ", "  Mã  TTHC ", "Đơn vị", "Trạng thái", "Ngày cập nhật"}}, 0, "", nil},
		{"title rows above", [][]string{{"DANH SÁCH HỒ SƠ"}, {}, append([]string{"STT"}, required...)}, 2, "", []string{"STT"}},
		{"missing column named", [][]string{{"Mã hồ sơ", "Mã TTHC", "Đơn vị", "Trạng thái"}}, 0, "Ngày cập nhật", nil},
		{"two columns for one field", [][]string{append(append([]string{}, required...), "Ma ho so")}, 0, "both", nil},
		{"not a dossier list", [][]string{{"a", "b"}, {"1", "2"}}, 0, "no header row", nil},
		{"empty", nil, 0, "no header row", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := DetectFileLayout(tt.rows)
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrFileLayout) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want ErrFileLayout containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l.HeaderRow != tt.wantHeader {
				t.Errorf("header row %d, want %d", l.HeaderRow, tt.wantHeader)
			}
			if strings.Join(l.Ignored, "|") != strings.Join(tt.wantIgnore, "|") {
				t.Errorf("ignored %q, want %q", l.Ignored, tt.wantIgnore)
			}
		})
	}
}

func TestFileRecord(t *testing.T) {
	l, err := DetectFileLayout([][]string{{"Ghi chú", "Mã hồ sơ", "Ngày cập nhật", "Số điện thoại", "Mã TTHC", "Đơn vị", "Trạng thái", "Kênh nộp"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		row  []string
		want map[string]string // nil = skipped
	}{
		{"mapped, unknown dropped, serial date", []string{"note", " H-1 ", "45306.5", "0912345678", "1.010824", "Tam Quan", "Đang xử lý", "Trực tuyến"},
			map[string]string{"MaHoSo": "H-1", "NgayCapNhat": "20240115120000", "SoDienThoai": "0912345678", "MaTTHC": "1.010824",
				"DonViXuLy": "Tam Quan", "TrangThaiHoSo": "Đang xử lý", "KenhThucHien": "Trực tuyến"}},
		{"text date kept, short row", []string{"", "H-2", "16/07/2024 08:30:00"}, map[string]string{"MaHoSo": "H-2", "NgayCapNhat": "16/07/2024 08:30:00"}},
		{"blank row skipped", []string{"", " ", ""}, nil},
		{"note only is skipped", []string{"just a note"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, ok := l.Record(tt.row)
			if tt.want == nil {
				if ok {
					t.Fatalf("row not skipped: %s", raw)
				}
				return
			}
			var got map[string]string
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestFileRowThroughNormalizer(t *testing.T) {
	pii, err := NewPseudonymizer([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewNormalizer(NormalizerOptions{PII: pii, Source: "files"})
	if err != nil {
		t.Fatal(err)
	}
	l, err := DetectFileLayout([][]string{{"Ma ho so", "Ma TTHC", "Don vi", "Trang thai", "Ngay cap nhat", "Ngay tiep nhan", "Kenh nop", "Ho ten"}})
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := l.Record([]string{"000.21.37.H08-240716-0012", "1.0108 24.000. 00.00.H 08", "UBND phường Tam Quan", "Đã trả kết quả",
		"16/07/2024 08:30:00", "16/07/2024", "Trực tuyến", "Nguyễn Văn A"})
	if !ok {
		t.Fatal("a complete row read as empty")
	}
	d, err := n.Dossier(raw)
	if err != nil {
		t.Fatal(err)
	}
	if d.Source != "files" || d.Status != StatusReturned || d.Channel != ChannelOnline || len(d.Steps) != 0 || d.UnitCode == "" {
		t.Fatalf("dossier %+v", d)
	}
	if d.OwnerHash == "" || strings.Contains(d.OwnerHash, "Nguyễn") {
		t.Fatalf("owner not hashed: %q", d.OwnerHash)
	}
}
