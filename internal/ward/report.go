package ward

import (
	"fmt"
	"math"
	"strings"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/indicators"
	"github.com/dvcindex/dvcindex/transform/vocab"
)

// ProvinceLabel marks metrics a ward cannot act on.
const ProvinceLabel = "cấp tỉnh — xã không khắc phục được (province level, not actionable by the ward)"

// RiskLabel heads the findings that cost no points under the rules in force.
const RiskLabel = "rủi ro, không trừ điểm (risk: no points lost under the portal's rules)"

// FindingWords says in plain words what a finding means (vocab).
func FindingWords(code string) string {
	f, _ := vocab.FindingOf(code)
	return f.Words
}

// Report is explain's report: its JSON form, and the source of its table,
// of the report's unit sections and of the web page.
type Report struct {
	Unit     string  `json:"unit"`
	UnitName string  `json:"unit_name"`
	Level    string  `json:"level"`
	Period   string  `json:"period"`
	Score    float64 `json:"score"`
	Max      float64 `json:"max"`
	// ProvinceLost is what the unit loses on province-level metrics, which
	// only the province can act on; explain says it first.
	ProvinceLost float64  `json:"province_level_lost"`
	ProvinceNote string   `json:"province_level_note,omitempty"`
	Metrics      []Metric `json:"metrics"`
	// Indicators are the seven indicators with the unit's targets (explain
	// opens with them); Winback the points to win back, cheapest first.
	// Both are filled by Store.Explain (BuildReport leaves them empty).
	Indicators []Indicator `json:"indicators,omitempty"`
	Winback    []Winback   `json:"winback,omitempty"`
}

// Metric is one metric of a Report.

type Metric struct {
	Rank        int     `json:"rank"`
	Indicator   string  `json:"indicator"`
	Metric      string  `json:"metric"`
	Score       float64 `json:"score"`
	Max         float64 `json:"max"`
	PointsLost  float64 `json:"points_lost"`
	Ratio       float64 `json:"ratio"`
	Numerator   float64 `json:"numerator"`
	Denominator float64 `json:"denominator"`
	NoData      bool    `json:"no_data"`
	Scope       string  `json:"scope"`
	Actionable  bool    `json:"actionable"`
	Note        string  `json:"note,omitempty"`
	// Null: the portal publishes no score here (zero denominator); the
	// group counts 0 and keeps the maximum.
	Null bool `json:"null_score,omitempty"`
	// Gap says why this score may not match the portal's (an input the
	// export does not carry).
	Gap      string    `json:"cannot_match_because,omitempty"`
	Findings []Finding `json:"findings,omitempty"`
	// Risks are findings that cost no points under the rules in force.
	Risks      []Finding            `json:"risks,omitempty"`
	Procedures []load.ProcedureCost `json:"procedures,omitempty"`
	Dossiers   []DossierFinding     `json:"dossiers,omitempty"`
}

type Finding struct {
	Finding string `json:"finding"`
	Meaning string `json:"meaning"`
	Count   uint64 `json:"count"`
}

type DossierFinding struct {
	DossierID     string `json:"dossier_id"`
	ProcedureCode string `json:"procedure_code"`
	Unit          string `json:"unit"`
	Finding       string `json:"finding"`
	Evidence      string `json:"evidence"`
	Owner         string `json:"owner,omitempty"`
}

// BuildReport ranks the unit's own metrics by points lost, then the
// province-level ones, with each metric's findings (risks apart),
// procedures and dossiers.
func BuildReport(ex load.Explanation, period string, riskFindings []string) Report {
	rep := Report{Unit: ex.Unit.Code, UnitName: ex.Unit.Name, Level: ex.Unit.Level, Period: period}
	risks := map[string]bool{}
	for _, f := range riskFindings {
		risks[f] = true
	}
	gaps := metricGaps()
	var own, province []Metric
	for _, m := range ex.Metrics {
		if m.Max == 0 && m.PointsLost == 0 && m.Scope == "unit" && m.Indicator == "online" && strings.HasPrefix(m.Metric, "CHANNEL_") {
			// Informational shares carry no points; they are in the JSON of
			// v_indicator_metrics, not in the ranking.
			continue
		}
		em := Metric{Indicator: m.Indicator, Metric: m.Metric, Score: m.Score, Max: m.Max,
			PointsLost: m.PointsLost, Ratio: m.Ratio, Numerator: m.Numerator, Denominator: m.Denominator,
			NoData: m.NoData, Null: m.Null, Scope: m.Scope, Gap: gaps[m.Metric],
			Actionable: m.Scope == "unit" || ex.Unit.Level == transform.LevelProvince}
		rep.Score += m.Score
		rep.Max += m.Max
		em.Note = metricNote(em)
		addEvidence(&em, ex, risks)
		if em.Actionable {
			own = append(own, em)
		} else {
			province = append(province, em)
			rep.ProvinceLost += em.PointsLost
		}
	}
	if rep.ProvinceLost > 0 {
		rep.ProvinceNote = fmt.Sprintf("cấp tỉnh — xã không khắc phục được: %.2f điểm mất ở các chỉ số cấp tỉnh (province level: %.2f points lost on metrics only the province can act on)",
			rep.ProvinceLost, rep.ProvinceLost)
	}
	// The unit's own metrics ranked by points lost, then the province-level
	// ones (already named first, in the summary).
	for _, em := range append(own, province...) {
		em.Rank = len(rep.Metrics) + 1
		rep.Metrics = append(rep.Metrics, em)
	}
	rep.Score, rep.Max = round2(rep.Score), round2(rep.Max)
	return rep
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// metricNote says why a metric is not the unit's to fix, and what a
// zero denominator gives.
func metricNote(em Metric) string {
	var notes []string
	if !em.Actionable {
		notes = append(notes, ProvinceLabel)
	}
	switch {
	case em.Null:
		notes = append(notes, "no data in the period: the portal publishes no score (counted 0, maximum kept)")
	case em.NoData:
		notes = append(notes, "no data in the period")
	}
	return strings.Join(notes, "; ")
}

// addEvidence attaches a metric's findings (those that cost points, and the
// risks apart), procedures and dossiers.
func addEvidence(em *Metric, ex load.Explanation, risks map[string]bool) {
	for _, c := range ex.Counts {
		if c.Metric != em.Metric {
			continue
		}
		f := Finding{Finding: c.Finding, Meaning: FindingWords(c.Finding), Count: c.Count}
		if risks[c.Finding] {
			em.Risks = append(em.Risks, f)
		} else {
			em.Findings = append(em.Findings, f)
		}
	}
	for _, p := range ex.Procedures {
		if p.Metric == em.Metric {
			em.Procedures = append(em.Procedures, p)
		}
	}
	for _, d := range ex.Dossiers {
		if d.Metric == em.Metric {
			em.Dossiers = append(em.Dossiers, DossierFinding{DossierID: d.DossierID, ProcedureCode: d.ProcedureCode,
				Unit: d.UnitCode, Finding: d.Finding, Evidence: d.Detail, Owner: d.Owner})
		}
	}
}

// metricGaps maps each metric to why its score may not match the portal's.
func metricGaps() map[string]string {
	out := map[string]string{}
	ms, err := indicators.Metrics()
	if err != nil { // the embedded definitions parse (their tests say so)
		return out
	}
	for _, m := range ms {
		if m.Gap != "" {
			out[m.Code] = m.Gap
		}
	}
	return out
}
