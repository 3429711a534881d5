package main

import (
	"context"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
	"github.com/dvcindex/dvcindex/load"
)

// expectedDossiers is the ground truth of a simulator: every valid dossier
// with its final NgayCapNhat.
func expectedDossiers(sim *simulator.Simulator) map[string]time.Time {
	want := map[string]time.Time{}
	for i := 0; i < sim.Len(); i++ {
		if tr := sim.Truth(i); !tr.Invalid {
			want[tr.ID] = tr.UpdatedAt
		}
	}
	return want
}

// loadedDossiers reads v_dossiers: dossier id → updated_at.
func loadedDossiers(t testing.TB, s *load.Store) map[string]time.Time {
	t.Helper()
	rows, err := s.Conn().Query(context.Background(), s.SQL("SELECT dossier_id, updated_at FROM {db}.v_dossiers"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]time.Time{}
	for rows.Next() {
		var id string
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			t.Fatal(err)
		}
		if _, dup := got[id]; dup {
			t.Errorf("v_dossiers has %s twice", id)
		}
		got[id] = at
	}
	return got
}

// assertExactDossiers fails unless v_dossiers holds exactly the simulator's
// valid dossiers, each at its final version.
func assertExactDossiers(t testing.TB, s *load.Store, sim *simulator.Simulator) {
	t.Helper()
	want, got := expectedDossiers(sim), loadedDossiers(t, s)
	var missing, extra, stale []string
	for id, at := range want {
		g, ok := got[id]
		switch {
		case !ok:
			missing = append(missing, id)
		case !g.Equal(at):
			stale = append(stale, id+" at "+g.String()+" want "+at.String())
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			extra = append(extra, id)
		}
	}
	sort.Strings(missing)
	if len(missing)+len(extra)+len(stale) > 0 {
		first := func(l []string) []string { return l[:min(len(l), 5)] }
		t.Fatalf("v_dossiers differs from the truth (%d dossiers, want %d): missing %d %v, extra %d %v, stale version %d %v",
			len(got), len(want), len(missing), first(missing), len(extra), first(extra), len(stale), first(stale))
	}
}

func (h *harness) watermark(source string) (time.Time, bool) {
	h.t.Helper()
	wm, ok, err := h.store.Watermark(context.Background(), source)
	if err != nil {
		h.t.Fatal(err)
	}
	return wm, ok
}

// faultEnv makes retries fast. The timeout ends the "slow" fault's requests,
// which never answer (slowNever): it only has to leave room for the answers
// that do come, on a loaded machine.
var faultEnv = []string{
	"DVC_PORTAL_PAGE_SIZE=50",
	"DVC_PORTAL_TIMEOUT=2s",
	"DVC_PORTAL_MAX_RETRIES=5",
	"DVC_PORTAL_RETRY_WAIT=5ms",
	"DVC_PORTAL_RETRY_MAX_WAIT=40ms",
}

// slowNever is the "slow" fault's delay in these tests: a slow answer never
// comes (the simulator drops it when the client goes), so only the client's
// timeout can end the request, whatever the speed of the machine.
const slowNever = 24 * time.Hour

// TestSyncSurvivesEveryTransientFault: for each fault a real portal shows,
// a sync against portalsim injecting it ends with exactly the expected
// dossiers, each at its final version.
func TestSyncSurvivesEveryTransientFault(t *testing.T) {
	tests := []struct {
		fault string
		rate  float64
		log   string // what the retry (or re-read) log lines must mention
	}{
		{simulator.Fault429, 0.4, "HTTP 429"},
		{simulator.Fault503, 0.4, "HTTP 503"},
		{simulator.FaultReset, 0.4, "portal request failed; retrying"},
		{simulator.FaultTruncate, 0.4, "portal request failed; retrying"},
		{simulator.FaultHTML200, 0.4, "text/html"},
		{simulator.FaultSlow, 0.1, "Timeout"},
		{simulator.FaultDup, 0.5, ""},
		{simulator.FaultMutate, 1, "window changed while its pages were read"},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			t.Parallel()
			opts := simOptions(600)
			opts.Faults, opts.FaultRate, opts.SlowDelay = []string{tt.fault}, tt.rate, slowNever
			h := newHarness(t, opts)
			code, out, errs := h.run(faultEnv, "sync", "--source", "dossiers", "--once")
			if code != 0 {
				t.Fatalf("sync exit %d\nstdout: %s\nstderr: %.3000s", code, out, errs)
			}
			if h.sim.FaultsInjected() == 0 {
				t.Fatal("no fault was injected: the test proves nothing")
			}
			if tt.log != "" && !strings.Contains(errs, tt.log) {
				t.Errorf("log lacks %q:\n%.3000s", tt.log, errs)
			}
			for _, line := range strings.Split(errs, "\n") {
				if strings.Contains(line, "retrying") {
					for _, k := range []string{`"error":`, `"attempt":`, `"wait":`} {
						if !strings.Contains(line, k) {
							t.Errorf("retry line lacks %s: %s", k, line)
						}
					}
				}
			}
			assertExactDossiers(t, h.store, h.sim)
			t.Logf("%s: %d faults injected", tt.fault, h.sim.FaultsInjected())
		})
	}
}

// TestSyncFailsCleanlyOnPermanentErrors: 403 and an application error_code
// fail the run with a clear message and leave the watermark where it was.
func TestSyncFailsCleanlyOnPermanentErrors(t *testing.T) {
	tests := []struct {
		fault string
		want  []string
	}{
		{simulator.Fault403, []string{"permanent source error", "HTTP 403", "FORBIDDEN"}},
		{simulator.FaultAppError, []string{"permanent source error", "QUOTA_EXCEEDED", "daily export quota exceeded"}},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, simOptions(200))
			// A first, clean run sets the watermark.
			if code, out, errs := h.run(nil, "sync", "--source", "dossiers", "--once"); code != 0 {
				t.Fatalf("clean sync exit %d: %s %s", code, out, errs)
			}
			before, ok := h.watermark("dossiers")
			if !ok {
				t.Fatal("no watermark after a successful sync")
			}
			opts := simOptions(200)
			opts.Faults, opts.FaultRate = []string{tt.fault}, 1
			bad, err := simulator.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(bad.Handler())
			t.Cleanup(srv.Close)
			env := append([]string{"DVC_PORTAL_BASE_URL=" + srv.URL}, faultEnv...)
			// The clock moved on: there is a new window to read.
			code, _, errs := h.run(env, "sync", "--source", "dossiers", "--once")
			if code != exitFailure {
				t.Fatalf("exit %d, want 1; stderr %.2000s", code, errs)
			}
			for _, s := range tt.want {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %q: %.2000s", s, errs)
				}
			}
			if strings.Contains(errs, "retrying") {
				t.Errorf("a permanent error was retried: %.2000s", errs)
			}
			after, _ := h.watermark("dossiers")
			if !after.Equal(before) {
				t.Errorf("watermark moved from %s to %s on a failed run", before, after)
			}
			if got := h.count("SELECT count() FROM {db}.v_runs WHERE status = 'failed' AND error LIKE ?", "%"+tt.want[1]+"%"); got != 1 {
				t.Errorf("%d failed runs naming %q, want 1", got, tt.want[1])
			}
			// On a fresh database the same failure leaves no watermark at all.
			h2 := newHarness(t, opts)
			if code, _, errs := h2.run(faultEnv, "sync", "--source", "dossiers", "--once"); code != exitFailure {
				t.Fatalf("fresh: exit %d; %.2000s", code, errs)
			}
			if _, ok := h2.watermark("dossiers"); ok {
				t.Error("a failed first run set a watermark")
			}
		})
	}
}
