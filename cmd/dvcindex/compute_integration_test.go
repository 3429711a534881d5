package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
)

// syncAll loads every source the indicators read.
func (h *harness) syncAll() {
	h.t.Helper()
	for _, src := range []string{"procedures", "dossiers", "petitions"} {
		if code, out, errs := h.run(nil, "sync", "--source", src, "--once"); code != 0 {
			h.t.Fatalf("sync %s exit %d: %s %s", src, code, out, errs)
		}
	}
}

// syncedLateSyncYear migrates a fresh database and syncs every source from a
// simulator of n dossiers of 2024 in which ward 21640 syncs its steps late.
func syncedLateSyncYear(t *testing.T, n int, seed int64) *harness {
	t.Helper()
	o := simOptions(n)
	o.Seed = seed
	o.From = time.Date(2024, 1, 1, 0, 0, 0, 0, simulator.Location)
	o.To = time.Date(2024, 12, 31, 0, 0, 0, 0, simulator.Location)
	o.LateSyncUnit = "21640"
	h := newHarness(t, o)
	if code, _, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatal(errs)
	}
	h.syncAll()
	return h
}

// TestExplainNamesTheLateSyncCause: in the simulator, ward 21640's steps
// reach the national portal days late. explain must put DOSSIER_SYNC first
// among its transparency metrics, name synced_late as the first cause, and
// list dossiers that really are late-synced, with the evidence.
func TestExplainNamesTheLateSyncCause(t *testing.T) {
	h := syncedLateSyncYear(t, 8000, simOptions(0).Seed)
	if code, out, errs := h.run(nil, "compute", "--period", "2024-Q2"); code != 0 {
		t.Fatalf("compute exit %d: %s %s", code, out, errs)
	}
	lateSync := map[string]bool{}
	for i := 0; i < h.sim.Len(); i++ {
		if tr := h.sim.Truth(i); tr.LateSync {
			lateSync[tr.ID] = true
		}
	}
	code, out, errs := h.run(nil, "explain", "--unit", "21640", "--period", "2024-Q2", "--indicator", "transparency", "--format", "json", "--top", "5")
	if code != 0 {
		t.Fatalf("explain exit %d: %s", code, errs)
	}
	var rep explainReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("explain JSON: %v\n%s", err, out)
	}
	if len(rep.Metrics) != 4 {
		t.Fatalf("%d transparency metrics, want 4", len(rep.Metrics))
	}
	first := rep.Metrics[0]
	if first.Metric != "DOSSIER_SYNC" || !first.Actionable || first.PointsLost < 3 {
		t.Fatalf("first metric %s (lost %.2f, actionable %v), want DOSSIER_SYNC losing most of its 6 points", first.Metric, first.PointsLost, first.Actionable)
	}
	if len(first.Findings) == 0 || first.Findings[0].Finding != "synced_late" {
		t.Fatalf("first cause %+v, want synced_late", first.Findings)
	}
	if len(first.Dossiers) != 5 {
		t.Fatalf("%d dossiers listed, want the top 5", len(first.Dossiers))
	}
	for _, d := range first.Dossiers {
		if d.Finding != "synced_late" || !lateSync[d.DossierID] || !strings.Contains(d.Evidence, "h after it happened, limit 24 h") {
			t.Errorf("listed dossier %+v is not a late-synced one with its evidence", d)
		}
		if strings.Contains(d.Owner, " ") || (d.Owner != "" && !strings.HasPrefix(d.Owner, "owner:")) {
			t.Errorf("owner %q is not a pseudonym", d.Owner)
		}
	}
	for _, m := range rep.Metrics[1:] {
		if m.Scope == "province" && (m.Actionable || m.Note != provinceLabel) {
			t.Errorf("%s: province-level metric not labelled: %+v", m.Metric, m)
		}
	}
	// The table names the same cause first.
	code, out, _ = h.run(nil, "explain", "--unit", "21640", "--period", "2024-Q2", "--indicator", "transparency")
	if code != 0 || !strings.Contains(out, "1. DOSSIER_SYNC") || !strings.Contains(out, "province level — not actionable by the ward") {
		t.Fatalf("table output:\n%s", out)
	}
	why := out[strings.Index(out, "why:"):]
	if !strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(why, "why:")), "synced_late") {
		t.Fatalf("the first cause in the table is not synced_late:\n%s", why)
	}
}

// TestComputeAgreesWithOfficialScores: a year of portalsim data (100k
// dossiers); every metric and group of every unit agrees with the scores
// the simulator publishes (computed independently from its own truth)
// within indicators.reconcile_tolerance (0.5 points).
func TestComputeAgreesWithOfficialScores(t *testing.T) {
	if testing.Short() {
		t.Skip("100k dossiers: not in -short")
	}
	o := simOptions(100000)
	o.From = time.Date(2024, 1, 1, 0, 0, 0, 0, simulator.Location)
	o.To = time.Date(2025, 1, 1, 0, 0, 0, 0, simulator.Location)
	h := newHarness(t, o)
	if code, _, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatal(errs)
	}
	h.syncAll()
	code, out, errs := h.run(nil, "compute", "--period", "2024")
	if code != 0 {
		t.Fatalf("compute exit %d: %s %s", code, out, errs)
	}
	// 17 wards + district + province, 15 published metric scores + 6
	// groups each: the national reporting API publishes no score for the
	// online and payment parts, and the two petition classifications score
	// nothing (national-766-api.md).
	if got := h.count("SELECT count() FROM {db}.v_score_reconciliation WHERE period = '2024'"); got != 19*(15+6) {
		t.Fatalf("reconciliation has %d rows, want %d", got, 19*(15+6))
	}
	if got := h.count("SELECT count() FROM {db}.v_score_reconciliation WHERE period = '2024' AND abs(difference) > 0.5"); got != 0 {
		_, _, _ = h.run(nil, "compute", "--period", "2024", "--log-format", "json")
		t.Fatalf("%d metrics differ from the official scores by more than 0.5 points:\n%s", got, errs)
	}
	if !strings.Contains(errs, "agree with the official ones") {
		t.Errorf("compute did not log the reconciliation result:\n%s", errs)
	}
}
