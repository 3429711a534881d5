package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/ward"
	"github.com/dvcindex/dvcindex/internal/web"
)

// TestReportAndPageAgreeWithExplain: for Bồng Sơn in 2024-Q2 (the demo's
// late-syncing ward, with the example targets), the unit's page (ward's
// Store, which internal/web renders) and the report show the numbers of
// explain --format json: the indicators with their targets, the points to
// win back, and every metric's score and points lost.
func TestReportAndPageAgreeWithExplain(t *testing.T) {
	h := reportHarness(t)
	if code, out, errs := h.run(nil, "compute", "--period", "2024-Q2"); code != 0 {
		t.Fatalf("compute exit %d: %s %s", code, out, errs)
	}
	code, out, errs := h.run(nil, "explain", "--unit", "21640", "--period", "2024-Q2", "--format", "json", "--top", "10")
	if code != 0 {
		t.Fatalf("explain exit %d: %s", code, errs)
	}
	var rep ward.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Indicators) != 7 || rep.Indicators[0].Target == nil || len(rep.Winback) == 0 {
		t.Fatalf("explain has no targets or nothing to win back: %+v %+v", rep.Indicators, rep.Winback)
	}
	cfg, err := config.Load("", h.env)
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: cfg}
	st := ward.NewStore(h.store, a.engine(false).IndicatorSettings())
	page, err := st.Page(context.Background(), "21640", "2024-Q2")
	if err != nil {
		t.Fatal(err)
	}
	// Compared as explain prints them: JSON.
	for what, pair := range map[string][2]any{"report": {page.Report, rep}, "indicators": {page.Indicators, rep.Indicators},
		"points to win back": {page.Winback, rep.Winback}} {
		a, _ := json.Marshal(pair[0])
		b, _ := json.Marshal(pair[1])
		if string(a) != string(b) {
			t.Errorf("the page's %s differ from explain's:\npage    %s\nexplain %s", what, a, b)
		}
	}
	if page.Parent.Code != "543" || page.Parent.Name != "Hoài Nhơn" || page.Previous != "" || len(page.Trend) != 1 {
		t.Errorf("page links: parent %+v, previous %q, trend %+v", page.Parent, page.Previous, page.Trend)
	}
	md := reportMD(t, h)
	for _, in := range rep.Indicators {
		if in.Target == nil {
			continue
		}
		row := fmt.Sprintf("| 21640 | Bồng Sơn | %s | %.2f | %.2f |", in.Label, in.Score, *in.Target)
		if !strings.Contains(md, row) {
			t.Errorf("the report lacks explain's target row %q", row)
		}
	}
	for _, w := range rep.Winback[:min(5, len(rep.Winback))] {
		row := fmt.Sprintf("| 21640 | Bồng Sơn | %d | %s | %.2f |", w.Rank, w.Label, w.PointsLost)
		if !strings.Contains(md, row) {
			t.Errorf("the report lacks explain's point to win back %q", row)
		}
	}
	assertDossierPages(t, st, rep)
	assertPageInChromium(t, st, rep)
}

// assertDossierPages: the page's dossier list of ON_TIME holds, page by
// page, as many items as explain counts findings, with their dates and
// never a pseudonym.
func assertDossierPages(t *testing.T, st *ward.Store, rep ward.Report) {
	t.Helper()
	var want uint64
	for _, m := range rep.Metrics {
		if m.Metric == "ON_TIME" {
			for _, f := range append(m.Findings, m.Risks...) {
				want += f.Count
			}
		}
	}
	seen := map[string]bool{}
	for offset := 0; ; offset += 4 {
		items, total, err := st.Dossiers(context.Background(), "21640", "2024-Q2", "ON_TIME", offset, 4)
		if err != nil {
			t.Fatal(err)
		}
		if uint64(total) != want || want == 0 {
			t.Fatalf("ON_TIME lists %d items in all, explain counts %d findings", total, want)
		}
		for _, it := range items {
			if it.Received == "" || it.ProcedureName == "" || it.Words == "" || strings.Contains(it.Evidence, "owner:") {
				t.Errorf("item %+v lacks its dates, procedure or words, or shows a pseudonym", it)
			}
			seen[it.ID+it.Finding] = true
		}
		if len(items) < 4 {
			break
		}
	}
	if uint64(len(seen)) != want {
		t.Errorf("the pages hold %d distinct items, want %d", len(seen), want)
	}
}

// assertPageInChromium serves the real page (internal/web over the test
// database) behind a users file, opens Bồng Sơn's page in headless
// Chromium as Bồng Sơn's user, and requires explain's numbers on screen:
// the seven indicators with their targets, the first point to win back and
// a dossier of the first listed metric; follows the dossier-list link; keeps
// screenshots in testdata/out/. Tam Quan's page answers 403 to that user.
func assertPageInChromium(t *testing.T, st *ward.Store, rep ward.Report) {
	t.Helper()
	browser := os.Getenv("DVC_TEST_CHROMIUM")
	if browser == "" {
		t.Skip("DVC_TEST_CHROMIUM is not set (make test sets it)")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("bongson-pass"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	usersFile := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(usersFile, []byte("user,bcrypt_hash,units\nbongson,"+string(hash)+",21640\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	users, err := web.LoadUsers(usersFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(web.Options{Source: st, Users: users}))
	t.Cleanup(srv.Close)
	base := strings.Replace(srv.URL, "http://", "http://bongson:bongson-pass@", 1)
	dom := chromiumDump(t, browser, base+"/units/21640/2024-Q2", "ward-page-21640.png")
	for _, in := range rep.Indicators {
		want := fmt.Sprintf("<td>%s/%s</td>", pageNum(in.Score), pageNum(in.Max))
		if !strings.Contains(dom, want) {
			t.Errorf("the page does not show %s %s", in.Label, want)
		}
	}
	if w := rep.Winback[0]; !strings.Contains(dom, w.Label) || !strings.Contains(dom, fmt.Sprintf("%d %s / 1 điểm", w.PerPoint, w.Unit)) {
		t.Errorf("the page does not show the first point to win back %+v", w)
	}
	link := regexp.MustCompile(`href="(/units/21640/2024-Q2/dossiers\?metric=ON_TIME[^"]*)"`).FindStringSubmatch(dom)
	if link == nil {
		t.Fatalf("no link to ON_TIME's dossiers on the page")
	}
	list := chromiumDump(t, browser, base+html.UnescapeString(link[1]), "ward-dossiers-21640.png")
	if first := metricOf(t, rep, "ON_TIME").Dossiers[0].DossierID; !strings.Contains(list, first) {
		t.Errorf("the dossier list does not show %s", first)
	}
	if strings.Contains(dom+list, "owner:") {
		t.Error("a pseudonym is on the page")
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/units/21637/2024-Q2", nil)
	req.SetBasicAuth("bongson", "bongson-pass")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("Tam Quan's page for Bồng Sơn's user: %v %v, want 403", resp, err)
	}
}

// pageNum formats a number as the page does (at most two decimals).
func pageNum(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// chromiumDump loads url in headless Chromium, keeps a screenshot under
// testdata/out/ and returns the rendered DOM.
func chromiumDump(t *testing.T, browser, url, shot string) string {
	t.Helper()
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(t.TempDir(), "profile")}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dom, err := exec.CommandContext(ctx, browser, append(flags, "--dump-dom", url)...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom %s: %v", url, err)
	}
	out := writeOut(t, shot, nil)
	if err := exec.CommandContext(ctx, browser, append(flags, "--window-size=1200,2400", "--screenshot="+out, url)...).Run(); err != nil {
		t.Fatalf("chromium --screenshot: %v", err)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Errorf("no screenshot in %s: %v", out, err)
	}
	return string(dom)
}
