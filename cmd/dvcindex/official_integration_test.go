package main

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
	"github.com/dvcindex/dvcindex/load"
)

// officialHarness is a migrated harness over a small simulator whose
// evaluation source reads one month by backfill.
func officialHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t, simOptions(1500))
	if code, out, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatalf("migrate exit %d: %s %s", code, out, errs)
	}
	return h
}

var backfillJuly = []string{"backfill", "--source", "evaluation", "--from", "2025-07-01", "--to", "2025-08-01"}

// TestOfficialSourceFromSimulator: the evaluation source reads the
// simulator's national API; v_official_metrics holds exactly the
// simulator's figures, nulls as nulls, the unmapped department kept; the
// same with pages of 3 departments.
func TestOfficialSourceFromSimulator(t *testing.T) {
	for _, pageSize := range []string{"200", "3"} {
		t.Run("page size "+pageSize, func(t *testing.T) {
			h := officialHarness(t)
			if code, out, errs := h.run([]string{"DVC_EVALUATION_PAGE_SIZE=" + pageSize}, backfillJuly...); code != 0 {
				t.Fatalf("backfill exit %d: %s %s", code, out, errs)
			}
			root, depts, err := h.sim.NationalDepartments("2025-07")
			if err != nil {
				t.Fatal(err)
			}
			// Every department × family appears once (root included).
			if got := h.count("SELECT count() FROM {db}.v_official_metrics WHERE period = '2025-07' AND kind = 'group'"); got != uint64(6*(len(depts)+1)) {
				t.Fatalf("%d group rows, want %d", got, 6*(len(depts)+1))
			}
			for _, d := range append(depts, root) {
				checkOfficialDept(t, h, d)
			}
			if got := h.count("SELECT count() FROM {db}.v_runs WHERE source = 'evaluation' AND status = 'success'"); got != 1 {
				t.Errorf("%d successful evaluation runs, want 1", got)
			}
		})
	}
}

// checkOfficialDept compares a department's DOSSIER_SYNC and ON_TIME rows
// with the simulator's Evaluation, and its mapping.
func checkOfficialDept(t *testing.T, h *harness, d simulator.Department) {
	t.Helper()
	ctx := context.Background()
	m, ok := d.Eval.Metric("DOSSIER_SYNC")
	if !ok {
		t.Fatalf("%s: the simulator publishes no DOSSIER_SYNC", d.Name)
	}
	var num, den, score *float64
	var unit *string
	row := h.store.Conn().QueryRow(ctx, h.store.SQL(`SELECT numerator, denominator, score, unit_code FROM {db}.v_official_metrics
WHERE period = '2025-07' AND family = 'transparency' AND metric = 'DOSSIER_SYNC' AND department_id = ?`), d.ID)
	if err := row.Scan(&num, &den, &score, &unit); err != nil {
		t.Fatalf("%s: %v", d.Name, err)
	}
	if num == nil || *num != m.Num || den == nil || *den != m.Den {
		t.Errorf("%s: DOSSIER_SYNC %v/%v, want %v/%v", d.Name, num, den, m.Num, m.Den)
	}
	if m.Den == 0 && score != nil {
		t.Errorf("%s: 0/0 published score %v, want NULL", d.Name, *score)
	}
	if m.Den > 0 && (score == nil || *score != m.Score) {
		t.Errorf("%s: score %v, want %v", d.Name, score, m.Score)
	}
	mapped := strings.HasPrefix(d.Name, "UBND")
	if mapped != (unit != nil) {
		t.Errorf("%s: unit_code %v, mapped %v", d.Name, unit, mapped)
	}
	if unit != nil && d.Code != "H08" && "H08."+*unit != d.Code {
		t.Errorf("%s mapped to %s", d.Code, *unit)
	}
	on, ok := d.Eval.Metric("ON_TIME")
	if !ok {
		t.Fatalf("%s: the simulator publishes no ON_TIME", d.Name)
	}
	var rec, ok2 *float64
	row = h.store.Conn().QueryRow(ctx, h.store.SQL(`SELECT denominator, numerator FROM {db}.v_official_metrics
WHERE period = '2025-07' AND family = 'dvc-progress-tree' AND kind = 'component' AND department_id = ?`), d.ID)
	if err := row.Scan(&rec, &ok2); err != nil || rec == nil || *rec != on.Den || ok2 == nil || *ok2 != on.Num {
		t.Errorf("%s: progress %v/%v (%v), want %v/%v", d.Name, ok2, rec, err, on.Num, on.Den)
	}
}

// TestOfficialFormulaCheckAndSplit: the formula check reproduces the
// simulator's published scores of every family (the simulator scores by the
// portal's rules), and after compute each reconciliation gap splits into a
// counting and a formula part that sum to it.
func TestOfficialFormulaCheckAndSplit(t *testing.T) {
	h := officialHarness(t)
	if code, out, errs := h.run(nil, backfillJuly...); code != 0 {
		t.Fatalf("backfill exit %d: %s %s", code, out, errs)
	}
	if n := h.count(`SELECT count() FROM {db}.v_official_formula_check WHERE period = '2025-07'
AND family IN ('transparency', 'dvc-progress-tree', 'dossier-digitized', 'handling-satisfaction') AND published_score IS NOT NULL`); n < 100 {
		t.Fatalf("only %d checked rows", n)
	}
	if n := h.count(`SELECT count() FROM {db}.v_official_formula_check WHERE period = '2025-07'
AND family IN ('transparency', 'dvc-progress-tree', 'dossier-digitized', 'handling-satisfaction') AND status != 'match'`); n != 0 {
		t.Errorf("%d rows of the four families not reproduced", n)
	}
	// The online and payment families publish group scores (their parts'
	// counts on the parent, no part scores): every group the check can
	// recompute is reproduced.
	if n := h.count(`SELECT count() FROM {db}.v_official_formula_check WHERE period = '2025-07'
AND family IN ('provide-online-tree', 'formality-online-payment-tree') AND status = 'match'`); n == 0 {
		t.Error("no online or payment row reproduced")
	}
	if n := h.count(`SELECT count() FROM {db}.v_official_formula_check WHERE period = '2025-07' AND status = 'mismatch'`); n != 0 {
		t.Errorf("%d rows not reproduced", n)
	}
	h.syncAll()
	if code, out, errs := h.run(nil, "compute", "--period", "2025-07"); code != 0 {
		t.Fatalf("compute exit %d: %s %s", code, out, errs)
	} else if !strings.Contains(errs, "official formula check") {
		t.Errorf("compute did not log the formula check summary:\n%.3000s", errs)
	}
	if n := h.count("SELECT count() FROM {db}.v_score_reconciliation WHERE period = '2025-07' AND counting_gap IS NOT NULL"); n == 0 {
		t.Fatal("no reconciliation row has a split")
	}
	if n := h.count(`SELECT count() FROM {db}.v_score_reconciliation WHERE period = '2025-07' AND counting_gap IS NOT NULL
AND abs(counting_gap + formula_gap - difference) > 0.000001`); n != 0 {
		t.Errorf("%d reconciliation rows whose split does not sum to the difference", n)
	}
}

// TestOfficialSourceFailsCleanly: an incomplete pagination and a portal
// that keeps answering 429 both fail the run; nothing is marked read.
func TestOfficialSourceFailsCleanly(t *testing.T) {
	total := regexp.MustCompile(`"pagination":\{"total":(\d+)`)
	tests := []struct {
		name      string
		wrap      func(next http.Handler, calls *atomic.Int32) http.Handler
		wantErr   string
		wantCalls int32 // 0 = not checked
	}{
		{"a page short of the reported total", func(next http.Handler, _ *atomic.Int32) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r)
				body := total.ReplaceAllString(rec.Body.String(), `"pagination":{"total":999`)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(rec.Code)
				if _, err := w.Write([]byte(body)); err != nil {
					t.Errorf("serve the rewritten page: %v", err)
				}
			})
		}, "national reporting read incomplete", 0},
		{"429 on every request", func(_ http.Handler, calls *atomic.Int32) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				w.WriteHeader(http.StatusTooManyRequests)
			})
		}, "403/429", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := officialHarness(t)
			var calls atomic.Int32
			srv := httptest.NewServer(tt.wrap(h.sim.Handler(), &calls))
			defer srv.Close()
			code, _, errs := h.run([]string{"DVC_SOURCES_EVALUATION_BASE_URL=" + srv.URL}, "sync", "--source", "evaluation")
			if code == 0 || !strings.Contains(errs, tt.wantErr) {
				t.Fatalf("exit %d, want a failure naming %q:\n%.3000s", code, tt.wantErr, errs)
			}
			if tt.wantCalls != 0 && calls.Load() != tt.wantCalls {
				t.Errorf("%d requests, want %d (stop after evaluation.max_throttled)", calls.Load(), tt.wantCalls)
			}
			if n := h.count("SELECT count() FROM {db}.v_runs WHERE source = 'evaluation' AND status = 'failed'"); n != 1 {
				t.Errorf("%d failed runs, want 1", n)
			}
			if _, ok, err := h.store.Watermark(context.Background(), "evaluation"); err != nil || ok {
				t.Errorf("watermark set after a failed run (%v)", err)
			}
		})
	}
}

// TestOfficialRealFixtures loads the six real responses (Phú Thọ, month
// 8/2026, trimmed to six departments) through the source into ClickHouse:
// every published score is reproduced by the formula check within 0.01.
func TestOfficialRealFixtures(t *testing.T) {
	dir := filepath.Join("..", "..", "transform", "official", "testdata", "national-766")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		family := strings.TrimPrefix(r.URL.Path, "/api/v1/reporting/evaluation/")
		body, err := os.ReadFile(filepath.Join(dir, filepath.Base(family)+"-month.json"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		// The fixtures keep the captured total (163) over 6 rows.
		body = []byte(strings.Replace(string(body), `"total":163`, `"total":6`, 1))
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		if _, err := w.Write(body); err != nil {
			t.Errorf("serve %s: %v", family, err)
		}
	}))
	defer srv.Close()
	h := officialHarness(t)
	env := []string{"DVC_SOURCES_EVALUATION_BASE_URL=" + srv.URL, "DVC_EVALUATION_ROOT_DEPARTMENT_ID=019d2be3-6a88-732b-8b17-b68020c8553a"}
	if code, out, errs := h.run(env, "backfill", "--source", "evaluation", "--from", "2026-08-01", "--to", "2026-09-01"); code != 0 {
		t.Fatalf("backfill exit %d: %s %s", code, out, errs)
	}
	if n := h.count("SELECT count() FROM {db}.v_official_formula_check WHERE period = '2026-08' AND published_score IS NOT NULL"); n < 100 {
		t.Fatalf("only %d published scores checked", n)
	}
	rows, err := h.store.Conn().Query(context.Background(), h.store.SQL(`SELECT family, department_id, metric, published_score, formula_score
FROM {db}.v_official_formula_check WHERE period = '2026-08' AND published_score IS NOT NULL AND status != 'unverifiable'`))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var fam, dept, metric string
		var pub, formula *float64
		if err := rows.Scan(&fam, &dept, &metric, &pub, &formula); err != nil {
			t.Fatal(err)
		}
		if formula == nil || math.Abs(*formula-*pub) > 0.01+1e-9 {
			t.Errorf("%s %s %s: published %v, formula %v", fam, dept, metric, *pub, formula)
		}
	}
	// Phú Thọ's departments resolve to no unit of the built-in reference
	// data: every row is kept, unmapped.
	if n := h.count("SELECT count() FROM {db}.v_official_metrics WHERE period = '2026-08' AND unit_code IS NOT NULL"); n != 0 {
		t.Errorf("%d Phú Thọ rows mapped to a Hoài Nhơn unit", n)
	}
	if n := h.count("SELECT count() FROM {db}.v_runs WHERE source = 'evaluation' AND status = ?", load.RunSuccess); n != 1 {
		t.Errorf("%d successful runs", n)
	}
}
