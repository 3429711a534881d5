package web

import (
	"context"
	"errors"
	"fmt"

	"github.com/dvcindex/dvcindex/internal/ward"
)

// fixture is an in-memory ward.Source: the data the page is drawn from in
// these tests (the page over ClickHouse is tested end to end in
// internal/ward and cmd/dvcindex).
type fixture struct {
	units    []ward.UnitPeriods
	pages    map[string]ward.Page
	dossiers map[string][]ward.Dossier
	failing  bool // every call fails, as a broken ClickHouse would
}

// sourceSecret is in the failing source's error: it must reach the log only.
const sourceSecret = "SELECT password FROM system.users -- code: 516"

// ownerHash is a pseudonym in the report's dossiers; no page may print it.
const ownerHash = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

// hostileName is a unit name that must come out escaped.
const hostileName = `Xã <script>alert("x")</script> & 'Ân' <b>`

func key(parts ...string) string { return fmt.Sprint(parts) }

func (f *fixture) Units(context.Context) ([]ward.UnitPeriods, error) {
	if f.failing {
		return nil, errors.New(sourceSecret)
	}
	return f.units, nil
}

func (f *fixture) Page(_ context.Context, unit, period string) (ward.Page, error) {
	if f.failing {
		return ward.Page{}, errors.New(sourceSecret)
	}
	p, ok := f.pages[key(unit, period)]
	if !ok {
		return ward.Page{}, fmt.Errorf("unit %s, period %s: %w", unit, period, ward.ErrNoFigures)
	}
	return p, nil
}

func (f *fixture) Dossiers(_ context.Context, unit, period, metric string, offset, limit int) ([]ward.Dossier, int, error) {
	if f.failing {
		return nil, 0, errors.New(sourceSecret)
	}
	all := f.dossiers[key(unit, period, metric)]
	lo, hi := min(offset, len(all)), min(offset+limit, len(all))
	return all[lo:hi], len(all), nil
}

func fp(v float64) *float64 { return &v }
func bp(v bool) *bool       { return &v }

// newFixture: Bình Định (52) > Hoài Nhơn (540) > Bồng Sơn (21664), Tam
// Quan (21670) and a ward with a hostile name (21673); Bồng Sơn has 2025-Q2
// in full (120 dossiers behind DOSSIER_SYNC: three pages) and 2025-Q1.
func newFixture() *fixture {
	f := &fixture{pages: map[string]ward.Page{}, dossiers: map[string][]ward.Dossier{}}
	f.units = []ward.UnitPeriods{
		{Unit: ward.UnitRef{Code: "21670", Name: "Phường Tam Quan", Level: "ward"}, Parent: "540", Periods: []string{"2025-Q2"}},
		{Unit: ward.UnitRef{Code: "21664", Name: "Phường Bồng Sơn", Level: "ward"}, Parent: "540", Periods: []string{"2025-Q2", "2025-Q1"}},
		{Unit: ward.UnitRef{Code: "21673", Name: hostileName, Level: "ward"}, Parent: "540", Periods: []string{"2025-Q2"}},
		{Unit: ward.UnitRef{Code: "21700", Name: "Xã Ân Hảo Đông", Level: "ward"}, Parent: "540", Periods: []string{"2025-Q2"}},
		{Unit: ward.UnitRef{Code: "540", Name: "Thị xã Hoài Nhơn", Level: "district"}, Parent: "52", Periods: []string{"2025-Q2"}},
		{Unit: ward.UnitRef{Code: "52", Name: "Tỉnh Bình Định", Level: "province"}, Periods: []string{"2025-Q2"}},
	}
	f.pages[key("21664", "2025-Q2")] = bongSonPage()
	q1 := bongSonPage()
	q1.Report.Period, q1.Previous, q1.Trend = "2025-Q1", "", q1.Trend[:3]
	f.pages[key("21664", "2025-Q1")] = q1
	f.pages[key("21670", "2025-Q2")] = simplePage("21670", "Phường Tam Quan", "ward", "540")
	f.pages[key("540", "2025-Q2")] = simplePage("540", "Thị xã Hoài Nhơn", "district", "52")
	f.pages[key("52", "2025-Q2")] = simplePage("52", "Tỉnh Bình Định", "province", "")
	f.pages[key("21673", "2025-Q2")] = hostilePage()
	for i := 1; i <= 120; i++ {
		f.dossiers[key("21664", "2025-Q2", "DOSSIER_SYNC")] = append(f.dossiers[key("21664", "2025-Q2", "DOSSIER_SYNC")], ward.Dossier{
			ID: fmt.Sprintf("H44.232-250401-%04d", i), ProcedureCode: "1.001612", ProcedureName: "Đăng ký khai sinh",
			Received: "2025-04-01 08:30", Due: "2025-04-03 17:00", Finished: "2025-04-02 10:15",
			Finding: "not_synced", Words: "Chưa đồng bộ lên Cổng DVCQG", Evidence: fmt.Sprintf("chưa có trên Cổng DVCQG (lần kiểm tra %d)", i)})
	}
	f.dossiers[key("21664", "2025-Q2", "ONTIME")] = []ward.Dossier{{ID: "H44.232-250510-0007", ProcedureCode: "2.000986",
		ProcedureName: "Chứng thực bản sao", Received: "2025-05-10 09:00", Due: "2025-05-10 17:00", Finished: "2025-05-12 08:00",
		Finding: "late", Evidence: "trễ 1 ngày 15 giờ"}}
	f.dossiers[key("21673", "2025-Q2", "DOSSIER_SYNC")] = []ward.Dossier{{ID: `<i>x</i>`, ProcedureName: `"><svg onload=alert(1)>`,
		Finding: "not_synced", Evidence: `<img src=x onerror=alert(1)>`}}
	return f
}

// indicators are seven indicators: transparency not met, progress met,
// online without a target, payment without a previous score.
func indicators() []ward.Indicator {
	return []ward.Indicator{
		{Code: "transparency", Label: "Công khai, minh bạch", Score: 12.5, Max: 18, Previous: fp(11), Target: fp(15), Met: bp(false), Gap: 2.5},
		{Code: "progress", Label: "Tiến độ giải quyết", Score: 18, Max: 20, Previous: fp(17.25), Target: fp(17), Met: bp(true)},
		{Code: "online", Label: "Dịch vụ công trực tuyến", Score: 9.75, Max: 12, Previous: fp(9)},
		{Code: "payment", Label: "Thanh toán trực tuyến", Score: 6, Max: 10, Target: fp(8), Met: bp(false), Gap: 2},
		{Code: "digitization", Label: "Số hóa hồ sơ", Score: 16.5, Max: 22, Previous: fp(15), Target: fp(16), Met: bp(true)},
		{Code: "satisfaction", Label: "Mức độ hài lòng", Score: 15.25, Max: 18, Previous: fp(16), Target: fp(16), Met: bp(false), Gap: 0.75},
		{Code: "total", Label: "Tổng điểm", Score: 78, Max: 100, Previous: fp(75.25), Target: fp(80), Met: bp(false), Gap: 2},
	}
}

func bongSonPage() ward.Page {
	return ward.Page{
		Report: ward.Report{Unit: "21664", UnitName: "Phường Bồng Sơn", Level: "ward", Period: "2025-Q2", Score: 78, Max: 100,
			ProvinceLost: 1.2, ProvinceNote: "cấp tỉnh — xã không khắc phục được: 1.20 điểm mất ở các chỉ số cấp tỉnh",
			Metrics: []ward.Metric{
				{Rank: 1, Indicator: "transparency", Metric: "DOSSIER_SYNC", Score: 6.5, Max: 10, PointsLost: 3.5, Scope: "unit", Actionable: true,
					Findings: []ward.Finding{{Finding: "not_synced", Meaning: "never reached the national portal", Count: 120}},
					Risks:    []ward.Finding{{Finding: "synced_late", Meaning: "steps reached the national portal late", Count: 4}},
					Dossiers: []ward.DossierFinding{{DossierID: "H44.232-250401-0001", ProcedureCode: "1.001612", Unit: "21664",
						Finding: "not_synced", Evidence: "chưa có trên Cổng DVCQG", Owner: ownerHash}}},
				{Rank: 2, Indicator: "progress", Metric: "ONTIME", Score: 8, Max: 10, PointsLost: 2, Scope: "unit", Actionable: true,
					Findings: []ward.Finding{{Finding: "late", Meaning: "finished after the due date", Count: 1}}},
				{Rank: 3, Indicator: "online", Metric: "PROVINCE_PAYMENT_PLATFORM", Score: 0.8, Max: 2, PointsLost: 1.2, Scope: "province",
					Note: "cấp tỉnh — xã không khắc phục được"},
			}},
		Indicators: indicators(),
		Winback: []ward.Winback{
			{Rank: 1, Indicator: "progress", Metric: "ONTIME", Label: "Hồ sơ giải quyết đúng hạn", PointsLost: 2, PerPoint: 1, Unit: "hồ sơ", Items: 1},
			{Rank: 2, Indicator: "transparency", Metric: "DOSSIER_SYNC", Label: "Hồ sơ đồng bộ lên Cổng DVCQG", PointsLost: 3.5, PerPoint: 3, Unit: "hồ sơ", Items: 120,
				Note: "đồng bộ lại hồ sơ lên Cổng DVCQG"},
			{Rank: 3, Indicator: "online", Metric: "PROVINCE_PAYMENT_PLATFORM", Label: "Nền tảng thanh toán của tỉnh", PointsLost: 1.2, Province: true,
				Note: "chỉ tỉnh khắc phục được"},
		},
		Trend:    []ward.Point{{Period: "2024-Q3", Total: 70.5}, {Period: "2024-Q4", Total: 72}, {Period: "2025-Q1", Total: 75.25}, {Period: "2025-Q2", Total: 78}},
		Previous: "2025-Q1",
		Parent:   ward.UnitRef{Code: "540", Name: "Thị xã Hoài Nhơn", Level: "district"},
	}
}

// simplePage has indicators and nothing lost.
func simplePage(code, name, level, parent string) ward.Page {
	p := ward.Page{Report: ward.Report{Unit: code, UnitName: name, Level: level, Period: "2025-Q2", Score: 78, Max: 100},
		Indicators: indicators(), Trend: []ward.Point{{Period: "2025-Q2", Total: 78}}}
	if parent != "" {
		p.Parent = ward.UnitRef{Code: parent, Name: "đơn vị " + parent}
	}
	return p
}

// hostilePage carries markup in every text the page shows.
func hostilePage() ward.Page {
	p := simplePage("21673", hostileName, "ward", "540")
	p.Indicators[0].Label = `<u>Công khai</u>`
	p.Report.ProvinceNote = `<marquee>tỉnh</marquee>`
	p.Report.Metrics = []ward.Metric{{Rank: 1, Metric: "DOSSIER_SYNC", PointsLost: 1, Scope: "unit", Actionable: true,
		Findings: []ward.Finding{{Finding: "unknown_<x>", Meaning: `<a href="javascript:alert(1)">x</a>`, Count: 1}}}}
	p.Winback = []ward.Winback{{Rank: 1, Metric: "DOSSIER_SYNC", Label: `<a href="http://evil.example/">lấy lại</a>`, PointsLost: 1,
		PerPoint: 1, Unit: `hồ sơ<br>`, Items: 1, Note: `<style>body{display:none}</style>`},
		{Rank: 2, Metric: "P", Label: "tỉnh", Province: true, Note: `<script>x</script>`}}
	p.Trend = []ward.Point{{Period: `<2025>`, Total: 70}, {Period: "2025-Q2", Total: 78}}
	p.Previous = `2025-Q1"><script>`
	return p
}
