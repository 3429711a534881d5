package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
	"github.com/dvcindex/dvcindex/internal/watch"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform/vocab"
)

// hookPost is one request the ward's gateway received.
type hookPost struct {
	path, key string
	body      []byte
	digest    watch.Digest
}

// gateway stands for the wards' chat or mail gateway: it keeps every POST
// and answers 500 on paths under /fail/.
type gateway struct {
	mu    sync.Mutex
	posts []hookPost
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	p := hookPost{path: r.URL.Path, key: r.Header.Get("Idempotency-Key"), body: b}
	if err := json.Unmarshal(b, &p.digest); err != nil {
		p.digest.UnitCode = "not JSON: " + err.Error()
	}
	g.mu.Lock()
	g.posts = append(g.posts, p)
	g.mu.Unlock()
	if strings.HasPrefix(r.URL.Path, "/fail/") {
		w.WriteHeader(http.StatusInternalServerError)
	}
}

func (g *gateway) received() []hookPost {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]hookPost(nil), g.posts...)
}

// atRiskRow is one row of v_at_risk, as "item_id rule kind points".
type atRiskRows map[string][]string // unit → rows, sorted

func (h *harness) atRisk(period string) (atRiskRows, map[string]string) {
	h.t.Helper()
	rows, err := h.store.Conn().Query(context.Background(), h.store.SQL(
		`SELECT unit_code, item_id, rule, kind, points, watch_id FROM {db}.v_at_risk WHERE period = ?`), period)
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	out, ids := atRiskRows{}, map[string]string{}
	for rows.Next() {
		var unit, item, rule, kind, id string
		var points float64
		if err := rows.Scan(&unit, &item, &rule, &kind, &points, &id); err != nil {
			h.t.Fatal(err)
		}
		out[unit] = append(out[unit], fmt.Sprintf("%s %s %s %.4f", item, rule, kind, points))
		ids[id] = unit
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out, ids
}

// pointsAtStake reads if_done − secured per "unit indicator".
func (h *harness) pointsAtStake(period string) map[string]float64 {
	h.t.Helper()
	rows, err := h.store.Conn().Query(context.Background(), h.store.SQL(
		`SELECT unit_code, indicator, if_done - secured FROM {db}.v_at_risk_scores WHERE period = ?`), period)
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var unit, ind string
		var v float64
		if err := rows.Scan(&unit, &ind, &v); err != nil {
			h.t.Fatal(err)
		}
		out[unit+" "+ind] = v
	}
	return out
}

func digestRows(d watch.Digest) []string {
	var out []string
	for _, items := range [][]watch.Item{d.Act, d.Threats, d.Lost, d.Risks} {
		for _, it := range items {
			out = append(out, fmt.Sprintf("%s %s %s %.4f", it.ItemID, it.Rule, it.Kind, it.Points))
		}
	}
	sort.Strings(out)
	return out
}

// TestServeWatchesAfterEachSyncRound runs serve with @every schedules on a
// clock started at 2026-11-20 10:00 (mid-quarter) against the simulator and a fresh
// database, with webhooks for three units of the period, one whose
// gateway answers 500 and one unit that no longer exists. The dossier
// pages are held until the round's petition sync has succeeded, so the
// round's syncs end seconds apart. While serve's first watch is held in
// its published state: it started after both syncs of its round; v_at_risk
// is that watch; /metrics equals v_at_risk's counts and v_at_risk_scores'
// if_done − secured for every unit; the digest files of every unit hold
// v_at_risk's items; the gateway got one digest per configured unit of the
// period, equal to v_at_risk's, and none with personal data; the failing
// webhook failed the watch job, not the syncs, and its token is in no log;
// the watch ran at most once per round.
func TestServeWatchesAfterEachSyncRound(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, simulator.Location)
	o := simOptions(400)
	o.From, o.To = time.Date(2026, 10, 1, 0, 0, 0, 0, simulator.Location), now
	o.Petitions, o.ExtraPII = 40, true
	h := newHarness(t, o)
	if code, out, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatalf("migrate exit %d: %s %s", code, out, errs)
	}
	gw := &gateway{}
	gwSrv := httptest.NewServer(gw)
	t.Cleanup(gwSrv.Close)
	const token = "tok-7f3a9c1e55"
	hooksFile := filepath.Join(t.TempDir(), "webhooks.csv")
	hooks := "unit_code,url\n" +
		"21637," + gwSrv.URL + "/ok/21637/" + token + "?sig=" + token + "\n" +
		"21664," + gwSrv.URL + "/ok/21664/" + token + "\n" +
		"52," + gwSrv.URL + "/ok/52/" + token + "\n" +
		"21640," + gwSrv.URL + "/fail/21640/" + token + "\n" +
		"21643," + gwSrv.URL + "/ok/21643/" + token + "\n" // merged into 21655 in 2025
	if err := os.WriteFile(hooksFile, []byte(hooks), 0o600); err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	_, portalEnv := h.startSlowPortal(gate, 0, 0)
	reportDir := t.TempDir()
	env := append(append(append([]string{}, h.env...), portalEnv...),
		"DVC_SERVE_ADDR=127.0.0.1:0", "DVC_SCHEDULE_SYNC=@every 6s", "DVC_SCHEDULE_COMPUTE=", "DVC_SCHEDULE_REPORT=",
		"DVC_PORTAL_PAGE_SIZE=200", "DVC_EVALUATION_ROOT_DEPARTMENT_ID=", "DVC_SERVE_REPORT_DIR="+reportDir,
		"DVC_WATCH_WEBHOOKS_FILE="+hooksFile, "DVC_WATCH_WEBHOOK_RETRIES=1", "DVC_WATCH_WEBHOOK_TIMEOUT=5s",
		// A watch of the next round may be running at the stop: it need not finish.
		"DVC_SERVE_GRACE_PERIOD=1s")

	published := make(chan load.WatchResult, 1)
	release := make(chan struct{})
	var releaseOnce sync.Once
	var first sync.Once
	s := startServeAt(t, env, serveHooks{watched: func(res load.WatchResult) {
		first.Do(func() {
			published <- res
			<-release // hold the watch loop: no later watch until the checks are done
		})
	}}, clockFrom(now))
	t.Cleanup(func() { releaseOnce.Do(func() { close(release) }) })

	waitFor(t, 3*time.Minute, "the first petition sync", func() bool {
		return h.count("SELECT count() FROM {db}.v_runs WHERE source = 'petitions' AND status = ?", load.RunSuccess) > 0
	})
	time.Sleep(1500 * time.Millisecond) // the round's dossier sync ends seconds after its petition sync
	close(gate)
	var res load.WatchResult
	select {
	case res = <-published:
	case <-time.After(3 * time.Minute): // a hang guard, not a speed limit
		t.Fatalf("no watch published within 3 minutes\n%s", tail(s.stderr.String(), 30))
	}
	checkWatchAfterRound(t, h, res)
	metrics := scrape(t, s.addr)
	rows, ids := h.atRisk(res.Period)
	if len(ids) != 1 || ids[res.WatchID] == "" {
		t.Fatalf("v_at_risk shows watches %v, want only serve's %s", ids, res.WatchID)
	}
	stakes := h.pointsAtStake(res.Period)
	units := unitsOf(stakes)
	if len(units) < 7 {
		t.Fatalf("v_at_risk_scores has %d units (%v), want every unit of %s", len(units), units, res.Period)
	}
	nItems := 0
	for _, r := range rows {
		nItems += len(r)
	}
	t.Logf("watch %s of %s: %d units, %d items in v_at_risk", res.WatchID, res.Period, len(units), nItems)
	checkAtRiskMetrics(t, metrics, rows, stakes, units)
	checkDigestFiles(t, filepath.Join(reportDir, "watch", res.Period), rows, units)
	checkWebhooks(t, gw.received(), res.WatchID, rows, []string{"21637", "21664", "52"}, h.personalData())
	for series, want := range map[string]float64{
		`dvcindex_watch_webhooks_total{result="sent"}`:      3,
		`dvcindex_watch_webhooks_total{result="failed"}`:    1,
		`dvcindex_watch_webhooks_total{result="no_digest"}`: 1,
		`dvcindex_job_runs_total{job="watch"}`:              1,
	} {
		if metrics[series] != want {
			t.Errorf("%s = %v, want %v", series, metrics[series], want)
		}
	}

	releaseOnce.Do(func() { close(release) })
	waitFor(t, 3*time.Minute, "the failed first watch to be counted", func() bool {
		return scrape(t, s.addr)[`dvcindex_job_failures_total{job="watch"}`] >= 1
	})
	metrics = scrape(t, s.addr)
	for _, job := range []string{"sync dossiers", "sync petitions"} {
		if n := metrics[`dvcindex_job_failures_total{job="`+job+`"}`]; n != 0 {
			t.Errorf("job %s failed %v times: the watch's failure must fail no sync", job, n)
		}
	}
	if _, err := s.stop(); err != nil {
		t.Fatal(err)
	}
	checkWatchRuns(t, h)
	logs := s.stderr.String()
	if strings.Contains(logs, token) || strings.Contains(logs, "/fail/") {
		t.Errorf("serve's log shows a webhook URL beyond its host")
	}
	if !strings.Contains(logs, `"message":"webhook failed"`) || !strings.Contains(logs, `"unit":"21640"`) {
		t.Errorf("the failed webhook of 21640 was not logged:\n%s", tail(logs, 20))
	}
}

// clockFrom is a clock that reads base now and runs from there.
func clockFrom(base time.Time) func() time.Time {
	start := time.Now()
	return func() time.Time { return base.Add(time.Since(start)) }
}

// checkWatchAfterRound: the first watch started once both syncs of its
// round were over (the dossier sync ended seconds after the petitions').
func checkWatchAfterRound(t *testing.T, h *harness, res load.WatchResult) {
	t.Helper()
	var watchStart time.Time
	for _, r := range h.runSpans("watch") {
		if watchStart.IsZero() {
			watchStart = r.start
		}
	}
	d, p := h.runSpans("dossiers"), h.runSpans("petitions")
	if len(d) == 0 || len(p) == 0 || watchStart.IsZero() {
		t.Fatalf("runs: %d dossiers, %d petitions, watch start %v", len(d), len(p), watchStart)
	}
	if !d[0].finish.After(p[0].finish) {
		t.Fatalf("the dossier sync ended %s, not after the petition sync (%s): the round's order is not exercised", d[0].finish, p[0].finish)
	}
	if watchStart.Before(d[0].finish) {
		t.Errorf("the first watch started %s, before the round's dossier sync ended (%s): it must wait for the round", watchStart, d[0].finish)
	}
	if res.Period != "2026-Q4" {
		t.Errorf("watched %s, want 2026-Q4 (the quarter holding serve's clock)", res.Period)
	}
}

func unitsOf(stakes map[string]float64) []string {
	set := map[string]bool{}
	for k := range stakes {
		set[strings.Fields(k)[0]] = true
	}
	var out []string
	for u := range set {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// checkAtRiskMetrics: dvcindex_at_risk_items and dvcindex_points_at_risk
// are v_at_risk's and v_at_risk_scores', unit by unit, and nothing else.
func checkAtRiskMetrics(t *testing.T, m map[string]float64, rows atRiskRows, stakes map[string]float64, units []string) {
	t.Helper()
	want := map[string]float64{}
	for _, u := range units {
		for _, r := range rows[u] {
			want[`dvcindex_at_risk_items{rule="`+strings.Fields(r)[1]+`",unit="`+u+`"}`]++
		}
	}
	var items, points int
	for series, v := range m {
		switch {
		case strings.HasPrefix(series, "dvcindex_at_risk_items{"):
			items++
			if v != want[series] {
				t.Errorf("%s = %v, v_at_risk has %v", series, v, want[series])
			}
		case strings.HasPrefix(series, "dvcindex_points_at_risk{"):
			points++
		}
	}
	for series, n := range want {
		if _, ok := m[series]; !ok {
			t.Errorf("no sample %s (v_at_risk has %v)", series, n)
		}
	}
	if rules := len(vocab.AtRiskRules()); items < len(want) || items != rules*len(units) {
		t.Errorf("%d at-risk series, want %d rules × %d units", items, rules, len(units))
	}
	for k, v := range stakes {
		f := strings.Fields(k)
		series := `dvcindex_points_at_risk{indicator="` + f[1] + `",unit="` + f[0] + `"}`
		if got, ok := m[series]; !ok || math.Abs(got-v) > 1e-3 {
			t.Errorf("%s = %v (present %v), v_at_risk_scores has %v", series, got, ok, v)
		}
	}
	if points != len(stakes) {
		t.Errorf("%d points series, v_at_risk_scores has %d rows", points, len(stakes))
	}
	if _, ok := stakes["21637 total"]; !ok {
		t.Error(`v_at_risk_scores has no total for 21637: indicator="total" is not exercised`)
	}
}

// checkDigestFiles: a .csv and a .md per unit, the CSV's items those of
// v_at_risk.
func checkDigestFiles(t *testing.T, dir string, rows atRiskRows, units []string) {
	t.Helper()
	total := 0
	for _, u := range units {
		md, err := os.ReadFile(filepath.Join(dir, u+".md"))
		if err != nil || !strings.Contains(string(md), "("+u+")") {
			t.Errorf("%s.md: %v, or it does not name the unit", u, err)
		}
		f, err := os.Open(filepath.Join(dir, u+".csv"))
		if err != nil {
			t.Errorf("%s.csv: %v", u, err)
			continue
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(recs) == 0 {
			t.Fatalf("%s.csv: %v", u, err)
		}
		var got []string
		for _, r := range recs[1:] { // item_id rule kind points
			got = append(got, fmt.Sprintf("%s %s %s %s", r[4], r[5], r[6], r[12]))
		}
		sort.Strings(got)
		if strings.Join(got, "\n") != strings.Join(rows[u], "\n") {
			t.Errorf("%s.csv has %d items, v_at_risk %d; or they differ", u, len(got), len(rows[u]))
		}
		total += len(got)
	}
	if total == 0 {
		t.Error("no item in any digest file: the comparison checks nothing")
	}
}

// checkWebhooks: one digest per configured unit of the period, for the
// watch, whose items are v_at_risk's, posted to that unit's URL; two
// attempts for the failing one; no body holds personal data.
func checkWebhooks(t *testing.T, posts []hookPost, watchID string, rows atRiskRows, ok []string, pii []string) {
	t.Helper()
	per := map[string][]hookPost{}
	for _, p := range posts {
		if p.digest.WatchID == watchID {
			per[p.digest.UnitCode] = append(per[p.digest.UnitCode], p)
		}
		for _, v := range pii {
			if strings.Contains(string(p.body), v) {
				t.Errorf("the digest of %s posted to the gateway holds a personal value", p.digest.UnitCode)
				break
			}
		}
	}
	for _, u := range ok {
		ps := per[u]
		if len(ps) != 1 {
			t.Errorf("unit %s: %d digests of the watch, want 1", u, len(ps))
			continue
		}
		if !strings.HasPrefix(ps[0].path, "/ok/"+u+"/") || ps[0].key != watchID+"/"+u {
			t.Errorf("unit %s: posted to %s with key %s", u, ps[0].path, ps[0].key)
		}
		if got := digestRows(ps[0].digest); strings.Join(got, "\n") != strings.Join(rows[u], "\n") {
			t.Errorf("unit %s: the digest has %d items, v_at_risk %d; or they differ", u, len(got), len(rows[u]))
		}
	}
	if n := len(per["21640"]); n != 2 {
		t.Errorf("the failing gateway got %d attempts for 21640, want 2 (webhook_retries 1)", n)
	}
	if len(per["21643"]) != 0 || len(per) != len(ok)+1 {
		t.Errorf("digests posted for units %v, want %v and 21640 only", keys(per), ok)
	}
	if len(rows["21637"]) == 0 {
		t.Error("21637 has no item: the comparison of the digest checks nothing")
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// personalData lists every personal value of the simulator's dossiers and
// petitions.
func (h *harness) personalData() []string {
	var out []string
	for i := 0; i < h.sim.Len(); i++ {
		out = append(out, h.sim.Truth(i).PII...)
	}
	for j := 0; j < h.sim.Petitions(); j++ {
		out = append(out, h.sim.PetitionTruth(j).PII...)
	}
	if len(out) == 0 {
		h.t.Fatal("the simulator generated no personal value: the check is empty")
	}
	return out
}

// checkWatchRuns: after the stop, no watch run is left running and the
// watch ran at most once per round, never once per source.
func checkWatchRuns(t *testing.T, h *harness) {
	t.Helper()
	w, d := h.runSpans("watch"), h.runSpans("dossiers")
	for _, r := range w {
		if r.status == load.RunRunning {
			t.Errorf("watch run %s left running", r.id)
		}
	}
	if len(w) == 0 || len(w) > len(d) {
		t.Errorf("%d watch runs for %d dossier sync runs: want one per round at most", len(w), len(d))
	}
}
