package report

import (
	"archive/zip"
	"bytes"
	"flag"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	goldenfile "github.com/dvcindex/dvcindex/internal/golden"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the renderers (read the diff)")

// fixedData is one small, fixed report: a district and two wards, every
// table filled, a missing previous period and a missing trend point.
func fixedData() Data {
	prev := [7]float64{12.5, 15, 6, 4, 10, 12, 59.5}
	return Data{
		Period: "2024-Q2", PreviousPeriod: "2024-Q1",
		AsOf:  time.Date(2024, 7, 1, 8, 30, 0, 0, time.FixedZone("ICT", 7*3600)),
		Bands: DefaultBands,
		Units: []UnitScores{
			{Code: "543", Name: "Hoài Nhơn", Level: "district", Scores: [7]float64{15.89, 16.72, 9.06, 5.54, 11.69, 14.4, 73.3},
				Max: [7]float64{18, 20, 12, 10, 22, 18, 100}, Previous: &prev},
			{Code: "21640", Name: "Bồng Sơn", Level: "ward", Scores: [7]float64{15.89, 16.76, 8.92, 5.24, 11.27, 14.2, 72.28},
				Max: [7]float64{18, 20, 12, 10, 22, 18, 100}},
			{Code: "21637", Name: "Tam Quan", Level: "ward", Scores: [7]float64{10.2, 12, 4, 2, 8, 9, 45.2},
				Max: [7]float64{18, 20, 12, 10, 22, 18, 100}, Previous: &prev},
		},
		Transparency: []TransparencyRow{
			{Code: "21640", Name: "Bồng Sơn", LostByWard: 0.76, LostByProvince: 1.35,
				Metrics: []MetricLoss{{Metric: "DOSSIER_SYNC", Score: 5.24, Max: 6, Lost: 0.76},
					{Metric: "PUBLISH_ON_TIME", Score: 5.25, Max: 6, Lost: 0.75, Province: true}},
				Causes: []Cause{{"not_synced", 55}, {"sync_error", 8}}, Risks: []Cause{{"synced_late", 373}}},
			{Code: "21637", Name: "Tam Quan", LostByWard: 3.1, LostByProvince: 1.35,
				Metrics: []MetricLoss{{Metric: "DOSSIER_SYNC", Score: 2.9, Max: 6, Lost: 3.1}},
				Causes:  []Cause{{"not_synced", 120}}},
		},
		Simplified: []SimplifiedRow{{Code: "1.010824", Name: "Hưởng trợ cấp", Decision: "3039/QĐ-UBND",
			DecisionDate: time.Date(2023, 8, 16, 0, 0, 0, 0, time.UTC), DaysBefore: 5, DaysAfter: 3, OnTime: 40, Late: 2}},
		Groups: []GroupRow{{Group: "khai_sinh", Received: 120, Resolved: 110, InProgress: 10}},
		Online: []OnlineRow{{Code: "21640", Name: "Bồng Sơn", Received: 506, Online: 241, Proxy: 84,
			OfficialShare: 241.0 / 506, GenuineShare: 157.0 / 241, GenuineOfReceived: 157.0 / 506}},
		StepLag: []StepLagRow{{Code: "21640", Name: "Bồng Sơn", Received: 506, Late: 30, StepLag: 4}},
		Trend: Trend{Periods: []string{"2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2"}, Units: []string{"Hoài Nhơn", "Bồng Sơn", "Tam Quan"},
			Totals: [][]float64{{60, 62, 59.5, 73.3}, {58, math.NaN(), 61, 72.28}, {40, 41, 44, 45.2}}},
		ProxyMinOwners: 5,
		Targets: []TargetRow{{Code: "21640", Name: "Bồng Sơn", Indicator: "transparency", Score: 15.89, Target: 17, Gap: 1.11},
			{Code: "21640", Name: "Bồng Sơn", Indicator: "total", Score: 72.28, Target: 70, Met: true}},
		Winback: []WinbackRow{{Code: "21640", Name: "Bồng Sơn", Rank: 1, Metric: "Giải quyết hồ sơ đúng hạn", PointsLost: 3.24, PerPoint: 5, Item: "hồ sơ"},
			{Code: "21640", Name: "Bồng Sơn", Rank: 2, Metric: "Công bố TTHC đúng hạn", PointsLost: 0.75, PerPoint: 1, Item: "thủ tục", Province: true}},
	}
}

// TestRenderersGolden renders the fixed data as Markdown, CSV and HTML, with
// no ClickHouse, and compares each with its golden file (the end-to-end
// report against ClickHouse is cmd/dvcindex's TestReportGolden).
func TestRenderersGolden(t *testing.T) {
	d := fixedData()
	var md, zipped, html bytes.Buffer
	if err := Markdown(&md, d); err != nil {
		t.Fatal(err)
	}
	if err := CSV(&zipped, d); err != nil {
		t.Fatal(err)
	}
	if err := HTML(&html, d); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.md", md.Bytes())
	golden(t, "report-csv.txt", unzipAll(t, zipped.Bytes()))
	// The HTML's SVG charts carry renderer-generated ids; the golden file
	// keeps the page's text and structure, the charts checked by count.
	page := html.String()
	if n := strings.Count(page, "<svg"); n != 3 {
		t.Errorf("%d SVG charts; want 3", n)
	}
	svg := regexp.MustCompile(`(?s)<svg.*?</svg>`)
	text := svg.ReplaceAllString(page, "<svg/>") // the SVGs' own xmlns are names, not links
	if strings.Contains(text, "<script") || strings.Contains(text, "http://") || strings.Contains(text, "https://") {
		t.Error("the HTML report has a script or a link to fetch")
	}
	golden(t, "report-html.txt", []byte(text))
}

func unzipAll(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		names = append(names, f.Name)
		files[f.Name] = f
	}
	sort.Strings(names)
	var out bytes.Buffer
	for _, n := range names {
		rc, err := files[n].Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		if err := rc.Close(); err != nil {
			t.Fatal(err)
		}
		out.WriteString("== " + n + "\n")
		out.Write(body)
	}
	return out.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Check(t, name, got, *update)
}
