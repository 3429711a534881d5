package simulator

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"sort"
	"time"
)

// The catalogue's attributes that dossier generation does not need, keyed by
// national code. They drive the province-level transparency metrics, the
// online metrics and the report's interconnected-group table.
var (
	fullyOnline = map[string]bool{
		"1.001193": true, "1.000656": true, "1.004873": true, "1.004227": true, "1.003583": true,
		"1.000894": true, "1.004859": true, "1.001022": true, "1.005461": true, "1.004772": true,
		"1.010824": true, "2.000908": true,
	}
	notOnline        = map[string]bool{"2.002100": true}
	interconnected   = map[string]string{"1.001193": "khai_sinh", "1.000656": "khai_tu", "1.001731": "khai_tu"}
	eCertifiedCopies = map[string]bool{"2.000908": true}
)

// catalogueItem is one entry of GET /api/v1/procedures (portal-api.md §3).
type catalogueItem struct {
	MaTTHC           string        `json:"MaTTHC"`
	TenTTHC          string        `json:"TenTTHC"`
	MaLinhVuc        string        `json:"MaLinhVuc"`
	CapThucHien      []string      `json:"CapThucHien"`
	ThoiHanGiaiQuyet int           `json:"ThoiHanGiaiQuyet"`
	LichSuThoiHan    []limitChange `json:"LichSuThoiHan"`
	CoPhiLePhi       bool          `json:"CoPhiLePhi"`
	MucDoDVC         string        `json:"MucDoDVC"`
	KetQuaLaGiayTo   bool          `json:"KetQuaLaGiayTo"`
	QuyetDinhCongBo  decisionRef   `json:"QuyetDinhCongBo"`
	NgayHieuLucCanCu string        `json:"NgayHieuLucCanCu"`
	NgayCongKhai     string        `json:"NgayCongKhai"`
	NoiDungDayDu     bool          `json:"NoiDungDayDu"`
	NhomLienThong    *string       `json:"NhomLienThong"`
	ChungThucDienTu  bool          `json:"ChungThucDienTu"`
}

type limitChange struct {
	ThoiHan   int     `json:"ThoiHan"`
	TuNgay    *string `json:"TuNgay"`
	QuyetDinh string  `json:"QuyetDinh"`
}

type decisionRef struct {
	So   string `json:"So"`
	Ngay string `json:"Ngay"`
}

// CatalogueTruth is what the simulator's catalogue says of one procedure,
// for tests.
type CatalogueTruth struct {
	National                      string
	LimitBefore, LimitAfter       int
	Decision                      time.Time // zero when the limit was never cut
	DecisionNo                    string
	Group                         string
	FullyOnline, ECertified       bool
	PublishedOnTime, PublicOnTime bool
}

// catalogue builds the catalogue, sorted by code. Publication dates are
// spread over [From, To) deterministically from the seed and the code, with
// about one procedure in five published late and one in six made public late.
func (s *Simulator) catalogue() []catalogueItem {
	procs := append([]*procedure(nil), s.rd.procs...)
	sort.Slice(procs, func(i, j int) bool { return procs[i].national < procs[j].national })
	out := make([]catalogueItem, 0, len(procs))
	spanDays := int(s.span / 86400)
	if spanDays < 1 {
		spanDays = 1
	}
	for _, p := range procs {
		h := fnv.New64a()
		fmt.Fprintf(h, "%d/%s", s.opts.Seed, p.national)
		x := h.Sum64()
		decided := s.cal.addWorkDays(midnight(time.Unix(s.base, 0).In(Location)), int(x%uint64(spanDays))*5/7)
		basisLead := 10 // working days between the publishing decision and the legal basis taking effect
		if x%5 == 0 {
			basisLead = 2 // published late: fewer than 5 working days before the basis took effect
		}
		basis := s.cal.addWorkDays(decided, basisLead)
		publicLag := 3
		if x%6 == 1 {
			publicLag = 8 // made public more than 5 working days after the decision
		}
		public := s.cal.addWorkDays(decided, publicLag)
		item := catalogueItem{
			MaTTHC: p.national, TenTTHC: p.name, MaLinhVuc: p.fieldCode,
			ThoiHanGiaiQuyet: p.limitAfter,
			LichSuThoiHan:    []limitChange{},
			CoPhiLePhi:       len(p.fees) > 0,
			KetQuaLaGiayTo:   p.result != "",
			QuyetDinhCongBo:  decisionRef{So: fmt.Sprintf("%d/QĐ-UBND", 100+x%3000), Ngay: decided.Format(layCompact)},
			NgayHieuLucCanCu: basis.Format(layCompact),
			NgayCongKhai:     public.Format(layCompact),
			NoiDungDayDu:     x%10 != 3,
			ChungThucDienTu:  eCertifiedCopies[p.national],
		}
		if p.ward {
			item.CapThucHien = append(item.CapThucHien, "xa")
		}
		if p.district {
			item.CapThucHien = append(item.CapThucHien, "huyen")
		}
		switch {
		case fullyOnline[p.national]:
			item.MucDoDVC = "toan_trinh"
		case notOnline[p.national]:
			item.MucDoDVC = ""
		default:
			item.MucDoDVC = "mot_phan"
		}
		if g, ok := interconnected[p.national]; ok {
			item.NhomLienThong = &g
		}
		if !p.decision.IsZero() {
			cut := p.decision.Format(layCompact)
			item.LichSuThoiHan = []limitChange{
				{ThoiHan: p.limitBefore, TuNgay: nil, QuyetDinh: ""},
				{ThoiHan: p.limitAfter, TuNgay: &cut, QuyetDinh: p.decisionNo},
			}
		}
		out = append(out, item)
	}
	return out
}

// Catalogue returns the ground truth of the procedure catalogue.
func (s *Simulator) Catalogue() []CatalogueTruth {
	items := s.catalogue()
	out := make([]CatalogueTruth, len(items))
	for i, it := range items {
		p := s.rd.procByNat[it.MaTTHC]
		decided, _ := time.ParseInLocation(layCompact, it.QuyetDinhCongBo.Ngay, Location)
		basis, _ := time.ParseInLocation(layCompact, it.NgayHieuLucCanCu, Location)
		public, _ := time.ParseInLocation(layCompact, it.NgayCongKhai, Location)
		ct := CatalogueTruth{National: it.MaTTHC, LimitBefore: p.limitBefore, LimitAfter: p.limitAfter,
			Decision: p.decision, DecisionNo: p.decisionNo, FullyOnline: it.MucDoDVC == "toan_trinh",
			ECertified:      it.ChungThucDienTu,
			PublishedOnTime: !decided.After(s.cal.subWorkDays(basis, 5)),
			PublicOnTime:    !public.After(s.cal.addWorkDays(decided, 5))}
		if it.NhomLienThong != nil {
			ct.Group = *it.NhomLienThong
		}
		out[i] = ct
	}
	return out
}

func (s *Simulator) handleProcedures(w http.ResponseWriter, r *http.Request) {
	pq, msg := s.parsePageQuery(r)
	if msg != "" {
		writeError(w, http.StatusBadRequest, CodeBadRequest, msg)
		return
	}
	items := s.catalogue()
	start := min((pq.page-1)*pq.pageSize, len(items))
	end := min(start+pq.pageSize, len(items))
	writeJSON(w, http.StatusOK, struct {
		envelope
		Page     int             `json:"page"`
		PageSize int             `json:"page_size"`
		Total    int             `json:"total"`
		Data     []catalogueItem `json:"data"`
	}{envelope{ErrorCode: CodeOK}, pq.page, pq.pageSize, len(items), items[start:end]})
}
