package transform

import (
	"bytes"
	"fmt"
	"testing"
)

// scrubBoth scrubs raw on both paths and returns the outputs and the
// visits each told.
func scrubBoth(p *Pseudonymizer, s *Schema, raw []byte) (fast, slow []byte, fastOK bool, fv, sv string) {
	var fb, sb bytes.Buffer
	var fvis, svis bytes.Buffer
	fastOK = p.scrubFast(&fb, s, raw, func(f, t string, v []byte) { fmt.Fprintf(&fvis, "%s:%s=%s;", f, t, v) })
	slow = p.scrubSlow(&sb, s, raw, func(f, t string, v []byte) { fmt.Fprintf(&svis, "%s:%s=%s;", f, t, v) })
	return fb.Bytes(), slow, fastOK, fvis.String(), svis.String()
}

var scrubCorpus = []string{
	`{"MaHoSo":"X-1","ChuHoSo":"Nguyễn Văn An","SoDinhDanh":"001203004005","SoDienThoai":"+84 912 345 678","Email":"An@Example.vn"}`,
	`{"MaHoSo":"X-2","KenhThucHien":2,"TaiLieuNop":[{"MaThanhPhanHoSo":"TP1","TenTepDinhKem":"cccd An.pdf","DuocSoHoa":1}],"QuaTrinhXuLy":[{"NguoiXuLy":"cb01","NoiDungXuLy":"Tiếp nhận của Nguyễn Văn An","ThoiDiemXuLy":"20250101080000"}]}`,
	`{"MaHoSo":"X-3","HoTenNguoiNop":"Trần Thị B","DiaChi":{"so":12},"SoCCCD12345":"x","DanhSachLePhi":[{"Gia":15000,"TenPhiLePhi":"Lệ phí"}],"DongBoDVCQG":{"DaDongBo":1,"MaLoi":null}}`,
	`{"MaHoSo":"X-4","TenTTHC":"Cấp \u0111ổi \"giấy\"\\n","ChuHoSo":"An\u2028B","TrangThaiHoSo":"10","MaTTHC":["a"],"NgayCapNhat":"2025-01-01"}`,
	`{"MaHoSo":"X-5","ChuHoSo":123456789,"SoDinhDanh":null,"Email":"","TaiLieuNop":"not a list","QuaTrinhXuLy":[1,"two",{"NguoiXuLy":["x"]}]}`,
	`{"ſoDinhDanh":"001203004005","MaHoSo":"X-6"}`,
	`{"MaHoSo":"X-7","TenTTHC":"bad \xff byte"}`,
	`{"MaHoSo":"X-8",`,
	`[1,2,3]`,
	`"just a string"`,
	` { "MaHoSo" : "X-9" , "CapThucHien" : [ "Xã" , 2 ] } `,
	`{"MaHoSo":"X-10","MaHoSo":"dup"}`,
	`{}`,
}

// TestScrubFastMatchesSlow: the fast path writes what the encoding/json
// path writes, and tells the same fields, for every record it takes on;
// it takes on the plain ones.
func TestScrubFastMatchesSlow(t *testing.T) {
	p, err := NewPseudonymizer([]byte("test-key-0123456789abcdef0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	taken := 0
	for _, raw := range scrubCorpus {
		for _, pp := range []*Pseudonymizer{p, nil} {
			for _, s := range []*Schema{dossierSchema, procedureSchema, petitionSchema} {
				fast, slow, ok, fv, sv := scrubBoth(pp, s, []byte(raw))
				if !ok {
					continue
				}
				taken++
				if !bytes.Equal(fast, slow) || fv != sv {
					t.Errorf("%s:\nfast %s\nslow %s\nvisits fast %s\nvisits slow %s", raw, fast, slow, fv, sv)
				}
			}
		}
	}
	if taken < 40 {
		t.Errorf("the fast path took on only %d of the cases: it is not exercised", taken)
	}
}

// FuzzScrubFastPath holds the two paths equal on any input the fast path takes.
func FuzzScrubFastPath(f *testing.F) {
	for _, raw := range scrubCorpus {
		f.Add([]byte(raw))
	}
	p, err := NewPseudonymizer([]byte("fuzz-key-0123456789abcdef0123456789"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if bytes.Count(raw, []byte("["))+bytes.Count(raw, []byte("{")) > 256 {
			return // deep nesting: the fast path declines it (maxFastDepth), and the reference path is slow on it
		}
		fast, slow, ok, fv, sv := scrubBoth(p, dossierSchema, raw)
		if ok && (!bytes.Equal(fast, slow) || fv != sv) {
			t.Errorf("%q:\nfast %s\nslow %s", raw, fast, slow)
		}
	})
}
