package ward

import (
	"math"
	"sort"

	"github.com/dvcindex/dvcindex/transform/indicators"
	"github.com/dvcindex/dvcindex/transform/vocab"
)

// Item words: what a metric counts.
const (
	itemDossier   = "hồ sơ"
	itemPetition  = "phản ánh"
	itemProcedure = "thủ tục"
)

// itemOf names what each metric counts in its denominator (the spec line
// of its SQL file says so); a metric not listed counts dossiers.
var itemOf = map[string]string{
	"PUBLISH_ON_TIME": itemProcedure, "PUBLIC_UPDATE_ON_TIME": itemProcedure, "PUBLIC_CONTENT_FULL": itemProcedure,
	"ONLINE_SERVICE_PROVIDED": itemProcedure, "ONLINE_PROCEDURES_USED": itemProcedure,
	"FEE_PROCEDURES_PAID_ONLINE": itemProcedure, "FEE_PROCEDURES_SYNCED": itemProcedure,
	"ELECTRONIC_CERTIFIED_COPY": itemProcedure, "CITIZEN_DATA_CONNECTED_FORMALITY": itemProcedure,
	"PETITION_PROCESSING_ON_TIME": itemPetition, "PETITION_HANDLING_SATISFACTION": itemPetition,
}

// Winbacks ranks the points a unit can win back, from its report: every
// metric that loses points, the ward's own first, cheapest first (fewest
// items to change per point, then most points lost), then the
// province-level ones.
//
// A metric scores max × min(1, ratio ÷ target) (indicators' target, 1 when
// linear), so each item turned from a finding into a counted one raises the
// score by max ÷ (target × denominator) while the ratio is below target:
// PerPoint = ⌈target × denominator ÷ max⌉. A metric scaled by the unit's
// sync ratio (online dossiers) gains less than that; the note says so.
func Winbacks(rep Report) []Winback {
	defs := map[string]indicators.Metric{}
	if ms, err := indicators.Metrics(); err == nil { // the embedded definitions parse (their tests say so)
		for _, m := range ms {
			defs[m.Code] = m
		}
	}
	var out []Winback
	for _, m := range rep.Metrics {
		if m.PointsLost <= 0 {
			continue
		}
		out = append(out, winback(m, defs[m.Metric]))
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Province != b.Province {
			return !a.Province
		}
		if (a.PerPoint == 0) != (b.PerPoint == 0) {
			return a.PerPoint != 0
		}
		if a.PerPoint != b.PerPoint {
			return a.PerPoint < b.PerPoint
		}
		return a.PointsLost > b.PointsLost
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

// winback is one metric's row.
func winback(m Metric, def indicators.Metric) Winback {
	w := Winback{Indicator: m.Indicator, Metric: m.Metric, Label: metricLabel(m.Metric), PointsLost: m.PointsLost,
		Unit: itemDossier, Province: !m.Actionable}
	if u, ok := itemOf[m.Metric]; ok {
		w.Unit = u
	}
	for _, f := range m.Findings {
		w.Items += int(f.Count)
	}
	target := def.Target
	if target <= 0 {
		target = 1
	}
	switch {
	case m.Null || m.NoData || m.Denominator <= 0:
		w.Note = "không có dữ liệu trong kỳ (no data in the period)"
	case m.Max <= 0:
		w.Note = "không tính điểm (carries no points)"
	default:
		w.PerPoint = int(math.Ceil(target*m.Denominator/m.Max - 1e-9))
		if def.Coefficient == "sync" {
			w.Note = "nhân với tỷ lệ đồng bộ: cần nhiều hơn (scaled by the sync ratio: more are needed)"
		}
	}
	if w.Province {
		w.Note = joinNote(ProvinceLabel, w.Note)
	}
	return w
}

func joinNote(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}

// metricLabel is a metric's Vietnamese label: the words of its most
// telling finding are not a name, so the metric code stands when the
// vocabulary has no label for it.
func metricLabel(code string) string {
	if l, ok := vocab.MetricLabel(code); ok {
		return l
	}
	return code
}
