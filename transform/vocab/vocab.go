// Package vocab is dvcindex's one vocabulary: the indicator groups (code,
// maximum, Vietnamese label) and the findings (code, plain English words,
// Vietnamese label) that compute writes, explain and report show, and the
// keyed sources map to. Every other package takes names and labels from
// here; a name spelled anywhere else is a bug (vocab_test checks the
// findings the SQL writes against this list).
//
// It is pure data behind functions, so nothing can change it at run time.
package vocab

// Indicator is one of the six groups of Decision 766, or the total.
type Indicator struct {
	Code  string
	Max   float64
	Label string // Vietnamese
}

// Total is the code of the 100-point total.
const Total = "total"

// Groups returns the six groups in report order.
func Groups() []Indicator {
	return []Indicator{
		{"transparency", 18, "Công khai, minh bạch"},
		{"progress", 20, "Tiến độ giải quyết"},
		{"online", 12, "Dịch vụ công trực tuyến"},
		{"payment", 10, "Thanh toán trực tuyến"},
		{"digitization", 22, "Số hóa hồ sơ"},
		{"satisfaction", 18, "Mức độ hài lòng"},
	}
}

// Indicators returns the six groups and the total, in report order.
func Indicators() []Indicator {
	return append(Groups(), Indicator{Total, 100, "Tổng điểm"})
}

// IndicatorCodes returns the codes of Indicators, in order.
func IndicatorCodes() []string {
	var out []string
	for _, i := range Indicators() {
		out = append(out, i.Code)
	}
	return out
}

// IsGroup reports whether code names one of the six groups.
func IsGroup(code string) bool {
	for _, g := range Groups() {
		if g.Code == code {
			return true
		}
	}
	return false
}

// AtRiskRule is one rule of the early warning (docs/watch.md): an open
// dossier or petition that will cost points unless someone acts.
type AtRiskRule struct {
	Code  string
	Label string // Vietnamese, for the list
	Words string // plain English
}

// AtRiskRules returns the early warning's rules, in list order.
func AtRiskRules() []AtRiskRule {
	return []AtRiskRule{
		{"due_soon", "Sắp đến hạn trả kết quả", "an open dossier due within watch.due_within_days working days"},
		{"second_supplement", "Đã bổ sung một lần", "an open dossier a second supplement request would count late"},
		{"close_in_software", "Chưa kết thúc trên phần mềm", "a dossier returned in time but not closed in the software"},
		{"not_synced", "Chưa đồng bộ lên Cổng quốc gia", "a dossier received but not synced to the national portal"},
		{"no_result_file", "Thiếu tệp kết quả điện tử", "a dossier with a result but no electronic result file"},
		{"petition_due_soon", "Phản ánh sắp đến hạn", "an open petition near its deadline"},
		{"step_unsynced", "Bước xử lý chưa đồng bộ", "a processing step not on the national portal after watch.step_unsynced_after"},
		{"overdue", "Đã quá hạn", "an open dossier that already counts late"},
		{"petition_overdue", "Phản ánh đã quá hạn", "an open petition past its deadline"},
	}
}

// AtRiskLabel returns the Vietnamese label of an at-risk rule (the code
// when unknown).
func AtRiskLabel(code string) string {
	for _, r := range AtRiskRules() {
		if r.Code == code {
			return r.Label
		}
	}
	return code
}

// Finding is one kind of finding about a dossier.
type Finding struct {
	Code  string
	Words string // what it means, in plain English (explain)
	Label string // Vietnamese (report, the ward's page)
}

// Findings returns every finding the indicator SQL writes.
func Findings() []Finding {
	return []Finding{
		{"not_synced", "never reached the national portal", "Chưa đồng bộ lên Cổng DVCQG"},
		{"step_not_synced", "synced, but a processing step never reached the national portal", "Bước xử lý chưa đồng bộ"},
		{"synced_late", "steps reached the national portal late", "Đồng bộ trễ"},
		{"sync_error", "the national portal rejected the sync", "Đồng bộ lỗi"},
		{"no_received_date", "no received date", "Thiếu ngày tiếp nhận"},
		{"bcqg_exceeds_portal", "reported to BCQG but missing on the portal", "Số báo cáo BCQG lớn hơn số trên Cổng"},
		{"late", "finished after the due date", "Giải quyết quá hạn"},
		{"late_unfinished", "not finished and past due", "Chưa giải quyết, đã quá hạn"},
		{"second_supplement", "more than one supplement request", "Yêu cầu bổ sung lần thứ hai"},
		{"no_due_date", "no due date and no time limit", "Không có ngày hẹn trả và thời hạn"},
		{"step_lag", "late only in the software (result issued on time)", "Trễ trên phần mềm, trả kết quả đúng hạn"},
		{"channel_missing", "channel missing, counted as direct", "Thiếu kênh nộp, tính là trực tiếp"},
		{"not_online", "filed directly or by post", "Nộp trực tiếp hoặc qua bưu chính"},
		{"no_electronic_result", "no electronic result attached", "Không có kết quả điện tử"},
		{"not_paid_online", "fees not paid online", "Phí, lệ phí không thanh toán trực tuyến"},
		{"not_digitized", "no component digitized", "Không số hóa thành phần hồ sơ"},
	}
}

// FindingOf returns the finding with code (ok false when unknown).
func FindingOf(code string) (Finding, bool) {
	for _, f := range Findings() {
		if f.Code == code {
			return f, true
		}
	}
	return Finding{}, false
}
