package web

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// browserOwn are the hosts of Chromium's own background services (updates,
// clock), which may try the network whatever the page does.
var browserOwn = regexp.MustCompile(`^([a-z0-9-]+\.)*(google\.com|googleapis\.com|gvt1\.com|gstatic\.com)(:\d+)?$`)

// chromium runs headless Chromium on the test page. Every request to a
// host other than loopback goes to a proxy of the test that refuses it and
// records it, so nothing leaves the machine; the page itself must ask for
// nothing (CSP default-src 'none', no script).
type chromium struct {
	t       *testing.T
	browser string
	flags   []string
	mu      sync.Mutex
	outside []string // hosts asked of the refusing proxy
}

func newChromium(t *testing.T, browser string) *chromium {
	c := &chromium{t: t, browser: browser}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.outside = append(c.outside, r.Host)
		c.mu.Unlock()
		http.Error(w, "refused by the test", http.StatusForbidden)
	}))
	t.Cleanup(proxy.Close)
	c.flags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--user-data-dir=" + filepath.Join(t.TempDir(), "profile"), "--hide-scrollbars",
		"--proxy-server=" + proxy.URL, "--proxy-bypass-list=<-loopback>;127.0.0.1"}
	return c
}

// run runs the browser with extra flags and the URL; it fails the test
// when the browser fails.
func (c *chromium) run(what, rawURL string, extra ...string) []byte {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append(append(append([]string{}, c.flags...), extra...), rawURL)
	out, err := exec.CommandContext(ctx, c.browser, args...).Output()
	if err != nil {
		c.t.Fatalf("chromium %s: %v", what, err)
	}
	return out
}

// TestPageInChromium logs in as the ward of Bồng Sơn (credentials in the
// URL: headless Chromium answers the basic auth challenge with them),
// checks what the browser shows, follows the dossier list's link found in
// the rendered DOM and takes screenshots into testdata/out/ (desktop and
// phone widths). Set DVC_TEST_CHROMIUM (make test: /usr/bin/chromium).
func TestPageInChromium(t *testing.T) {
	browser := os.Getenv("DVC_TEST_CHROMIUM")
	if browser == "" {
		t.Skip("DVC_TEST_CHROMIUM is not set (make test sets it to /usr/bin/chromium)")
	}
	if _, err := exec.LookPath(browser); err != nil {
		t.Fatalf("DVC_TEST_CHROMIUM=%s is set but not runnable: %v", browser, err)
	}
	users, err := LoadUsers(filepath.Join("testdata", "users", "good.csv"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(Options{Source: newFixture(), Users: users, Log: zerolog.Nop()}))
	defer srv.Close()
	base, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	base.User = url.UserPassword("bongson", "bs-pass")
	at := func(path string) string { return base.String() + path }
	c := newChromium(t, browser)

	dom := string(c.run("--dump-dom (unit page)", at("/units/21664/2025-Q2"), "--dump-dom"))
	expectOnScreen(t, "unit page", dom, []string{
		"Phường Bồng Sơn", "Công khai, minh bạch", "Tiến độ giải quyết", "Dịch vụ công trực tuyến", "Thanh toán trực tuyến",
		"Số hóa hồ sơ", "Mức độ hài lòng", "Tổng điểm", "Chưa đạt", "Đạt",
		"Điểm có thể lấy lại", "Hồ sơ giải quyết đúng hạn", "3 hồ sơ / 1 điểm", "Cấp tỉnh — xã không khắc phục được",
		"Nền tảng thanh toán của tỉnh", "Chưa đồng bộ lên Cổng DVCQG: 120"})
	if n := strings.Count(dom, "<svg"); n != 2 {
		t.Errorf("the browser shows %d SVG charts, want 2", n)
	}
	m := regexp.MustCompile(`<a href="(/units/21664/2025-Q2/dossiers\?metric=DOSSIER_SYNC)">`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatal("no link to the DOSSIER_SYNC dossier list in the rendered page")
	}
	list := string(c.run("--dump-dom (dossier list)", at(html.UnescapeString(m[1])), "--dump-dom"))
	expectOnScreen(t, "dossier list", list, []string{"H44.232-250401-0001", "H44.232-250401-0050", "1.001612 — Đăng ký khai sinh", "trang 1/3"})
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(list)
	if next == nil {
		t.Fatal("no next-page link on the dossier list")
	}
	page2 := string(c.run("--dump-dom (dossier list, page 2)", at(html.UnescapeString(next[1])), "--dump-dom"))
	expectOnScreen(t, "dossier list page 2", page2, []string{"H44.232-250401-0051", "trang 2/3"})

	screenshots(t, c, at)
	forbidden(t, srv.URL)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, h := range c.outside {
		if !browserOwn.MatchString(h) {
			t.Errorf("the page asked for %s (refused by the test's proxy)", h)
		}
	}
}

func expectOnScreen(t *testing.T, what, dom string, want []string) {
	t.Helper()
	if strings.Contains(dom, "Cần đăng nhập") || strings.Contains(dom, "Không có quyền xem") {
		t.Fatalf("%s: the browser shows an error page:\n%s", what, dom)
	}
	for _, s := range want {
		if !strings.Contains(dom, s) {
			t.Errorf("%s: the browser does not show %q", what, s)
		}
	}
}

// screenshots writes the unit page at desktop and phone widths and the
// dossier list into testdata/out/.
func screenshots(t *testing.T, c *chromium, at func(string) string) {
	t.Helper()
	out, err := filepath.Abs(filepath.Join("testdata", "out"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	shots := []struct{ file, path, size string }{
		{"unit-desktop.png", "/units/21664/2025-Q2", "1100,2600"},
		{"unit-phone.png", "/units/21664/2025-Q2", "390,3600"},
		{"dossiers-desktop.png", "/units/21664/2025-Q2/dossiers?metric=DOSSIER_SYNC&page=2", "1100,1600"},
	}
	for _, s := range shots {
		file := filepath.Join(out, s.file)
		_ = os.Remove(file)
		c.run("--screenshot "+s.file, at(s.path), "--window-size="+s.size, "--screenshot="+file)
		if st, err := os.Stat(file); err != nil || st.Size() < 20_000 {
			t.Fatalf("screenshot %s missing or nearly empty: %v", file, err)
		}
		t.Logf("screenshot: %s", file)
	}
}

// forbidden: another ward's user gets 403 on Bồng Sơn's pages.
func forbidden(t *testing.T, base string) {
	t.Helper()
	for _, path := range []string{"/units/21664/2025-Q2", "/units/21664/2025-Q2/dossiers?metric=DOSSIER_SYNC"} {
		req, err := http.NewRequest("GET", base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth("tamquan", "tq-pass") // the ward of Tam Quan
		resp, err := (&http.Client{Timeout: 15 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("tamquan on %s: %d, want 403", path, resp.StatusCode)
		}
	}
}
