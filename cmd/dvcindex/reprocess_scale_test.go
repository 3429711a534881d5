//go:build !race

package main

import (
	"context"
	"testing"
)

// TestReprocessMatchesAFreshSyncAt200k: over a 200,000-dossier archive,
// reprocess writes exactly the rows a fresh sync wrote (every column but
// the run and the load time), after the normalized rows are deleted, with
// no request to the portal. Built without -race only (it is too slow
// under the race detector): scripts/test.sh runs it on its own. Speed is
// BenchmarkReprocess's subject, against BenchmarkSync.
func TestReprocessMatchesAFreshSyncAt200k(t *testing.T) {
	h := newHarness(t, simOptions(200000))
	h.mustRun([]string{"migrate"}, []string{"sync", "--source", "dossiers"})
	views := []string{"v_dossiers", "v_dossier_steps"}
	want := h.fingerprints(views)
	if want["v_dossiers"][0] < 190000 {
		t.Fatalf("only %d dossiers synced", want["v_dossiers"][0])
	}
	for _, table := range []string{"dossiers", "dossier_steps"} {
		if err := h.store.Conn().Exec(context.Background(), h.store.SQL("ALTER TABLE {db}."+table+" DELETE WHERE 1")); err != nil {
			t.Fatal(err)
		}
	}
	h.waitMutations()
	if n := h.count("SELECT count() FROM {db}.v_dossiers"); n != 0 {
		t.Fatalf("%d dossiers left after the delete", n)
	}
	requests := h.sim.Requests()
	if code, out, errs := h.run(nil, "reprocess", "--source", "dossiers"); code != 0 {
		t.Fatalf("reprocess: exit %d %s %.2000s", code, out, errs)
	}
	if got := h.sim.Requests(); got != requests {
		t.Errorf("reprocess made %d requests to the portal", got-requests)
	}
	h.sameFingerprints(want)
}
