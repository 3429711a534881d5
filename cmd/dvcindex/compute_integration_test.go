package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
	"github.com/dvcindex/dvcindex/internal/ward"
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

// TestExplainLateSyncsAreARisk: in the simulator, ward 21640's steps reach
// the national portal days late. Under the portal's rules (dvcqg-2026) a
// dossier that reached the portal counts as synced however late, so
// explain must not report those late syncs as lost points: it lists them
// as a risk (synced_late, with the evidence), names first what the
// province loses for the ward (cấp tỉnh — xã không khắc phục được), then
// ranks the ward's own metrics by the points they really lose. With
// indicators.sync_scoring: deadline the late syncs cost DOSSIER_SYNC
// points again, and explain names them as its first cause.
func TestExplainLateSyncsAreARisk(t *testing.T) {
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
	rep := explainJSON(t, h, nil)
	if !strings.HasPrefix(rep.ProvinceNote, "cấp tỉnh — xã không khắc phục được") || rep.ProvinceLost <= 0 {
		t.Fatalf("province-level loss not named: %.2f %q", rep.ProvinceLost, rep.ProvinceNote)
	}
	// The ranking: the ward's own metrics by points lost (the most first),
	// then the province-level ones.
	var maxOwn float64
	for _, m := range rep.Metrics {
		if m.Actionable {
			maxOwn = max(maxOwn, m.PointsLost)
		}
	}
	first := rep.Metrics[0]
	if !first.Actionable || first.PointsLost != maxOwn || first.PointsLost <= 0 {
		t.Fatalf("first metric %s (lost %.2f, actionable %v), want the ward's metric losing the most (%.2f)", first.Metric, first.PointsLost, first.Actionable, maxOwn)
	}
	if len(first.Findings) > 0 && (first.Findings[0].Finding == "synced_late" || first.Findings[0].Finding == "step_not_synced") {
		t.Fatalf("first cause of %s is a late sync: %+v", first.Metric, first.Findings)
	}
	seenProvince := false
	for _, m := range rep.Metrics {
		if !m.Actionable {
			seenProvince = true
			if m.Scope != "province" || !strings.HasPrefix(m.Note, ward.ProvinceLabel) {
				t.Errorf("%s: province-level metric not labelled: %+v", m.Metric, m)
			}
		} else if seenProvince {
			t.Errorf("%s: a ward metric ranked after the province-level ones", m.Metric)
		}
	}
	// DOSSIER_SYNC: late syncs are a risk, not a cause of lost points; its
	// loss is far below the 24-hour reading's.
	sync := metricOf(t, rep, "DOSSIER_SYNC")
	for _, f := range sync.Findings {
		if f.Finding == "synced_late" || f.Finding == "step_not_synced" {
			t.Errorf("late syncs reported as lost points: %+v", sync.Findings)
		}
	}
	if len(sync.Risks) == 0 || sync.Risks[0].Finding != "synced_late" {
		t.Fatalf("risks %+v, want synced_late first", sync.Risks)
	}
	// The dossiers that lose points are listed before those at risk.
	seenRisk := false
	for _, d := range sync.Dossiers {
		isRisk := d.Finding == "synced_late" || d.Finding == "step_not_synced"
		if seenRisk && !isRisk {
			t.Errorf("dossier %s (%s, loses points) listed after a risk", d.DossierID, d.Finding)
		}
		seenRisk = seenRisk || isRisk
	}
	if len(sync.Dossiers) > 0 && (sync.Dossiers[0].Finding == "synced_late" || sync.Dossiers[0].Finding == "step_not_synced") && len(sync.Findings) > 0 {
		t.Errorf("first dossier listed is a risk (%s) although %s loses points", sync.Dossiers[0].Finding, sync.Findings[0].Finding)
	}
	for _, d := range sync.Dossiers {
		if d.Finding == "synced_late" && (!lateSync[d.DossierID] || !strings.Contains(d.Evidence, "h after it happened, limit 24 h")) {
			t.Errorf("listed dossier %+v is not a late-synced one with its evidence", d)
		}
		if strings.Contains(d.Owner, " ") || (d.Owner != "" && !strings.HasPrefix(d.Owner, "owner:")) {
			t.Errorf("owner %q is not a pseudonym", d.Owner)
		}
	}
	// The table says the province-level loss before the points to win back
	// and the ranking (after the targets, when the unit has some), and
	// labels the risk.
	code, out, _ := h.run(nil, "explain", "--unit", "21640", "--period", "2024-Q2")
	province, winback, ranking := strings.Index(out, "\ncấp tỉnh — xã không khắc phục được"), strings.Index(out, "\nđiểm có thể lấy lại"), strings.Index(out, "\n#")
	if code != 0 || province < 0 || winback < province || ranking < winback ||
		!strings.Contains(out, "rủi ro, không trừ điểm") || !strings.Contains(out, "1. "+first.Metric+" ") {
		t.Fatalf("table output:\n%s", out)
	}

	// The Decision's wording (sync_scoring: deadline): the late syncs cost
	// DOSSIER_SYNC most of its points and are its first cause.
	deadline := []string{"DVC_INDICATORS_SYNC_SCORING=deadline"}
	if code, out, errs := h.run(deadline, "compute", "--period", "2024-Q2"); code != 0 {
		t.Fatalf("compute exit %d: %s %s", code, out, errs)
	}
	rep = explainJSON(t, h, deadline, "--indicator", "transparency")
	sync2 := rep.Metrics[0]
	if sync2.Metric != "DOSSIER_SYNC" || sync2.PointsLost < 3 || sync2.PointsLost <= sync.PointsLost {
		t.Fatalf("deadline: first metric %s lost %.2f (official %.2f), want DOSSIER_SYNC losing most of its 6 points", sync2.Metric, sync2.PointsLost, sync.PointsLost)
	}
	if len(sync2.Findings) == 0 || sync2.Findings[0].Finding != "synced_late" || len(sync2.Risks) != 0 {
		t.Fatalf("deadline: causes %+v, risks %+v, want synced_late first and no risks", sync2.Findings, sync2.Risks)
	}
}

// explainJSON runs explain for ward 21640 in 2024-Q2 as JSON.
func explainJSON(t *testing.T, h *harness, env []string, args ...string) explainReport {
	t.Helper()
	code, out, errs := h.run(env, append([]string{"explain", "--unit", "21640", "--period", "2024-Q2", "--format", "json", "--top", "5"}, args...)...)
	if code != 0 {
		t.Fatalf("explain exit %d: %s", code, errs)
	}
	var rep explainReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("explain JSON: %v\n%s", err, out)
	}
	return rep
}

func metricOf(t *testing.T, rep explainReport, code string) explainMetric {
	t.Helper()
	for _, m := range rep.Metrics {
		if m.Metric == code {
			return m
		}
	}
	t.Fatalf("explain lists no %s", code)
	return explainMetric{}
}
