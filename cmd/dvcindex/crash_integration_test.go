package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
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
// SIGKILL in the middle of its windows, then runs it again: v_dossiers ends
// with exactly the expected dossiers.
func TestSIGKILLMidRunThenRerunIsExact(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL is POSIX")
	}
	h := newHarness(t, simOptions(1500))
	bin := dvcindexBinary(t)
	// Day windows at 40 requests a second: about two seconds of windows,
	// each committed on its own.
	env := append(append([]string{}, h.env...), "DVC_SYNC_WINDOW=24h", "DVC_PORTAL_RATE_LIMIT=40", "DVC_PORTAL_PAGE_SIZE=20",
		"PATH="+os.Getenv("PATH"), "HOME="+os.Getenv("HOME"))
	cmd := exec.Command(bin, "sync", "--source", "dossiers", "--once")
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	// Kill once some windows are committed, well before the end.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, ok := h.watermark("dossiers"); ok {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("sync finished before it could be killed (%v): make the run slower\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no window committed in 30s\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(150 * time.Millisecond) // into the middle of a window
	if err := cmd.Process.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	err := <-exited
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != -1 {
		t.Fatalf("sync was not killed by the signal: %v", err)
	}
	killedAt, _ := h.watermark("dossiers")
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
	case <-time.After(60 * time.Second):
		t.Fatal("the third window was never requested")
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
	case <-time.After(90 * time.Second):
		t.Fatal("sync did not give up within 90s of ClickHouse stopping")
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
