package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
	"github.com/dvcindex/dvcindex/internal/pipeline"
)

func TestBackfillIsResumableAndLeavesTheWatermark(t *testing.T) {
	h := newHarness(t, simOptions(600))
	env := []string{"DVC_SYNC_WINDOW=72h", "DVC_PORTAL_MAX_RETRIES=1"}
	from := time.Date(2025, 6, 1, 0, 0, 0, 0, simulator.Location)
	to := time.Date(2025, 7, 1, 0, 0, 0, 0, simulator.Location)
	stopAt := "20250613000000" // the fifth window of 72h

	// A portal that fails from the fifth window on: the backfill stops there.
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/dossiers" && r.URL.Query().Get("updated_from") >= stopAt {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		h.sim.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(failing.Close)
	args := []string{"backfill", "--source", "dossiers", "--from", "2025-06-01", "--to", "2025-07-01"}
	code, _, errs := h.run(append([]string{"DVC_PORTAL_BASE_URL=" + failing.URL}, env...), args...)
	if code != exitFailure {
		t.Fatalf("backfill against a failing portal: exit %d, want 1\n%.2000s", code, errs)
	}
	if n := strings.Count(errs, "backfill dossiers: window "); n != 4 {
		t.Errorf("%d progress lines before the failure, want 4:\n%.2000s", n, errs)
	}
	key := pipeline.BackfillStateKey("dossiers", from, to)
	if got, ok := h.watermark(key); !ok || got.Format("20060102150405") != stopAt {
		t.Fatalf("backfill progress %s (%v), want %s", got, ok, stopAt)
	}
	if _, ok := h.watermark("dossiers"); ok {
		t.Fatal("backfill set the incremental watermark")
	}

	// The rerun continues at the fifth window and completes.
	code, out, errs := h.run(env, args...)
	if code != 0 {
		t.Fatalf("resumed backfill exit %d: %s %.2000s", code, out, errs)
	}
	if !strings.Contains(out, "resuming at 2025-06-13 00:00:00") {
		t.Errorf("stdout does not say where it resumed:\n%s", out)
	}
	if n := strings.Count(errs, "backfill dossiers: window "); n != 6 || !strings.Contains(errs, "window 6/6") {
		t.Errorf("%d progress lines on resume, want 6 ending with 6/6:\n%.2000s", n, errs)
	}
	want := map[string]time.Time{}
	for id, at := range expectedDossiers(h.sim) {
		if !at.Before(from) && at.Before(to) {
			want[id] = at
		}
	}
	got := loadedDossiers(t, h.store)
	if len(got) != len(want) {
		t.Fatalf("v_dossiers has %d dossiers, want the %d of June", len(got), len(want))
	}
	for id := range want {
		if _, ok := got[id]; !ok {
			t.Fatalf("dossier %s of June not loaded", id)
		}
	}
	if n := h.count("SELECT count() FROM {db}.v_runs WHERE command = 'backfill' AND status = 'success'"); n != 1 {
		t.Errorf("%d successful backfill runs, want 1", n)
	}
	// A third run has nothing left to do.
	if code, out, _ := h.run(env, args...); code != 0 || !strings.Contains(out, "already complete") {
		t.Fatalf("third backfill: exit %d, %s", code, out)
	}

	// Backfilling an old range after a sync never moves the watermark back.
	if code, _, errs := h.run(nil, "sync", "--source", "dossiers", "--once"); code != 0 {
		t.Fatalf("sync: %.2000s", errs)
	}
	wm, _ := h.watermark("dossiers")
	if code, _, errs := h.run(env, "backfill", "--source", "dossiers", "--from", "2025-05-15", "--to", "2025-06-01"); code != 0 {
		t.Fatalf("backfill after sync: %.2000s", errs)
	}
	if after, _ := h.watermark("dossiers"); !after.Equal(wm) {
		t.Fatalf("backfill moved the watermark from %s to %s", wm, after)
	}
	assertExactDossiers(t, h.store, h.sim)

	// --dry-run writes nothing, not even its progress.
	runs := h.count("SELECT count() FROM {db}.runs")
	code, out, errs = h.run(env, "backfill", "--source", "dossiers", "--from", "2025-07-01", "--to", "2025-08-01", "--dry-run")
	if code != 0 || !strings.Contains(out, "dry_run") {
		t.Fatalf("dry-run backfill: exit %d %s %.2000s", code, out, errs)
	}
	if n := h.count("SELECT count() FROM {db}.runs"); n != runs {
		t.Errorf("dry run wrote %d run rows", n-runs)
	}
	if _, ok := h.watermark(pipeline.BackfillStateKey("dossiers", to, time.Date(2025, 8, 1, 0, 0, 0, 0, simulator.Location))); ok {
		t.Error("dry run recorded backfill progress")
	}
}

func TestBackfillKeyedSource(t *testing.T) {
	h := newHarness(t, simOptions(50))
	code, out, errs := h.run(nil, "backfill", "--source", "bcqg", "--from", "2025-06-01", "--to", "2025-07-01")
	if code != 0 {
		t.Fatalf("exit %d: %s %.2000s", code, out, errs)
	}
	if n := h.count("SELECT count() FROM {db}.v_bcqg_counts WHERE period = '2025-06'"); n == 0 {
		t.Error("no BCQG counts of 2025-06 loaded")
	}
	if _, ok := h.watermark("bcqg"); ok {
		t.Error("backfill of bcqg set its watermark (it marks the source as initialised)")
	}
}
