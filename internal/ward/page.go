// Package ward is what a unit's staff are shown about one period: the
// explain report (the same numbers as `dvcindex explain --format json`), the
// unit's targets beside its seven indicators, and the points it can win
// back ranked by what it takes to win them. explain, report and the web
// page (internal/web) all build on it, so they cannot disagree. It reads
// only the analysts' views, through load.
package ward

import "context"

// Page is everything the unit's page shows for one period.
type Page struct {
	Report     Report      // what explain says (explain --format json)
	Indicators []Indicator // the six groups and the total, in vocabulary order
	Winback    []Winback   // the points to win back, the cheapest first; province-level ones last
	Trend      []Point     // the total of the unit's latest periods of the same kind, oldest first (this one last)
	Previous   string      // the previous period's code, "" when it has no figures
	Parent     UnitRef     // the district (or province) above the unit; empty for the province
}

// UnitRef names a unit.
type UnitRef struct {
	Code, Name, Level string
}

// Indicator is one of the seven indicators with its target.
type Indicator struct {
	Code     string   `json:"indicator"` // vocab code: transparency, progress, online, payment, digitization, satisfaction, total
	Label    string   `json:"label"`     // Vietnamese label
	Score    float64  `json:"score"`     // as published, rounded to 2 decimals
	Max      float64  `json:"max"`
	Previous *float64 `json:"previous,omitempty"` // the previous period's score; nil when none
	Target   *float64 `json:"target,omitempty"`   // the unit's target for the period; nil when none
	Met      *bool    `json:"met,omitempty"`      // Score >= Target; nil without a target
	Gap      float64  `json:"gap,omitempty"`      // Target - Score when not met, else 0
}

// Winback is one metric's points the unit can win back.
type Winback struct {
	Rank       int     `json:"rank"`
	Indicator  string  `json:"indicator"`
	Metric     string  `json:"metric"`
	Label      string  `json:"label"`       // the metric in Vietnamese
	PointsLost float64 `json:"points_lost"` // as explain reports it
	// PerPoint is how many items (Unit: dossiers, petitions, procedures)
	// must change to win back one point; 0 when it cannot be counted.
	PerPoint int    `json:"items_per_point"`
	Unit     string `json:"item"`                // "hồ sơ", "phản ánh", "thủ tục"
	Items    int    `json:"items_with_findings"` // items carrying a finding that costs points
	Province bool   `json:"province_level"`      // province-level: the ward cannot act on it
	Note     string `json:"note,omitempty"`      // why PerPoint is 0, or what it assumes
}

// Point is one period's total.
type Point struct {
	Period string
	Total  float64
}

// Dossier is one item behind a metric's findings, as the page lists it:
// never a personal value, never a hash.
type Dossier struct {
	ID            string // dossier or petition id; procedure code for procedure findings
	ProcedureCode string
	ProcedureName string
	Received      string // 2006-01-02 15:04, local time; "" when unknown
	Due           string
	Finished      string
	Finding       string // finding code
	Words         string // the finding in plain words
	Evidence      string // the finding's detail
}

// UnitPeriods is a unit with the periods that have computed figures.
type UnitPeriods struct {
	Unit    UnitRef
	Parent  string   // parent unit code
	Periods []string // newest first
}

// Source is what the page reads. Store (over load.Store) implements it.
type Source interface {
	// Units lists the units with computed figures and their periods.
	Units(ctx context.Context) ([]UnitPeriods, error)
	// Page builds a unit's page for a period; ErrNoFigures when the unit
	// has none for it.
	Page(ctx context.Context, unit, period string) (Page, error)
	// Dossiers lists a page of the items behind one metric's findings
	// (offset, limit), and how many there are in all.
	Dossiers(ctx context.Context, unit, period, metric string, offset, limit int) ([]Dossier, int, error)
}
