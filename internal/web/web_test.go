package web

import (
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/internal/golden"
	"github.com/dvcindex/dvcindex/internal/syncio"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the page (read the diff)")

// testHandler serves the fixture; users "" = no login.
func testHandler(t *testing.T, f *fixture, users string) (http.Handler, *syncio.Buffer) {
	t.Helper()
	var logs syncio.Buffer
	opts := Options{Source: f, Log: zerolog.New(&logs)}
	if users != "" {
		u, err := LoadUsers(filepath.Join("testdata", "users", users))
		if err != nil {
			t.Fatal(err)
		}
		opts.Users = u
	}
	return New(opts), &logs
}

// get runs one request; user "" sends no credentials.
func get(t *testing.T, h http.Handler, method, target, user, pass string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// checkPage: the headers every answer carries, and nothing a page must
// never print (a pseudonym, a hash, the source's error, raw markup).
func checkPage(t *testing.T, what string, resp *http.Response, body string) {
	t.Helper()
	want := map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
		"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s: header %s = %q, want %q", what, k, got, v)
		}
	}
	lower := strings.ToLower(body)
	// Markup from the data shows as text (&lt;…), never as a tag.
	for _, bad := range []string{"owner", ownerHash, "select ", "<script", `href="javascript:`, "<marquee", "<svg onload", "<img", "<style>body", "<br>", "<u>"} {
		if strings.Contains(lower, strings.ToLower(bad)) {
			t.Errorf("%s: the page contains %q", what, bad)
		}
	}
	if m := regexp.MustCompile(`(?i)\b[0-9a-f]{32,}\b|\$2[aby]\$`).FindString(body); m != "" {
		t.Errorf("%s: the page contains a hash-looking string %q", what, m)
	}
}

func TestRoutes(t *testing.T) {
	h, _ := testHandler(t, newFixture(), "")
	cases := []struct {
		name, method, target string
		status               int
		contains             []string
		golden               string
	}{
		{"index", "GET", "/", 200, []string{"Tỉnh Bình Định", "Thị xã Hoài Nhơn", `href="/units/21664/2025-Q1"`}, "index.html"},
		{"unit", "GET", "/units/21664/2025-Q2", 200, []string{"Phường Bồng Sơn", "Chưa đạt", "Đạt", "3 hồ sơ / 1 điểm",
			"Cấp tỉnh — xã không khắc phục được", `href="/units/21664/2025-Q1"`, `href="/units/540/2025-Q2"`,
			`href="/units/21664/2025-Q2/dossiers?metric=DOSSIER_SYNC"`, "Chưa đồng bộ lên Cổng DVCQG: 120", "<svg"}, "unit.html"},
		{"previous period", "GET", "/units/21664/2025-Q1", 200, []string{"Kỳ <strong>2025-Q1</strong>"}, ""},
		{"dossiers page 1", "GET", "/units/21664/2025-Q2/dossiers?metric=DOSSIER_SYNC", 200,
			[]string{"H44.232-250401-0001", "H44.232-250401-0050", "trang 1/3", `href="/units/21664/2025-Q2/dossiers?metric=DOSSIER_SYNC&amp;page=2"`}, ""},
		{"dossiers page 2", "GET", "/units/21664/2025-Q2/dossiers?metric=DOSSIER_SYNC&page=2", 200,
			[]string{"H44.232-250401-0051", "H44.232-250401-0100", "trang 2/3", "1.001612 — Đăng ký khai sinh",
				`href="/units/21664/2025-Q2/dossiers?metric=DOSSIER_SYNC"`, `href="/units/21664/2025-Q2/dossiers?metric=DOSSIER_SYNC&amp;page=3"`}, "dossiers.html"},
		{"dossiers last page", "GET", "/units/21664/2025-Q2/dossiers?metric=DOSSIER_SYNC&page=3", 200,
			[]string{"H44.232-250401-0120", "trang 3/3", "đang xem 101–120"}, ""},
		{"dossiers one page", "GET", "/units/21664/2025-Q2/dossiers?metric=ONTIME", 200, []string{"H44.232-250510-0007", "Giải quyết quá hạn"}, ""},
		{"HEAD", "HEAD", "/units/21664/2025-Q2", 200, nil, ""},
		{"unknown unit", "GET", "/units/99999/2025-Q2", 404, []string{"Không tìm thấy"}, "404.html"},
		{"unknown period", "GET", "/units/21664/2024-Q2", 404, nil, ""},
		{"not a code", "GET", "/units/abc/2025-Q2", 404, nil, ""},
		{"unknown path", "GET", "/units/21664", 404, nil, ""},
		{"page past the end", "GET", "/units/21664/2025-Q2/dossiers?metric=DOSSIER_SYNC&page=4", 404, nil, ""},
		{"unknown metric", "GET", "/units/21664/2025-Q2/dossiers?metric=NOPE", 404, nil, ""},
		{"bad period", "GET", "/units/21664/2025-Q5", 400, []string{"Yêu cầu không hợp lệ"}, ""},
		{"bad period of dossiers", "GET", "/units/21664/Q2-2025/dossiers?metric=ONTIME", 400, nil, ""},
		{"no metric", "GET", "/units/21664/2025-Q2/dossiers", 400, nil, ""},
		{"bad metric", "GET", "/units/21664/2025-Q2/dossiers?metric=a%3Bb", 400, nil, ""},
		{"bad page", "GET", "/units/21664/2025-Q2/dossiers?metric=ONTIME&page=0", 400, nil, ""},
		{"page not a number", "GET", "/units/21664/2025-Q2/dossiers?metric=ONTIME&page=x", 400, nil, ""},
		{"POST", "POST", "/units/21664/2025-Q2", 405, nil, ""},
		{"DELETE", "DELETE", "/", 405, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := get(t, h, c.method, c.target, "", "")
			if resp.StatusCode != c.status {
				t.Fatalf("%s %s: %d, want %d\n%s", c.method, c.target, resp.StatusCode, c.status, body)
			}
			checkPage(t, c.target, resp, body)
			if c.method == "HEAD" && body != "" {
				t.Errorf("HEAD answered a body of %d bytes", len(body))
			}
			if c.status == 405 && resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("405 without Allow: GET, HEAD")
			}
			for _, s := range c.contains {
				if !strings.Contains(body, s) {
					t.Errorf("the page lacks %q", s)
				}
			}
			if c.golden != "" {
				golden.Check(t, c.golden, []byte(body), *update)
			}
		})
	}
}

// TestUnitPageContent: the ranking's rows are in order, the province-level
// one apart; the page is server-side HTML without script.
func TestUnitPageContent(t *testing.T) {
	h, _ := testHandler(t, newFixture(), "")
	_, body := get(t, h, "GET", "/units/21664/2025-Q2", "", "")
	own := strings.Index(body, "Hồ sơ giải quyết đúng hạn")
	second := strings.Index(body, "Hồ sơ đồng bộ lên Cổng DVCQG")
	apart := strings.Index(body, "<h3>Cấp tỉnh — xã không khắc phục được</h3>")
	province := strings.Index(body, "Nền tảng thanh toán của tỉnh")
	if own < 0 || !(own < second && second < apart && apart < province) {
		t.Errorf("ranking order: own %d, second %d, province heading %d, province row %d", own, second, apart, province)
	}
	for _, s := range []string{`name="viewport"`, "@media print", "overflow-x: auto"} {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	if n := strings.Count(body, "<svg"); n != 2 {
		t.Errorf("%d SVG charts, want 2 (bars and trend)", n)
	}
	if strings.Count(body, `class="target"`) != 6+1 { // six targets and the legend's tick
		t.Errorf("target ticks: %d, want 7", strings.Count(body, `class="target"`))
	}
}

func TestHostileNamesAreEscaped(t *testing.T) {
	h, _ := testHandler(t, newFixture(), "")
	for _, target := range []string{"/", "/units/21673/2025-Q2", "/units/21673/2025-Q2/dossiers?metric=DOSSIER_SYNC"} {
		resp, body := get(t, h, "GET", target, "", "")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", target, resp.StatusCode)
		}
		checkPage(t, target, resp, body)
		if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;Ân&#39; &lt;b&gt;") {
			t.Errorf("%s: the hostile name is not shown escaped", target)
		}
		if strings.Contains(body, `href="http://evil.example/"`) || strings.Contains(body, "<b>") {
			t.Errorf("%s: markup from the data reached the page", target)
		}
	}
	_, body := get(t, h, "GET", "/units/21673/2025-Q2", "", "")
	golden.Check(t, "hostile.html", []byte(body), *update)
}

func TestSourceFailureIs500WithoutDetails(t *testing.T) {
	f := newFixture()
	f.failing = true
	h, logs := testHandler(t, f, "")
	for _, target := range []string{"/", "/units/21664/2025-Q2", "/units/21664/2025-Q2/dossiers?metric=ONTIME"} {
		resp, body := get(t, h, "GET", target, "", "")
		if resp.StatusCode != 500 {
			t.Fatalf("%s: %d, want 500", target, resp.StatusCode)
		}
		checkPage(t, target, resp, body)
		if strings.Contains(body, "password") || strings.Contains(body, "516") {
			t.Errorf("%s: the source's error reached the page", target)
		}
	}
	if !strings.Contains(logs.String(), "code: 516") {
		t.Errorf("the source's error is not in the log: %s", logs.String())
	}
}

func TestAccess(t *testing.T) {
	h, _ := testHandler(t, newFixture(), "good.csv")
	cases := []struct {
		user, pass, target string
		status             int
	}{
		{"", "", "/", 401},
		{"", "", "/units/21664/2025-Q2", 401},
		{"bongson", "wrong", "/units/21664/2025-Q2", 401},
		{"nobody", "bs-pass", "/units/21664/2025-Q2", 401},
		{"", "", "/nowhere", 401},
		{"bongson", "bs-pass", "/units/21664/2025-Q2", 200},
		{"bongson", "bs-pass", "/units/21664/2025-Q2/dossiers?metric=DOSSIER_SYNC&page=2", 200},
		{"bongson", "bs-pass", "/units/21670/2025-Q2", 403},
		{"bongson", "bs-pass", "/units/21670/2025-Q2/dossiers?metric=DOSSIER_SYNC", 403},
		{"bongson", "bs-pass", "/units/540/2025-Q2", 403},
		{"bongson", "bs-pass", "/units/99999/2025-Q2", 403}, // no probing of other units
		{"hoainhon", "hn-pass", "/units/540/2025-Q2", 200},
		{"hoainhon", "hn-pass", "/units/21664/2025-Q2", 403},
		{"tamquan", "tq-pass", "/units/21670/2025-Q2", 200},
		{"tamquan", "tq-pass", "/units/21664/2025-Q2", 403},
		{"anhao", "ah-pass", "/units/21664/2025-Q2", 200},
		{"tinh", "tinh-pass", "/units/52/2025-Q2", 200},
		{"tinh", "tinh-pass", "/units/21664/2025-Q2", 200},
		{"tinh", "tinh-pass", "/units/99999/2025-Q2", 404},
	}
	for _, c := range cases {
		resp, body := get(t, h, "GET", c.target, c.user, c.pass)
		if resp.StatusCode != c.status {
			t.Errorf("%s on %s: %d, want %d", c.user, c.target, resp.StatusCode, c.status)
		}
		checkPage(t, c.target, resp, body)
		if c.status == 401 && resp.Header.Get("WWW-Authenticate") != `Basic realm="dvcindex", charset="UTF-8"` {
			t.Errorf("401 with WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
		}
	}
}

// TestIndexPerUser: "/" lists only the user's units; the ward page links
// its parent only for a user who may see it.
func TestIndexPerUser(t *testing.T) {
	h, _ := testHandler(t, newFixture(), "good.csv")
	all := []string{"Tỉnh Bình Định", "Thị xã Hoài Nhơn", "Phường Bồng Sơn", "Phường Tam Quan", "Xã Ân Hảo Đông"}
	cases := []struct {
		user, pass string
		sees       []string
	}{
		{"tinh", "tinh-pass", all},
		{"hoainhon", "hn-pass", []string{"Thị xã Hoài Nhơn"}},
		{"bongson", "bs-pass", []string{"Phường Bồng Sơn"}},
		{"tamquan", "tq-pass", []string{"Phường Tam Quan"}},
		{"anhao", "ah-pass", []string{"Phường Bồng Sơn", "Xã Ân Hảo Đông"}},
	}
	for _, c := range cases {
		resp, body := get(t, h, "GET", "/", c.user, c.pass)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", c.user, resp.StatusCode)
		}
		for _, name := range all {
			want := false
			for _, s := range c.sees {
				want = want || s == name
			}
			if got := strings.Contains(body, name); got != want {
				t.Errorf("%s's index shows %s: %v, want %v", c.user, name, got, want)
			}
		}
	}
	_, body := get(t, h, "GET", "/units/21664/2025-Q2", "bongson", "bs-pass")
	if strings.Contains(body, `href="/units/540/`) || !strings.Contains(body, "Đơn vị cấp trên: Thị xã Hoài Nhơn") {
		t.Errorf("bongson's page links the district it may not see, or does not name it")
	}
	_, body = get(t, h, "GET", "/units/21664/2025-Q2", "tinh", "tinh-pass")
	if !strings.Contains(body, `href="/units/540/2025-Q2"`) {
		t.Errorf("tinh's page does not link the district")
	}
}

// TestIndexOrder: province, districts, wards; by name in Vietnamese order
// (Ân before Bồng before Phường Tam, not byte order).
func TestIndexOrder(t *testing.T) {
	h, _ := testHandler(t, newFixture(), "")
	_, body := get(t, h, "GET", "/", "", "")
	order := []string{"Tỉnh Bình Định", "Thị xã Hoài Nhơn", "Phường Bồng Sơn", "Phường Tam Quan", "Xã &lt;script&gt;", "Xã Ân Hảo Đông"}
	last := -1
	for _, s := range order {
		i := strings.Index(body, s)
		if i <= last {
			t.Errorf("%q at %d, not after the previous at %d", s, i, last)
		}
		last = i
	}
}
