package main

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/transform"

	goldenfile "github.com/dvcindex/dvcindex/internal/golden"
)

var updateGolden = flag.Bool("update", false, "rewrite the report golden files (review them by reading before committing)")

// reportHarness syncs a fixed portalsim year (seed 5, 4000 dossiers of 2024,
// ward 21640 syncing late) into a fresh database.
func reportHarness(t *testing.T) *harness {
	h := syncedLateSyncYear(t, 4000, 5)
	// The example targets (transform/refdata), loaded as migrate loads them.
	h.env = append(h.env, "DVC_REFDATA_TARGETS_FILE="+exampleTargets)
	if code, out, errs := h.run(nil, "migrate"); code != 0 || !strings.Contains(out, "127 targets") {
		t.Fatalf("migrate with the example targets: exit %d: %s %s", code, out, errs)
	}
	return h
}

// exampleTargets is the illustrative targets file (docs/refdata.md).
const exampleTargets = "../../transform/refdata/targets-example.csv"

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	if !*updateGolden {
		writeOut(t, name, got) // kept for a person to diff against the golden file
	}
	goldenfile.Check(t, name, got, *updateGolden)
}

// writeOut keeps an output in testdata/out (ignored by git) for a person
// to look at.
func writeOut(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join("testdata", "out", name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func TestReportGolden(t *testing.T) {
	h := reportHarness(t)
	dir := t.TempDir()
	md := filepath.Join(dir, "report.md")
	if code, out, errs := h.run(nil, "report", "--period", "2024-Q2", "--format", "md", "--out", md); code != 0 {
		t.Fatalf("report md exit %d: %s %s", code, out, errs)
	}
	got, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report-2024-Q2.md", got)

	zipPath := filepath.Join(dir, "report.zip")
	if code, _, errs := h.run(nil, "report", "--period", "2024-Q2", "--format", "csv", "--out", zipPath); code != 0 {
		t.Fatalf("report csv: %s", errs)
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		if !bytes.HasPrefix(data, []byte("\ufeff")) {
			t.Errorf("%s has no UTF-8 BOM", f.Name)
		}
		golden(t, filepath.Join("report-2024-Q2-csv", f.Name), data)
	}
	sort.Strings(names)
	// serve's scheduled report writes every format through the same code.
	cfg, err := config.Load("", h.env)
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: cfg, log: zerolog.Nop(), stdout: io.Discard, stderr: io.Discard, environ: h.env, now: time.Now}
	p, err := transform.ParsePeriod("2024-Q2")
	if err != nil {
		t.Fatal(err)
	}
	files, err := a.writeReports(context.Background(), h.store, p, filepath.Join(dir, "scheduled"))
	if err != nil || len(files) != 3 {
		t.Fatalf("scheduled report: %v %v", files, err)
	}
	if again, err := os.ReadFile(files[0]); err != nil || !bytes.Equal(again, got) {
		t.Errorf("the scheduled Markdown report differs from the command's (%v)", err)
	}
	want := []string{"indicators.csv", "interconnected_groups.csv", "online_genuine.csv", "simplified_procedures.csv",
		"step_lag.csv", "targets.csv", "transparency.csv", "trend.csv", "winback.csv"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("csv files %v, want %v", names, want)
	}
}

// TestReportHTMLInChromium renders the HTML report in headless Chromium
// (Debian's package), keeps a full-page screenshot in testdata/out, and
// checks that the charts and every table are in the rendered page and that
// the browser made no network request.
func TestReportHTMLInChromium(t *testing.T) {
	browser := os.Getenv("DVC_TEST_CHROMIUM")
	if browser == "" {
		t.Skip("DVC_TEST_CHROMIUM is not set (make test sets it to /usr/bin/chromium)")
	}
	if _, err := exec.LookPath(browser); err != nil {
		t.Fatalf("DVC_TEST_CHROMIUM=%s is set but not runnable: %v", browser, err)
	}
	h := reportHarness(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if code, _, errs := h.run(nil, "report", "--period", "2024-Q2", "--format", "html", "--out", page); code != 0 {
		t.Fatalf("report html: %s", errs)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	writeOut(t, "report-2024-Q2.html", html)
	// Self-contained: nothing to fetch.
	if m := regexp.MustCompile(`(?i)(src=|href=|url\(|@import)`).Find(html); m != nil {
		t.Fatalf("the HTML references an external resource: %q", m)
	}

	netlog := filepath.Join(dir, "netlog.json")
	shot, err := filepath.Abs(filepath.Join("testdata", "out", "report-2024-Q2.png"))
	if err != nil {
		t.Fatal(err)
	}
	// Chromium runs in a network namespace of its own (unshare --net: only
	// a loopback that is down), so nothing can leave the machine whatever
	// the page or the browser tries; the page must still render whole.
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Fatalf("unshare (util-linux) is needed to isolate the browser: %v", err)
	}
	flags := []string{"--net", browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "profile"), "--log-net-log=" + netlog,
		"--hide-scrollbars", "--window-size=1100,1400"}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The DOM after rendering, to check what the browser really shows.
	dom, err := exec.CommandContext(ctx, unshare, append(flags, "--dump-dom", "file://"+page)...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	checks := []struct {
		what string
		re   string
		min  int
	}{
		{"charts (SVG)", `<svg[ >]`, 3},
		{"tables", `<table>`, 7},
		{"section titles", `<h2>[1-7]\. `, 7},
		{"the indicators chart", `Bảy chỉ số theo đơn vị \(điểm`, 1},
		{"the transparency causes chart", `điểm bị mất theo nguyên nhân`, 1},
		{"the trend chart", `Tổng điểm qua các kỳ`, 1},
		{"the late-sync ward", `Bồng Sơn`, 3},
	}
	for _, c := range checks {
		if n := len(regexp.MustCompile(c.re).FindAll(dom, -1)); n < c.min {
			t.Errorf("rendered page has %d %s, want at least %d", n, c.what, c.min)
		}
	}
	// A full-page screenshot: the page height, measured from the DOM's
	// layout is not available headless, so take a tall window.
	if out, err := exec.CommandContext(ctx, unshare, append(append([]string{}, flags...),
		"--window-size=1100,9000", "--screenshot="+shot, "file://"+page)...).CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, out)
	}
	if st, err := os.Stat(shot); err != nil || st.Size() < 50_000 {
		t.Fatalf("screenshot %s missing or empty: %v", shot, err)
	}
	// The page asked for nothing: the only http(s) URLs in the net log are
	// Chromium's own background services (updates, clock), which the
	// namespace kept on the machine anyway.
	log, err := os.ReadFile(netlog)
	if err != nil {
		t.Fatalf("net log: %v", err)
	}
	browserOwn := regexp.MustCompile(`^"(https?|wss?)://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gvt1\.com|gstatic\.com)([/:"]|$)`)
	for _, u := range regexp.MustCompile(`"(https?|wss?)://[^"]*"`).FindAll(log, -1) {
		if !browserOwn.Match(u) {
			t.Errorf("the page made a network request: %s", u)
		}
	}
	t.Logf("screenshot: %s", shot)
}
