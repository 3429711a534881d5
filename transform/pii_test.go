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
	other, _ := NewPseudonymizer([]byte("other-key"))
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
	secrets := []string{"Nguyễn Văn An", "012345678901", "0912345678", "an@example.vn", "VNEID-998877", "Trần Thị Bình", "079123456789"}
	for _, tc := range []struct {
		name string
		in   string
		keep []string // substrings that must survive
	}{
		{"top level", `{"MaHoSo":"X-1","ChuHoSo":"Nguyễn Văn An","SoDinhDanh":"012345678901","SoDienThoai":"0912345678","Email":"an@example.vn","MaDoiTuong":"VNEID-998877","DonViXuLy":"UBND <P.> Tam Quan"}`,
			[]string{`"MaHoSo":"X-1"`, `"DonViXuLy":"UBND <P.> Tam Quan"`}},
		{"nested", `{"data":[{"ChuHoSo":"Trần Thị Bình","x":{"SoDinhDanh":79123456789,"deep":[{"Email":"an@example.vn"}]}}],"n":1.50,"b":true,"z":null}`,
			[]string{`"n":1.50`, `"b":true`, `"z":null`}},
		{"key case", `{"chuhoso":"Nguyễn Văn An","EMAIL":"an@example.vn"}`, nil},
		{"object value", `{"ChuHoSo":{"HoTen":"Nguyễn Văn An","CCCD":"012345678901"}}`, nil},
		{"null and empty kept", `{"ChuHoSo":null,"Email":""}`, []string{`"ChuHoSo":null`, `"Email":""`}},
		{"duplicate keys", `{"ChuHoSo":"Nguyễn Văn An","ChuHoSo":"Trần Thị Bình"}`, nil},
		{"escapes", `{"ChuHoSo":"Nguy\u1ec5n V\u0103n An","t":"a\"b\\c\n"}`, []string{`"t":"a\"b\\c\n"`}},
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
	// The replacement is the same hash Dossier uses, so rejects can be joined.
	out := p.ScrubJSON([]byte(`{"SoDinhDanh":"012345678901"}`))
	if want := `{"SoDinhDanh":"` + p.Hash(KindID, "012345678901") + `"}`; string(out) != want {
		t.Errorf("got %s, want %s", out, want)
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
	for _, s := range []string{`{"ChuHoSo":"Nguyễn Văn An"}`, `[{"Email":1}]`, `{"a":{"SoDinhDanh":{"x":[1,"2"]}}}`, `"x"`, `{`, fullDossier} {
		f.Add([]byte(s))
	}
	p := mustPII(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		out := p.ScrubJSON(raw)
		if !json.Valid(out) {
			t.Fatalf("ScrubJSON(%q) = %q: not JSON", raw, out)
		}
	})
}
