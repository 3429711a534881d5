package ward

import (
	"testing"

	"github.com/dvcindex/dvcindex/transform/indicators"
	"github.com/dvcindex/dvcindex/transform/vocab"
)

func TestEveryMetricHasALabel(t *testing.T) {
	ms, err := indicators.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if _, ok := vocab.MetricLabel(m.Code); !ok {
			t.Errorf("metric %s has no Vietnamese label in transform/vocab/metrics.go", m.Code)
		}
	}
}

func TestWinbacks(t *testing.T) {
	rep := Report{Metrics: []Metric{
		// ON_TIME, max 20, linear: 100 dossiers, 70 on time → 6 lost; 5 dossiers per point.
		{Indicator: "progress", Metric: "ON_TIME", Max: 20, Score: 14, PointsLost: 6, Numerator: 70, Denominator: 100, Actionable: true,
			Findings: []Finding{{Finding: "late", Count: 25}, {Finding: "late_unfinished", Count: 5}}},
		// DOSSIER_SYNC, max 6: 300 dossiers → 50 per point, more expensive.
		{Indicator: "transparency", Metric: "DOSSIER_SYNC", Max: 6, Score: 5, PointsLost: 1, Numerator: 250, Denominator: 300, Actionable: true},
		// Province-level: listed after the ward's own whatever its cost.
		{Indicator: "transparency", Metric: "PUBLISH_ON_TIME", Max: 2, Score: 0, PointsLost: 2, Numerator: 0, Denominator: 1},
		// No points lost: not listed.
		{Indicator: "payment", Metric: "PAID_ONLINE", Max: 4, Score: 4, Numerator: 10, Denominator: 10, Actionable: true},
		// No data: listed last of the ward's own, without a count.
		{Indicator: "satisfaction", Metric: "PETITION_PROCESSING_ON_TIME", Max: 6, PointsLost: 6, Null: true, Actionable: true},
	}}
	got := Winbacks(rep)
	want := []struct {
		metric   string
		perPoint int
		unit     string
		items    int
		province bool
	}{
		{"ON_TIME", 5, "hồ sơ", 30, false},
		{"DOSSIER_SYNC", 50, "hồ sơ", 0, false},
		{"PETITION_PROCESSING_ON_TIME", 0, "phản ánh", 0, false},
		{"PUBLISH_ON_TIME", 1, "thủ tục", 0, true},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Rank != i+1 || g.Metric != w.metric || g.PerPoint != w.perPoint || g.Unit != w.unit || g.Items != w.items || g.Province != w.province {
			t.Errorf("row %d = %+v, want %+v", i+1, g, w)
		}
	}
	if got[0].Label != "Giải quyết hồ sơ đúng hạn" || got[3].Note == "" {
		t.Errorf("labels and notes: %+v", got)
	}
}
