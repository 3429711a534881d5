package simulator

import (
	"strings"
	"time"
)

// procedure is one procedure the simulated units handle.
type procedure struct {
	national        string // N.NNNNNN
	name            string
	ward, district  bool // levels that handle it
	limitBefore     int  // working days before the simplification decision
	limitAfter      int  // working days from the decision date on
	decision        time.Time
	decisionNo      string // the provincial decision that cut the limit
	fieldCode       string
	fieldName       string
	weight          int
	fees            []feeDef
	result          string // name of the result document ("" = none)
	docs            []string
	docSlugs        []string
	applicantAgency bool // filed by state agencies, not citizens
	idx             int  // position in refData.procs (bit of procedure sets)
}

type feeDef struct {
	code, name string
	unit       int // VND per item; 0 = fee exists but waived
	maxQty     int
}

type extra struct {
	fieldCode, fieldName string
	weight               int
	fees                 []feeDef
	result               string
	docs                 []string
	agency               bool
}

func (p *procedure) applyExtra(x extra) {
	p.fieldCode, p.fieldName = x.fieldCode, x.fieldName
	p.weight = x.weight
	p.fees = x.fees
	p.result = x.result
	p.docs = x.docs
	p.applicantAgency = x.agency
	if p.weight == 0 {
		p.weight = 1
	}
}

// limitOn is the legal time limit (working days) for a dossier received on t.
func (p *procedure) limitOn(t time.Time) int {
	if !p.decision.IsZero() && !t.Before(p.decision) {
		return p.limitAfter
	}
	return p.limitBefore
}

const (
	fHT   = "HOTICH"
	fCT   = "CHUNGTHUC"
	fNCC  = "NGUOICOCONG"
	fBTXH = "BAOTROXAHOI"
	fHG   = "HOAGIAI"
	fPB   = "PBGDPL"
	fTC   = "TOCHUCHANHCHINH"
	fKD   = "DANGKYKINHDOANH"
)

var fieldNames = map[string]string{
	fHT: "Hộ tịch", fCT: "Chứng thực", fNCC: "Người có công", fBTXH: "Bảo trợ xã hội",
	fHG: "Hòa giải ở cơ sở", fPB: "Phổ biến giáo dục pháp luật", fTC: "Tổ chức hành chính, sự nghiệp nhà nước",
	fKD: "Thành lập và hoạt động của hộ kinh doanh",
}

func ex(field string, weight int, result string, docs []string, fees ...feeDef) extra {
	return extra{fieldCode: field, fieldName: fieldNames[field], weight: weight, result: result, docs: docs, fees: fees}
}

var (
	docsHT  = []string{"Tờ khai theo mẫu", "Giấy tờ tùy thân", "Giấy tờ chứng minh"}
	docsCT  = []string{"Bản chính giấy tờ, văn bản", "Bản sao cần chứng thực"}
	docsXH  = []string{"Tờ khai đề nghị", "Giấy tờ chứng minh đối tượng", "Sổ hộ khẩu hoặc xác nhận cư trú"}
	docsOrg = []string{"Văn bản đề nghị", "Báo cáo kèm theo"}
)

// procExtra completes the seed report's procedures (procedures-seed.csv).
var procExtra = map[string]extra{
	"1.010824": ex(fNCC, 3, "Quyết định hưởng trợ cấp", docsXH),
	"1.005461": ex(fHT, 1, "Trích lục khai tử", docsHT, feeDef{"LP.KT", "Lệ phí đăng ký lại khai tử", 0, 1}),
	"1.004772": ex(fHT, 1, "Giấy khai sinh", docsHT, feeDef{"LP.KS", "Lệ phí đăng ký khai sinh", 0, 1}),
	"1.002211": ex(fHG, 1, "Quyết định công nhận hòa giải viên", docsOrg),
	"2.001457": ex(fPB, 1, "Quyết định công nhận tuyên truyền viên pháp luật", docsOrg),
	"2.002100": {fieldCode: fTC, fieldName: fieldNames[fTC], weight: 2, docs: docsOrg, agency: true},
}

// extraProcedures are plausible commune-level procedures of the national
// database (codes as best known; some are invented in the N.NNNNNN form).
var extraProcedures = []struct {
	national, name string
	ward, district bool
	limit          int
	extra
}{
	{"1.001193", "Đăng ký khai sinh", true, false, 1, ex(fHT, 14, "Giấy khai sinh", docsHT, feeDef{"LP.KS", "Lệ phí đăng ký khai sinh", 0, 1})},
	{"1.000656", "Đăng ký khai tử", true, false, 1, ex(fHT, 6, "Trích lục khai tử", docsHT, feeDef{"LP.KT", "Lệ phí đăng ký khai tử", 0, 1})},
	{"1.001022", "Đăng ký kết hôn", true, false, 1, ex(fHT, 6, "Giấy chứng nhận kết hôn", docsHT)},
	{"2.000908", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp", true, true, 0, ex(fCT, 30, "Bản sao chứng thực", docsCT, feeDef{"PHI.CTBS", "Phí chứng thực bản sao", 2000, 10})},
	{"2.000815", "Chứng thực chữ ký trong các giấy tờ, văn bản", true, true, 0, ex(fCT, 10, "Văn bản đã chứng thực chữ ký", docsCT, feeDef{"PHI.CTCK", "Phí chứng thực chữ ký", 10000, 2})},
	{"1.004873", "Cấp bản sao trích lục hộ tịch", true, false, 0, ex(fHT, 8, "Bản sao trích lục hộ tịch", docsHT, feeDef{"PHI.TL", "Phí cấp bản sao trích lục", 8000, 3})},
	{"1.000894", "Đăng ký nhận cha, mẹ, con", true, false, 3, ex(fHT, 1, "Trích lục đăng ký nhận cha, mẹ, con", docsHT, feeDef{"LP.NCMC", "Lệ phí đăng ký nhận cha, mẹ, con", 15000, 1})},
	{"1.004859", "Đăng ký giám hộ", true, false, 3, ex(fHT, 1, "Trích lục đăng ký giám hộ", docsHT)},
	{"1.003583", "Đăng ký lại khai sinh", true, false, 5, ex(fHT, 2, "Giấy khai sinh", docsHT, feeDef{"LP.DKLKS", "Lệ phí đăng ký lại khai sinh", 5000, 1})},
	{"2.000986", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản", true, false, 2, ex(fCT, 2, "Hợp đồng đã chứng thực", docsCT, feeDef{"PHI.CTHD", "Phí chứng thực hợp đồng, giao dịch", 50000, 1})},
	{"1.001731", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", true, false, 5, ex(fBTXH, 2, "Quyết định hỗ trợ chi phí mai táng", docsXH)},
	{"1.004227", "Cấp Giấy xác nhận tình trạng hôn nhân", true, false, 3, ex(fHT, 8, "Giấy xác nhận tình trạng hôn nhân", docsHT)},
	{"1.003005", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng", true, true, 7, ex(fBTXH, 3, "Quyết định trợ cấp xã hội", docsXH)},
	{"1.001612", "Đăng ký thành lập hộ kinh doanh", false, true, 3, ex(fKD, 5, "Giấy chứng nhận đăng ký hộ kinh doanh", []string{"Giấy đề nghị đăng ký hộ kinh doanh", "Bản sao giấy tờ pháp lý của cá nhân"}, feeDef{"LP.HKD", "Lệ phí đăng ký hộ kinh doanh", 100000, 1})},
}

// prepare precomputes what generation needs per record.
func (p *procedure) prepare() {
	p.docSlugs = make([]string, len(p.docs))
	for k, d := range p.docs {
		b := []byte(asciiFold(d))
		out := b[:0]
		for _, c := range b {
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				out = append(out, c)
			case len(out) > 0 && out[len(out)-1] != '_':
				out = append(out, '_')
			}
		}
		p.docSlugs[k] = strings.TrimRight(string(out), "_") + ".pdf"
	}
}
