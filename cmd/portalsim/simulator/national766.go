package simulator

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"
)

// The national portal's reporting API (docs/spec/national-766-api.md):
// POST /api/v1/reporting/evaluation/{family}, HTTP 201, the six families'
// real shapes, generated from the same per-period figures as
// OfficialScores (the simulator's truth). The root is the province
// (RootDepartmentID); its departments are the district and the wards valid
// on the period's last day, plus one provincial department (Sở Tư pháp)
// that has no dvcindex unit and no figures of its own. No credentials.

// RootDepartmentID is the province's departmentId on the simulated portal.
const RootDepartmentID = "0190a000-0000-7000-8000-000000000052"

// nationalFamilies are the six families, in the reference's order.
var nationalFamilies = []string{"transparency", "dvc-progress-tree", "provide-online-tree",
	"formality-online-payment-tree", "dossier-digitized", "handling-satisfaction"}

// Department is one row of the reporting API: the department's identity
// and the figures its rows are generated from.
type Department struct {
	ID, Code, Name, Type, Level string
	Eval                        Evaluation
}

// nationalRequest is the JSON body the families take.
type nationalRequest struct {
	RootDepartmentID string `json:"rootDepartmentId"`
	CurrentPage      int    `json:"currentPage"`
	PageSize         int    `json:"pageSize"`
	TimeType         string `json:"timeType"`
	Year             int    `json:"year"`
	Quarter          int    `json:"quarter"`
	Month            int    `json:"month"`
	FromDate         string `json:"fromDate"`
	ToDate           string `json:"toDate"`
}

func (s *Simulator) handleNational(w http.ResponseWriter, r *http.Request) {
	family := strings.TrimPrefix(r.URL.Path, "/api/v1/reporting/evaluation/")
	known := false
	for _, f := range nationalFamilies {
		known = known || f == family
	}
	var req nationalRequest
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req)
	var key string
	switch {
	case !known:
		err = badParameter("unknown family %q", family)
	case err != nil:
		err = badParameter("body: %v", err)
	case req.RootDepartmentID != RootDepartmentID:
		err = badParameter("unknown rootDepartmentId")
	default:
		key, err = nationalPeriodKey(family, req)
	}
	if err != nil {
		writeNational(w, http.StatusBadRequest, "BAD_REQUEST", err.Error(), nil)
		return
	}
	data, err := s.NationalReport(family, key, req.CurrentPage, req.PageSize)
	if err != nil {
		writeNational(w, http.StatusBadRequest, "BAD_REQUEST", err.Error(), nil)
		return
	}
	writeNational(w, http.StatusCreated, "OK", "OK", data)
}

func writeNational(w http.ResponseWriter, status int, code, msg string, data any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	b, _ := json.Marshal(struct {
		Code    string `json:"code"`
		Data    any    `json:"data"`
		Message string `json:"message"`
	}{code, data, msg})
	_, _ = w.Write(b)
}

// nationalPeriodKey turns the request's period into 2024, 2024-Q2 or
// 2024-07; handling-satisfaction sends fromDate/toDate.
func nationalPeriodKey(family string, req nationalRequest) (string, error) {
	if family == "handling-satisfaction" {
		from, err1 := time.Parse(time.DateOnly, req.FromDate)
		to, err2 := time.Parse(time.DateOnly, req.ToDate)
		if err1 != nil || err2 != nil || from.Day() != 1 {
			return "", badParameter("fromDate/toDate must be the bounds of a month, quarter or year")
		}
		months := (to.Year()-from.Year())*12 + int(to.Month()-from.Month()) + 1
		if to.AddDate(0, 0, 1).Day() != 1 {
			months = 0
		}
		switch {
		case months == 1:
			return fmt.Sprintf("%04d-%02d", from.Year(), from.Month()), nil
		case months == 3 && (from.Month()-1)%3 == 0:
			return fmt.Sprintf("%04d-Q%d", from.Year(), (from.Month()-1)/3+1), nil
		case months == 12 && from.Month() == 1:
			return fmt.Sprintf("%04d", from.Year()), nil
		}
		return "", badParameter("fromDate/toDate must be the bounds of a month, quarter or year")
	}
	switch req.TimeType {
	case "month":
		return fmt.Sprintf("%04d-%02d", req.Year, req.Month), nil
	case "quarter":
		return fmt.Sprintf("%04d-Q%d", req.Year, req.Quarter), nil
	case "year":
		return fmt.Sprintf("%04d", req.Year), nil
	}
	return "", badParameter("timeType %q: want month, quarter or year", req.TimeType)
}

// departmentUUID is a stable UUID-shaped id for a department code.
func departmentUUID(code string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(code))
	v := h.Sum64()
	return fmt.Sprintf("0190a000-%04x-7%03x-8%03x-%012x", v>>48, (v>>36)&0xfff, (v>>24)&0xfff, v&0xffffffffffff)
}

// provinceName is the province the simulated units belong to on day, from
// the units file's tinh rows (the 2025 merger moved Hoài Nhơn from Bình
// Định to Gia Lai); on a day no row covers, the nearest row's.
func (rd *refData) provinceName(day time.Time) string {
	if _, name := rd.provinceOn(day); name != "" || len(rd.provinces) == 0 {
		return name
	}
	if day.Before(rd.provinces[0].validFrom) {
		return rd.provinces[0].name
	}
	return rd.provinces[len(rd.provinces)-1].name
}

var unitTypeName = map[string]string{"phuong": "phường", "xa": "xã", "thi_xa": "thị xã", "thi_tran": "thị trấn",
	"huyen": "huyện", "quan": "quận", "thanh_pho": "thành phố"}

// NationalDepartments are the root and its departments for period, in the
// API's order (by departmentCode as a string). The last department of
// the list that has no unit code is the provincial Sở Tư pháp.
func (s *Simulator) NationalDepartments(periodKey string) (root Department, depts []Department, err error) {
	p, err := parsePeriod(periodKey)
	if err != nil {
		return Department{}, nil, err
	}
	prov, err := s.OfficialScores(ProvinceCode, periodKey)
	if err != nil {
		return Department{}, nil, err
	}
	pn := s.rd.provinceName(p.lastDay())
	root = Department{ID: RootDepartmentID, Code: "H08", Name: "UBND tỉnh " + pn, Type: "PROVINCE", Level: "PROVINCE", Eval: prov}
	depts = append(depts, Department{ID: departmentUUID("H08.01"), Code: "H08.01", Name: "Sở Tư pháp - Tỉnh " + pn,
		Type: "PROVINCIAL_DEPARTMENT", Level: "PROVINCE", Eval: emptyEvaluation(prov)})
	for _, u := range s.rd.units {
		if !u.validOn(p.lastDay()) {
			continue
		}
		ev, err := s.OfficialScores(u.code, periodKey)
		if err != nil {
			return Department{}, nil, err
		}
		code := "H08." + u.code
		typ, level := "COMMUNE_PEOPLE_COMMITTEE", "COMMUNE"
		if u.isDistrict() {
			typ, level = "DISTRICT_PEOPLE_COMMITTEE", "DISTRICT"
		}
		depts = append(depts, Department{ID: departmentUUID(code), Code: code, Name: "UBND " + unitTypeName[u.typ] + " " + u.name,
			Type: typ, Level: level, Eval: ev})
	}
	sort.Slice(depts, func(i, j int) bool { return depts[i].Code < depts[j].Code })
	return root, depts, nil
}

// provinceScoped are the metrics a department without figures of its own
// takes from the province: the catalogue metrics, and the certified copy,
// which the portal publishes the same on every unit.
var provinceScoped = map[string]bool{"PUBLISH_ON_TIME": true, "PUBLIC_UPDATE_ON_TIME": true, "PUBLIC_CONTENT_FULL": true,
	"ELECTRONIC_CERTIFIED_COPY": true}

// emptyEvaluation is a department without dossiers or petitions: the
// province's catalogue metrics, every other count zero, scores as the
// simulator's rules give for zero counts (the null rules apply on output).
func emptyEvaluation(prov Evaluation) Evaluation {
	ev := Evaluation{Unit: "", Period: prov.Period}
	for _, g := range prov.Groups {
		ng := Group{Code: g.Code, Max: g.Max}
		for _, m := range g.Metrics {
			if !provinceScoped[m.Code] {
				score := 0.0
				if m.Code == "PETITION_PROCESSING_ON_TIME" || m.Code == "PETITION_HANDLING_SATISFACTION" {
					score = m.Max // no petitions: the full mark
				}
				m = Metric{Code: m.Code, Max: m.Max, Score: score}
			}
			ng.Metrics = append(ng.Metrics, m)
			ng.Score += m.Score
		}
		ng.Score = round2(math.Min(ng.Max, ng.Score))
		ev.Groups = append(ev.Groups, ng)
	}
	return ev
}

// NationalReport is the data object of one family's answer for period
// (page 1-based; pageSize 0 = 200; the trees ignore both).
func (s *Simulator) NationalReport(family, periodKey string, page, pageSize int) (any, error) {
	root, depts, err := s.NationalDepartments(periodKey)
	if err != nil {
		return nil, err
	}
	switch family {
	case "dvc-progress-tree":
		return progressTree(root, depts), nil
	case "provide-online-tree":
		return onlineTree(root, depts), nil
	case "formality-online-payment-tree":
		return paymentTree(root, depts), nil
	}
	page, pageSize = max(page, 1), cmpOr(pageSize, 200)
	total := len(depts)
	lo, hi := min((page-1)*pageSize, total), min(page*pageSize, total)
	rows := make([]flatDept, 0, hi-lo)
	for i, d := range depts[lo:hi] {
		rows = append(rows, flatRow(family, d, lo+i+1, false))
	}
	return flatAnswer{Overview: flatRow(family, root, 1, true), Evaluation: rows,
		Pagination: pagination{Total: total, CurrentPage: page, PageSize: pageSize, TotalPages: max(1, (total+pageSize-1)/pageSize)}}, nil
}

func cmpOr(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}
