package indicators

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/transform/official"
)

func TestDefinitionsParse(t *testing.T) {
	ms, err := Metrics()
	if err != nil {
		t.Fatal(err)
	}
	maxBy := map[string]float64{}
	for _, m := range ms {
		maxBy[m.Indicator] += m.Max
		if strings.Contains(m.SQL, "-- metric:") || strings.Contains(m.Score, "max") {
			t.Errorf("%s: header not separated or max not substituted", m.File)
		}
		if strings.Contains(m.SQL, "@") && !strings.Contains(m.SQL, "@compute_id") && m.Scope == "unit" {
			t.Errorf("%s: a unit metric must read its compute's rows", m.File)
		}
	}
	// Group maxima of indicators-766-official.md §2 (they sum to 100).
	want := map[string]float64{"transparency": 18, "progress": 20, "online": 12, "payment": 10, "digitization": 22, "satisfaction": 18}
	for g, w := range want {
		if maxBy[g] != w {
			t.Errorf("%s: metrics sum to %v, want %v", g, maxBy[g], w)
		}
	}
	if len(ms) != 24 {
		t.Errorf("%d metrics", len(ms))
	}
	if _, err := PeriodDossiers(); err != nil {
		t.Fatal(err)
	}
	fs, err := Findings()
	if err != nil || len(fs) == 0 {
		t.Fatalf("findings: %v", err)
	}
	for _, f := range fs {
		if f.Spec == "" {
			t.Errorf("%s: no spec line", f.Name)
		}
	}
}

func TestHeaderErrors(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"unknown key", "-- metric: X\n-- indicator: progress\n-- max: 1\n-- spec: s\n-- colour: red\nSELECT 1", "unknown header key"},
		{"bad indicator", "-- metric: X\n-- indicator: speed\n-- max: 1\n-- spec: s\nSELECT 1", "indicator"},
		{"no spec", "-- metric: X\n-- indicator: progress\n-- max: 1\nSELECT 1", "no spec"},
		{"bad score", "-- metric: X\n-- indicator: progress\n-- max: 1\n-- spec: s\n-- score: ratio; DROP TABLE x\nSELECT 1", "score expression"},
		{"bad max", "-- metric: X\n-- indicator: progress\n-- max: lots\n-- spec: s\nSELECT 1", "max"},
		{"bad target", "-- metric: X\n-- indicator: progress\n-- max: 1\n-- target: 80\n-- spec: s\nSELECT 1", "target"},
		{"bad coefficient", "-- metric: X\n-- indicator: progress\n-- max: 1\n-- coefficient: moon\n-- spec: s\nSELECT 1", "coefficient"},
		{"old on_empty", "-- metric: X\n-- indicator: progress\n-- max: 1\n-- on_empty: rule\n-- spec: s\nSELECT 1", "on_empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseMetric("x.sql", tt.body); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	m, err := parseMetric("x.sql", "-- metric: X\n-- (a note: with a colon)\n-- indicator: progress\n-- max: 4\n-- spec: s\nSELECT 1")
	if err != nil || m.Score != "4 * least(1, ratio / 1)" || m.Official != "X" || m.OnEmpty != "null" {
		t.Fatalf("%v %q", err, m.Score)
	}
}

// TestMetricsAgreeWithOfficialFormulas: every scored metric that is one of
// the portal's codes or components has the maximum, target, zero-denominator
// rule, scope and sync coefficient of transform/official's dvcqg-2026 rule,
// and every scored official rule (except the informational ones) has a
// metric.
func TestMetricsAgreeWithOfficialFormulas(t *testing.T) {
	ms, err := Metrics()
	if err != nil {
		t.Fatal(err)
	}
	if FormulaVersion != official.FormulaVersion {
		t.Errorf("FormulaVersion %q, transform/official has %q", FormulaVersion, official.FormulaVersion)
	}
	covered := map[string]bool{}
	for _, m := range ms {
		f, ok := official.Lookup(m.Official)
		if !ok {
			if m.Max != 0 {
				t.Errorf("%s: scored metric with no official rule %q", m.File, m.Official)
			}
			continue
		}
		covered[f.Metric] = true
		target := f.Target
		if f.Kind != official.Target {
			target = 1
		}
		onEmpty := map[official.OnEmpty]string{official.EmptyNull: "null", official.EmptyZero: "zero", official.EmptyMax: "max"}[f.OnEmpty]
		if f.Kind == official.Constant {
			onEmpty = m.OnEmpty // a constant has no zero denominator
		}
		coef := ""
		if f.SyncCoefficient {
			coef = "sync"
		}
		got := fmt.Sprintf("max %v target %v on_empty %s scope %s coefficient %q", m.Max, m.Target, m.OnEmpty, m.Scope, m.Coefficient)
		want := fmt.Sprintf("max %v target %v on_empty %s scope %s coefficient %q", f.Max, target, onEmpty, f.Scope, coef)
		if got != want {
			t.Errorf("%s (%s, official %s item %s): %s; transform/official: %s", m.File, m.Code, f.Metric, f.Item, got, want)
		}
	}
	for _, f := range official.Formulas() {
		if f.Kind != official.Info && !covered[f.Metric] {
			t.Errorf("official rule %s (item %s) has no metric", f.Metric, f.Item)
		}
	}
}

// TestFragmentsAreIncluded: a metric's {fragment:NAME} becomes the shared
// subquery (nothing left unexpanded), and an unknown fragment is an error
// naming the metric file.
func TestFragmentsAreIncluded(t *testing.T) {
	ms, err := Metrics()
	if err != nil {
		t.Fatal(err)
	}
	uses := 0
	for _, m := range ms {
		if strings.Contains(m.SQL, "{fragment:") {
			t.Errorf("%s: unexpanded fragment", m.File)
		}
		if strings.Contains(m.SQL, "AS on_time") {
			uses++
		}
	}
	if uses != 2 {
		t.Errorf("%d metrics judge petitions with the shared fragment; want 2 (5.2 and 5.3)", uses)
	}
	if _, err := includeFragments("metrics/x.sql", "SELECT 1 FROM ({fragment:no_such})"); err == nil || !strings.Contains(err.Error(), "metrics/x.sql") {
		t.Errorf("unknown fragment: error %v", err)
	}
}
