package transform

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func mustPII(t testing.TB) *Pseudonymizer {
	t.Helper()
	p, err := NewPseudonymizer([]byte("test-key"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNewPseudonymizerEmptyKey(t *testing.T) {
	if _, err := NewPseudonymizer(nil); !errors.Is(err, ErrNoKey) {
		t.Fatalf("got %v, want ErrNoKey", err)
	}
}

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

func TestHashCanonicalForms(t *testing.T) {
	p := mustPII(t)
	same := []struct {
		kind string
		a, b string
	}{
		{KindID, "012345678901", " 0123 4567 8901 "},
		{KindID, "012345678901", "012-345-678-901"},
		{KindID, "012345678901", "０１２３４５６７８９０１"},
		{KindPhone, "0912345678", "+84 912 345 678"},
		{KindPhone, "0912345678", "84912345678"},
		{KindPhone, "0912345678", "0084912345678"},
		{KindPhone, "0912345678", "091.234.5678"},
		{KindEmail, "an.nguyen@example.vn", " An.Nguyen@Example.VN "},
		{KindName, "Nguyễn Văn An", "  NGUYỄN   văn an "},
		{KindName, "Nguyễn Văn An", norm.NFD.String("Nguyễn Văn An")},
		{KindAccount, "acc-1", " acc-1 "},
	}
	for _, tc := range same {
		ha, hb := p.Hash(tc.kind, tc.a), p.Hash(tc.kind, tc.b)
		if !hex64.MatchString(ha) {
			t.Fatalf("Hash(%s, %q) = %q, want 64 hex chars", tc.kind, tc.a, ha)
		}
		if ha != hb {
			t.Errorf("%s: %q and %q hash differently", tc.kind, tc.a, tc.b)
		}
	}
	differ := []struct {
		ka, a, kb, b string
	}{
		{KindID, "012345678901", KindID, "012345678902"},
		{KindName, "Nguyễn Văn An", KindName, "Nguyen Van An"}, // diacritics are part of a name
		{KindID, "012345678901", KindPhone, "012345678901"},    // kinds are separate domains
		{KindID, "abc", KindID, ""},
	}
	for _, tc := range differ {
		if p.Hash(tc.ka, tc.a) == p.Hash(tc.kb, tc.b) {
			t.Errorf("%s %q and %s %q hash the same", tc.ka, tc.a, tc.kb, tc.b)
		}
	}
	for _, empty := range []string{"", "   ", "\u00a0"} {
		if h := p.Hash(KindName, empty); h != "" {
			t.Errorf("Hash(%q) = %q, want empty", empty, h)
		}
	}
	other, err := NewPseudonymizer([]byte("other-key"))
	if err != nil {
		t.Fatal(err)
	}
	if other.Hash(KindID, "012345678901") == p.Hash(KindID, "012345678901") {
		t.Error("hash does not depend on the key")
	}
}

func TestHashConcurrent(t *testing.T) {
	p := mustPII(t)
	want := p.Hash(KindID, "012345678901")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				if got := p.Hash(KindID, "012345678901"); got != want {
					t.Errorf("concurrent hash differs")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestScrubJSON(t *testing.T) {
	p := mustPII(t)
	secrets := []string{"Nguyễn Văn An", "012345678901", "0912345678", "an@example.vn", "VNEID-998877", "Trần Thị Bình", "079123456789",
		"12 Trần Hưng Đạo", "cccd-an.pdf", "https://files.example.vn/an", "Ông An nộp"}
	for _, tc := range []struct {
		name string
		in   string
		keep []string // substrings that must survive
	}{
		{"top level", `{"MaHoSo":"X-1","ChuHoSo":"Nguyễn Văn An","SoDinhDanh":"012345678901","SoDienThoai":"0912345678","Email":"an@example.vn","MaDoiTuong":"VNEID-998877","DonViXuLy":"UBND <P.> Tam Quan"}`,
			[]string{`"MaHoSo":"X-1"`, `"DonViXuLy":"UBND <P.> Tam Quan"`}},
		{"unknown keys hashed", `{"MaHoSo":"X-1","HoTenNguoiNop":"Nguyễn Văn An","DiaChi":"12 Trần Hưng Đạo","SoCCCD":79123456789,"data":[{"x":"Trần Thị Bình"}],"z":null,"e":""}`,
			[]string{`"MaHoSo":"X-1"`, `"HoTenNguoiNop":"`, `"SoCCCD":"`, `"z":null`, `"e":""`}},
		{"long s and odd case match like encoding/json", `{"ſoDinhDanh":"012345678901","HOTENNGUOINOP":"Trần Thị Bình","chuhoso":"Nguyễn Văn An","EMAIL":"an@example.vn","ſoCCCD":"079123456789"}`, nil},
		{"allowed scalars kept", `{"KenhThucHien":2,"TrangThaiHoSo":"10","HoSoCoThanhPhanSoHoa":true,"NgayTra":null}`,
			[]string{`"KenhThucHien":2`, `"TrangThaiHoSo":"10"`, `"HoSoCoThanhPhanSoHoa":true`, `"NgayTra":null`}},
		{"object where a code was expected", `{"MaTTHC":{"HoTen":"Nguyễn Văn An"},"DonViXuLy":["012345678901"]}`, []string{`"MaTTHC":"`}},
		{"attachments, links and step text", `{"TaiLieuNop":[{"MaThanhPhanHoSo":"TP1","TenTepDinhKem":"cccd-an.pdf","DuongDanTaiTepTin":"https://files.example.vn/an","DuocSoHoa":1}],` +
			`"DanhSachGiayToKetQua":[{"MaGiayToKetQua":"KQ1","DuongDanTepTinKetQua":"https://files.example.vn/an"}],` +
			`"QuaTrinhXuLy":[{"TrangThai":"Tiếp nhận","NguoiXuLy":"Trần Thị Bình","NoiDungXuLy":"Ông An nộp","HoTen":"Nguyễn Văn An"},null],"DongBoDVCQG":{"MaLoi":"E1","Ghi":"Nguyễn Văn An"}}`,
			[]string{`"MaThanhPhanHoSo":"TP1"`, `"DuocSoHoa":1`, `"MaGiayToKetQua":"KQ1"`, `"TrangThai":"Tiếp nhận"`, `null]`, `"MaLoi":"E1"`}},
		{"object value", `{"ChuHoSo":{"HoTen":"Nguyễn Văn An","CCCD":"012345678901"}}`, nil},
		{"null and empty kept", `{"ChuHoSo":null,"Email":""}`, []string{`"ChuHoSo":null`, `"Email":""`}},
		{"duplicate keys", `{"ChuHoSo":"Nguyễn Văn An","ChuHoSo":"Trần Thị Bình"}`, nil},
		{"escapes", `{"ChuHoSo":"Nguy\u1ec5n V\u0103n An","TenTTHC":"a\"b\\c\n","\u0053oDinhDanh":"012345678901"}`, []string{`"TenTTHC":"a\"b\\c\n"`}},
		{"keys that are values", `{"012345678901":1,"an@example.vn":2,"Nguyễn Văn An":3}`, nil},
		{"top-level array and scalar", `[{"MaHoSo":"X-1","HoTen":"Nguyễn Văn An"},"012345678901"]`, []string{`"MaHoSo":"X-1"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := p.ScrubJSON([]byte(tc.in))
			if !json.Valid(out) {
				t.Fatalf("output is not JSON: %s", out)
			}
			for _, s := range secrets {
				if strings.Contains(string(out), s) {
					t.Errorf("output leaks %q: %s", s, out)
				}
			}
			if strings.Contains(string(out), "Nguy\\u1ec5n") {
				t.Errorf("escaped name leaks: %s", out)
			}
			for _, k := range tc.keep {
				if !strings.Contains(string(out), k) {
					t.Errorf("output lost %s: %s", k, out)
				}
			}
		})
	}
	// The replacement is the same hash Dossier uses, so rejects can be joined,
	// whatever the spelling of the key the decoder accepted.
	for _, key := range []string{"SoDinhDanh", "sodinhdanh", "ſoDinhDanh", "SODINHDANH"} {
		out := p.ScrubJSON([]byte(`{"` + key + `":"012345678901"}`))
		if want := `{"` + key + `":"` + p.Hash(KindID, "012345678901") + `"}`; string(out) != want {
			t.Errorf("got %s, want %s", out, want)
		}
	}
}

// TestScrubKeyMatchingIsTheDecoders proves that every spelling of a key that
// encoding/json decodes into a personal field is scrubbed as that field.
func TestScrubKeyMatchingIsTheDecoders(t *testing.T) {
	p := mustPII(t)
	for _, key := range []string{"SoDinhDanh", "soDINHdanh", "ſoDinhDanh", "ſODINHDANH"} {
		var r rawDossier
		in := []byte(`{"` + key + `":"012345678901"}`)
		if err := json.Unmarshal(in, &r); err != nil || string(r.SoDinhDanh) != `"012345678901"` {
			t.Fatalf("encoding/json does not read %q as SoDinhDanh; the test is void", key)
		}
		if out := p.ScrubJSON(in); strings.Contains(string(out), "012345678901") {
			t.Errorf("%q: %s", key, out)
		}
	}
	// Keys encoding/json does not match to a field are not allow-listed
	// either: a dotted capital I is not an I for the decoder.
	for _, tc := range []struct {
		key   string
		field bool
	}{{"MaDonViHanhChinh", true}, {"MADONVIHANHCHINH", true}, {"\u212aenhThucHien", true}, {"MaDonV\u0130HanhChinh", false}} {
		var r rawDossier
		if err := json.Unmarshal([]byte(`{"`+tc.key+`":"secret-value-1"}`), &r); err != nil {
			t.Fatal(err)
		}
		decoded := string(r.MaDonViHanhChinh)+string(r.KenhThucHien) != ""
		_, allowed := dossierSchema.fields[foldKey(tc.key)]
		if decoded != tc.field || allowed != tc.field {
			t.Errorf("%q: decoded as a field %v, allow-listed %v; want both %v", tc.key, decoded, allowed, tc.field)
		}
	}
}

func TestScrubRecordPerSource(t *testing.T) {
	p := mustPII(t)
	tests := []struct {
		source, in string
		keep       []string
		leak       []string
	}{
		{"petitions", `{"MaPAKN":"PA-1","DonViXuLy":"Tam Quan","HoTenNguoiGui":"Nguyễn Văn An","NoiDung":"Ông An phản ánh","NgayCapNhat":"20240101000000"}`,
			[]string{`"MaPAKN":"PA-1"`, `"DonViXuLy":"Tam Quan"`, `"NgayCapNhat":"20240101000000"`}, []string{"Nguyễn Văn An", "Ông An"}},
		{"procedures", `{"MaTTHC":"1.000001","CapThucHien":["xa","huyen"],"LichSuThoiHan":[{"ThoiHan":5,"QuyetDinh":"QĐ 1","NguoiKy":"Nguyễn Văn An"}],"LienHe":"0912345678"}`,
			[]string{`"CapThucHien":["xa","huyen"]`, `"ThoiHan":5`, `"QuyetDinh":"QĐ 1"`}, []string{"Nguyễn Văn An", "0912345678"}},
		{"bcqg", `{"error_code":"0","period":"2024-Q2","received":"Nguyễn Văn An","CanBo":"0912345678"}`,
			[]string{`"period":"2024-Q2"`}, []string{"0912345678"}},
		{"evaluation", `{"period":"2024-Q2","groups":[{"code":"progress","score":1,"metrics":[{"code":"M","ratio":20,"note":"Nguyễn Văn An"}]}]}`,
			[]string{`"code":"progress"`, `"ratio":20`}, []string{"Nguyễn Văn An"}},
		{"unknown source", `{"MaHoSo":"X-1"}`, nil, []string{"X-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.source, func(t *testing.T) {
			for _, pp := range []*Pseudonymizer{p, nil} {
				out := string(pp.ScrubRecord(tt.source, []byte(tt.in)))
				if !json.Valid([]byte(out)) {
					t.Fatalf("not JSON: %s", out)
				}
				for _, k := range tt.keep {
					if !strings.Contains(out, k) {
						t.Errorf("lost %s: %s", k, out)
					}
				}
				for _, l := range tt.leak {
					if strings.Contains(out, l) {
						t.Errorf("leaks %q: %s", l, out)
					}
				}
				if pp == nil && tt.leak != nil && !strings.Contains(out, Dropped) {
					t.Errorf("without a key, values are not dropped: %s", out)
				}
			}
		})
	}
}

func TestScrubJSONUnparseable(t *testing.T) {
	p := mustPII(t)
	for _, in := range []string{`{"ChuHoSo":"Nguyễn Văn An"`, `012345678901,`, "", `<html>500</html>`, `{"a":1} {"b":2}`} {
		out := p.ScrubJSON([]byte(in))
		var v struct {
			Unparseable bool   `json:"unparseable"`
			SHA256      string `json:"sha256"`
			Length      int    `json:"length"`
		}
		if err := json.Unmarshal(out, &v); err != nil || !v.Unparseable || !hex64.MatchString(v.SHA256) || v.Length != len(in) {
			t.Errorf("ScrubJSON(%q) = %s", in, out)
		}
		if in != "" && strings.Contains(string(out), "Nguyễn") {
			t.Errorf("leak: %s", out)
		}
	}
}

func FuzzScrubJSON(f *testing.F) {
	for _, s := range []string{`{"ChuHoSo":"Nguyễn Văn An"}`, `[{"Email":1}]`, `{"ſoCCCD":"0123","TaiLieuNop":[{"TenTepDinhKem":"a"},1]}`, `{"a":{"SoDinhDanh":{"x":[1,"2"]}}}`, `"x"`, `{`, fullDossier} {
		f.Add([]byte(s))
	}
	p := mustPII(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		out := p.ScrubJSON(raw)
		if !json.Valid(out) {
			t.Fatalf("ScrubJSON(%q) = %q: not JSON", raw, out)
		}
		var keyless *Pseudonymizer // a source synced without pii.key
		if o := keyless.ScrubRecord("procedures", raw); !json.Valid(o) {
			t.Fatalf("keyless ScrubRecord(%q) = %q: not JSON", raw, o)
		}
		// Whatever the input, the string value of an unknown key does not
		// survive in clear.
		var in, got map[string]any
		if json.Unmarshal(raw, &in) == nil && json.Unmarshal(out, &got) == nil {
			for k, v := range in {
				if s, ok := v.(string); ok && s != "" {
					if _, allowed := dossierSchema.fields[foldKey(k)]; !allowed && got[k] == s {
						t.Fatalf("value %q of unknown key %q survived: %s", s, k, out)
					}
				}
			}
		}
	})
}

// TestHashKnownAnswers checks the hash against values computed outside this
// code. The primitive (HMAC-SHA256, full lower-case hex) against RFC 4231
// test case 2; Hash, which MACs kind ‖ 0x00 ‖ canonical value, against
// digests computed once with
//
//	printf 'id\000012345678901' | openssl dgst -sha256 -hmac dvcindex-known-answer
//	printf 'name\000nguyễn văn an' | openssl dgst -sha256 -hmac dvcindex-known-answer   (NFC bytes)
//	printf 'phone\0000912345678' | openssl dgst -sha256 -hmac dvcindex-known-answer
//
// and written here, so a change of key handling, domain separation,
// canonical form or encoding fails.
func TestHashKnownAnswers(t *testing.T) {
	rfc, err := NewPseudonymizer([]byte("Jefe"))
	if err != nil {
		t.Fatal(err)
	}
	const rfc4231case2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if got := rfc.mac("what do ya want for nothing?"); got != rfc4231case2 {
		t.Errorf("HMAC-SHA256(Jefe, RFC 4231 case 2) = %s, want %s", got, rfc4231case2)
	}
	p, err := NewPseudonymizer([]byte("dvcindex-known-answer"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ kind, value, canonical, want string }{
		{KindID, " 0123 4567 8901 ", "012345678901", "54c5f7df44534fbc62c5db8b6ffcca03689ab2355ce40c00b78a1dd64123abcc"},
		{KindName, norm.NFD.String("  NGUYỄN   Văn An "), "nguyễn văn an", "8b5ba7484ea5f292f38e964421eedefe852487795a2cb5232f49451531579be9"},
		{KindPhone, "+84 912 345 678", "0912345678", "1b0bea09f3dc906f27bca091a19e92e09e6a24120db1853b21db559f259c3e00"},
	} {
		// The normalization on its own, then the whole hash.
		if got := canonicalPII(c.kind, c.value); got != c.canonical || got != norm.NFC.String(got) {
			t.Errorf("canonical %s %q = %q, want %q (NFC)", c.kind, c.value, got, c.canonical)
		}
		if got := p.Hash(c.kind, c.value); got != c.want {
			t.Errorf("Hash(%s, %q) = %s, want %s", c.kind, c.value, got, c.want)
		}
	}
}
