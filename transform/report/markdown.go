package report

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/dvcindex/dvcindex/transform/vocab"
)

// table is one table of the report: stable column keys (CSV headers),
// Vietnamese column titles and rows of cells, rendered the same way in every
// format.
type table struct {
	File    string   // CSV file name
	Title   string   // section title
	Note    string   // one line under the title
	Keys    []string // CSV column names, stable
	Headers []string // Vietnamese column titles
	Rows    [][]string
	// ShowHeaders and ShowRows, when set, are a compact form for people
	// (Markdown, HTML); CSV always has Keys and Rows.
	ShowHeaders []string
	ShowRows    [][]string
}

func (t table) show() ([]string, [][]string) {
	if t.ShowHeaders != nil {
		return t.ShowHeaders, t.ShowRows
	}
	return t.Headers, t.Rows
}

func f2(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return fmt.Sprintf("%.2f", v)
}

func pct(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }

func change(cur float64, prev *[7]float64, i int) string {
	if prev == nil {
		return ""
	}
	d := cur - prev[i]
	switch {
	case d > 0.005:
		return fmt.Sprintf("+%.2f", d)
	case d < -0.005:
		return fmt.Sprintf("%.2f", d)
	}
	return "0.00"
}

// tables builds every table of the report, in order.
func tables(d Data) []table {
	var out []table

	t1 := table{File: "indicators.csv", Title: "1. Bảy chỉ số theo đơn vị — kỳ " + d.Period,
		Note: "Điểm/tối đa (thay đổi so với kỳ trước cùng độ dài, " + d.PreviousPeriod + ")."}
	t1.Keys = []string{"unit_code", "unit_name"}
	t1.Headers = []string{"Mã", "Đơn vị"}
	for _, ind := range vocab.Indicators() {
		t1.Keys = append(t1.Keys, ind.Code, ind.Code+"_max", ind.Code+"_change")
		t1.Headers = append(t1.Headers, ind.Label, "Tối đa", "Thay đổi")
	}
	t1.Keys = append(t1.Keys, "band")
	t1.Headers = append(t1.Headers, "Xếp loại")
	t1.ShowHeaders = []string{"Mã", "Đơn vị"}
	for _, ind := range vocab.Indicators() {
		t1.ShowHeaders = append(t1.ShowHeaders, ind.Label)
	}
	t1.ShowHeaders = append(t1.ShowHeaders, "Xếp loại")
	for _, u := range d.Units {
		row := []string{u.Code, u.Name}
		show := []string{u.Code, u.Name}
		for i := range vocab.Indicators() {
			c := change(u.Scores[i], u.Previous, i)
			row = append(row, f2(u.Scores[i]), f2(u.Max[i]), c)
			cell := f2(u.Scores[i]) + "/" + fmt.Sprint(u.Max[i])
			if c != "" {
				cell += " (" + c + ")"
			}
			show = append(show, cell)
		}
		band := d.Bands.Band(u.Scores[6])
		t1.Rows = append(t1.Rows, append(row, band))
		t1.ShowRows = append(t1.ShowRows, append(show, band))
	}
	out = append(out, t1)

	t2 := table{File: "transparency.csv", Title: "2. Công khai, minh bạch: điểm bị mất và nguyên nhân",
		Note: "Quy tắc của Cổng DVCQG (dvcqg-2026): phần xã/phường khắc phục được (đồng bộ hồ sơ) tách khỏi phần cấp tỉnh (công bố, công khai thủ tục — xã không khắc phục được). Hồ sơ đã đồng bộ được tính đủ dù đồng bộ trễ: đồng bộ trễ là rủi ro, không bị trừ điểm.",
		Keys: []string{"unit_code", "unit_name", "lost_ward_can_act", "lost_province_level", "dossier_sync_lost", "publish_on_time_lost",
			"public_update_on_time_lost", "public_content_full_lost", "top_causes", "sync_risks"},
		Headers: []string{"Mã", "Đơn vị", "Điểm mất — xã/phường khắc phục được", "Điểm mất — cấp tỉnh", "DOSSIER_SYNC", "PUBLISH_ON_TIME",
			"PUBLIC_UPDATE_ON_TIME", "PUBLIC_CONTENT_FULL", "Nguyên nhân chính (số hồ sơ)", "Rủi ro, không trừ điểm (số hồ sơ)"}}
	for _, r := range d.Transparency {
		lost := map[string]float64{}
		for _, m := range r.Metrics {
			lost[m.Metric] = m.Lost
		}
		t2.Rows = append(t2.Rows, []string{r.Code, r.Name, f2(r.LostByWard), f2(r.LostByProvince), f2(lost["DOSSIER_SYNC"]),
			f2(lost["PUBLISH_ON_TIME"]), f2(lost["PUBLIC_UPDATE_ON_TIME"]), f2(lost["PUBLIC_CONTENT_FULL"]), topCauses(r.Causes), topCauses(r.Risks)})
	}
	out = append(out, t2)

	t3 := table{File: "simplified_procedures.csv", Title: "3. Thủ tục hành chính được đơn giản hóa (rút ngắn thời gian giải quyết)",
		Note: "Hồ sơ đã giải quyết từ ngày quyết định đến hết kỳ báo cáo.",
		Keys: []string{"no", "procedure_code", "procedure_name", "decision", "decision_date", "days_before", "days_after", "resolved_on_time", "resolved_late"},
		Headers: []string{"STT", "Mã TTHC", "Tên TTHC", "Quyết định", "Ngày quyết định", "Thời hạn trước (ngày làm việc)",
			"Thời hạn sau (ngày làm việc)", "Đúng hạn", "Trễ hạn"}}
	for i, r := range d.Simplified {
		t3.Rows = append(t3.Rows, []string{fmt.Sprint(i + 1), r.Code, r.Name, r.Decision, r.DecisionDate.Format("2006-01-02"),
			fmt.Sprint(r.DaysBefore), fmt.Sprint(r.DaysAfter), fmt.Sprint(r.OnTime), fmt.Sprint(r.Late)})
	}
	out = append(out, t3)

	t4 := table{File: "interconnected_groups.csv", Title: "4. Nhóm thủ tục hành chính liên thông",
		Note:    "Hồ sơ tiếp nhận trong kỳ của các thủ tục thuộc nhóm liên thông (NhomLienThong).",
		Keys:    []string{"group", "group_name", "received", "resolved", "in_progress"},
		Headers: []string{"Nhóm", "Tên nhóm", "Đã tiếp nhận", "Đã giải quyết", "Đang giải quyết"}}
	for _, g := range d.Groups {
		t4.Rows = append(t4.Rows, []string{g.Group, GroupLabel[g.Group], fmt.Sprint(g.Received), fmt.Sprint(g.Resolved), fmt.Sprint(g.InProgress)})
	}
	out = append(out, t4)

	t5 := table{File: "online_genuine.csv", Title: "5. Hồ sơ trực tuyến do người dân, doanh nghiệp tự nộp",
		Note: fmt.Sprintf("Nộp hộ: tài khoản nộp hồ sơ trực tuyến cho từ %d chủ hồ sơ khác nhau trở lên trong kỳ, hoặc tài khoản cán bộ đã khai báo.", d.ProxyMinOwners),
		Keys: []string{"unit_code", "unit_name", "received", "online", "official_online_share", "proxy", "genuine_share_of_online", "genuine_online_share_of_received"},
		Headers: []string{"Mã", "Đơn vị", "Tiếp nhận", "Trực tuyến", "Tỷ lệ trực tuyến (chính thức)", "Nộp hộ",
			"Tỷ lệ người dân tự nộp / hồ sơ trực tuyến", "Tỷ lệ trực tuyến thực chất / hồ sơ tiếp nhận"}}
	for _, r := range d.Online {
		t5.Rows = append(t5.Rows, []string{r.Code, r.Name, fmt.Sprint(r.Received), fmt.Sprint(r.Online), pct(r.OfficialShare),
			fmt.Sprint(r.Proxy), pct(r.GenuineShare), pct(r.GenuineOfReceived)})
	}
	out = append(out, t5)

	t6 := table{File: "step_lag.csv", Title: "6. Trễ hạn trên phần mềm nhưng trả kết quả đúng hạn",
		Note:    "Hồ sơ bị tính trễ hạn chỉ vì trạng thái được chuyển sau hạn, dù kết quả đã ban hành đúng hạn.",
		Keys:    []string{"unit_code", "unit_name", "received", "late", "late_only_in_software"},
		Headers: []string{"Mã", "Đơn vị", "Tiếp nhận", "Trễ hạn", "Trễ do chuyển bước trên phần mềm"}}
	for _, r := range d.StepLag {
		t6.Rows = append(t6.Rows, []string{r.Code, r.Name, fmt.Sprint(r.Received), fmt.Sprint(r.Late), fmt.Sprint(r.StepLag)})
	}
	out = append(out, t6)

	t7 := table{File: "trend.csv", Title: "7. Diễn biến tổng điểm qua các kỳ", Keys: []string{"unit_name"}, Headers: []string{"Đơn vị"}}
	for _, p := range d.Trend.Periods {
		t7.Keys = append(t7.Keys, p)
		t7.Headers = append(t7.Headers, p)
	}
	for i, name := range d.Trend.Units {
		row := []string{name}
		for _, v := range d.Trend.Totals[i] {
			row = append(row, f2(v))
		}
		t7.Rows = append(t7.Rows, row)
	}
	out = append(out, t7)
	if len(d.Targets) > 0 {
		out = append(out, targetsTable(d))
	}
	if len(d.Winback) > 0 {
		out = append(out, winbackTable(d))
	}
	return out
}

// targetsTable is each unit's score against its targets.
func targetsTable(d Data) table {
	t := table{File: "targets.csv", Title: "8. Chỉ tiêu giao: điểm so với chỉ tiêu — kỳ " + d.Period,
		Note:    "Chỉ tiêu theo refdata.targets_file; thiếu = chỉ tiêu trừ điểm đạt được.",
		Keys:    []string{"unit_code", "unit_name", "indicator", "score", "target", "gap", "met"},
		Headers: []string{"Mã", "Đơn vị", "Chỉ số", "Điểm", "Chỉ tiêu", "Thiếu", "Đánh giá"}}
	labels := map[string]string{}
	for _, ind := range vocab.Indicators() {
		labels[ind.Code] = ind.Label
	}
	for _, r := range d.Targets {
		rating, gap := "Đạt", ""
		if !r.Met {
			rating, gap = "Chưa đạt", f2(r.Gap)
		}
		t.Rows = append(t.Rows, []string{r.Code, r.Name, labels[r.Indicator], f2(r.Score), f2(r.Target), gap, rating})
	}
	return t
}

// winbackTable is the points each ward can win back, cheapest first.
func winbackTable(d Data) table {
	t := table{File: "winback.csv", Title: "9. Điểm có thể lấy lại, dễ trước",
		Note:    "Số hồ sơ (phản ánh, thủ tục) phải khắc phục để lấy lại 1 điểm; cấp tỉnh: xã không khắc phục được.",
		Keys:    []string{"unit_code", "unit_name", "rank", "metric", "points_lost", "items_per_point", "item", "province_level"},
		Headers: []string{"Mã", "Đơn vị", "Thứ tự", "Chỉ tiêu thành phần", "Điểm mất", "Cần khắc phục / 1 điểm", "Loại", "Cấp tỉnh"}}
	for _, r := range d.Winback {
		per, prov := "", ""
		if r.PerPoint > 0 {
			per = fmt.Sprint(r.PerPoint)
		}
		if r.Province {
			prov = "x"
		}
		t.Rows = append(t.Rows, []string{r.Code, r.Name, fmt.Sprint(r.Rank), r.Metric, f2(r.PointsLost), per, r.Item, prov})
	}
	return t
}

// Markdown writes the report as one Markdown document.
func Markdown(w io.Writer, d Data) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Báo cáo Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) — kỳ %s\n\n", d.Period)
	fmt.Fprintf(&b, "Dữ liệu hồ sơ cập nhật đến %s. Điểm do dvcindex tính lại từ dữ liệu hồ sơ; cách tính: docs/indicators.md.\n",
		d.AsOf.Format("2006-01-02 15:04"))
	for _, t := range tables(d) {
		fmt.Fprintf(&b, "\n## %s\n\n", t.Title)
		if t.Note != "" {
			fmt.Fprintf(&b, "%s\n\n", t.Note)
		}
		headers, rows := t.show()
		if len(rows) == 0 {
			b.WriteString("(không có dữ liệu)\n")
			continue
		}
		b.WriteString("| " + strings.Join(escapeAll(headers), " | ") + " |\n")
		b.WriteString("|" + strings.Repeat(" --- |", len(headers)) + "\n")
		for _, r := range rows {
			b.WriteString("| " + strings.Join(escapeAll(r), " | ") + " |\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func escapeAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.ReplaceAll(strings.ReplaceAll(c, "|", `\|`), "\n", " ")
	}
	return out
}

// topCauses lists the three most frequent findings; the rest is in explain.
func topCauses(cs []Cause) string {
	var out []string
	for k, c := range cs {
		if k == 3 {
			break
		}
		label := findingLabel(c.Finding)
		out = append(out, fmt.Sprintf("%s (%s): %d", label, c.Finding, c.Count))
	}
	return strings.Join(out, "; ")
}
