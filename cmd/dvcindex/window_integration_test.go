package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
	"github.com/dvcindex/dvcindex/internal/pipeline"
)

// windowStatuses counts v_windows rows per status for the dossiers.
func (h *harness) windowStatuses() map[string]uint64 {
	h.t.Helper()
	rows, err := h.store.Conn().Query(context.Background(),
		h.store.SQL("SELECT status, count() FROM {db}.v_windows WHERE source = 'dossiers' GROUP BY status"))
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]uint64{}
	for rows.Next() {
		var s string
		var n uint64
		if err := rows.Scan(&s, &n); err != nil {
			h.t.Fatal(err)
		}
		out[s] = n
	}
	return out
}

// TestSyncProvesEveryWindowComplete: for each way a portal can page other
// than asked, a sync ends with exactly the portal's valid dossiers in
// v_dossiers, or fails naming the window, the total and the count read,
// with no watermark set — never "success" with dossiers missing. v_windows
// records what each window proved.
func TestSyncProvesEveryWindowComplete(t *testing.T) {
	tests := []struct {
		faults   []string
		env      []string
		ok       bool
		statuses []string // v_windows statuses that must appear
		inErr    []string // in the failed run's error (v_runs and stderr)
	}{
		// Serves a third of the page asked for and says so: paged by it.
		{faults: []string{simulator.FaultPageCap}, ok: true, statuses: []string{"complete"}},
		{faults: []string{simulator.FaultPageCap, simulator.FaultDup}, ok: true, statuses: []string{"complete"}},
		// Every window of more than a page changes on every read: split.
		{faults: []string{simulator.FaultBusy}, ok: true, statuses: []string{"split", "complete"}},
		// ... but not below sync.min_window: then the run fails.
		{faults: []string{simulator.FaultBusy}, env: []string{"DVC_SYNC_MIN_WINDOW=300h"}, statuses: []string{"split", "unstable"},
			inErr: []string{"kept changing while its pages were read", "2 re-reads"}},
		{faults: []string{simulator.FaultIgnorePage}, statuses: []string{"page_ignored"},
			inErr: []string{"ignored the page number", "dossiers window 2025-05-15T00:00:00+07:00/", "portal reported total", "read 50 distinct"}},
		{faults: []string{simulator.FaultBigTotal}, statuses: []string{"shortfall"},
			inErr: []string{"fewer distinct records than its total", "dossiers window 2025-05-15T00:00:00+07:00/", "2 re-reads"}},
	}
	for _, tt := range tests {
		name := strings.Join(append(tt.faults, tt.env...), "+")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts := simOptions(600)
			opts.Faults, opts.FaultRate = tt.faults, 1
			h := newHarness(t, opts)
			code, out, errs := h.run(append(tt.env, faultEnv...), "sync", "--source", "dossiers", "--once")
			if h.sim.FaultsInjected() == 0 {
				t.Fatal("no fault was injected: the test proves nothing")
			}
			statuses := h.windowStatuses()
			for _, s := range tt.statuses {
				if statuses[s] == 0 {
					t.Errorf("v_windows has no %q window: %v", s, statuses)
				}
			}
			if tt.ok {
				if code != 0 {
					t.Fatalf("sync exit %d\nstdout: %s\nstderr: %.3000s", code, out, errs)
				}
				assertExactDossiers(t, h.store, h.sim)
				if bad := h.count("SELECT count() FROM {db}.v_windows WHERE status NOT IN ('complete', 'split')"); bad != 0 {
					t.Errorf("%d windows neither complete nor split in a successful run", bad)
				}
				if got := h.count("SELECT count() FROM {db}.v_windows WHERE status = 'complete' AND distinct_records < total_reported"); got != 0 {
					t.Errorf("%d complete windows with fewer distinct records than the total", got)
				}
				return
			}
			if code != exitFailure {
				t.Fatalf("exit %d, want 1 (the window was not proved complete)\nstderr: %.3000s", code, errs)
			}
			if _, ok := h.watermark("dossiers"); ok {
				t.Error("a failed first run set a watermark")
			}
			if n := h.count("SELECT count() FROM {db}.v_runs WHERE status = 'success'"); n != 0 {
				t.Errorf("%d successful runs", n)
			}
			for _, s := range tt.inErr {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %q: %.3000s", s, errs)
				}
				if h.count("SELECT count() FROM {db}.v_runs WHERE status = 'failed' AND position(error, ?) > 0", s) != 1 {
					t.Errorf("v_runs has no failed run whose error says %q", s)
				}
			}
		})
	}
}

// TestPetitionsPagedByTheAnsweredPageSize: petitions are windowed like the
// dossiers: a capped page size loses none of them.
func TestPetitionsPagedByTheAnsweredPageSize(t *testing.T) {
	opts := simOptions(1500)
	opts.Petitions = 300
	opts.Faults, opts.FaultRate = []string{simulator.FaultPageCap}, 1
	h := newHarness(t, opts)
	code, out, errs := h.run(append([]string{"DVC_SOURCES_PETITIONS_PAGE_SIZE=30"}, faultEnv...), "sync", "--source", "petitions", "--once")
	if code != 0 {
		t.Fatalf("sync exit %d\nstdout: %s\nstderr: %.3000s", code, out, errs)
	}
	want := map[string]bool{}
	for i := 0; i < h.sim.Petitions(); i++ {
		want[h.sim.PetitionTruth(i).ID] = true
	}
	got := h.count("SELECT count() FROM {db}.v_petitions")
	rejected := h.count("SELECT count() FROM {db}.v_rejects WHERE source = 'petitions'")
	if got+rejected != uint64(len(want)) || got == 0 {
		t.Fatalf("%d petitions loaded + %d rejected, want %d", got, rejected, len(want))
	}
	if n := h.count("SELECT count() FROM {db}.v_windows WHERE source = 'petitions' AND status = 'complete' AND page_size = 10"); n == 0 {
		t.Error("no petition window records the capped page size 10")
	}
}

// TestWatermarkNeverPassesThePortalClock: a host clock far ahead of the
// portal reads windows the portal has not reached yet; the watermark stops
// at the portal's Date less the safety lag, so what the portal writes
// meanwhile is read by the next run.
func TestWatermarkNeverPassesThePortalClock(t *testing.T) {
	portalNow := time.Date(2025, 9, 1, 10, 0, 0, 0, simulator.Location)
	tests := []struct {
		name    string
		hostNow func() time.Time
		capped  bool
	}{
		{"host clock a year ahead", func() time.Time { return portalNow.AddDate(1, 0, 0) }, true},
		{"clocks agree", func() time.Time { return portalNow }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := simOptions(300)
			opts.Now = func() time.Time { return portalNow }
			h := newHarness(t, opts)
			a := &app{stdout: &syncBuffer{}, stderr: &syncBuffer{}, environ: h.env, now: tt.hostNow}
			if err := a.init(); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := a.engine(false).Sync(ctx, h.store, "dossiers", false); err != nil {
				t.Fatalf("sync: %v\n%s", err, a.stderr)
			}
			wm, ok := h.watermark("dossiers")
			want := portalNow.Add(-5 * time.Minute)
			if !ok || !wm.Equal(want) {
				t.Fatalf("watermark %s, want the portal's clock less the safety lag, %s", wm, want)
			}
			assertExactDossiers(t, h.store, h.sim)
			if got := strings.Contains(a.stderr.(*syncBuffer).String(), "watermark capped at the portal's clock"); got != tt.capped {
				t.Errorf("cap logged: %v, want %v", got, tt.capped)
			}
		})
	}
}

// TestPipelinePanicFailsTheRun: a panic in the fetcher, a normalizer or the
// loader fails the run (watermark unmoved, v_runs failed) instead of killing
// the process; the panic's value is not logged unless the runtime wrote it
// (it may quote a record), and the next run loads everything.
func TestPipelinePanicFailsTheRun(t *testing.T) {
	const personal = "Nguyễn Văn Panic 0912345678"
	tests := []struct {
		stage string
		value func() // what panics
		want  string // in the error
	}{
		{"fetch", func() { panic(personal) }, "panic value of type string"},
		{"normalize", func() { var s []int; _ = s[len(personal)] }, "index out of range"},
		{"load", func() { panic(personal) }, "panic value of type string"},
	}
	for _, tt := range tests {
		t.Run(tt.stage, func(t *testing.T) {
			h := newHarness(t, simOptions(300))
			stderr := &syncBuffer{}
			a := &app{stdout: &syncBuffer{}, stderr: stderr, environ: h.env, now: time.Now}
			if err := a.init(); err != nil {
				t.Fatal(err)
			}
			a.hook = func(stage string) {
				if stage == tt.stage {
					tt.value()
				}
			}
			err := a.engine(false).Sync(context.Background(), h.store, "dossiers", false)
			if !errors.Is(err, pipeline.ErrPipelinePanic) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a pipeline panic saying %q", err, tt.want)
			}
			if _, ok := h.watermark("dossiers"); ok {
				t.Error("a run failed by a panic set the watermark")
			}
			if h.count("SELECT count() FROM {db}.v_runs WHERE source = 'dossiers' AND status = 'failed' AND position(error, 'panicked') > 0") != 1 {
				t.Error("v_runs does not record the run as failed by a panic")
			}
			if logs := stderr.String(); strings.Contains(logs, "Panic 0912345678") || !strings.Contains(logs, `"stack"`) {
				t.Errorf("the panic log quotes the value or lacks the stack: %.2000s", logs)
			}
			if code, out, errs := h.run(nil, "sync", "--source", "dossiers", "--once"); code != 0 {
				t.Fatalf("the next sync: exit %d %s %.2000s", code, out, errs)
			}
			assertExactDossiers(t, h.store, h.sim)
		})
	}
}
