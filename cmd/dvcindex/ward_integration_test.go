package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/ward"
)

// TestReportAndPageAgreeWithExplain: for Bồng Sơn in 2024-Q2 (the demo's
// late-syncing ward, with the example targets), the unit's page (ward's
// Store, which internal/web renders) and the report show the numbers of
// explain --format json: the indicators with their targets, the points to
// win back, and every metric's score and points lost.
func TestReportAndPageAgreeWithExplain(t *testing.T) {
	h := reportHarness(t)
	if code, out, errs := h.run(nil, "compute", "--period", "2024-Q2"); code != 0 {
		t.Fatalf("compute exit %d: %s %s", code, out, errs)
	}
	code, out, errs := h.run(nil, "explain", "--unit", "21640", "--period", "2024-Q2", "--format", "json", "--top", "10")
	if code != 0 {
		t.Fatalf("explain exit %d: %s", code, errs)
	}
	var rep ward.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Indicators) != 7 || rep.Indicators[0].Target == nil || len(rep.Winback) == 0 {
		t.Fatalf("explain has no targets or nothing to win back: %+v %+v", rep.Indicators, rep.Winback)
	}
	cfg, err := config.Load("", h.env)
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: cfg}
	st := ward.NewStore(h.store, a.engine(false).IndicatorSettings())
	page, err := st.Page(context.Background(), "21640", "2024-Q2")
	if err != nil {
		t.Fatal(err)
	}
	// Compared as explain prints them: JSON.
	for what, pair := range map[string][2]any{"report": {page.Report, rep}, "indicators": {page.Indicators, rep.Indicators},
		"points to win back": {page.Winback, rep.Winback}} {
		a, _ := json.Marshal(pair[0])
		b, _ := json.Marshal(pair[1])
		if string(a) != string(b) {
			t.Errorf("the page's %s differ from explain's:\npage    %s\nexplain %s", what, a, b)
		}
	}
	if page.Parent.Code != "543" || page.Parent.Name != "Hoài Nhơn" || page.Previous != "" || len(page.Trend) != 1 {
		t.Errorf("page links: parent %+v, previous %q, trend %+v", page.Parent, page.Previous, page.Trend)
	}
	md := reportMD(t, h)
	for _, in := range rep.Indicators {
		if in.Target == nil {
			continue
		}
		row := fmt.Sprintf("| 21640 | Bồng Sơn | %s | %.2f | %.2f |", in.Label, in.Score, *in.Target)
		if !strings.Contains(md, row) {
			t.Errorf("the report lacks explain's target row %q", row)
		}
	}
	for _, w := range rep.Winback[:min(5, len(rep.Winback))] {
		row := fmt.Sprintf("| 21640 | Bồng Sơn | %d | %s | %.2f |", w.Rank, w.Label, w.PointsLost)
		if !strings.Contains(md, row) {
			t.Errorf("the report lacks explain's point to win back %q", row)
		}
	}
	assertDossierPages(t, st, rep)
}

// assertDossierPages: the page's dossier list of ON_TIME holds, page by
// page, as many items as explain counts findings, with their dates and
// never a pseudonym.
func assertDossierPages(t *testing.T, st *ward.Store, rep ward.Report) {
	t.Helper()
	var want uint64
	for _, m := range rep.Metrics {
		if m.Metric == "ON_TIME" {
			for _, f := range append(m.Findings, m.Risks...) {
				want += f.Count
			}
		}
	}
	seen := map[string]bool{}
	for offset := 0; ; offset += 4 {
		items, total, err := st.Dossiers(context.Background(), "21640", "2024-Q2", "ON_TIME", offset, 4)
		if err != nil {
			t.Fatal(err)
		}
		if uint64(total) != want || want == 0 {
			t.Fatalf("ON_TIME lists %d items in all, explain counts %d findings", total, want)
		}
		for _, it := range items {
			if it.Received == "" || it.ProcedureName == "" || it.Words == "" || strings.Contains(it.Evidence, "owner:") {
				t.Errorf("item %+v lacks its dates, procedure or words, or shows a pseudonym", it)
			}
			seen[it.ID+it.Finding] = true
		}
		if len(items) < 4 {
			break
		}
	}
	if uint64(len(seen)) != want {
		t.Errorf("the pages hold %d distinct items, want %d", len(seen), want)
	}
}
