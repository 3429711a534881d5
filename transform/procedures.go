package transform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Procedure is one entry of the portal's procedure catalogue
// (portal-api.md §3), normalized.
type Procedure struct {
	NationalCode     string   // N.NNNNNN
	Name             string   // NFC
	FieldCode        string   // MaLinhVuc
	Levels           []string // "tinh", "huyen", "xa"
	TimeLimitDays    float64  // ThoiHanGiaiQuyet, working days (the limit in force now)
	HasFees          bool     // CoPhiLePhi
	OnlineLevel      string   // MucDoDVC: "toan_trinh", "mot_phan" or ""
	ResultIsDocument bool     // KetQuaLaGiayTo
	DecisionNo       string   // QuyetDinhCongBo.So
	DecisionDate     *time.Time
	LegalBasisDate   *time.Time // NgayHieuLucCanCu
	PublicDate       *time.Time // NgayCongKhai
	ContentFull      bool       // NoiDungDayDu
	Group            string     // NhomLienThong, e.g. "khai_sinh"
	ECertifiedCopy   bool       // ChungThucDienTu
	TimeLimits       []TimeLimit
}

// TimeLimit is the legal time limit in force from ValidFrom (LichSuThoiHan).
type TimeLimit struct {
	ValidFrom time.Time // local midnight
	Days      float64
	Decision  string
}

// Epoch is the ValidFrom of a time limit the catalogue gives without a start
// date: in force for every dossier until a dated entry replaces it.
var Epoch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// LimitOn returns the time limit in force on day d (the latest entry whose
// ValidFrom ≤ d), and false when none is.
func (p Procedure) LimitOn(d time.Time) (float64, bool) {
	var best *TimeLimit
	for i := range p.TimeLimits {
		tl := &p.TimeLimits[i]
		if !tl.ValidFrom.After(d) && (best == nil || tl.ValidFrom.After(best.ValidFrom)) {
			best = tl
		}
	}
	if best == nil {
		return 0, false
	}
	return best.Days, true
}

type rawProcedure struct {
	MaTTHC           json.RawMessage
	TenTTHC          json.RawMessage
	MaLinhVuc        json.RawMessage
	CapThucHien      json.RawMessage
	ThoiHanGiaiQuyet json.RawMessage
	LichSuThoiHan    json.RawMessage
	CoPhiLePhi       json.RawMessage
	MucDoDVC         json.RawMessage
	KetQuaLaGiayTo   json.RawMessage
	QuyetDinhCongBo  json.RawMessage
	NgayHieuLucCanCu json.RawMessage
	NgayCongKhai     json.RawMessage
	NoiDungDayDu     json.RawMessage
	NhomLienThong    json.RawMessage
	ChungThucDienTu  json.RawMessage
}

// ProcedureParser normalizes catalogue entries.
type ProcedureParser struct {
	loc *time.Location
	pii *Pseudonymizer // scrubs raw entries; nil: unknown values are Dropped
}

// NewProcedureParser returns a parser reading dates in loc (nil: Asia/Ho_Chi_Minh).
func NewProcedureParser(loc *time.Location) *ProcedureParser {
	if loc == nil {
		loc = HoChiMinh()
	}
	return &ProcedureParser{loc: loc}
}

// WithPII returns a copy of pp that hashes, with pii, the values of an entry
// the catalogue allow-list does not keep (nil: they are dropped).
func (pp *ProcedureParser) WithPII(pii *Pseudonymizer) *ProcedureParser {
	c := *pp
	c.pii = pii
	return &c
}

// Scrub returns a catalogue entry as it may be stored (the procedures
// table's raw column, a reject): the fields of portal-api.md §3 in clear,
// anything else hashed or dropped (Pseudonymizer.ScrubRecord).
func (pp *ProcedureParser) Scrub(raw []byte) string {
	return string(pp.pii.ScrubRecord("procedures", raw))
}

// Procedure normalizes one catalogue entry. Errors are *RecordError naming
// the field (the key is MaTTHC as given).
func (pp *ProcedureParser) Procedure(raw []byte) (Procedure, error) {
	var r rawProcedure
	if err := json.Unmarshal(raw, &r); err != nil {
		return Procedure{}, &RecordError{Kind: "procedure", Field: "(record)", Reason: "not a JSON object: " + err.Error(), Err: ErrMalformed}
	}
	key, _ := flexString(r.MaTTHC)
	fail := func(field string, v json.RawMessage, reason string, sentinel error) (Procedure, error) {
		return Procedure{}, &RecordError{Kind: "procedure", Key: key, Field: field, Value: scalarValue(v), Reason: reason, Err: sentinel}
	}
	var p Procedure
	if f := nonScalar(namedValue{"MaTTHC", r.MaTTHC}, namedValue{"TenTTHC", r.TenTTHC}, namedValue{"MaLinhVuc", r.MaLinhVuc},
		namedValue{"ThoiHanGiaiQuyet", r.ThoiHanGiaiQuyet}, namedValue{"MucDoDVC", r.MucDoDVC}, namedValue{"NgayHieuLucCanCu", r.NgayHieuLucCanCu},
		namedValue{"NgayCongKhai", r.NgayCongKhai}, namedValue{"NhomLienThong", r.NhomLienThong}); f != "" {
		return fail(f, nil, errNotScalar, ErrMalformed)
	}
	if key == "" {
		return fail("MaTTHC", r.MaTTHC, "required, missing or empty; expected a national code N.NNNNNN", ErrMissingField)
	}
	code, err := ParseProcedureCode(key)
	if err != nil {
		return fail("MaTTHC", r.MaTTHC, err.Error(), ErrProcedureCode)
	}
	p.NationalCode = code.National
	p.Name, _ = flexString(r.TenTTHC)
	p.Name = cleanText(p.Name)
	p.FieldCode, _ = flexString(r.MaLinhVuc)
	if len(bytes.TrimSpace(r.CapThucHien)) > 0 && string(bytes.TrimSpace(r.CapThucHien)) != "null" {
		if err := json.Unmarshal(r.CapThucHien, &p.Levels); err != nil {
			return fail("CapThucHien", r.CapThucHien, `expected an array of "tinh", "huyen", "xa"`, ErrMalformed)
		}
		for i, l := range p.Levels {
			p.Levels[i] = strings.ToLower(strings.TrimSpace(l))
		}
	}
	days, ok := flexNumber(r.ThoiHanGiaiQuyet)
	if !ok || days < 0 {
		return fail("ThoiHanGiaiQuyet", r.ThoiHanGiaiQuyet, "expected the legal time limit in working days (a number ≥ 0)", ErrMalformed)
	}
	p.TimeLimitDays = days
	var hist []struct {
		ThoiHan   json.RawMessage
		TuNgay    json.RawMessage
		QuyetDinh json.RawMessage
	}
	if hasValue(r.LichSuThoiHan) {
		if err := json.Unmarshal(r.LichSuThoiHan, &hist); err != nil {
			return fail("LichSuThoiHan", r.LichSuThoiHan, "expected an array of {ThoiHan, TuNgay, QuyetDinh}", ErrMalformed)
		}
	}
	for i, h := range hist {
		field := fmt.Sprintf("LichSuThoiHan[%d]", i)
		if f := nonScalar(namedValue{".ThoiHan", h.ThoiHan}, namedValue{".TuNgay", h.TuNgay}, namedValue{".QuyetDinh", h.QuyetDinh}); f != "" {
			return fail(field+f, nil, errNotScalar, ErrMalformed)
		}
		d, ok := flexNumber(h.ThoiHan)
		if !ok || d < 0 {
			return fail(field+".ThoiHan", h.ThoiHan, "expected working days (a number ≥ 0)", ErrMalformed)
		}
		from := Epoch
		if hasValue(h.TuNgay) {
			s, _ := flexString(h.TuNgay)
			t, err := ParseDate(s, pp.loc)
			if err != nil {
				return fail(field+".TuNgay", h.TuNgay, err.Error(), ErrBadDate)
			}
			if t != nil {
				from = localMidnight(*t, pp.loc)
			}
		}
		dec, _ := flexString(h.QuyetDinh)
		p.TimeLimits = append(p.TimeLimits, TimeLimit{ValidFrom: from, Days: d, Decision: cleanText(dec)})
	}
	if len(p.TimeLimits) == 0 {
		// No history: the current limit is the only one known, for all time.
		p.TimeLimits = []TimeLimit{{ValidFrom: Epoch, Days: days}}
	}
	sort.SliceStable(p.TimeLimits, func(i, j int) bool { return p.TimeLimits[i].ValidFrom.Before(p.TimeLimits[j].ValidFrom) })
	p.HasFees = flexBool(r.CoPhiLePhi)
	p.OnlineLevel, _ = flexString(r.MucDoDVC)
	switch p.OnlineLevel = strings.ToLower(strings.TrimSpace(p.OnlineLevel)); p.OnlineLevel {
	case "toan_trinh", "mot_phan", "":
	default:
		return fail("MucDoDVC", r.MucDoDVC, `expected "toan_trinh", "mot_phan" or ""`, ErrMalformed)
	}
	p.ResultIsDocument = flexBool(r.KetQuaLaGiayTo)
	if hasValue(r.QuyetDinhCongBo) {
		var qd struct{ So, Ngay json.RawMessage }
		if err := json.Unmarshal(r.QuyetDinhCongBo, &qd); err != nil {
			return fail("QuyetDinhCongBo", r.QuyetDinhCongBo, "expected an object {So, Ngay}", ErrMalformed)
		}
		if f := nonScalar(namedValue{"QuyetDinhCongBo.So", qd.So}, namedValue{"QuyetDinhCongBo.Ngay", qd.Ngay}); f != "" {
			return fail(f, nil, errNotScalar, ErrMalformed)
		}
		p.DecisionNo, _ = flexString(qd.So)
		p.DecisionNo = cleanText(p.DecisionNo)
		if p.DecisionDate, err = pp.date(qd.Ngay); err != nil {
			return fail("QuyetDinhCongBo.Ngay", qd.Ngay, err.Error(), ErrBadDate)
		}
	}
	if p.LegalBasisDate, err = pp.date(r.NgayHieuLucCanCu); err != nil {
		return fail("NgayHieuLucCanCu", r.NgayHieuLucCanCu, err.Error(), ErrBadDate)
	}
	if p.PublicDate, err = pp.date(r.NgayCongKhai); err != nil {
		return fail("NgayCongKhai", r.NgayCongKhai, err.Error(), ErrBadDate)
	}
	p.ContentFull = flexBool(r.NoiDungDayDu)
	p.Group, _ = flexString(r.NhomLienThong)
	p.Group = strings.ToLower(strings.TrimSpace(p.Group))
	p.ECertifiedCopy = flexBool(r.ChungThucDienTu)
	return p, nil
}

func (pp *ProcedureParser) date(v json.RawMessage) (*time.Time, error) {
	if !hasValue(v) {
		return nil, nil
	}
	s, _ := flexString(v)
	t, err := ParseDate(s, pp.loc)
	if err != nil || t == nil {
		return nil, err
	}
	d := localMidnight(*t, pp.loc)
	return &d, nil
}

func localMidnight(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// flexString reads a JSON string or number as text; null/absent is "", and
// so is an object or array (never turned into text that a reason could
// quote; parsers reject them first with nonScalar).
func flexString(v json.RawMessage) (string, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" || v[0] == '{' || v[0] == '[' {
		return "", false
	}
	if v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", false
		}
		return s, true
	}
	return string(v), true
}

// flexNumber reads a JSON number or numeric string.
func flexNumber(v json.RawMessage) (float64, bool) {
	s, ok := flexString(v)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
	return f, err == nil
}

// flexBool reads true/false, 1/0 or "1"/"0"/"true"/"false"; anything else is false.
func flexBool(v json.RawMessage) bool {
	s, ok := flexString(v)
	if !ok {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "co", "có":
		return true
	}
	return false
}

// hasValue reports whether a raw JSON value is neither absent nor null.
func hasValue(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) > 0 && string(v) != "null"
}

// nonScalar returns the first field whose value is an object or an array
// where a text, number or date is expected, or "".
func nonScalar(fields ...namedValue) string {
	for _, f := range fields {
		if t := bytes.TrimSpace(f.v); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			return f.name
		}
	}
	return ""
}

type namedValue struct {
	name string
	v    json.RawMessage
}

// errNotScalar is the reason of a nonScalar field.
const errNotScalar = "expected a text, number or date, found an object or array"

// scalarValue is how a reason may quote a value: a scalar, clipped; an
// object or array is never quoted, since it may hold anything (personal data
// under any key) and a reason is stored unscrubbed.
func scalarValue(v json.RawMessage) string {
	t := bytes.TrimSpace(v)
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return ""
	}
	s, _ := flexString(t)
	return clipValue(s)
}

// clipValue shortens a value quoted in an error so a reason stays readable.
func clipValue(s string) string {
	const max = 120
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// Reject builds the reject of a catalogue entry, its raw record scrubbed
// like every source's (Scrub).
func (pp *ProcedureParser) Reject(stage string, raw []byte, err error) Reject {
	return NewReject("procedures", stage, []byte(pp.Scrub(raw)), err)
}
