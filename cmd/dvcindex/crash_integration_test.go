package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
)

// dvcindexBinary compiles the command into the test's temporary folder.
func dvcindexBinary(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dvcindex")
	if out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return path
}

// TestSIGKILLMidRunThenRerunIsExact kills a sync (a real process) with
// SIGKILL in the middle of a window — the portal holds page 2 of the third
// window that has one, and the kill comes once a batch of that window's
// page 1 is in ClickHouse — then runs it again: v_dossiers ends with exactly
// the expected dossiers.
func TestSIGKILLMidRunThenRerunIsExact(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL is POSIX")
	}
	h := newHarness(t, simOptions(1500))
	bin := dvcindexBinary(t)
	var page2s atomic.Int64
	portal, portalEnv := h.startHoldingPortal(func(_ int64, q url.Values) bool {
		return q.Get("page") == "2" && page2s.Add(1) == 3
	})
	// Day windows of about 16 dossiers, 5 a page: every window is read in
	// several pages. A batch a dossier: page 1's valid dossiers reach
	// ClickHouse while page 2 is held (a rejected record would keep a
	// batch of 5 short of full).
	env := append(append(append([]string{}, h.env...), portalEnv...), "DVC_SYNC_WINDOW=24h", "DVC_PORTAL_PAGE_SIZE=5",
		"DVC_CLICKHOUSE_BATCH_ROWS=1", "DVC_PORTAL_TIMEOUT=10m", "PATH="+os.Getenv("PATH"), "HOME="+os.Getenv("HOME"))
	cmd := exec.Command(bin, "sync", "--source", "dossiers", "--once")
	cmd.Env = env
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	select {
	case <-portal.held:
	case err := <-exited:
		t.Fatalf("sync finished (%v) before the portal held a page\n%s", err, stderr.String())
	case <-time.After(3 * time.Minute): // a hang guard, not a speed limit
		t.Fatalf("no page held within 3 minutes\n%s", stderr.String())
	}
	from, to := heldWindow(t, portal.query)
	total := uint64(0)
	for _, at := range expectedDossiers(h.sim) {
		if !at.Before(from) && at.Before(to) {
			total++
		}
	}
	inWindow := func() uint64 {
		return h.count("SELECT count() FROM {db}.v_dossiers WHERE updated_at >= ? AND updated_at < ?", from, to)
	}
	// Kill once the window's page 1 is (at least partly) acknowledged by
	// ClickHouse and an earlier window is committed.
	waitFor(t, 3*time.Minute, "a loaded batch of the held window and a committed window", func() bool {
		_, ok := h.watermark("dossiers")
		return ok && inWindow() > 0
	})
	if err := cmd.Process.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	err := <-exited
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != -1 {
		t.Fatalf("sync was not killed by the signal: %v", err)
	}
	if n := inWindow(); n == 0 || n >= total {
		t.Fatalf("killed with %d of the held window's %d dossiers loaded: not mid-window", n, total)
	} else {
		t.Logf("killed in window [%s, %s) with %d of its %d dossiers loaded", from, to, n, total)
	}
	killedAt, _ := h.watermark("dossiers")
	if killedAt.After(from) {
		t.Fatalf("watermark %s is past the start of the unfinished window %s", killedAt, from)
	}
	loaded := h.count("SELECT count() FROM {db}.v_dossiers")
	want := uint64(len(expectedDossiers(h.sim)))
	if loaded >= want {
		t.Fatalf("the killed run had already loaded everything (%d): it was not mid-run", loaded)
	}
	t.Logf("killed with %d/%d dossiers loaded, watermark %s", loaded, want, killedAt)
	// Every dossier before the watermark is loaded: the watermark never ran
	// ahead of the data.
	for id, at := range expectedDossiers(h.sim) {
		if at.Before(killedAt) {
			if n := h.count("SELECT count() FROM {db}.v_dossiers WHERE dossier_id = ?", id); n != 1 {
				t.Fatalf("dossier %s (updated %s) is before the watermark %s but not loaded", id, at, killedAt)
			}
		}
	}

	code, out, errs := h.run(nil, "sync", "--source", "dossiers", "--once")
	if code != 0 {
		t.Fatalf("rerun exit %d: %s %.2000s", code, out, errs)
	}
	assertExactDossiers(t, h.store, h.sim)
}

// heldWindow parses the window of a held dossier request.
func heldWindow(t *testing.T, q url.Values) (from, to time.Time) {
	t.Helper()
	parse := func(k string) time.Time {
		at, err := time.ParseInLocation("20060102150405", q.Get(k), simulator.Location)
		if err != nil {
			t.Fatalf("held request's %s: %v", k, err)
		}
		return at
	}
	return parse("updated_from"), parse("updated_to")
}

// TestClickHouseStoppedMidRun stops a private ClickHouse (a second server,
// started by the test) while a sync runs: the run fails after bounded
// retries, the watermark stays at the last window fully loaded, and the next
// run completes exactly.
func TestClickHouseStoppedMidRun(t *testing.T) {
	chtest.Addr(t) // skipped like every integration test when no server is configured
	if _, err := os.Stat("/usr/sbin/clickhouse-server"); err != nil {
		t.Fatalf("DVC_TEST_CLICKHOUSE is set but clickhouse-server is not installed: %v", err)
	}
	script, err := filepath.Abs("../../scripts/clickhouse-test-server.sh")
	if err != nil {
		t.Fatal(err)
	}
	chDir := t.TempDir()
	const port = "19200"
	server := func(action string) {
		t.Helper()
		cmd := exec.Command(script, action)
		cmd.Env = append(os.Environ(), "CH_DIR="+chDir, "CH_TCP_PORT="+port, "CH_HTTP_PORT=18300")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("clickhouse %s: %v\n%s", action, err, out)
		}
	}
	server("start")
	t.Cleanup(func() { server("stop") })
	addr := "127.0.0.1:" + port

	opts := simOptions(900)
	sim, err := simulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	// The portal holds the first request of the third window until the
	// test has stopped ClickHouse.
	var mu sync.Mutex
	windows := map[string]bool{}
	reached, release := make(chan struct{}), make(chan struct{})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/dossiers" {
			from := r.URL.Query().Get("updated_from")
			mu.Lock()
			first := !windows[from]
			windows[from] = true
			n := len(windows)
			mu.Unlock()
			if first && n == 3 {
				close(reached)
				<-release
			}
		}
		sim.Handler().ServeHTTP(w, r)
	})
	srv := newTestServer(t, handler)
	chOpts := load.Options{Addr: addr, Database: chtest.NewDatabaseName(), DialTimeout: 2 * time.Second, RetryWait: 50 * time.Millisecond}
	store := chtest.StoreWith(t, chOpts)
	h := &harness{t: t, sim: sim, store: store, env: []string{
		"DVC_CLICKHOUSE_ADDR=" + addr, "DVC_CLICKHOUSE_DATABASE=" + chOpts.Database,
		"DVC_CLICKHOUSE_MAX_RETRIES=3", "DVC_CLICKHOUSE_RETRY_WAIT=100ms", "DVC_CLICKHOUSE_DIAL_TIMEOUT=1s",
		"DVC_PORTAL_BASE_URL=" + srv, "DVC_PORTAL_USERNAME=" + opts.Username, "DVC_PORTAL_PASSWORD=" + opts.Password,
		"DVC_PORTAL_RETRY_WAIT=10ms", "DVC_PORTAL_RETRY_MAX_WAIT=50ms", "DVC_PORTAL_PAGE_SIZE=100", "DVC_PORTAL_RATE_LIMIT=0",
		"DVC_PII_KEY=integration-test-key-0123456789abcdef", "DVC_SYNC_SINCE=" + opts.From.Format("2006-01-02"), "DVC_SYNC_WINDOW=240h",
		"DVC_LOG_FORMAT=json",
	}}

	type result struct {
		code      int
		out, errs string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errs := h.run(nil, "sync", "--source", "dossiers", "--once")
		done <- result{code, out, errs}
	}()
	select {
	case <-reached:
	case r := <-done:
		t.Fatalf("sync ended (exit %d) before its third window: %s", r.code, r.errs)
	case <-time.After(3 * time.Minute): // a hang guard, not a speed limit
		t.Fatal("the third window was never requested within 3 minutes")
	}
	before, ok := h.watermark("dossiers")
	if !ok {
		t.Fatal("no watermark after two windows")
	}
	server("stop")
	close(release)
	var r result
	select {
	case r = <-done:
	case <-time.After(3 * time.Minute): // a hang guard: its bounded retries take seconds
		t.Fatal("sync did not give up within 3 minutes of ClickHouse stopping")
	}
	if r.code != exitFailure {
		t.Fatalf("exit %d with ClickHouse down, want 1\n%s", r.code, r.errs)
	}
	if !strings.Contains(r.errs, "clickhouse batch failed; retrying") || !strings.Contains(r.errs, `"attempt":3`) {
		t.Errorf("no bounded batch retries logged:\n%.3000s", r.errs)
	}

	server("start")
	// The pool of the assertion store reconnects on demand.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for store.Ping(ctx) != nil && ctx.Err() == nil {
		time.Sleep(100 * time.Millisecond)
	}
	after, _ := h.watermark("dossiers")
	if !after.Equal(before) {
		t.Fatalf("watermark moved from %s to %s although the run failed", before, after)
	}
	if code, out, errs := h.run(nil, "sync", "--source", "dossiers", "--once"); code != 0 {
		t.Fatalf("next run exit %d: %s %.3000s", code, out, errs)
	}
	assertExactDossiers(t, h.store, h.sim)
}

// newTestServer serves handler on a loopback port for the test's duration.
func newTestServer(t *testing.T, handler http.Handler) string {
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv.URL
}
