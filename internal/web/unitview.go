package web

import (
	"math"
	"strconv"

	"github.com/dvcindex/dvcindex/internal/ward"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/vocab"
)

// levelNames name a unit's level in the header.
var levelNames = map[string]string{
	transform.LevelProvince: "Tỉnh",
	transform.LevelDistrict: "Cấp huyện",
	transform.LevelWard:     "Cấp xã",
}

// link is an anchor; an empty Href shows the text alone.
type link struct {
	Text, Href string
}

// unitView is the unit's page.
type unitView struct {
	Title        string
	Unit         ward.UnitRef
	Level        string
	Period       string
	Previous     link
	Parent       link
	Score, Max   string
	ProvinceNote string
	Indicators   []indicatorRow
	Bars         barChart
	Trend        trendChart
	Own          []winbackRow // the unit's own points to win back
	Province     []winbackRow // the province-level ones, listed apart
	Findings     []metricFindings
}

type indicatorRow struct {
	Label, Score, Previous, Target, Met, Gap string
	Total                                    bool
	MetClass                                 string // "met", "unmet" or ""
}

type winbackRow struct {
	Rank                                       int
	Label, Metric, Lost, PerPoint, Items, Note string
}

type metricFindings struct {
	Label, Metric string
	Lost          string
	Findings      []findingRow
	Risks         []findingRow
	Dossiers      string // link to the dossier list
}

type findingRow struct {
	Words string
	Count uint64
}

// buildUnitView shapes a ward.Page for the template.
func buildUnitView(p ward.Page, code, period string, acc access) unitView {
	name := p.Report.UnitName
	if name == "" {
		name = code
	}
	v := unitView{Title: name + " — kỳ " + period, Unit: ward.UnitRef{Code: code, Name: name, Level: p.Report.Level},
		Level: levelNames[p.Report.Level], Period: period,
		Score: num(p.Report.Score), Max: num(p.Report.Max), ProvinceNote: p.Report.ProvinceNote}
	if _, err := transform.ParsePeriod(p.Previous); err == nil {
		v.Previous = link{Text: "Kỳ trước (" + p.Previous + ")", Href: unitPath(code, p.Previous)}
	}
	if p.Parent.Code != "" {
		v.Parent = link{Text: parentText(p.Parent)}
		if acc.may(p.Parent.Code) && unitCodeRe.MatchString(p.Parent.Code) {
			v.Parent.Href = unitPath(p.Parent.Code, period)
		}
	}
	for _, in := range p.Indicators {
		v.Indicators = append(v.Indicators, indicatorRowOf(in))
	}
	v.Bars = newBarChart(p.Indicators)
	v.Trend = newTrendChart(p.Trend)
	labels := map[string]string{}
	for _, wb := range p.Winback {
		labels[wb.Metric] = wb.Label
		row := winbackRowOf(wb)
		if wb.Province {
			v.Province = append(v.Province, row)
		} else {
			v.Own = append(v.Own, row)
		}
	}
	for _, m := range p.Report.Metrics {
		if len(m.Findings) == 0 && len(m.Risks) == 0 {
			continue
		}
		mf := metricFindings{Label: labels[m.Metric], Metric: m.Metric, Lost: num(m.PointsLost),
			Dossiers: dossiersPath(code, period, m.Metric, 1)}
		if mf.Label == "" {
			mf.Label = m.Metric
		}
		mf.Findings = findingRows(m.Findings)
		mf.Risks = findingRows(m.Risks)
		v.Findings = append(v.Findings, mf)
	}
	return v
}

func parentText(u ward.UnitRef) string {
	name := u.Name
	if name == "" {
		name = u.Code
	}
	return "Đơn vị cấp trên: " + name
}

func indicatorRowOf(in ward.Indicator) indicatorRow {
	r := indicatorRow{Label: in.Label, Score: num(in.Score) + "/" + num(in.Max), Previous: "—", Target: "—", Met: "—",
		Total: in.Code == vocab.Total}
	if r.Label == "" {
		r.Label = in.Code
	}
	if in.Previous != nil {
		r.Previous = num(*in.Previous)
	}
	if in.Target != nil {
		r.Target = num(*in.Target)
	}
	if in.Met != nil {
		r.Met, r.MetClass = "Chưa đạt", "unmet"
		if *in.Met {
			r.Met, r.MetClass = "Đạt", "met"
		}
	}
	if in.Gap > 0 {
		r.Gap = num(in.Gap)
	}
	return r
}

func winbackRowOf(wb ward.Winback) winbackRow {
	r := winbackRow{Rank: wb.Rank, Label: wb.Label, Metric: wb.Metric, Lost: num(wb.PointsLost),
		PerPoint: "—", Items: strconv.Itoa(wb.Items), Note: wb.Note}
	if r.Label == "" {
		r.Label = wb.Metric
	}
	if wb.PerPoint > 0 {
		r.PerPoint = strconv.Itoa(wb.PerPoint) + " " + wb.Unit + " / 1 điểm"
	}
	return r
}

// findingRows words each finding in Vietnamese (vocab), else as explain
// does.
func findingRows(fs []ward.Finding) []findingRow {
	var out []findingRow
	for _, f := range fs {
		out = append(out, findingRow{Words: findingWords(f.Finding, f.Meaning), Count: f.Count})
	}
	return out
}

func findingWords(code, words string) string {
	if f, ok := vocab.FindingOf(code); ok && f.Label != "" {
		return f.Label
	}
	if words != "" {
		return words
	}
	return code
}

// num prints a score with at most two decimals.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}
