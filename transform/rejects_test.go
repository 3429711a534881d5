package transform

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRejectsKeepNoPersonalValue builds the reject of a bad record of every
// source, with personal values under unknown keys (odd spellings included)
// and in the field at fault, and checks that neither the raw payload nor the
// reason keeps any of them.
func TestRejectsKeepNoPersonalValue(t *testing.T) {
	units, err := DefaultUnits()
	if err != nil {
		t.Fatal(err)
	}
	p := mustPII(t)
	n, err := NewNormalizer(NormalizerOptions{Units: units, PII: p, Source: "files"})
	if err != nil {
		t.Fatal(err)
	}
	pet := NewPetitionParser(units).WithPII(p)
	proc := NewProcedureParser(nil).WithPII(p)
	secrets := []string{"Nguyễn Văn An", "079123456789", "12 Lê Lợi"}
	tests := []struct {
		name   string
		reject func(raw []byte) Reject
		raw    string
		keep   []string
	}{
		{"dossier with unknown keys", func(raw []byte) Reject { _, err := n.Dossier(raw); return n.Reject("normalize", raw, err) },
			`{"MaHoSo":"H-1","MaTTHC":"x","HOTENNGUOINOP":"Nguyễn Văn An","ſoCCCD":"079123456789","DiaChi":"12 Lê Lợi","NgayCapNhat":"20240101000000"}`,
			[]string{`"MaHoSo":"H-1"`}},
		{"dossier whose bad field is an object", func(raw []byte) Reject { _, err := n.Dossier(raw); return n.Reject("normalize", raw, err) },
			`{"MaHoSo":"H-2","MaTTHC":"1.010824","DonViXuLy":{"HoTen":"Nguyễn Văn An"},"TrangThaiHoSo":1,"NgayCapNhat":"20240101000000"}`, nil},
		{"petition with the petitioner's name", func(raw []byte) Reject { _, err := pet.Petition(raw); return pet.Reject("normalize", raw, err) },
			`{"MaPAKN":"PA-1","DonViXuLy":"Không Tồn Tại","HoTenNguoiGui":"Nguyễn Văn An","NOIDUNG":"12 Lê Lợi","NgayCapNhat":"20240101000000"}`,
			[]string{`"MaPAKN":"PA-1"`}},
		{"petition whose date is an object", func(raw []byte) Reject { _, err := pet.Petition(raw); return pet.Reject("normalize", raw, err) },
			`{"MaPAKN":"PA-2","NgayTiepNhan":{"CCCD":"079123456789"},"NgayCapNhat":"20240101000000"}`, nil},
		{"procedure that is not an object", func(raw []byte) Reject { _, err := proc.Procedure(raw); return proc.Reject("normalize", raw, err) },
			`["Nguyễn Văn An","079123456789"]`, nil},
		{"procedure with a contact", func(raw []byte) Reject { _, err := proc.Procedure(raw); return proc.Reject("normalize", raw, err) },
			`{"MaTTHC":"1.010824","ThoiHanGiaiQuyet":-1,"NguoiLienHe":"Nguyễn Văn An","LichSuThoiHan":[{"ThoiHan":{"x":"12 Lê Lợi"}}]}`,
			[]string{`"MaTTHC":"1.010824"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rj := tt.reject([]byte(tt.raw))
			if rj.Reason == "" || !json.Valid([]byte(rj.Raw)) {
				t.Fatalf("reject %+v", rj)
			}
			for _, s := range secrets {
				if strings.Contains(rj.Raw+rj.Reason+rj.RecordKey+rj.Field, s) {
					t.Errorf("%q kept: raw %s, reason %s", s, rj.Raw, rj.Reason)
				}
			}
			for _, k := range tt.keep {
				if !strings.Contains(rj.Raw, k) {
					t.Errorf("raw lost %s: %s", k, rj.Raw)
				}
			}
		})
	}
}

func TestRaggedRowReject(t *testing.T) {
	l, err := DetectFileLayout([][]string{{"Mã hồ sơ", "Mã TTHC", "Đơn vị", "Trạng thái", "Ngày cập nhật", "Họ tên"}})
	if err != nil {
		t.Fatal(err)
	}
	rj := RaggedRowReject("a\nb.csv", 7, 7, l)
	if rj.Field != "(row)" || rj.Source != "files" || !strings.Contains(rj.Reason, `"a\nb.csv" row 7: 7 cells where the header (row 1) has 6`) ||
		rj.Raw != `{"file_row":7,"cells":7,"header_cells":6}` {
		t.Errorf("%+v", rj)
	}
	for _, tc := range []struct {
		row   []string
		blank bool
	}{{nil, true}, {[]string{"", " \u00a0", "\t"}, true}, {[]string{"", "x"}, false}} {
		if Blank(tc.row) != tc.blank {
			t.Errorf("Blank(%q) = %v", tc.row, !tc.blank)
		}
	}
}

func TestKeyedReasonsQuoteNoObject(t *testing.T) {
	for _, raw := range []string{`{"period":"2024-Q2","received":{"CanBo":"Nguyễn Văn An"}}`, `{"period":"2024-Q2","received":["079123456789"]}`} {
		_, err := ParseBCQG([]byte(raw), "21637", "2024-Q2")
		if err == nil || strings.Contains(err.Error(), "Nguyễn") || strings.Contains(err.Error(), "079123456789") {
			t.Errorf("%s: %v", raw, err)
		}
	}
}
