// Package report renders the district's report (dvcindex report) from data
// already computed in ClickHouse: the seven indicators per unit with their
// change, the transparency breakdown, the seed report's simplified-procedure
// and interconnected-group tables, genuine vs proxy online submissions, and
// dossiers late only in the software. It is pure: it formats the Data it is
// given as Markdown, CSV (a zip of one file per table) or self-contained HTML
// with server-side SVG charts; load gathers the Data.
package report

import (
	"time"

	"github.com/dvcindex/dvcindex/transform/vocab"
)

// Bands are the display-only rating cut-offs (indicators.band_*).
type Bands struct{ Excellent, Good, Fair, Average float64 }

// DefaultBands are indicators-766.md's cut-offs.
var DefaultBands = Bands{Excellent: 90, Good: 80, Fair: 65, Average: 50}

// Band names a total score, in Vietnamese with the English word.
func (b Bands) Band(total float64) string {
	switch {
	case total >= b.Excellent:
		return "Xuất sắc (Excellent)"
	case total >= b.Good:
		return "Tốt (Good)"
	case total >= b.Fair:
		return "Khá (Fair)"
	case total >= b.Average:
		return "Trung bình (Average)"
	}
	return "Yếu (Weak)"
}

// Data is everything the report shows.
type Data struct {
	Period         string
	PreviousPeriod string
	AsOf           time.Time // the latest update among the loaded dossiers
	Bands          Bands
	Units          []UnitScores // the aggregate unit (district, else province) first, then the wards
	Transparency   []TransparencyRow
	Simplified     []SimplifiedRow
	Groups         []GroupRow
	Online         []OnlineRow
	StepLag        []StepLagRow
	Trend          Trend
	ProxyMinOwners int
	// Targets are each unit's targets (refdata.targets_file), in Units
	// order; Winback the points each ward can win back, cheapest first
	// (internal/ward fills both: explain and the unit's page show the same).
	Targets []TargetRow
	Winback []WinbackRow
}

// TargetRow is one unit's score against its target for one indicator.
type TargetRow struct {
	Code, Name string
	Indicator  string // vocab code
	Score      float64
	Target     float64
	Met        bool
	Gap        float64 // Target - Score when not met
}

// WinbackRow is one metric's points a unit can win back.
type WinbackRow struct {
	Code, Name string
	Rank       int
	Metric     string // its Vietnamese label
	PointsLost float64
	PerPoint   int    // items to change per point; 0 when it cannot be counted
	Item       string // what the items are: hồ sơ, phản ánh, thủ tục
	Province   bool   // province level: the ward cannot act on it
}

// UnitScores are a unit's seven indicators and those of the previous period.
type UnitScores struct {
	Code, Name, Level string
	Scores, Max       [7]float64
	Previous          *[7]float64 // nil when the previous period has no figures
}

// TransparencyRow is one ward's transparency breakdown.
type TransparencyRow struct {
	Code, Name     string
	Metrics        []MetricLoss
	LostByWard     float64 // points lost on metrics the ward can act on
	LostByProvince float64 // points lost on province-level metrics
	Causes         []Cause // the most frequent findings that cost points, most first
	Risks          []Cause // findings that cost no points under the rules in force (late syncs), most first
}

// MetricLoss is one metric's points lost.
type MetricLoss struct {
	Metric     string
	Score, Max float64
	Lost       float64
	Province   bool
}

// Cause is a finding and how many dossiers carry it.
type Cause struct {
	Finding string
	Count   uint64
}

// SimplifiedRow is one procedure whose time limit was cut (seed I.2.a).
type SimplifiedRow struct {
	Code, Name            string
	Decision              string
	DecisionDate          time.Time
	DaysBefore, DaysAfter float64
	OnTime, Late          uint64 // resolved since the decision date, to the end of the period
}

// GroupRow is one interconnected group (seed I.2.b).
type GroupRow struct {
	Group                          string
	Received, Resolved, InProgress uint64
}

// OnlineRow compares the official online share with the genuine one.
type OnlineRow struct {
	Code, Name        string
	Received          uint64 // dossiers received
	Online            uint64 // of which filed online
	Proxy             uint64 // of which by proxy accounts
	OfficialShare     float64
	GenuineShare      float64 // genuine online / online
	GenuineOfReceived float64 // genuine online / received
}

// StepLagRow counts dossiers late only in the software.
type StepLagRow struct {
	Code, Name    string
	Received      uint64
	Late, StepLag uint64
}

// Trend is the total score of each unit over the last periods.
type Trend struct {
	Periods []string    // oldest first
	Units   []string    // unit names, in Data.Units order
	Totals  [][]float64 // [unit][period]; NaN where not computed
}

// findingLabel says a finding in Vietnamese (vocab; the code itself when
// the vocabulary lacks it).
func findingLabel(code string) string {
	if f, ok := vocab.FindingOf(code); ok {
		return f.Label
	}
	return code
}

// GroupLabel names the interconnected groups of the seed report.
var GroupLabel = map[string]string{
	"khai_sinh": "Liên thông khai sinh (đăng ký khai sinh, thường trú, thẻ BHYT trẻ em dưới 6 tuổi)",
	"khai_tu":   "Liên thông khai tử (đăng ký khai tử, xóa thường trú, trợ cấp mai táng)",
}
