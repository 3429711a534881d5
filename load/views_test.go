package load_test

import (
	"context"
	"slices"
	"testing"

	"github.com/dvcindex/dvcindex/load/chtest"
)

// viewSources names, for every analysts' view over one table, the table and
// the columns the view deliberately hides (versions, dedup keys, scratch
// ids). A view derived from several tables has no entry in tables and is
// listed in derivedViews.
var viewSources = map[string]struct {
	table  string
	hidden []string
}{
	"v_dossiers":               {"dossiers", nil},
	"v_dossier_steps":          {"dossier_steps", nil},
	"v_petitions":              {"petitions", nil},
	"v_rejects":                {"rejects", []string{"raw_hash"}},
	"v_runs":                   {"runs", []string{"version"}},
	"v_watermarks":             {"sync_state", []string{"version"}},
	"v_files":                  {"files", []string{"version"}},
	"v_units":                  {"units", []string{"version"}},
	"v_unit_successors":        {"unit_successors", []string{"version"}},
	"v_procedures":             {"procedures", []string{"raw", "run_id", "version"}},
	"v_procedure_time_limits":  {"procedure_time_limits", []string{"version"}},
	"v_bcqg_counts":            {"bcqg_counts", []string{"run_id", "version"}},
	"v_official_scores":        {"official_scores", []string{"run_id", "version"}},
	"v_indicator_metrics":      {"indicator_metrics", []string{"compute_id", "version"}},
	"v_indicator_scores":       {"indicator_scores", []string{"compute_id", "version"}},
	"v_dossier_findings":       {"dossier_findings", []string{"compute_id", "version"}},
	"v_windows":                {"windows", []string{"version"}},
	"v_computes":               {"computes", []string{"row_version"}},
	"v_official_metrics":       {"official_metrics", []string{"version"}},
	"v_official_formula_check": {"official_formula_check", []string{"version"}},
	"v_official_responses":     {"official_responses", []string{"version"}},
	"v_raw_pages":              {"raw_pages", nil},
	"v_at_risk":                {"at_risk_items", []string{"version"}},
	"v_at_risk_scores":         {"at_risk_scores", []string{"version"}},
	"v_schema_fields":          {"schema_fields", []string{"version"}},
	"v_schema_drift":           {"schema_drift", []string{"version"}},
	"v_unit_targets":           {"unit_targets", []string{"version"}},
}

var derivedViews = []string{"v_score_reconciliation", "v_published_computes", "v_published_watches"}

// TestViewsShowEveryColumn enforces the rule of migration 0005: after all
// migrations, every column of a table is visible through its view unless the
// view hides it on purpose. A migration that adds a column to a table without
// re-creating its view (with an explicit column list) fails here: current
// servers expand a view's columns when it is created.
func TestViewsShowEveryColumn(t *testing.T) {
	s := chtest.Store(t)
	ctx := context.Background()
	cols := map[string][]string{}
	rows, err := s.Conn().Query(ctx, "SELECT table, name FROM system.columns WHERE database = ? ORDER BY table, name", s.Database())
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table, name string
		if err := rows.Scan(&table, &name); err != nil {
			t.Fatal(err)
		}
		cols[table] = append(cols[table], name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()

	for view := range cols {
		if len(view) < 2 || view[:2] != "v_" {
			continue
		}
		if _, ok := viewSources[view]; !ok && !slices.Contains(derivedViews, view) {
			t.Errorf("view %s is not listed in viewSources or derivedViews: say which table it shows", view)
		}
	}
	for view, src := range viewSources {
		got, ok := cols[view]
		if !ok {
			t.Errorf("view %s does not exist after migrate", view)
			continue
		}
		var want []string
		for _, c := range cols[src.table] {
			if !slices.Contains(src.hidden, c) {
				want = append(want, c)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("view %s shows %v; table %s has %v (hidden on purpose: %v): re-create the view in the migration that changed the table",
				view, got, src.table, want, src.hidden)
		}
	}
}
