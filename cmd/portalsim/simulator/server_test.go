package simulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewOptions(t *testing.T) {
	base := day(2024, 1, 1)
	tests := []struct {
		name    string
		mutate  func(*Options)
		wantErr string
	}{
		{"defaults", nil, ""},
		{"one per second fits", func(o *Options) { o.From, o.To, o.Dossiers = base, base.Add(100*time.Second), 100 }, ""},
		{"more dossiers than seconds", func(o *Options) { o.From, o.To, o.Dossiers = base, base.Add(100*time.Second), 101 }, "unique per second"},
		{"zero dossiers", func(o *Options) { o.Dossiers = 0 }, ""},
		{"negative dossiers", func(o *Options) { o.Dossiers = -1 }, "negative"},
		{"to before from", func(o *Options) { o.From, o.To = o.To, o.From }, "before To"},
		{"empty window", func(o *Options) { o.To = o.From }, "before To"},
		{"missing from", func(o *Options) { o.From = time.Time{} }, "required"},
		{"missing username", func(o *Options) { o.Username = "" }, "Username"},
		{"negative page size max", func(o *Options) { o.PageSizeMax = -5 }, "PageSizeMax"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOptions()
			if tc.mutate != nil {
				tc.mutate(&o)
			}
			s, err := New(o)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if s.Len() != o.Dossiers {
					t.Fatalf("Len %d, want %d", s.Len(), o.Dossiers)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestAuth(t *testing.T) {
	now := day(2024, 6, 1)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s := newSim(t, func(o *Options) { o.Now = clock; o.Username, o.Password = "alice", "s3cret" })
	h := s.Handler()

	tokenCases := []struct {
		name       string
		method     string
		body       string
		wantStatus int
	}{
		{"good credentials", http.MethodPost, `{"username":"alice","password":"s3cret"}`, 200},
		{"wrong password", http.MethodPost, `{"username":"alice","password":"nope"}`, 401},
		{"wrong username", http.MethodPost, `{"username":"bob","password":"s3cret"}`, 401},
		{"empty body", http.MethodPost, ``, 400},
		{"not JSON", http.MethodPost, `username=alice`, 400},
		{"GET not allowed", http.MethodGet, ``, 405},
	}
	for _, tc := range tokenCases {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, tc.method, "/api/v1/auth/token", "", []byte(tc.body))
			if rec.Code != tc.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.wantStatus, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("content type %q", ct)
			}
			var m map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
				t.Fatalf("body not JSON: %s", rec.Body)
			}
			code, _ := m["error_code"].(string)
			if tc.wantStatus == 200 {
				if code != "0" || m["access_token"] == "" || m["expires_in"] != float64(3600) {
					t.Fatalf("bad token response %v", m)
				}
				if _, ok := m["message"]; !ok {
					t.Fatalf("no message in %v", m)
				}
			} else if code == "0" || code == "" || m["message"] == "" {
				t.Fatalf("error response needs error_code != 0 and a message: %v", m)
			}
		})
	}

	tok := login(t, s)
	page := "/api/v1/dossiers?page=1&page_size=5"
	authCases := []struct {
		name, header string
		want         int
	}{
		{"no header", "", 401},
		{"unknown token", "Bearer deadbeef", 401},
		{"wrong scheme", "Basic " + tok, 401},
		{"empty bearer", "Bearer ", 401},
		{"valid token", "Bearer " + tok, 200},
		{"scheme case-insensitive", "bearer " + tok, 200},
	}
	for _, tc := range authCases {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, http.MethodGet, page, tc.header, nil)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.want, rec.Body)
			}
			if tc.want == 401 {
				var e envelope
				if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.ErrorCode == "0" || e.ErrorCode == "" {
					t.Fatalf("401 body %s", rec.Body)
				}
				if rec.Header().Get("WWW-Authenticate") == "" {
					t.Fatal("401 without WWW-Authenticate")
				}
			}
		})
	}

	t.Run("401 after ExpireTokens, then re-auth", func(t *testing.T) {
		tok := login(t, s)
		if rec := do(h, http.MethodGet, page, "Bearer "+tok, nil); rec.Code != 200 {
			t.Fatalf("before expiry: %d", rec.Code)
		}
		s.ExpireTokens()
		if rec := do(h, http.MethodGet, page, "Bearer "+tok, nil); rec.Code != 401 {
			t.Fatalf("after ExpireTokens: %d, want 401", rec.Code)
		}
		tok2 := login(t, s)
		if rec := do(h, http.MethodGet, page, "Bearer "+tok2, nil); rec.Code != 200 {
			t.Fatalf("after re-auth: %d", rec.Code)
		}
	})

	t.Run("token expires after TTL", func(t *testing.T) {
		tok := login(t, s)
		advance(59 * time.Minute)
		if rec := do(h, http.MethodGet, page, "Bearer "+tok, nil); rec.Code != 200 {
			t.Fatalf("before TTL: %d", rec.Code)
		}
		advance(2 * time.Minute)
		if rec := do(h, http.MethodGet, page, "Bearer "+tok, nil); rec.Code != 401 {
			t.Fatalf("after TTL: %d, want 401", rec.Code)
		}
	})
}

func TestBadParams(t *testing.T) {
	s := newSim(t, nil)
	tok := login(t, s)
	tests := []struct{ name, query string }{
		{"dashed date", "updated_from=2024-01-01"},
		{"short date", "updated_from=20240101"},
		{"impossible date", "updated_from=20240231000000"},
		{"letters in date", "updated_to=2024010100000x"},
		{"empty date", "updated_to="},
		{"to before from", "updated_from=20240201000000&updated_to=20240101000000"},
		{"page zero", "page=0"},
		{"negative page", "page=-1"},
		{"page not a number", "page=one"},
		{"page_size zero", "page_size=0"},
		{"page_size negative", "page_size=-10"},
		{"page_size above max", "page_size=1001"},
		{"page_size not a number", "page_size=big"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(s.Handler(), http.MethodGet, "/api/v1/dossiers?"+tc.query, "Bearer "+tok, nil)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", rec.Code, rec.Body)
			}
			var e envelope
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.ErrorCode == "0" || e.Message == "" {
				t.Fatalf("bad error body %s", rec.Body)
			}
		})
	}
	if s.Requests() != 0 {
		t.Fatalf("rejected requests counted: %d", s.Requests())
	}
	// The limits themselves are accepted.
	for _, q := range []string{"page_size=1", "page_size=1000", "page=999999"} {
		if rec := do(s.Handler(), http.MethodGet, "/api/v1/dossiers?"+q, "Bearer "+tok, nil); rec.Code != 200 {
			t.Fatalf("%s: %d", q, rec.Code)
		}
	}
	if s.Requests() != 3 {
		t.Fatalf("Requests %d, want 3", s.Requests())
	}
	// A custom maximum is honoured.
	s2 := newSim(t, func(o *Options) { o.PageSizeMax = 50 })
	tok2 := login(t, s2)
	if rec := do(s2.Handler(), http.MethodGet, "/api/v1/dossiers?page_size=51", "Bearer "+tok2, nil); rec.Code != 400 {
		t.Fatalf("page_size 51 with max 50: %d", rec.Code)
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	s := newSim(t, nil)
	tok := login(t, s)
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/api/v1/nothing", 404},
		{http.MethodGet, "/api/v1/dossiers/", 404},
		{http.MethodGet, "/", 404},
		{http.MethodPost, "/api/v1/dossiers", 405},
	}
	for _, tc := range tests {
		rec := do(s.Handler(), tc.method, tc.path, "Bearer "+tok, nil)
		if rec.Code != tc.want {
			t.Fatalf("%s %s: %d, want %d", tc.method, tc.path, rec.Code, tc.want)
		}
		var e envelope
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.ErrorCode == "0" || e.Message == "" {
			t.Fatalf("%s %s: body %s", tc.method, tc.path, rec.Body)
		}
	}
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	queries := []string{
		"/api/v1/dossiers?page=1&page_size=1000",
		"/api/v1/dossiers?updated_from=20240301000000&updated_to=20240401000000&page=2&page_size=100",
		"/api/v1/dossiers?page=5&page_size=1000",
	}
	fetch := func(s *Simulator) [][]byte {
		tok := login(t, s)
		var out [][]byte
		for _, q := range queries {
			_, b := getPage(t, s, tok, q)
			out = append(out, b)
		}
		return out
	}
	a, b := fetch(newSim(t, nil)), fetch(newSim(t, nil))
	c := fetch(newSim(t, func(o *Options) { o.Seed = 2 }))
	for k := range queries {
		if !bytes.Equal(a[k], b[k]) {
			t.Fatalf("%s: same options gave different bytes", queries[k])
		}
		if bytes.Equal(a[k], c[k]) {
			t.Fatalf("%s: different seeds gave identical bytes", queries[k])
		}
	}
	s1, s2 := newSim(t, nil), newSim(t, nil)
	for _, i := range []int{0, 1, 2500, 4999} {
		t1, t2 := s1.Truth(i), s2.Truth(i)
		j1, _ := json.Marshal(t1)
		j2, _ := json.Marshal(t2)
		if !bytes.Equal(j1, j2) {
			t.Fatalf("Truth(%d) differs between identical simulators", i)
		}
	}
}

// Concurrent requests share pooled buffers; the bytes must not mix.
func TestConcurrentPagesIdentical(t *testing.T) {
	t.Parallel()
	s := newSim(t, nil)
	tok := login(t, s)
	want := map[int][]byte{}
	for p := 1; p <= 5; p++ {
		_, b := getPage(t, s, tok, dossierURL(time.Time{}, time.Time{}, p, 1000))
		want[p] = b
	}
	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for g := range 20 {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			rec := do(s.Handler(), http.MethodGet, dossierURL(time.Time{}, time.Time{}, p, 1000), "Bearer "+tok, nil)
			if !bytes.Equal(rec.Body.Bytes(), want[p]) {
				errs <- "page differs under concurrency"
			}
		}(g%5 + 1)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if got := s.Requests(); got != 25 {
		t.Fatalf("Requests %d, want 25", got)
	}
}

func TestProceduresCatalogue(t *testing.T) {
	s := newSim(t, nil)
	tok := "Bearer " + login(t, s)
	var seen []map[string]any
	for page := 1; ; page++ {
		var body struct {
			ErrorCode string           `json:"error_code"`
			Total     int              `json:"total"`
			Data      []map[string]any `json:"data"`
		}
		rec := do(s.Handler(), http.MethodGet, "/api/v1/procedures?page_size=7&page="+strconv.Itoa(page), tok, nil)
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("procedures page %d: %d %v", page, rec.Code, err)
		}
		if body.ErrorCode != "0" {
			t.Fatalf("error_code %q", body.ErrorCode)
		}
		seen = append(seen, body.Data...)
		if len(body.Data) < 7 {
			if body.Total != len(seen) {
				t.Fatalf("total %d, read %d", body.Total, len(seen))
			}
			break
		}
	}
	truth := s.Catalogue()
	if len(seen) != len(truth) || len(seen) < 20 {
		t.Fatalf("catalogue has %d entries, truth %d", len(seen), len(truth))
	}
	byCode := map[string]map[string]any{}
	for _, p := range seen {
		for _, k := range []string{"MaTTHC", "TenTTHC", "MaLinhVuc", "CapThucHien", "ThoiHanGiaiQuyet", "LichSuThoiHan", "CoPhiLePhi",
			"MucDoDVC", "KetQuaLaGiayTo", "QuyetDinhCongBo", "NgayHieuLucCanCu", "NgayCongKhai", "NoiDungDayDu", "ChungThucDienTu"} {
			if _, ok := p[k]; !ok {
				t.Fatalf("procedure %v lacks %s", p["MaTTHC"], k)
			}
		}
		byCode[p["MaTTHC"].(string)] = p
	}
	// The seed report's cut: 1.010824 from 5 to 3 days by 3039/QĐ-UBND on 2023-08-16.
	p := byCode["1.010824"]
	hist := p["LichSuThoiHan"].([]any)
	if p["ThoiHanGiaiQuyet"].(float64) != 3 || len(hist) != 2 {
		t.Fatalf("1.010824: %v", p)
	}
	cut := hist[1].(map[string]any)
	if cut["ThoiHan"].(float64) != 3 || cut["TuNgay"] != "20230816000000" || cut["QuyetDinh"] != "3039/QĐ-UBND" {
		t.Fatalf("1.010824 cut: %v", cut)
	}
	groups := map[string]int{}
	for _, ct := range truth {
		groups[ct.Group]++
	}
	if groups["khai_sinh"] == 0 || groups["khai_tu"] == 0 {
		t.Fatalf("interconnected groups missing: %v", groups)
	}
}
