package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
)

// harness runs dvcindex commands in-process against a portalsim served by
// httptest and a fresh database on the test ClickHouse.
type harness struct {
	t     testing.TB
	sim   *simulator.Simulator
	srv   *httptest.Server
	store *load.Store // for assertions
	env   []string
}

func newHarness(t *testing.T, opts simulator.Options) *harness {
	return newBenchHarness(t, opts)
}

// newBenchHarness is newHarness for tests and benchmarks alike.
func newBenchHarness(t testing.TB, opts simulator.Options) *harness {
	t.Helper()
	return newHarnessOn(t, opts, chtest.Options(t))
}

// newHarnessOn is newHarness on the warehouse of chOpts (a fresh database).
func newHarnessOn(t testing.TB, opts simulator.Options, chOpts load.Options) *harness {
	t.Helper()
	sim, err := simulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	h := &harness{t: t, sim: sim, srv: srv}
	h.env = append(chtest.Env(chOpts),
		"DVC_PORTAL_BASE_URL="+srv.URL,
		"DVC_PORTAL_USERNAME="+opts.Username,
		"DVC_PORTAL_PASSWORD="+opts.Password,
		"DVC_PORTAL_RETRY_WAIT=10ms",
		"DVC_PORTAL_RETRY_MAX_WAIT=50ms",
		"DVC_PORTAL_PAGE_SIZE=1000",
		"DVC_PORTAL_RATE_LIMIT=0",
		"DVC_SOURCES_EVALUATION_BASE_URL="+srv.URL,
		"DVC_SOURCES_EVALUATION_RATE_LIMIT=0",
		"DVC_EVALUATION_ROOT_DEPARTMENT_ID="+simulator.RootDepartmentID,
		"DVC_EVALUATION_JITTER=0s",
		"DVC_PII_KEY=integration-test-key-0123456789abcdef",
		"DVC_SYNC_SINCE="+opts.From.Format("2006-01-02"),
		"DVC_LOG_FORMAT=json",
	)
	// The store used for assertions; the commands under test open their own.
	h.store = chtest.StoreWith(t, chOpts)
	return h
}

// run executes one command line and returns exit code, stdout and stderr.
func (h *harness) run(extraEnv []string, args ...string) (int, string, string) {
	// The pipeline logs from several goroutines (fetcher retries, loader
	// rejects): the buffers must be safe for concurrent writes.
	var out, errb syncBuffer
	// A guard against a hung command, not a speed limit: the 100k-dossier
	// sync under -race on a busy 2-core machine needs well over 2 minutes.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	code := run(ctx, args, &out, &errb, append(append([]string{}, h.env...), extraEnv...))
	return code, out.String(), errb.String()
}

func (h *harness) count(q string, args ...any) uint64 {
	h.t.Helper()
	n, err := h.store.Count(context.Background(), q, args...)
	if err != nil {
		h.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func simOptions(n int) simulator.Options {
	o := simulator.DefaultOptions()
	o.Seed = 11
	o.Dossiers = n
	// Across the 2025 merger: dossiers before 2025-07-01 belong to the 17
	// old units, later ones to the 7 merged units.
	o.From = time.Date(2025, 5, 15, 0, 0, 0, 0, simulator.Location)
	o.To = time.Date(2025, 8, 15, 0, 0, 0, 0, simulator.Location)
	return o
}

func TestSyncLoadsExactlyTheValidDossiers(t *testing.T) {
	h := newHarness(t, simOptions(1500))
	if code, out, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatalf("migrate exit %d: %s %s", code, out, errs)
	}

	// Expected per-ward counts and rejects from the simulator's ground truth.
	wantPerUnit := map[string]uint64{}
	wantRejectKeys := map[string]bool{}
	var wantValid, wantInvalid uint64
	var pii []string
	for i := 0; i < h.sim.Len(); i++ {
		tr := h.sim.Truth(i)
		pii = append(pii, tr.PII...)
		if tr.Invalid {
			wantInvalid++
			wantRejectKeys[tr.ID] = true
			continue
		}
		wantValid++
		wantPerUnit[tr.UnitCode]++
	}
	if wantInvalid == 0 {
		t.Fatal("simulator generated no invalid record: the reject path is not exercised")
	}

	code, out, errs := h.run(nil, "sync", "--source", "dossiers", "--once")
	if code != 0 {
		t.Fatalf("sync exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if got := h.count("SELECT count() FROM {db}.v_dossiers"); got != wantValid {
		t.Fatalf("v_dossiers has %d dossiers, want %d valid ones", got, wantValid)
	}
	rows, err := h.store.Conn().Query(context.Background(), h.store.SQL("SELECT unit_code, count() FROM {db}.v_dossiers GROUP BY unit_code"))
	if err != nil {
		t.Fatal(err)
	}
	gotPerUnit := map[string]uint64{}
	for rows.Next() {
		var u string
		var n uint64
		if err := rows.Scan(&u, &n); err != nil {
			t.Fatal(err)
		}
		gotPerUnit[u] = n
	}
	rows.Close()
	for u, n := range wantPerUnit {
		if gotPerUnit[u] != n {
			t.Errorf("unit %s: %d dossiers, want %d", u, gotPerUnit[u], n)
		}
	}
	if len(gotPerUnit) != len(wantPerUnit) {
		t.Errorf("units %v, want %v", gotPerUnit, wantPerUnit)
	}
	// Code 21664 names Hoài Thanh Tây before the merger and Hoài Nhơn after.
	for _, c := range []struct{ q string }{
		{"SELECT count() FROM {db}.v_dossiers WHERE unit_code = '21664' AND unit_name = 'Hoài Thanh Tây' AND received_at < toDateTime('2025-07-01 00:00:00', 'Asia/Ho_Chi_Minh')"},
		{"SELECT count() FROM {db}.v_dossiers WHERE unit_code = '21664' AND unit_name = 'Hoài Nhơn' AND received_at >= toDateTime('2025-07-01 00:00:00', 'Asia/Ho_Chi_Minh')"},
	} {
		if h.count(c.q) == 0 {
			t.Errorf("no dossier for: %s", c.q)
		}
	}
	if got := h.count("SELECT count() FROM {db}.v_dossiers WHERE unit_code = '21664' AND unit_name = 'Hoài Thanh Tây' AND received_at >= toDateTime('2025-07-01 00:00:00', 'Asia/Ho_Chi_Minh')"); got != 0 {
		t.Errorf("%d dossiers received after the merger are attributed to Hoài Thanh Tây", got)
	}

	// Every invalid record is in v_rejects with its (scrubbed) raw payload
	// and a reason naming a field; nothing else is.
	if got := h.count("SELECT count() FROM {db}.v_rejects"); got != wantInvalid {
		t.Errorf("v_rejects has %d records, want %d", got, wantInvalid)
	}
	if got := h.count("SELECT count() FROM {db}.v_rejects WHERE raw = '' OR reason = '' OR field = ''"); got != 0 {
		t.Errorf("%d rejects lack raw, reason or field", got)
	}
	rrows, err := h.store.Conn().Query(context.Background(), h.store.SQL("SELECT record_key, raw FROM {db}.v_rejects"))
	if err != nil {
		t.Fatal(err)
	}
	for rrows.Next() {
		var key, raw string
		if err := rrows.Scan(&key, &raw); err != nil {
			t.Fatal(err)
		}
		if !wantRejectKeys[key] {
			t.Errorf("unexpected reject %q", key)
		}
		if !strings.HasPrefix(raw, "{") {
			t.Errorf("reject %q: raw payload is not the record: %.60s", key, raw)
		}
	}
	rrows.Close()

	// The run is recorded with its counts.
	if got := h.count("SELECT count() FROM {db}.v_runs WHERE source = 'dossiers' AND status = 'success' AND fetched = ? AND loaded = ? AND rejected = ?",
		uint64(h.sim.Len()), wantValid, wantInvalid); got != 1 {
		t.Errorf("v_runs has no successful run with fetched=%d loaded=%d rejected=%d", h.sim.Len(), wantValid, wantInvalid)
	}
	if !strings.Contains(out, "loaded") {
		t.Errorf("sync printed no summary: %q", out)
	}

	// A second pass loads nothing new.
	if code, out, errs := h.run(nil, "sync", "--source", "dossiers", "--once"); code != 0 {
		t.Fatalf("second sync exit %d: %s %s", code, out, errs)
	}
	if got := h.count("SELECT count() FROM {db}.v_dossiers"); got != wantValid {
		t.Fatalf("after a second sync v_dossiers has %d, want %d", got, wantValid)
	}
	if got := h.count("SELECT count() FROM {db}.v_rejects"); got != wantInvalid {
		t.Fatalf("after a second sync v_rejects has %d, want %d", got, wantInvalid)
	}
	if got := h.count("SELECT count() FROM {db}.v_runs WHERE status = 'success'"); got != 2 {
		t.Fatalf("v_runs has %d successful runs, want 2", got)
	}

	assertNoPersonalData(t, h.store, pii)
}

// assertNoPersonalData reads every String column of every table of the
// database, and v_rejects.raw (the scrubbed payloads of every source), and
// fails if any personal value of the simulator's data (in NFC or NFD)
// appears in it.
func assertNoPersonalData(t *testing.T, s *load.Store, pii []string) {
	t.Helper()
	ctx := context.Background()
	type col struct{ table, name string }
	rows, err := s.Conn().Query(ctx, `SELECT c.table, c.name FROM system.columns AS c
		WHERE c.database = ? AND c.type LIKE '%String%'
		AND c.table IN (SELECT name FROM system.tables WHERE database = ? AND engine NOT LIKE '%View%')`, s.Database(), s.Database())
	if err != nil {
		t.Fatal(err)
	}
	var cols []col
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.table, &c.name); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) < 10 {
		t.Fatalf("only %d string columns found: the check would prove nothing", len(cols))
	}
	var all strings.Builder
	queries := []string{fmt.Sprintf("SELECT raw FROM `%s`.v_rejects", s.Database())}
	for _, c := range cols {
		queries = append(queries, fmt.Sprintf("SELECT toString(`%s`) FROM `%s`.`%s`", c.name, s.Database(), c.table))
	}
	for _, q := range queries {
		r, err := s.Conn().Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for r.Next() {
			var v string
			if err := r.Scan(&v); err != nil {
				t.Fatal(err)
			}
			all.WriteString(v)
			all.WriteByte('\x00')
		}
		r.Close()
	}
	hay := all.String()
	forms := map[string]bool{}
	for _, v := range pii {
		if len(v) >= 5 { // shorter strings match by chance
			forms[norm.NFC.String(v)] = true
			forms[norm.NFD.String(v)] = true
		}
	}
	checked := 0
	for form := range forms {
		checked++
		if strings.Contains(hay, form) {
			t.Errorf("personal value %q found in ClickHouse", form)
		}
	}
	if checked == 0 {
		t.Fatal("no personal values to check")
	}
}

func TestSyncRefusesWithoutPIIKey(t *testing.T) {
	h := newHarness(t, simOptions(50))
	code, _, errs := h.run([]string{"DVC_PII_KEY="}, "sync", "--source", "dossiers", "--once")
	if code != exitUsage || !strings.Contains(errs, "pii.key") || !strings.Contains(errs, "--unsafe-dev-pii-key") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if got := h.count("SELECT count() FROM {db}.dossiers"); got != 0 {
		t.Fatalf("%d dossiers written without a key", got)
	}
	code, _, errs = h.run([]string{"DVC_PII_KEY="}, "sync", "--source", "dossiers", "--once", "--unsafe-dev-pii-key")
	if code != 0 || !strings.Contains(errs, "PUBLIC development key") {
		t.Fatalf("with the dev flag: exit %d, stderr %q", code, errs)
	}
}

func TestSyncFailsCleanlyOnRejectedCredentials(t *testing.T) {
	h := newHarness(t, simOptions(50))
	code, _, errs := h.run([]string{"DVC_PORTAL_PASSWORD=wrong-s3cret"}, "sync", "--source", "dossiers", "--once")
	if code != exitFailure {
		t.Fatalf("exit %d, want 1; stderr %s", code, errs)
	}
	if !strings.Contains(errs, "credentials") || strings.Contains(errs, "wrong-s3cret") {
		t.Fatalf("stderr must explain the failure without the password: %s", errs)
	}
	if got := h.count("SELECT count() FROM {db}.v_runs WHERE status = 'failed' AND error LIKE '%credentials%'"); got != 1 {
		t.Fatalf("failed run not recorded (%d)", got)
	}
	if got := h.count("SELECT count() FROM {db}.v_watermarks"); got != 0 {
		t.Fatalf("a failed run moved the watermark")
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	h := newHarness(t, simOptions(300))
	code, out, errs := h.run(nil, "sync", "--source", "dossiers", "--once", "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	if !strings.Contains(out, "dry_run") || !strings.Contains(out, "REJECTED RECORD") {
		t.Fatalf("dry run output lacks counts or rejects:\n%s", out)
	}
	for _, table := range []string{"dossiers", "rejects", "runs", "sync_state"} {
		if got := h.count("SELECT count() FROM {db}." + table); got != 0 {
			t.Errorf("dry run wrote %d rows to %s", got, table)
		}
	}
}

func TestStaleRunningRunsAreMarkedAbandoned(t *testing.T) {
	h := newHarness(t, simOptions(50))
	if code, _, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatal(errs)
	}
	ctx := context.Background()
	long := time.Now().Add(-10 * time.Hour) // beyond 2 × serve.job_timeout (2h)
	recent := time.Now().Add(-time.Minute)
	for id, start := range map[string]time.Time{"killed": long, "alive": recent} {
		if err := h.store.RecordRun(ctx, load.Run{ID: id, Source: "dossiers", Command: "sync", StartedAt: start, Status: load.RunRunning}); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, errs := h.run(nil, "sync", "--source", "dossiers"); code != 0 || !strings.Contains(errs, "marked abandoned") {
		t.Fatalf("sync exit %d: %s", code, errs)
	}
	if got := h.count("SELECT count() FROM {db}.v_runs WHERE run_id = 'killed' AND status = 'abandoned' AND error != ''"); got != 1 {
		t.Error("the killed run is not marked abandoned")
	}
	if got := h.count("SELECT count() FROM {db}.v_runs WHERE run_id = 'alive' AND status = 'running'"); got != 1 {
		t.Error("a run that may still be alive was touched")
	}
}
