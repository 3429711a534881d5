package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/internal/daemon"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
)

// slowPortal serves the simulator, holding every dossier page until gate is
// closed (nil: no gate), delaying it by delay and answering every nth
// dossier request with a 503 (0 = never).
type slowPortal struct {
	next   http.Handler
	gate   <-chan struct{}
	delay  time.Duration
	every  int64
	calls  atomic.Int64
	failed atomic.Int64 // 503s served
}

func (p *slowPortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/v1/dossiers" {
		n := p.calls.Add(1)
		if p.every > 0 && n%p.every == 0 {
			p.failed.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"error_code":"503","message":"injected"}`)
			return
		}
		if p.gate != nil {
			select {
			case <-p.gate:
			case <-r.Context().Done():
				return
			}
		}
		select {
		case <-time.After(p.delay):
		case <-r.Context().Done():
			return
		}
	}
	p.next.ServeHTTP(w, r)
}

// startSlowPortal serves h.sim through a slowPortal and returns the env that
// points dvcindex at it.
func (h *harness) startSlowPortal(gate <-chan struct{}, delay time.Duration, every int64) (*slowPortal, []string) {
	p := &slowPortal{next: h.sim.Handler(), gate: gate, delay: delay, every: every}
	srv := httptest.NewServer(p)
	h.t.Cleanup(srv.Close)
	return p, []string{"DVC_PORTAL_BASE_URL=" + srv.URL}
}

// inProcessServe runs serve in this process until stop is called.
type inProcessServe struct {
	addr   string
	stderr *syncBuffer
	stop   func() (time.Duration, error) // cancels serve; returns how long it took to return
}

// startServe runs serve in this process with env on the real clock.
// Unless env sets serve.report_dir, serve writes its files (the watch's
// digests) into a temporary directory, never the package's.
func startServe(t *testing.T, env []string, hooks serveHooks) *inProcessServe {
	t.Helper()
	return startServeAt(t, env, hooks, time.Now)
}

// startServeAt is startServe on the clock now.
func startServeAt(t *testing.T, env []string, hooks serveHooks, now func() time.Time) *inProcessServe {
	t.Helper()
	if !hasEnv(env, "DVC_SERVE_REPORT_DIR") {
		env = append(append([]string{}, env...), "DVC_SERVE_REPORT_DIR="+t.TempDir())
	}
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	a := &app{stdout: stdout, stderr: stderr, environ: env, now: now}
	if err := a.init(); err != nil {
		t.Fatalf("config: %v", err)
	}
	addrCh := make(chan string, 1)
	inner := hooks.listening
	hooks.listening = func(addr string) {
		if inner != nil {
			inner(addr)
		}
		addrCh <- addr
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.serve(ctx, hooks) }()
	s := &inProcessServe{stderr: stderr}
	select {
	case s.addr = <-addrCh:
	case err := <-done:
		cancel()
		t.Fatalf("serve returned before listening: %v\n%s", err, stderr)
	case <-time.After(2 * time.Minute): // a hang guard, not a speed limit
		cancel()
		t.Fatalf("serve did not listen within 2 minutes\n%s", stderr)
	}
	var stopped atomic.Bool
	s.stop = func() (time.Duration, error) {
		if !stopped.CompareAndSwap(false, true) {
			return 0, nil
		}
		start := time.Now()
		cancel()
		select {
		case err := <-done:
			return time.Since(start), err
		case <-time.After(2 * time.Minute):
			return time.Since(start), fmt.Errorf("serve did not return within 2 minutes")
		}
	}
	t.Cleanup(func() { _, _ = s.stop() })
	return s
}

// hasEnv reports whether env sets the variable name.
func hasEnv(env []string, name string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, name+"=") {
			return true
		}
	}
	return false
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 15 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// waitFor polls cond every 200ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

var metricLine = regexp.MustCompile(`^(\w+)\{([^}]*)\} (\S+)$`)

// scrape returns the samples of /metrics as "name{labels}" → value.
func scrape(t *testing.T, addr string) map[string]float64 {
	t.Helper()
	code, body := httpGet(t, "http://"+addr+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		m := metricLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", sc.Text(), err)
		}
		out[m[1]+"{"+m[2]+"}"] = v
	}
	return out
}

type runSpan struct {
	id            string
	start, finish time.Time
	status        string
}

func (h *harness) runSpans(source string) []runSpan {
	h.t.Helper()
	rows, err := h.store.Conn().Query(context.Background(), h.store.SQL(
		`SELECT run_id, started_at, ifNull(finished_at, toDateTime(0)), status FROM {db}.v_runs WHERE source = ? ORDER BY started_at, run_id`), source)
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	var out []runSpan
	for rows.Next() {
		var r runSpan
		if err := rows.Scan(&r.id, &r.start, &r.finish, &r.status); err != nil {
			h.t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

type runSums struct{ fetched, loaded, rejected uint64 }

func (h *harness) runSums() map[string]runSums {
	h.t.Helper()
	rows, err := h.store.Conn().Query(context.Background(), h.store.SQL(
		`SELECT source, sum(fetched), sum(loaded), sum(rejected) FROM {db}.v_runs GROUP BY source`))
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]runSums{}
	for rows.Next() {
		var s string
		var r runSums
		if err := rows.Scan(&s, &r.fetched, &r.loaded, &r.rejected); err != nil {
			h.t.Fatal(err)
		}
		out[s] = r
	}
	return out
}

// TestServeRunsScheduledSyncs runs serve with @every schedules against the
// simulator (dossier pages slowed down so that a run outlasts its interval,
// every 7th dossier request answered 503) and a fresh database. It proves:
// every source synced at least twice; no two runs of a source overlapped
// (v_runs) and the overlapping ticks were skipped; a panicking job was
// logged and ran again; /metrics matches v_runs; /readyz is ready; the
// daemon stops cleanly.
func TestServeRunsScheduledSyncs(t *testing.T) {
	h := newHarness(t, simOptions(600))
	if code, out, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatalf("migrate exit %d: %s %s", code, out, errs)
	}
	// The dossier pages wait at a gate until a tick of the dossier sync was
	// skipped (its first run is held, so it outlasts the 1s interval by
	// construction), then flow with a small delay.
	gate := make(chan struct{})
	portal, portalEnv := h.startSlowPortal(gate, 20*time.Millisecond, 7)
	env := append(append(append([]string{}, h.env...), portalEnv...),
		"DVC_SERVE_ADDR=127.0.0.1:0", "DVC_SCHEDULE_SYNC=@every 1s", "DVC_SCHEDULE_COMPUTE=@every 1h",
		"DVC_SCHEDULE_REPORT=@every 1h", "DVC_PORTAL_PAGE_SIZE=100", "DVC_SERVE_GRACE_PERIOD=30s")
	var panics atomic.Int32
	panicky := daemon.Job{Name: "test panic", Spec: "@every 1s", Run: func(context.Context) error {
		if panics.Add(1) == 1 {
			panic("injected panic")
		}
		return nil
	}}
	// The watch after each round is TestServeWatchesAfterEachSyncRound's
	// subject; here, after every 1s round, it would double the test's time.
	s := startServe(t, env, serveHooks{extraJobs: []daemon.Job{panicky}, noWatch: true})

	if code, body := httpGet(t, "http://"+s.addr+"/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	waitFor(t, 3*time.Minute, "a skipped tick of the held dossier sync", func() bool {
		return scrape(t, s.addr)[`dvcindex_job_skips_total{job="sync dossiers"}`] >= 1
	})
	close(gate)
	sources := []string{"dossiers", "petitions", "procedures", "bcqg", "evaluation"}
	waitFor(t, 3*time.Minute, "two successful sync runs of every source", func() bool {
		for _, src := range sources {
			n := 0
			for _, r := range h.runSpans(src) {
				if r.status == load.RunSuccess {
					n++
				}
			}
			if n < 2 {
				return false
			}
		}
		return true
	})
	waitFor(t, 30*time.Second, "the panicking job to run again", func() bool { return panics.Load() >= 2 })

	// /metrics agrees with v_runs. Runs finish while we look, so compare a
	// source when two scrapes around the query agree.
	matched := map[string]bool{}
	var last string
	var m1 map[string]float64
	for try := 0; try < 60 && len(matched) < len(sources); try++ {
		m1 = scrape(t, s.addr)
		sums := h.runSums()
		injected := float64(portal.failed.Load())
		m2 := scrape(t, s.addr)
		for _, src := range sources {
			l := `{source="` + src + `"}`
			stable := true
			for _, name := range []string{"dvcindex_sync_records_fetched_total", "dvcindex_sync_records_loaded_total", "dvcindex_sync_records_rejected_total"} {
				stable = stable && m1[name+l] == m2[name+l]
			}
			got := runSums{uint64(m1["dvcindex_sync_records_fetched_total"+l]), uint64(m1["dvcindex_sync_records_loaded_total"+l]),
				uint64(m1["dvcindex_sync_records_rejected_total"+l])}
			retries := m1["dvcindex_portal_retries_total"+l]
			if src == "dossiers" {
				// Every injected 503 was retried once, and counted.
				stable = stable && retries == m2["dvcindex_portal_retries_total"+l] && retries == injected
			}
			if stable && got == sums[src] {
				matched[src] = true
			}
			last = fmt.Sprintf("%s: metrics %+v (retries %v, injected 503s %v), v_runs %+v", src, got, retries, injected, sums[src])
		}
		time.Sleep(150 * time.Millisecond)
	}
	if len(matched) < len(sources) {
		t.Fatalf("/metrics never matched v_runs for every source (matched %v); last: %s", matched, last)
	}

	for _, c := range []struct {
		series string
		min    float64
	}{
		{`dvcindex_job_runs_total{job="sync dossiers"}`, 2},
		{`dvcindex_job_skips_total{job="sync dossiers"}`, 1}, // the first run outlasts the 1s interval
		{`dvcindex_job_failures_total{job="test panic"}`, 1},
		{`dvcindex_job_runs_total{job="test panic"}`, 2},
		{`dvcindex_sync_run_duration_seconds_count{source="dossiers",status="success"}`, 2},
		{`dvcindex_sync_last_success_timestamp_seconds{source="dossiers"}`, float64(time.Now().Add(-time.Hour).Unix())},
		{`dvcindex_sync_watermark_lag_seconds{source="dossiers"}`, 1},
	} {
		if m1[c.series] < c.min {
			t.Errorf("%s = %v, want ≥ %v", c.series, m1[c.series], c.min)
		}
	}
	if lag := m1[`dvcindex_sync_watermark_lag_seconds{source="dossiers"}`]; lag > 3600 {
		t.Errorf("dossier watermark lag %vs: the watermark should be within lookback+safety lag of now", lag)
	}

	// Readiness: ClickHouse up, schema current, every source fresh.
	waitFor(t, 30*time.Second, "/readyz to be ready", func() bool {
		code, _ := httpGet(t, "http://"+s.addr+"/readyz")
		return code == 200
	})

	if _, err := s.stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	logs := s.stderr.String()
	// The running jobs finished within the grace period: serve's own clock
	// says so (it logs when it has to abort them), not the test's.
	if strings.Contains(logs, "grace period over") {
		t.Errorf("serve had to abort jobs at the stop:\n%s", tail(logs, 20))
	}

	// After the stop, every run is recorded as finished and no two runs of
	// a source overlapped.
	for _, src := range sources {
		spans := h.runSpans(src)
		for i, r := range spans {
			if r.status == load.RunRunning {
				t.Errorf("%s run %s still 'running' after serve stopped", src, r.id)
			}
			if i > 0 && r.start.Before(spans[i-1].finish) {
				t.Errorf("%s runs overlap: %s [%s, %s] and %s started %s", src, spans[i-1].id, spans[i-1].start, spans[i-1].finish, r.id, r.start)
			}
		}
		t.Logf("%s: %d runs", src, len(spans))
	}
	// Skips: the first dossier run, held at the gate, outlasted the 1s
	// interval, so ticks were skipped, and logged.
	if !strings.Contains(logs, `"job":"sync dossiers"`) || !strings.Contains(logs, "job skipped: its previous run is still running") {
		t.Errorf("no skip of the dossier sync was logged")
	}
	if !strings.Contains(logs, "job panicked") || !strings.Contains(logs, "injected panic") {
		t.Errorf("the panic was not logged")
	}
	for _, want := range []string{`"message":"job started"`, `"message":"job finished"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s", want)
		}
	}
	if portal.failed.Load() == 0 {
		t.Fatal("no 503 was injected: the retry counter is not exercised")
	}
}

// startPrivateClickHouse starts a second private ClickHouse on its own
// ports and data dir (never the shared one) and returns its address and a
// function to stop or start it again.
func startPrivateClickHouse(t *testing.T, tcpPort, httpPort int) (addr string, ctl func(action string)) {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", "..", "scripts", "clickhouse-test-server.sh"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctl = func(action string) {
		t.Helper()
		cmd := exec.Command("bash", script, action)
		cmd.Env = append(os.Environ(), "CH_DIR="+dir, fmt.Sprintf("CH_TCP_PORT=%d", tcpPort), fmt.Sprintf("CH_HTTP_PORT=%d", httpPort))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("clickhouse-test-server.sh %s (port %d): %v\n%s", action, tcpPort, err, out)
		}
	}
	ctl("start")
	t.Cleanup(func() { ctl("stop") })
	return fmt.Sprintf("127.0.0.1:%d", tcpPort), ctl
}

// TestServeReadyzFollowsClickHouse: /readyz is ready with ClickHouse up,
// not ready (naming ClickHouse) when it stops, and ready again when it
// returns — against a second private server, so the shared one is never
// stopped.
func TestServeReadyzFollowsClickHouse(t *testing.T) {
	chtest.Addr(t) // integration test: skipped without a test ClickHouse
	addr, ctl := startPrivateClickHouse(t, 19100, 18200)
	db := chtest.NewDatabaseName()
	env := []string{
		"DVC_CLICKHOUSE_ADDR=" + addr, "DVC_CLICKHOUSE_DATABASE=" + db, "DVC_CLICKHOUSE_DIAL_TIMEOUT=1s",
		"DVC_PII_KEY=integration-test-key-0123456789abcdef", "DVC_LOG_FORMAT=json", "DVC_SERVE_ADDR=127.0.0.1:0",
		"DVC_SCHEDULE_SYNC=", "DVC_SCHEDULE_COMPUTE=", "DVC_SCHEDULE_REPORT=",
		// Freshness is another test's subject: here readiness is ClickHouse and the schema.
		"DVC_FRESHNESS_DOSSIERS=0", "DVC_FRESHNESS_PETITIONS=0", "DVC_FRESHNESS_PROCEDURES=0",
		"DVC_FRESHNESS_BCQG=0", "DVC_FRESHNESS_EVALUATION=0", "DVC_FRESHNESS_FILES=0",
	}
	if code, _, errs := runCLI(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate on the second server: %s", errs)
	}
	s := startServe(t, env, serveHooks{})
	readyz := func() (int, string) { return httpGet(t, "http://"+s.addr+"/readyz") }
	waitFor(t, 30*time.Second, "ready with ClickHouse up", func() bool { c, _ := readyz(); return c == 200 })

	ctl("stop")
	stoppedAt := time.Now()
	var body string
	waitFor(t, 30*time.Second, "not ready with ClickHouse stopped", func() bool {
		var c int
		c, body = readyz()
		return c == http.StatusServiceUnavailable
	})
	if !strings.Contains(body, `"name":"clickhouse","ok":false`) {
		t.Errorf("not-ready body does not name ClickHouse: %s", body)
	}
	t.Logf("not ready %s after the stop: %s", time.Since(stoppedAt).Round(time.Millisecond), body)

	ctl("start")
	startedAt := time.Now()
	waitFor(t, 60*time.Second, "ready again with ClickHouse back", func() bool { c, _ := readyz(); return c == 200 })
	t.Logf("ready again %s after the restart", time.Since(startedAt).Round(time.Millisecond))
	if _, err := s.stop(); err != nil {
		t.Fatal(err)
	}
}

// TestServeSIGTERMKeepsWatermarkConsistent runs the built binary, sends
// SIGTERM while a dossier sync is stuck on a page the portal holds (so the
// run outlasts the grace period by construction, not by being slow), and
// checks the order of events in serve's log — shutdown requested, grace
// period over, the sync job failed, running jobs aborted, serve stopped —
// then exit 0, the aborted run recorded as failed, and a watermark behind
// which every valid dossier is loaded.
func TestServeSIGTERMKeepsWatermarkConsistent(t *testing.T) {
	h := newHarness(t, simOptions(1000))
	if code, out, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatalf("migrate exit %d: %s %s", code, out, errs)
	}
	// Day windows of about 11 dossiers, 5 a page: the 15th dossier request
	// is well past the first window, far before the last.
	portal, portalEnv := h.startHoldingPortal(func(n int64, _ url.Values) bool { return n >= 15 })
	bin := filepath.Join(t.TempDir(), "dvcindex")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const grace = 2 * time.Second
	env := append(append(append([]string{}, h.env...), portalEnv...),
		"DVC_SERVE_ADDR=127.0.0.1:0", "DVC_SCHEDULE_SYNC=@every 1s", "DVC_SCHEDULE_COMPUTE=", "DVC_SCHEDULE_REPORT=",
		"DVC_PORTAL_PAGE_SIZE=5", "DVC_SYNC_WINDOW=24h", "DVC_SERVE_GRACE_PERIOD="+grace.String(),
		// The held page must outlast the grace period: no client timeout
		// or retry may end it first.
		"DVC_PORTAL_TIMEOUT=10m", "DVC_SERVE_REPORT_DIR="+t.TempDir())
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	var stderr syncBuffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	// The first dossier run commits some windows, then waits on a page the
	// portal never answers.
	select {
	case <-portal.held:
	case err := <-exited:
		t.Fatalf("serve exited (%v) before the portal held a page\n%s", err, stderr.String())
	case <-time.After(3 * time.Minute): // a hang guard, not a speed limit
		t.Fatalf("no dossier page held within 3 minutes\n%s", stderr.String())
	}
	waitFor(t, 3*time.Minute, "a committed dossier window", func() bool {
		return h.count("SELECT count() FROM {db}.v_watermarks WHERE source = 'dossiers'") > 0
	})
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-exited:
	case <-time.After(5 * time.Minute): // a hang guard, not a speed limit
		t.Fatalf("serve still running 5 minutes after SIGTERM\n%s", stderr.String())
	}
	if err != nil {
		t.Fatalf("serve exited with %v after SIGTERM\n%s", err, stderr.String())
	}
	logs := stderr.String()
	assertLogOrder(t, logs, []logEvent{
		{"shutdown requested", ""},
		{"grace period over", ""},
		{"job failed", `"job":"sync dossiers"`},
		{"running jobs aborted", ""},
		{"serve stopped", ""},
	})

	spans := h.runSpans("dossiers")
	if len(spans) == 0 {
		t.Fatal("no dossier run recorded")
	}
	aborted := 0
	for _, r := range spans {
		if r.status == load.RunRunning {
			t.Errorf("run %s left 'running'", r.id)
		}
		if r.status == load.RunFailed {
			aborted++
		}
	}
	if aborted == 0 {
		t.Errorf("no dossier run recorded as failed after the abort: %+v", spans)
	}
	if n := h.count("SELECT count() FROM {db}.v_runs WHERE status = 'running'"); n != 0 {
		t.Errorf("%d runs of any source left 'running'", n)
	}

	// The watermark is consistent: every valid dossier updated before it is
	// loaded, and it did not reach the end of the run's span.
	rows, err := h.store.Conn().Query(context.Background(), h.store.SQL("SELECT watermark FROM {db}.v_watermarks WHERE source = 'dossiers'"))
	if err != nil {
		t.Fatal(err)
	}
	var wm time.Time
	for rows.Next() {
		if err := rows.Scan(&wm); err != nil {
			t.Fatal(err)
		}
	}
	rows.Close()
	var want uint64
	for i := 0; i < h.sim.Len(); i++ {
		if tr := h.sim.Truth(i); !tr.Invalid && tr.UpdatedAt.Before(wm) {
			want++
		}
	}
	got := h.count("SELECT count() FROM {db}.v_dossiers WHERE updated_at < ?", wm)
	if got != want {
		t.Errorf("watermark %s: %d dossiers loaded before it, want %d", wm, got, want)
	}
	if !wm.Before(time.Now().Add(-24 * time.Hour)) {
		t.Errorf("watermark %s reached the end of the aborted run's span", wm)
	}
	t.Logf("watermark %s: %d valid dossiers before it, all loaded", wm, got)
}

// logEvent is a log line: its message and, if not empty, another substring.
type logEvent struct{ msg, also string }

// assertLogOrder fails unless each event appears in logs, each after the
// previous one.
func assertLogOrder(t *testing.T, logs string, events []logEvent) {
	t.Helper()
	lines := strings.Split(logs, "\n")
	at := 0
	for _, e := range events {
		for at < len(lines) && !(strings.Contains(lines[at], `"message":"`+e.msg) && strings.Contains(lines[at], e.also)) {
			at++
		}
		if at == len(lines) {
			t.Fatalf("log lacks %q (%s) after the previous events:\n%s", e.msg, e.also, tail(logs, 30))
		}
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestDoctorPassesOnAHealthyInstall: migrated, synced, fresh: no problem.
func TestDoctorPassesOnAHealthyInstall(t *testing.T) {
	h := newHarness(t, simOptions(300))
	if code, _, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatal(errs)
	}
	if code, out, errs := h.run(nil, "sync"); code != 0 {
		t.Fatalf("sync exit %d: %s %s", code, out, errs)
	}
	code, out, errs := h.run(nil, "doctor")
	if code != 0 {
		t.Fatalf("doctor exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"no problems found", "schema current", "may create, insert and select", "server version",
		"(env DVC_CLICKHOUSE_ADDR)", "credentials of user", "dossiers: one page read", "bcqg: one page read",
		"dossiers: last successful sync",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "schedule.sync"); n < 1 || !regexp.MustCompile(`schedule\.sync .*next \d{4}-\d\d-\d\d \d\d:\d\d, \S+ \S+, \S+ \S+`).MatchString(out) {
		t.Errorf("doctor does not print the next three runs of schedule.sync:\n%s", out)
	}
	if strings.Contains(out, "integration-test-key-0123456789abcdef") {
		t.Error("doctor printed the personal-data key")
	}
	if n := h.count("SELECT count() FROM system.tables WHERE database = ? AND name LIKE 'doctor_probe_%'", h.store.Database()); n != 0 {
		t.Errorf("doctor left %d probe tables", n)
	}
}
