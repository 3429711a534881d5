package transform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Data-quality flags set on Dossier.Flags. The record is kept; the flag keeps
// the oddity visible to the indicators and to analysts.
const (
	FlagChannelMissing          = "channel_missing"           // KenhThucHien null/absent: counted as direct (official rule)
	FlagNoReceivedDate          = "no_received_date"          // NgayTiepNhan null/absent
	FlagReceivedBeforeSubmitted = "received_before_submitted" // NgayTiepNhan more than 1 day before NgayNopHoSo
	FlagInvalidApplicantType    = "invalid_applicant_type"    // LoaiDoiTuong not 1..4: stored as 0
	FlagInvalidDigitized        = "invalid_digitized"         // HoSoCoThanhPhanSoHoa not 0/1: stored as false
	FlagInvalidVNeID            = "invalid_vneid"             // TaiKhoanDuocXacThucVoiVNeID not 0/1: stored as false
	FlagInvalidPaidOnline       = "invalid_paid_online"       // DuocThanhToanTrucTuyen not 0..2: stored as 0
	FlagInvalidRating           = "invalid_rating"            // DanhGiaHaiLong not 1..3: stored as 0
	FlagInvalidFee              = "invalid_fee"               // a Gia that is not a non-negative number: left out of FeeTotal
	FlagInvalidDocFlag          = "invalid_document_flag"     // a TaiLieuNop 0/1 field with another value: counted as 0
)

// receivedBeforeSubmittedTolerance absorbs clerks who back-date the receipt
// to the morning after a late-evening online submission and clock skew
// between the two systems; beyond it the dates contradict each other.
const receivedBeforeSubmittedTolerance = 24 * time.Hour

// NormalizerOptions configures a Normalizer. PII is required; the others
// default as documented.
type NormalizerOptions struct {
	Units    *Units           // nil: DefaultUnits()
	PII      *Pseudonymizer   // required: personal data is never stored in clear
	Location *time.Location   // zone of local dates; nil: HoChiMinh()
	Now      func() time.Time // clock for the future-date check; nil: time.Now
	Source   string           // Dossier.Source and Reject.Source; "": "dossiers"
	MaxAhead time.Duration    // how far after Now an event date may be; 0: 24h
	// Prehashed reads records from the archive (raw_pages), whose personal
	// fields the scrubber already replaced by their keyed hashes: a
	// personal value that is a hash is kept as it is instead of hashed
	// again, and a reject keeps the record as archived. Only a hash made
	// with the same key is the same hash a fresh read would store.
	Prehashed bool
}

// Normalizer turns portal dossiers into Dossier rows. Its configuration is
// immutable; it is safe for concurrent use (its caches lock).
//
// Rules:
//   - Required: MaHoSo (non-empty), MaTTHC (parseable, see
//     ParseProcedureCode), TrangThaiHoSo (1..10 or its name), NgayCapNhat, and
//     a unit that resolves on the resolution date (see Units.Resolve).
//   - The unit is resolved on NgayTiepNhan, else NgayNopHoSo, else
//     NgayCapNhat: the unit that received the dossier is the one it counts for,
//     even when a merger happened before the update.
//   - Every date must parse (ParseDate) or the record is rejected naming the
//     field; none is silently dropped. Years before 2000 are rejected.
//   - A due date (NgayHenTra, NgayHenTraMoi) given without a time of day
//     means the end of that day (23:59:59): the promise is the whole day.
//   - Event dates (everything except the due dates NgayHenTra and
//     NgayHenTraMoi, which are legitimately in the future) more than MaxAhead
//     after Now are rejected: they are typos or clock errors, and would
//     otherwise count as on-time forever.
//   - Kept with a flag: NgayTiepNhan more than 1 day before NgayNopHoSo
//     (received_before_submitted), KenhThucHien missing (channel_missing,
//     counted as direct), NgayTiepNhan missing (no_received_date), and
//     out-of-range optional enumerations (invalid_*; stored as 0/false).
//   - Text is trimmed and NFC; personal fields are replaced by keyed hashes,
//     and so is the free text of a step (NoiDungXuLy, KindText): clerks
//     write names and ID numbers into it.
type Normalizer struct {
	units    *Units
	pii      *Pseudonymizer
	loc      *time.Location
	now      func() time.Time
	source   string
	maxAhead time.Duration
	// prehashed: see NormalizerOptions.Prehashed.
	prehashed bool

	// Memoized per-value work and reusable buffers; they do not change
	// results (see normCache).
	cache   *normCache
	scratch *sync.Pool
	// slowDecode disables the fast decode (tests compare the two).
	slowDecode bool
}

// NewNormalizer checks opts and fills in the defaults.
func NewNormalizer(opts NormalizerOptions) (*Normalizer, error) {
	if opts.PII == nil {
		return nil, errors.New("transform: NormalizerOptions.PII is required (personal data must be hashed)")
	}
	n := &Normalizer{units: opts.Units, pii: opts.PII, loc: opts.Location, now: opts.Now, source: opts.Source, maxAhead: opts.MaxAhead,
		prehashed: opts.Prehashed, cache: &normCache{}, scratch: &sync.Pool{}}
	if n.units == nil {
		u, err := DefaultUnits()
		if err != nil {
			return nil, err
		}
		n.units = u
	}
	if n.loc == nil {
		n.loc = HoChiMinh()
	}
	if n.now == nil {
		n.now = time.Now
	}
	if n.source == "" {
		n.source = "dossiers"
	}
	if n.maxAhead <= 0 {
		n.maxAhead = 24 * time.Hour
	}
	return n, nil
}

// rawDossier mirrors portal-api.md §1. Scalars are RawMessage because real
// exports vary their JSON type (numbers as strings, dates as null, 0/1 as
// bools); each is read by a lenient helper that still rejects nonsense.
type rawDossier struct {
	MaHoSo                      json.RawMessage
	MaTTHC                      json.RawMessage
	TenTTHC                     json.RawMessage
	MaLinhVuc                   json.RawMessage
	MaDonViHanhChinh            json.RawMessage
	MaCoQuan                    json.RawMessage
	DonViXuLy                   json.RawMessage
	KenhThucHien                json.RawMessage
	LoaiDoiTuong                json.RawMessage
	ChuHoSo                     json.RawMessage
	SoDinhDanh                  json.RawMessage
	SoDienThoai                 json.RawMessage
	Email                       json.RawMessage
	MaDoiTuong                  json.RawMessage
	NgayNopHoSo                 json.RawMessage
	NgayTiepNhan                json.RawMessage
	NgayHenTra                  json.RawMessage
	NgayKetThucXuLy             json.RawMessage
	NgayTra                     json.RawMessage
	NgayTuChoi                  json.RawMessage
	TrangThaiHoSo               json.RawMessage
	HoSoCoThanhPhanSoHoa        json.RawMessage
	TaiKhoanDuocXacThucVoiVNeID json.RawMessage
	DuocThanhToanTrucTuyen      json.RawMessage
	DanhGiaHaiLong              json.RawMessage
	TaiLieuNop                  json.RawMessage
	DanhSachLePhi               json.RawMessage
	DanhSachGiayToKetQua        json.RawMessage
	DanhSachHoSoBoSung          json.RawMessage
	QuaTrinhXuLy                json.RawMessage
	DongBoDVCQG                 json.RawMessage
	NgayCapNhat                 json.RawMessage
}

type rawDocument struct {
	MaThanhPhanHoSo, TenTepDinhKem, DuongDanTaiTepTin           json.RawMessage
	DuocSoHoa, DuocTaiSuDung, DuocLayTuKhoDMQG, MaKetQuaThayThe json.RawMessage
}

type rawFee struct{ MaPhiLePhi, TenPhiLePhi, Gia json.RawMessage }

type rawResult struct{ MaGiayToKetQua, TenGiayTo, DuongDanTepTinKetQua json.RawMessage }

type rawSupplement struct{ NgayYeuCauBoSung, NgayTiepNhanBoSung, NgayHenTraMoi json.RawMessage }

type rawStep struct {
	ThoiDiemXuLy, TrangThai, PhongBanXuLy, NguoiXuLy, NoiDungXuLy, ThoiDiemDongBo json.RawMessage
}

type rawSync struct{ DaDongBo, ThoiDiemDongBo, MaLoi json.RawMessage }

// Dossier normalizes one portal dossier (one element of "data"). Errors are
// *RecordError wrapping the sentinel of the cause.
func (n *Normalizer) Dossier(raw []byte) (Dossier, error) {
	var r rawDossier
	sc := n.getScratch()
	defer n.putScratch(sc)
	if n.slowDecode || !decodeFastWith(bytes.TrimSpace(raw), &r, sc) {
		r, sc.have = rawDossier{}, 0
		if err := decodeObject(raw, &r); err != nil {
			return Dossier{}, &RecordError{Reason: err.Error(), Err: ErrMalformed}
		}
	}
	c := ctx{n: n}
	d := Dossier{Source: n.source}
	// The phases in order: each that can reject the record returns its
	// error; the later ones record theirs in c and are checked once.
	if err := n.identity(&c, &r, &d); err != nil {
		return Dossier{}, err
	}
	if err := n.dates(&c, &r, &d); err != nil {
		return Dossier{}, err
	}
	if err := n.procedure(&c, &r, &d); err != nil {
		return Dossier{}, err
	}
	if err := n.unit(&c, &r, &d); err != nil {
		return Dossier{}, err
	}
	n.personalData(&c, &r, &d)
	n.documents(&c, &r, sc, &d)
	n.history(&c, &r, sc, &d)
	n.syncState(&c, &r, &d)
	if c.err != nil {
		return Dossier{}, c.err
	}
	qualityFlags(&d)
	return d, nil
}

// identity reads MaHoSo, the key every later error names.
func (n *Normalizer) identity(c *ctx, r *rawDossier, d *Dossier) error {
	id, err := rawString(r.MaHoSo)
	if err != nil {
		return c.fail("MaHoSo", r.MaHoSo, err.Error(), ErrMalformed)
	}
	d.DossierID = cleanText(id)
	if d.DossierID == "" {
		return c.fail("MaHoSo", nil, "required, missing or empty; expected the dossier id, e.g. 000.21.37.H08-240716-0012", ErrMissingField)
	}
	c.key = d.DossierID
	return nil
}

// dates reads the dossier's dates; they come first because the unit is
// resolved on the received (else submitted, else updated) date.
func (n *Normalizer) dates(c *ctx, r *rawDossier, d *Dossier) error {
	upd := c.date("NgayCapNhat", r.NgayCapNhat, true)
	if c.err == nil && upd == nil {
		return c.fail("NgayCapNhat", nil, "required, missing; expected the last-change time, e.g. 20240716083000", ErrMissingField)
	}
	d.SubmittedAt = c.date("NgayNopHoSo", r.NgayNopHoSo, true)
	d.ReceivedAt = c.date("NgayTiepNhan", r.NgayTiepNhan, true)
	d.DueAt = c.date("NgayHenTra", r.NgayHenTra, false)
	d.FinishedAt = c.date("NgayKetThucXuLy", r.NgayKetThucXuLy, true)
	d.ReturnedAt = c.date("NgayTra", r.NgayTra, true)
	d.RefusedAt = c.date("NgayTuChoi", r.NgayTuChoi, true)
	if c.err != nil {
		return c.err
	}
	d.UpdatedAt = *upd
	return nil
}

// procedure reads the procedure code, the status and the channel.
func (n *Normalizer) procedure(c *ctx, r *rawDossier, d *Dossier) error {
	code, err := rawString(r.MaTTHC)
	if err != nil {
		return c.fail("MaTTHC", r.MaTTHC, err.Error(), ErrMalformed)
	}
	if strings.TrimFunc(code, isSpaceOrFormat) == "" {
		return c.fail("MaTTHC", nil, "required, missing or empty; "+codeExample, ErrMissingField)
	}
	pc, err := ParseProcedureCode(code)
	if err != nil {
		reason := err.Error()
		var ce *CodeError
		if errors.As(err, &ce) {
			reason = ce.Reason
		}
		return &RecordError{Key: c.key, Field: "MaTTHC", Value: clip(code), Reason: reason, Err: err}
	}
	d.ProcedureCode, d.ProcedureNationalCode = pc.Canonical(), pc.National

	st, err := rawString(r.TrangThaiHoSo)
	if err == nil {
		d.Status, err = ParseStatus(st)
	}
	if err != nil {
		if strings.TrimSpace(st) == "" && !present(r.TrangThaiHoSo) {
			return c.fail("TrangThaiHoSo", nil, "required, missing; expected 1..10", ErrMissingField)
		}
		return c.fail("TrangThaiHoSo", r.TrangThaiHoSo, strings.TrimPrefix(err.Error(), ErrStatus.Error()+": "), ErrStatus)
	}

	ch, err := rawString(r.KenhThucHien)
	if err == nil {
		d.Channel, d.ChannelMissing, err = ParseChannel(ch)
	}
	if err != nil {
		return c.fail("KenhThucHien", r.KenhThucHien, strings.TrimPrefix(err.Error(), ErrChannel.Error()+": "), ErrChannel)
	}
	d.ProcedureName = c.commonText(fieldName{leaf: "TenTTHC"}, r.TenTTHC)
	d.FieldCode = c.commonText(fieldName{leaf: "MaLinhVuc"}, r.MaLinhVuc)
	return nil
}

// unit resolves the handling unit valid on the received (else submitted,
// else updated) date.
func (n *Normalizer) unit(c *ctx, r *rawDossier, d *Dossier) error {
	gso, err1 := rawString(r.MaDonViHanhChinh)
	agency, err2 := rawString(r.MaCoQuan)
	uname, err3 := rawString(r.DonViXuLy)
	for _, e := range []struct {
		f   string
		v   json.RawMessage
		err error
	}{{"MaDonViHanhChinh", r.MaDonViHanhChinh, err1}, {"MaCoQuan", r.MaCoQuan, err2}, {"DonViXuLy", r.DonViXuLy, err3}} {
		if e.err != nil {
			return c.fail(e.f, e.v, e.err.Error(), ErrMalformed)
		}
	}
	on := d.UpdatedAt
	switch {
	case d.ReceivedAt != nil:
		on = *d.ReceivedAt
	case d.SubmittedAt != nil:
		on = *d.SubmittedAt
	}
	// "UBND xã Tam Quan, huyện Đức Phổ": the part after the first comma
	// names the parent, which tells apart communes that share a name.
	name, parent, _ := strings.Cut(uname, ",")
	unit, err := n.units.resolveIn(gso, agency, name, strings.TrimSpace(parent), on, n.unitNameKey)
	if err != nil {
		var ue *UnitError
		if errors.As(err, &ue) {
			return &RecordError{Key: c.key, Field: ue.Field, Value: clip(ue.Value), Reason: "on " + on.In(n.loc).Format(time.DateOnly) + ": " + ue.Reason, Err: err}
		}
		return &RecordError{Key: c.key, Field: FieldUnitCode, Reason: err.Error(), Err: err}
	}
	d.UnitCode, d.UnitName = unit.Code, unit.Name
	d.AgencyCode = cleanText(agency)
	return nil
}

// personalData hashes the personal fields, whatever JSON type they came
// as, and reads the applicant's flags.
func (n *Normalizer) personalData(c *ctx, r *rawDossier, d *Dossier) {
	d.OwnerHash = n.personal(KindName, r.ChuHoSo)
	d.IDHash = n.personal(KindID, r.SoDinhDanh)
	d.PhoneHash = n.personal(KindPhone, r.SoDienThoai)
	d.EmailHash = n.personal(KindEmail, r.Email)
	d.AccountHash = n.personal(KindAccount, r.MaDoiTuong)

	d.ApplicantType = c.enum(r.LoaiDoiTuong, 1, 4, &d.Flags, FlagInvalidApplicantType)
	d.HasDigitized = c.enum(r.HoSoCoThanhPhanSoHoa, 0, 1, &d.Flags, FlagInvalidDigitized) == 1
	d.VNeID = c.enum(r.TaiKhoanDuocXacThucVoiVNeID, 0, 1, &d.Flags, FlagInvalidVNeID) == 1
	d.PaidOnline = c.enum(r.DuocThanhToanTrucTuyen, 0, 2, &d.Flags, FlagInvalidPaidOnline)
	d.Rating = c.enum(r.DanhGiaHaiLong, 1, 3, &d.Flags, FlagInvalidRating)
}

// documents counts the submitted documents, the fees and the results.
func (n *Normalizer) documents(c *ctx, r *rawDossier, sc *scratch, d *Dossier) {
	decodeArray(c, "TaiLieuNop", r.TaiLieuNop, &sc.docs, sc.have&haveDocs != 0)
	var badDoc bool
	for i := range sc.docs {
		doc := &sc.docs[i]
		so := c.enum(doc.DuocSoHoa, 0, 1, nil, "") == 1
		reuse := c.enum(doc.DuocTaiSuDung, 0, 1, nil, "") == 1
		store := c.enum(doc.DuocLayTuKhoDMQG, 0, 1, nil, "") == 1
		badDoc = badDoc || !okFlag(doc.DuocSoHoa) || !okFlag(doc.DuocTaiSuDung) || !okFlag(doc.DuocLayTuKhoDMQG)
		replaced := c.hasText(fieldName{leaf: "TaiLieuNop.MaKetQuaThayThe"}, doc.MaKetQuaThayThe)
		d.DocCount = inc16(d.DocCount)
		if so {
			d.DocDigitized = inc16(d.DocDigitized)
		}
		if reuse || store || replaced {
			d.DocReused = inc16(d.DocReused)
		}
		if store {
			d.DocFromStore = inc16(d.DocFromStore)
		}
	}
	if badDoc {
		d.Flags = append(d.Flags, FlagInvalidDocFlag)
	}

	decodeArray(c, "DanhSachLePhi", r.DanhSachLePhi, &sc.fees, sc.have&haveFees != 0)
	var badFee bool
	for _, f := range sc.fees {
		d.FeeCount = inc16(d.FeeCount)
		g, ok := rawAmount(f.Gia)
		if !ok {
			badFee = true
			continue
		}
		d.FeeTotal += g
	}
	if badFee {
		d.Flags = append(d.Flags, FlagInvalidFee)
	}

	decodeArray(c, "DanhSachGiayToKetQua", r.DanhSachGiayToKetQua, &sc.results, sc.have&haveResults != 0)
	for _, res := range sc.results {
		d.ResultCount = inc16(d.ResultCount)
		if c.hasText(fieldName{leaf: "DanhSachGiayToKetQua.DuongDanTepTinKetQua"}, res.DuongDanTepTinKetQua) {
			d.ResultLinks = inc16(d.ResultLinks)
		}
	}
}

// history reads the supplement requests and the processing steps.
func (n *Normalizer) history(c *ctx, r *rawDossier, sc *scratch, d *Dossier) {
	if decodeArray(c, "DanhSachHoSoBoSung", r.DanhSachHoSoBoSung, &sc.sups, sc.have&haveSups != 0); len(sc.sups) > 0 {
		const arr = "DanhSachHoSoBoSung"
		d.Supplements = make([]Supplement, len(sc.sups))
		for i := range sc.sups {
			s := &sc.sups[i]
			d.Supplements[i] = Supplement{
				RequestedAt: c.dateF(fieldName{arr, i, "NgayYeuCauBoSung"}, s.NgayYeuCauBoSung, true),
				ReceivedAt:  c.dateF(fieldName{arr, i, "NgayTiepNhanBoSung"}, s.NgayTiepNhanBoSung, true),
				NewDueAt:    c.dateF(fieldName{arr, i, "NgayHenTraMoi"}, s.NgayHenTraMoi, false),
			}
		}
	}

	decodeArray(c, "QuaTrinhXuLy", r.QuaTrinhXuLy, &sc.steps, sc.have&haveSteps != 0)
	if len(sc.steps) > 0 {
		const arr = "QuaTrinhXuLy"
		d.Steps = make([]Step, len(sc.steps))
		for i := range sc.steps {
			s := &sc.steps[i]
			status, code := c.stepStatus(fieldName{arr, i, "TrangThai"}, s.TrangThai)
			d.Steps[i] = Step{
				Index:      uint16(min(i, math.MaxUint16)),
				At:         c.dateF(fieldName{arr, i, "ThoiDiemXuLy"}, s.ThoiDiemXuLy, true),
				Status:     status,
				StatusCode: code,
				Department: c.commonText(fieldName{arr, i, "PhongBanXuLy"}, s.PhongBanXuLy),
				Handler:    n.staff(s.NguoiXuLy),
				Content:    n.stepContent(s.NoiDungXuLy),
				SyncedAt:   c.dateF(fieldName{arr, i, "ThoiDiemDongBo"}, s.ThoiDiemDongBo, true),
			}
		}
	}
}

// syncState reads DongBoDVCQG, the dossier's sync to the national portal.
func (n *Normalizer) syncState(c *ctx, r *rawDossier, d *Dossier) {
	if !present(r.DongBoDVCQG) {
		return
	}
	var s rawSync
	if err := n.decodeSync(r.DongBoDVCQG, &s); err != nil {
		c.setErr("DongBoDVCQG", r.DongBoDVCQG, "expected an object {DaDongBo, ThoiDiemDongBo, MaLoi}", ErrMalformed)
		return
	}
	d.Synced = c.enum(s.DaDongBo, 0, 1, nil, "") == 1
	d.SyncedAt = c.date("DongBoDVCQG.ThoiDiemDongBo", s.ThoiDiemDongBo, true)
	d.SyncError = c.text("DongBoDVCQG.MaLoi", s.MaLoi)
}

// qualityFlags adds the data-quality flags that depend on several fields.
func qualityFlags(d *Dossier) {
	if d.ReceivedAt == nil {
		d.Flags = append(d.Flags, FlagNoReceivedDate)
	} else if d.SubmittedAt != nil && d.ReceivedAt.Before(d.SubmittedAt.Add(-receivedBeforeSubmittedTolerance)) {
		d.Flags = append(d.Flags, FlagReceivedBeforeSubmitted)
	}
	if d.ChannelMissing {
		d.Flags = append(d.Flags, FlagChannelMissing)
	}
}

// personal hashes a personal field whatever its JSON type. It never fails:
// an error would have to quote the value, and personal data must not reach a
// reject reason.
func (n *Normalizer) personal(kind string, v json.RawMessage) string {
	if !present(v) {
		return ""
	}
	s, err := rawString(v)
	if err != nil {
		s = string(bytes.TrimSpace(v))
	}
	if n.prehashed && IsHash(s) {
		return s
	}
	return n.pii.Hash(kind, s)
}

// ctx carries the first error of a record so the many optional fields can be
// read without an if after each; the first fault is the one reported.
type ctx struct {
	n      *Normalizer
	key    string
	err    *RecordError
	now    time.Time // the clock, read once per record
	hasNow bool
}

// fieldName names a field for errors; it is only turned into a string when
// a record fails, so the per-step names cost nothing on the good path.
type fieldName struct {
	arr  string // "QuaTrinhXuLy" for QuaTrinhXuLy[idx].leaf; "" for leaf alone
	idx  int
	leaf string
}

func (f fieldName) String() string {
	if f.arr == "" {
		return f.leaf
	}
	return f.arr + "[" + strconv.Itoa(f.idx) + "]." + f.leaf
}

// fail quotes scalar values only: an object or array could hold personal
// data nested under any key, and the reason is stored unscrubbed.
func (c *ctx) fail(field string, v json.RawMessage, reason string, sentinel error) *RecordError {
	val, err := rawString(v)
	if err != nil {
		val = ""
	}
	return &RecordError{Key: c.key, Field: field, Value: clip(val), Reason: reason, Err: sentinel}
}

func (c *ctx) setErr(field string, v json.RawMessage, reason string, sentinel error) {
	if c.err == nil {
		c.err = c.fail(field, v, reason, sentinel)
	}
}

// date reads a date field; event dates are checked against the clock.
func (c *ctx) date(field string, v json.RawMessage, event bool) *time.Time {
	return c.dateF(fieldName{leaf: field}, v, event)
}

func (c *ctx) dateF(f fieldName, v json.RawMessage, event bool) *time.Time {
	if !present(v) {
		return nil
	}
	s, err := rawString(v)
	if err != nil {
		c.setErr(f.String(), v, err.Error()+"; accepted: "+AcceptedDateFormats, ErrBadDate)
		return nil
	}
	t, err := ParseDate(s, c.n.loc)
	if err != nil {
		reason := err.Error()
		var de *DateError
		if errors.As(err, &de) {
			reason = de.Reason
		}
		if c.err == nil {
			c.err = &RecordError{Key: c.key, Field: f.String(), Value: clip(s), Reason: reason, Err: err}
		}
		return nil
	}
	if t != nil && !event && IsDateOnly(s) {
		// A due date printed without a time ("05/04/2024") promises the
		// whole day: the dossier is due by the end of it, not at midnight.
		end := t.Add(24*time.Hour - time.Second)
		t = &end
	}
	if t != nil && event {
		if !c.hasNow {
			c.now, c.hasNow = c.n.now(), true
		}
		now := c.now
		if t.After(now.Add(c.n.maxAhead)) {
			c.setErr(f.String(), v, fmt.Sprintf("is %s after now (%s); an event cannot be in the future (tolerance %s)",
				t.Sub(now).Round(time.Minute), now.In(c.n.loc).Format(time.DateTime), c.n.maxAhead), ErrBadDate)
			return nil
		}
	}
	return t
}

// text reads a free-text field (string or number) as trimmed NFC.
func (c *ctx) text(field string, v json.RawMessage) string {
	s, err := rawString(v)
	if err != nil {
		c.setErr(field, v, err.Error(), ErrMalformed)
		return ""
	}
	return cleanText(s)
}

// enum reads an optional small integer in [lo, hi]; other values yield 0 and
// add flag (when flags is not nil) instead of rejecting the dossier, because
// these fields only refine indicators and the flag keeps the fault visible.
func (c *ctx) enum(v json.RawMessage, lo, hi int, flags *[]string, flag string) uint8 {
	if !present(v) {
		return 0
	}
	n, ok := rawInt(v)
	if !ok || n < int64(lo) || n > int64(hi) {
		if flags != nil {
			*flags = append(*flags, flag)
		}
		return 0
	}
	return uint8(n)
}

// array decodes an optional array field; "" and null are empty.
func (c *ctx) array(field string, v json.RawMessage, out any) {
	if !present(v) {
		return
	}
	if s := bytes.TrimSpace(v); len(s) == 0 || s[0] != '[' {
		c.setErr(field, v, "expected an array", ErrMalformed)
		return
	}
	if err := json.Unmarshal(v, out); err != nil {
		c.setErr(field, nil, "expected an array of objects: "+err.Error(), ErrMalformed)
	}
}

func okFlag(v json.RawMessage) bool {
	if !present(v) {
		return true
	}
	n, ok := rawInt(v)
	return ok && (n == 0 || n == 1)
}

func inc16(n uint16) uint16 {
	if n == math.MaxUint16 {
		return n
	}
	return n + 1
}

// decodeObject decodes a JSON object; anything else (array, string, invalid
// JSON) is an error.
func decodeObject(raw []byte, out any) error {
	s := bytes.TrimSpace(raw)
	if len(s) == 0 || s[0] != '{' {
		if !json.Valid(s) {
			return errors.New("not valid JSON")
		}
		return errors.New("not a JSON object")
	}
	if err := json.Unmarshal(s, out); err != nil {
		return fmt.Errorf("not a valid JSON object: %v", err)
	}
	return nil
}

// present reports whether a field has a value: absent, null and "" do not.
func present(v json.RawMessage) bool {
	s := bytes.TrimSpace(v)
	return len(s) != 0 && !bytes.Equal(s, []byte("null")) && !bytes.Equal(s, []byte(`""`))
}

// rawString reads a scalar as text: strings as is, numbers as written,
// null/absent as "". Objects, arrays and bools are errors.
func rawString(v json.RawMessage) (string, error) {
	s := bytes.TrimSpace(v)
	if len(s) == 0 || bytes.Equal(s, []byte("null")) {
		return "", nil
	}
	switch s[0] {
	case '"':
		// The outer decode already validated s; without escapes the content
		// is the text itself (invalid UTF-8 replaced as encoding/json would),
		// which avoids a second full JSON decode per field.
		if len(s) >= 2 && s[len(s)-1] == '"' && bytes.IndexByte(s, '\\') < 0 {
			return strings.ToValidUTF8(string(s[1:len(s)-1]), "\uFFFD"), nil
		}
		var out string
		if err := json.Unmarshal(s, &out); err != nil {
			return "", err
		}
		return out, nil
	case '{', '[':
		return "", errors.New("expected a text or number, found an object or array")
	case 't', 'f':
		return "", errors.New("expected a text or number, found true/false")
	}
	return string(s), nil
}

// rawInt reads an integer given as a number, a numeric string or a bool.
func rawInt(v json.RawMessage) (int64, bool) {
	s := bytes.TrimSpace(v)
	switch {
	case bytes.Equal(s, []byte("true")):
		return 1, true
	case bytes.Equal(s, []byte("false")):
		return 0, true
	}
	str, err := rawString(v)
	if err != nil {
		return 0, false
	}
	str = strings.TrimSpace(str)
	switch strings.ToLower(str) {
	case "true":
		return 1, true
	case "false":
		return 0, true
	}
	f, err := strconv.ParseFloat(str, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0, false
	}
	return int64(f), true
}

// rawAmount reads a VND amount: a non-negative number or numeric string.
func rawAmount(v json.RawMessage) (float64, bool) {
	if !present(v) {
		return 0, true
	}
	s, err := rawString(v)
	if err != nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// clip keeps error values short enough to read, cutting on a rune boundary.
func clip(s string) string {
	const max = 120
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// Reject builds the Reject of a record that failed at stage. RecordKey is
// MaHoSo when it can be read; Field and Reason come from a *RecordError when
// err holds one; Raw is the record with personal data hashed (ScrubJSON).
func (n *Normalizer) Reject(stage string, raw []byte, err error) Reject {
	scrubbed := raw // archived: scrubbed when it was read
	if !n.prehashed {
		scrubbed = n.pii.ScrubJSON(raw)
	}
	rj := NewReject(n.source, stage, scrubbed, err)
	if rj.RecordKey == "" {
		var k struct{ MaHoSo json.RawMessage }
		if json.Unmarshal(raw, &k) == nil {
			if s, e := rawString(k.MaHoSo); e == nil {
				rj.RecordKey = cleanText(s)
			}
		}
	}
	return rj
}
