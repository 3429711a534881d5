package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strings"

	// go-analyze/charts draws the charts as SVG on the server, so the HTML
	// file needs no script and no network to show them; it is a maintained
	// fork of the go-chart/go-charts line.
	"github.com/go-analyze/charts"

	"github.com/dvcindex/dvcindex/transform/vocab"
)

// HTML writes the report as one self-contained HTML file: inline CSS, inline
// SVG charts, no script, nothing fetched at view time. It reads on a phone
// (tables scroll sideways, charts scale) and prints on A4.
func HTML(w io.Writer, d Data) error {
	var chartErrs []string
	chart := func(name string, f func(Data) (string, error)) template.HTML {
		svg, err := f(d)
		if err != nil {
			chartErrs = append(chartErrs, fmt.Sprintf("%s: %v", name, err))
			return ""
		}
		// The SVG comes from the chart library, with labels we sanitised.
		return template.HTML(svg) // #nosec G203 -- generated SVG, see safeLabel
	}
	type shown struct {
		Title, Note string
		Headers     []string
		Rows        [][]string
	}
	var shownTables []shown
	for _, t := range tables(d) {
		h, r := t.show()
		shownTables = append(shownTables, shown{Title: t.Title, Note: t.Note, Headers: h, Rows: r})
	}
	view := struct {
		Data
		Tables                   []shown
		ScoresChart, CausesChart template.HTML
		TrendChart               template.HTML
	}{Data: d, Tables: shownTables}
	view.ScoresChart = chart("indicators", scoresChart)
	view.CausesChart = chart("transparency causes", causesChart)
	view.TrendChart = chart("trend", trendChart)
	if len(chartErrs) > 0 {
		return fmt.Errorf("report html charts: %s", strings.Join(chartErrs, "; "))
	}
	return pageTemplate.Execute(w, view)
}

// safeLabel keeps chart labels plain text inside the SVG.
func safeLabel(s string) string {
	return strings.NewReplacer("&", "và", "<", "‹", ">", "›", `"`, "'").Replace(s)
}

func render(opt any, width, height int) (string, error) {
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputSVG, Width: width, Height: height})
	var err error
	switch o := opt.(type) {
	case charts.BarChartOption:
		err = p.BarChart(o)
	case charts.LineChartOption:
		err = p.LineChart(o)
	default:
		return "", fmt.Errorf("unsupported chart %T", opt)
	}
	if err != nil {
		return "", err
	}
	buf, err := p.Bytes()
	return string(buf), err
}

// scoresChart: the six groups of each unit stacked into its total.
func scoresChart(d Data) (string, error) {
	if len(d.Units) == 0 {
		return "", nil
	}
	values := make([][]float64, 6)
	var labels []string
	// Horizontal bars draw the first category at the bottom: reverse so the
	// aggregate unit comes first, at the top.
	for i := len(d.Units) - 1; i >= 0; i-- {
		u := d.Units[i]
		labels = append(labels, safeLabel(u.Name))
		for g := 0; g < 6; g++ {
			values[g] = append(values[g], round2(u.Scores[g]))
		}
	}
	opt := charts.NewBarChartOptionWithData(values)
	opt.Horizontal = true
	opt.StackSeries = charts.Ptr(true)
	opt.Title.Text = "Bảy chỉ số theo đơn vị (điểm, tổng tối đa 100)"
	opt.Title.FontStyle.FontSize = 14
	for g := 0; g < 6; g++ {
		opt.Legend.SeriesNames = append(opt.Legend.SeriesNames, vocab.Indicators()[g].Label)
	}
	opt.Legend.Offset = charts.OffsetStr{Top: "24"}
	opt.Padding = charts.Box{Top: 20, Right: 20, Bottom: 10, Left: 10}
	opt.CategoryAxis = charts.CategoryAxisOption{Labels: labels}
	return render(opt, 900, 120+28*len(d.Units))
}

// causesChart: each ward's transparency points lost, stacked by cause. The
// DOSSIER_SYNC points lost are shared among its findings in proportion to
// their counts; the province-level metrics form one segment.
func causesChart(d Data) (string, error) {
	if len(d.Transparency) == 0 {
		return "", nil
	}
	causeSet := map[string]bool{}
	for _, r := range d.Transparency {
		for _, c := range r.Causes {
			causeSet[c.Finding] = true
		}
	}
	causes := make([]string, 0, len(causeSet))
	for c := range causeSet {
		causes = append(causes, c)
	}
	sort.Strings(causes)
	series := append(append([]string{}, causes...), "province")
	values := make([][]float64, len(series))
	var labels []string
	for i := len(d.Transparency) - 1; i >= 0; i-- {
		r := d.Transparency[i]
		labels = append(labels, safeLabel(r.Name))
		var syncLost float64
		for _, m := range r.Metrics {
			if m.Metric == "DOSSIER_SYNC" {
				syncLost = m.Lost
			}
		}
		var total uint64
		for _, c := range r.Causes {
			total += c.Count
		}
		for k, name := range series {
			v := 0.0
			if name == "province" {
				v = r.LostByProvince
			} else if total > 0 {
				for _, c := range r.Causes {
					if c.Finding == name {
						v = syncLost * float64(c.Count) / float64(total)
					}
				}
			}
			values[k] = append(values[k], round2(v))
		}
	}
	opt := charts.NewBarChartOptionWithData(values)
	opt.Horizontal = true
	opt.StackSeries = charts.Ptr(true)
	opt.Title.Text = "Công khai, minh bạch: điểm bị mất theo nguyên nhân (tối đa 18)"
	opt.Title.FontStyle.FontSize = 14
	for _, s := range series {
		label := findingLabel(s)
		if s == "province" {
			label = "Cấp tỉnh (xã/phường không khắc phục được)"
		}
		opt.Legend.SeriesNames = append(opt.Legend.SeriesNames, label)
	}
	opt.Legend.Offset = charts.OffsetStr{Top: "24"}
	opt.Padding = charts.Box{Top: 20, Right: 20, Bottom: 10, Left: 10}
	opt.CategoryAxis = charts.CategoryAxisOption{Labels: labels}
	return render(opt, 900, 140+28*len(d.Transparency))
}

// trendChart: the total score over the last periods, for the aggregate unit
// and the three wards with the lowest total now.
func trendChart(d Data) (string, error) {
	if len(d.Trend.Periods) < 2 || len(d.Trend.Units) == 0 {
		return "", nil
	}
	pick := []int{0}
	type low struct {
		i int
		v float64
	}
	var lows []low
	last := len(d.Trend.Periods) - 1
	for i := 1; i < len(d.Trend.Units); i++ {
		if v := d.Trend.Totals[i][last]; !math.IsNaN(v) {
			lows = append(lows, low{i, v})
		}
	}
	sort.Slice(lows, func(a, b int) bool { return lows[a].v < lows[b].v })
	for k := 0; k < len(lows) && k < 3; k++ {
		pick = append(pick, lows[k].i)
	}
	var values [][]float64
	var names []string
	for _, i := range pick {
		row := make([]float64, len(d.Trend.Periods))
		for j, v := range d.Trend.Totals[i] {
			if math.IsNaN(v) {
				row[j] = charts.GetNullValue()
			} else {
				row[j] = round2(v)
			}
		}
		values = append(values, row)
		names = append(names, safeLabel(d.Trend.Units[i]))
	}
	opt := charts.NewLineChartOptionWithData(values)
	opt.Title.Text = "Tổng điểm qua các kỳ (đơn vị tổng hợp và ba đơn vị thấp nhất)"
	opt.Title.FontStyle.FontSize = 14
	opt.XAxis.Labels = d.Trend.Periods
	opt.Legend.SeriesNames = names
	opt.Legend.Offset = charts.OffsetStr{Top: "24"}
	opt.Padding = charts.Box{Top: 20, Right: 30, Bottom: 10, Left: 10}
	return render(opt, 900, 420)
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

var pageTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Báo cáo Bộ chỉ số 766 — kỳ {{.Period}}</title>
<style>
  body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; margin: 0 auto; max-width: 1100px; padding: 12px; color: #222; line-height: 1.4; }
  h1 { font-size: 1.4em; margin: 0.2em 0 0.4em; }
  h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 2px solid #5470c6; padding-bottom: 4px; }
  p.note { color: #555; font-size: 0.9em; margin: 0.3em 0 0.6em; }
  .scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
  table { border-collapse: collapse; font-size: 0.85em; min-width: 100%; }
  th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: right; vertical-align: top; }
  th { background: #eef1f8; text-align: center; }
  td:nth-child(2), td.text { text-align: left; }
  tr:nth-child(even) td { background: #fafafa; }
  figure { margin: 1em 0; }
  figure svg { width: 100%; height: auto; max-width: 900px; display: block; }
  .charts section { page-break-inside: avoid; break-inside: avoid; }
  footer { margin-top: 2em; font-size: 0.8em; color: #666; }
  @media (max-width: 600px) { body { padding: 6px; } table { font-size: 0.75em; } }
  @page { size: A4; margin: 12mm; }
  @media print {
    body { max-width: none; padding: 0; font-size: 10pt; }
    .scroll { overflow: visible; }
    table { font-size: 7.5pt; page-break-inside: auto; }
    tr { page-break-inside: avoid; }
    h2 { page-break-after: avoid; }
  }
</style>
</head>
<body>
<h1>Báo cáo Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) — kỳ {{.Period}}</h1>
<p class="note">Dữ liệu hồ sơ cập nhật đến {{.AsOf.Format "2006-01-02 15:04"}}. Điểm do dvcindex tính lại từ dữ liệu hồ sơ; so sánh với kỳ trước: {{.PreviousPeriod}}.</p>
<div class="charts">
<section id="chart-indicators"><figure>{{.ScoresChart}}</figure></section>
<section id="chart-transparency"><figure>{{.CausesChart}}</figure></section>
<section id="chart-trend"><figure>{{.TrendChart}}</figure></section>
</div>
{{range $i, $t := .Tables}}
<section class="table" id="table-{{$i}}">
<h2>{{$t.Title}}</h2>
{{if $t.Note}}<p class="note">{{$t.Note}}</p>{{end}}
{{if $t.Rows}}
<div class="scroll"><table>
<thead><tr>{{range $t.Headers}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range $t.Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</tbody>
</table></div>
{{else}}<p class="note">(không có dữ liệu)</p>{{end}}
</section>
{{end}}
<footer>dvcindex — Bộ chỉ số 766 tính lại từ dữ liệu hồ sơ. Cách tính từng chỉ số: docs/indicators.md.</footer>
</body>
</html>
`))
