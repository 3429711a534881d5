package load

import (
	"math"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/transform/indicators"
)

// TestPriceItems: each kind's items share the difference between its two
// scenarios, per unit and metric, so a unit's items add up exactly to what
// the scenarios differ by; the list puts recoverable items first, most
// points per hour left first.
func TestPriceItems(t *testing.T) {
	asOf := time.Date(2024, 5, 10, 17, 0, 0, 0, time.UTC)
	end := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	at := func(h float64) *time.Time { d := asOf.Add(time.Duration(h * float64(time.Hour))); return &d }
	scores := func(onTime, sync, online float64) unitScores {
		return unitScores{metrics: map[string]float64{"ON_TIME": onTime, "DOSSIER_SYNC": sync, "ONLINE_DOSSIERS": online}}
	}
	sc := scenarioScores{
		"a": {"u1": scores(10, 4, 3), "u2": scores(20, 6, 6)},
		"b": {"u1": scores(12, 5, 3.5), "u2": scores(20, 6, 6)},
		"c": {"u1": scores(13, 5, 3.5)},
		"d": {"u1": scores(9, 4, 3)},
	}
	moves := map[string][]string{"due_soon": {"ON_TIME"}, "overdue": {"ON_TIME"}, "second_supplement": {"ON_TIME"},
		"not_synced": {"DOSSIER_SYNC", "ONLINE_DOSSIERS"}, "step_unsynced": {"DOSSIER_SYNC"}}
	items := []AtRiskItem{
		{Unit: "u1", ItemID: "d1", Rule: "due_soon", Kind: indicators.KindRecoverable, Deadline: at(30)},
		{Unit: "u1", ItemID: "d2", Rule: "due_soon", Kind: indicators.KindRecoverable, Deadline: at(5)},
		{Unit: "u1", ItemID: "d3", Rule: "not_synced", Kind: indicators.KindRecoverable},
		{Unit: "u1", ItemID: "d4", Rule: "overdue", Kind: indicators.KindLost, Deadline: at(-48)},
		{Unit: "u1", ItemID: "d5", Rule: "second_supplement", Kind: indicators.KindThreat, Deadline: at(2000)},
		{Unit: "u1", ItemID: "d6", Rule: "step_unsynced", Kind: indicators.KindRisk, Deadline: at(-3)},
		{Unit: "u2", ItemID: "d1", Rule: "due_soon", Kind: indicators.KindRecoverable, Deadline: at(30)},
	}
	got := priceItems(items, sc, moves, asOf, end)
	want := []struct {
		unit, id string
		points   float64
		hours    float64
	}{
		{"u1", "d2", 1, 5},                       // (12−10)/2, 5 h left: 0.2 points per hour
		{"u1", "d1", 1, 30},                      // 1/30 per hour
		{"u1", "d3", 1.5, end.Sub(asOf).Hours()}, // (5−4) + (3.5−3): no deadline, the period's end
		{"u1", "d5", 1, 2000},                    // threat: A − D
		{"u1", "d4", 1, -48},                     // lost: C − B
		{"u1", "d6", 0, -3},                      // risk: no points
		{"u2", "d1", 0, 30},                      // u2's score does not move
	}
	if len(got) != len(want) {
		t.Fatalf("%d items, want %d", len(got), len(want))
	}
	sum := 0.0
	for i, w := range want {
		g := got[i]
		if g.Unit != w.unit || g.ItemID != w.id || math.Abs(g.Points-w.points) > 1e-9 || math.Abs(g.HoursLeft-round2(w.hours)) > 1e-9 {
			t.Errorf("item %d = %s/%s %.4f points %.2f h, want %s/%s %.4f points %.2f h", i, g.Unit, g.ItemID, g.Points, g.HoursLeft,
				w.unit, w.id, w.points, w.hours)
		}
		if g.Unit == "u1" && g.Kind == indicators.KindRecoverable {
			sum += g.Points
		}
	}
	if b, a := sc["b"]["u1"].metrics, sc["a"]["u1"].metrics; math.Abs(sum-(b["ON_TIME"]-a["ON_TIME"]+b["DOSSIER_SYNC"]-a["DOSSIER_SYNC"]+b["ONLINE_DOSSIERS"]-a["ONLINE_DOSSIERS"])) > 1e-9 {
		t.Errorf("recoverable items of u1 add up to %.4f, not to B − A", sum)
	}
}

// TestProjectScores: secured is A, if_done B, lost C − B, per unit and
// group; a unit without B keeps A.
func TestProjectScores(t *testing.T) {
	g := func(s, max float64) map[string][2]float64 { return map[string][2]float64{"total": {s, max}} }
	sc := scenarioScores{
		"a": {"u1": {groups: g(70, 100)}, "u2": {groups: g(80, 100)}},
		"b": {"u1": {groups: g(75.5, 100)}},
		"c": {"u1": {groups: g(76, 100)}},
	}
	got := projectScores(sc)
	want := []AtRiskScore{{Unit: "u1", Indicator: "total", Secured: 70, IfDone: 75.5, Lost: 0.5, Max: 100},
		{Unit: "u2", Indicator: "total", Secured: 80, IfDone: 80, Max: 100}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
