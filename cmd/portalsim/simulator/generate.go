package simulator

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Date layouts found in real exports.
const (
	layCompact = "20060102150405"
	layVN      = "02/01/2006 15:04:05"
	layVNDate  = "02/01/2006"
)

// The portal fields a deliberately invalid record breaks (one per record).
const (
	badMaTTHC        = "MaTTHC"
	badDonViXuLy     = "DonViXuLy"
	badNgayTiepNhan  = "NgayTiepNhan"
	badTrangThaiHoSo = "TrangThaiHoSo"
	badMaHoSo        = "MaHoSo"
)

var invalidFields = []string{badMaTTHC, badDonViXuLy, badNgayTiepNhan, badTrangThaiHoSo, badMaHoSo}

// Name used for the "unit that exists nowhere" defect.
const nowhereUnit = "UBND xã Không Tồn Tại"

// statusWeights: TrangThaiHoSo 1..10, per mille-ish weights.
var statusCum = func() []int {
	w := []int{1, 2, 2, 8, 3, 1, 1, 2, 20, 60} // statuses 1..10, sums to 100
	c := make([]int, len(w))
	s := 0
	for k, x := range w {
		s += x
		c[k] = s
	}
	return c
}()

func pickCum(r *rand.Rand, cum []int) int {
	x := r.IntN(cum[len(cum)-1])
	for k, c := range cum {
		if x < c {
			return k
		}
	}
	return len(cum) - 1
}

// genState holds a reusable PRNG; one per goroutine.
type genState struct {
	pcg rand.PCG
	r   *rand.Rand
}

func (g *genState) seed(seed int64, i int) *rand.Rand {
	if g.r == nil {
		g.r = rand.New(&g.pcg)
	}
	g.pcg.Seed(uint64(seed), splitmix(uint64(i)))
	return g.r
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func sec(n int) time.Duration { return time.Duration(n) * time.Second }

// fmtDate prints t in one of the formats of real exports.
func fmtDate(r *rand.Rand, t time.Time, dateOnlyOK bool) ostr {
	t = t.In(Location)
	switch x := r.IntN(100); {
	case x < 80:
		return str(t.Format(layCompact))
	case x < 88:
		return str(t.Format(layVN))
	case x < 95:
		return str(t.Format(time.RFC3339))
	default:
		if dateOnlyOK {
			return str(t.Format(layVNDate))
		}
		return str(t.Format(layCompact))
	}
}

// emptyish is how a missing optional value shows up: left out, null or "".
func emptyish(r *rand.Rand) ostr {
	switch x := r.IntN(100); {
	case x < 55:
		return ostr{}
	case x < 80:
		return ostr{k: null}
	default:
		return str("")
	}
}

func emptyInt(r *rand.Rand) oint {
	if r.IntN(2) == 0 {
		return oint{}
	}
	return oint{k: null}
}

func emptyArr(r *rand.Rand) uint8 {
	if r.IntN(3) == 0 {
		return null
	}
	return absent
}

// messyCode prints a national procedure code N.NNNNNN the ways officials do.
func messyCode(r *rand.Rand, nat string) string {
	canonical := nat + ".000.00.00.H08"
	switch x := r.IntN(100); {
	case x < 40:
		return canonical
	case x < 55:
		return nat
	case x < 65:
		return nat + ".H08"
	case x < 77: // as printed in the seed report
		return nat[:6] + " " + nat[6:] + ".000. 00.00.H 08"
	case x < 85:
		return strings.Replace(nat, ".", ",", 1) + ".000.00.00.h08"
	case x < 90: // printed, with non-breaking spaces
		return nat[:6] + "\u00a0" + nat[6:] + ".000.\u00a000.00.H\u00a008"
	case x < 95: // wrapped in a cell
		if r.IntN(2) == 0 {
			return nat + ".000.00.\n00.H08"
		}
		return nat + "\r\n.000.00.00.H08"
	default:
		return "  " + canonical + " "
	}
}

func typeWords(typ string) (word, abbr string) {
	switch typ {
	case "xa":
		return "xã", "X."
	case "thi_xa":
		return "thị xã", "TX."
	case "thi_tran":
		return "thị trấn", "TT."
	case "huyen":
		return "huyện", "H."
	case "quan":
		return "quận", "Q."
	case "thanh_pho":
		return "thành phố", "TP."
	default:
		return "phường", "P."
	}
}

// exactSpelling is a full, official spelling of the unit's name.
func exactSpelling(r *rand.Rand, u *unit) string {
	w, _ := typeWords(u.typ)
	if r.IntN(100) < 70 {
		return "UBND " + w + " " + u.name
	}
	return "Ủy ban nhân dân " + w + " " + u.name
}

// unitSpelling is one of the many spellings of DonViXuLy.
func unitSpelling(r *rand.Rand, u *unit) string {
	w, a := typeWords(u.typ)
	switch x := r.IntN(100); {
	case x < 35:
		return "UBND " + w + " " + u.name
	case x < 50:
		return "UBND " + a + " " + u.name
	case x < 60:
		return a + " " + u.name
	case x < 70:
		if u.isDistrict() {
			return strings.ToUpper(w[:1]) + w[1:] + " " + u.name
		}
		return u.name
	case x < 85:
		return "Ủy ban nhân dân " + w + " " + u.name
	case x < 90:
		return "UBND " + strings.ToUpper(w[:1]) + w[1:] + " " + u.name
	default:
		if r.IntN(2) == 0 {
			return strings.ToUpper("UBND " + w + " " + u.name)
		}
		return strings.ToUpper(a + " " + u.name)
	}
}

// pickCumF maps a uniform x in [0, 1) to an index of the cumulative
// weights cum.
func pickCumF(x float64, cum []int) int {
	v := int(x * float64(cum[len(cum)-1]))
	for k, c := range cum {
		if v < c {
			return k
		}
	}
	return len(cum) - 1
}

func (s *Simulator) pickProc(r *rand.Rand, district bool) *procedure {
	w := &s.wardP
	if district {
		w = &s.distP
	}
	return w.items[pickCum(r, w.cum)]
}

func pad4(n int) string {
	v := strconv.Itoa(n)
	if len(v) < 4 {
		v = strings.Repeat("0", 4-len(v)) + v
	}
	return v
}

// Kinds of processing events.
const (
	evSubmit = iota
	evReceive
	evProcess
	evSupplement
	evDone
	evReturn
	evFinancial
	evWithdraw
	evStop
	evRefuse
)

type event struct {
	t    time.Time
	kind int
	nth  int // index among evProcess events
}

const portalBase = "https://dichvucong.binhdinh.gov.vn"

// Scenario constants (see the README's data rules).
const (
	// agedAfter: a dossier last updated longer than this before To has
	// usually left the unfinished statuses 2, 4, 5 and 6 (85% of them end
	// processed or returned); the rest are stuck dossiers, mostly past due.
	agedAfter = 30 * 24 * time.Hour
	// darkUnit records no dossier received in its dark months (its one-stop
	// software was down) and reports 0 to BCQG then.
	darkUnit = "21652"
	// maxDossierSpan bounds NgayCapNhat − NgayTiepNhan of every dossier.
	maxDossierSpan = 60 * 24 * time.Hour
)

// noECertWards never handle the e-certified-copy procedure: their copies are
// certified on paper (procedure 2.000815 instead).
var noECertWards = map[string]bool{"21646": true, "21682": true}

// darkMonth reports whether the month of t is one of darkUnit's dark months.
func darkMonth(t time.Time) bool {
	t = t.In(Location)
	return (t.Year()*12+int(t.Month()))%5 == 2
}

// stepFact is one processing step as the portal holds it.
type stepFact struct {
	t, sync time.Time // ThoiDiemXuLy, ThoiDiemDongBo (zero = never)
	kind    int
}

// supFact is one supplement request: asked, and supplied (zero = pending).
type supFact struct{ req, recv time.Time }

// facts are the portal's own values of one dossier: what it serves, read
// without the printing mess, and the true value of a deliberately invalid
// field. The official scores are computed from them.
type facts struct {
	id                string
	u                 *unit
	proc              *procedure
	status            int
	ch                int // KenhThucHien; 0 = null (direct)
	received          bool
	R, H, F, T, Ref   time.Time // received, due, processed, returned, refused (zero = not set)
	dueServed         bool      // NgayHenTra is served
	steps             [12]stepFact
	nSteps            int // served steps
	sups              [2]supFact
	nSups             int
	daDongBo          bool
	digitized, reused bool
	store, vneid      bool
	paid              bool
	feeData, feesZero bool // fee list served; all of its Gia are 0
	resultLink        bool
	rating            int
}

// generate fills d with dossier i in its final state and, when t (f) is not
// nil, its ground truth (its portal facts). Everything comes from one PRNG
// stream seeded by (Seed, i), consumed in a fixed order: the phases below
// run in this order, each drawing in a fixed order, and changing either
// changes the data set (TestGeneratedExportChecksum pins it).
func (s *Simulator) generate(g *genState, i int, d *dossier, t *Truth, f *facts) {
	s.generateAt(g, i, time.Time{}, d, t, f)
}

// generateAt is generate as the portal holds dossier i at the moment at
// (asof.go): the full record is generated first (the same draws), then cut
// at at when its final NgayCapNhat is after at. A zero at is the final
// state. It returns the served NgayCapNhat, and ok false (d and t then
// undefined) when the dossier does not exist yet at at. f always gets the
// final facts.
func (s *Simulator) generateAt(g *genState, i int, at time.Time, d *dossier, t *Truth, f *facts) (updated time.Time, ok bool) {
	c := genCtx{s: s, r: g.seed(s.opts.Seed, i), cal: s.cal, i: i, d: d}
	d.reset()
	c.U = s.updatedAt(i)
	c.updated = c.U
	d.NgayCapNhat = c.U.Format(layCompact)

	// The timeline: status, dates, procedure and unit.
	c.drawStatus()
	c.drawLastEvent()
	c.drawTimeline()
	c.drawChannel()
	c.drawUnit()
	c.drawDue()

	// The served fields, then the processing steps and their sync.
	c.serveIdentity()
	c.serveUnit()
	c.serveApplicant()
	c.servePersonal()
	c.serveDates()
	c.serveDocuments()
	c.serveFees()
	c.serveResults()
	c.drawEvents()
	c.serveSync()

	if f != nil {
		c.fillFacts(f)
	}
	if !at.IsZero() && at.Before(c.U) && !c.cutAt(at) {
		return time.Time{}, false
	}
	c.pii = s.extraPII(i, d, c.pii)
	c.pii = s.schemaDrift(i, c.updated, d, c.pii)
	if t != nil {
		c.fillTruth(t)
	}
	return c.updated, true
}

// genCtx is what the phases of generate pass on to each other for one
// dossier: the PRNG stream, the drawn timeline and unit, and what the facts
// and the truth are made of. It lives for one call of generate.
type genCtx struct {
	s   *Simulator
	r   *rand.Rand
	cal calendar
	i   int
	d   *dossier
	U   time.Time // final NgayCapNhat
	// updated is NgayCapNhat as served: U, or the moment of the latest
	// change up to the replay moment once cutAt has cut the record.
	updated time.Time

	invalid  string // the portal field made invalid ("" = none)
	nfd      bool   // names are served in NFD
	status   int    // TrangThaiHoSo (the intended one when it is the defect)
	received bool   // the dossier was received (status not 1 or 3)
	ch       int    // KenhThucHien; 0 = null (direct)

	uDraw      float64       // which ward (weighted), in the era of B
	stepLag    bool          // returned on time, closed late in the software
	lateSync   bool          // a dossier of Options.LateSyncUnit
	lag        time.Duration // from the last event to NgayCapNhat
	lastSynced bool          // the last step reached the national portal

	district bool
	proc     *procedure
	limit    int // processing limit in working days
	u        *unit
	id       string // MaHoSo as served

	// L: last event; S, R, F, T, Ref: submitted, received, processed,
	// returned, refused; H: due; B: the base date (R, else S). Zero = not set.
	L, S, R, F, T, Ref, H, B time.Time

	// Which of NgayNopHoSo, NgayTiepNhan, NgayHenTra, NgayKetThucXuLy and
	// NgayTra are served as valid dates (the Truth pointers).
	subServed, recServed, dueServed, finServed, retServed bool

	pii   []string
	evs   [12]event // processing events in time order
	ne    int
	nProc int // evProcess events among evs
	sups  [2]supFact
	nSups int
	syncs [12]time.Time // ThoiDiemDongBo of each event (zero = null)
	// dossierSync is the moment DongBoDVCQG records (its ThoiDiemDongBo)
	// when syncKind is syncDone or syncError; zero otherwise.
	syncKind    int
	dossierSync time.Time
}

// tx is how a name is served: in NFD for the dossiers drawn so, else as is.
func (c *genCtx) tx(x string) string {
	if c.nfd {
		return norm.NFD.String(x)
	}
	return x
}

// addPII records v ("" and repeats skipped) as a personal value of the
// record.
func (c *genCtx) addPII(v string) {
	if v == "" || slices.Contains(c.pii, v) {
		return
	}
	c.pii = append(c.pii, v)
}

// drawStatus draws the deliberate defect, the NFD flag and the status (an
// unfinished dossier aged past agedAfter mostly ends processed or returned),
// then the early draws later phases need: the ward, the late-sync roll and
// the step lag. The late-sync ward is guessed from the era of NgayCapNhat;
// drawUnit confirms it once the unit is drawn.
func (c *genCtx) drawStatus() {
	r, opts := c.r, &c.s.opts
	if r.IntN(1000) < 10 {
		c.invalid = invalidFields[r.IntN(len(invalidFields))]
	}
	c.nfd = r.IntN(100) < 10
	c.status = pickCum(r, statusCum) + 1
	if c.invalid == badNgayTiepNhan && (c.status == 1 || c.status == 3) {
		c.status = 10
	}
	switch c.status {
	case 2, 4, 5, 6:
		if opts.To.Sub(c.U) > agedAfter {
			switch x := r.IntN(100); {
			case x < 64:
				c.status = 10
			case x < 85:
				c.status = 9
			}
		}
	}
	c.uDraw = r.Float64()
	lateRoll := r.IntN(100)                       // the late-sync ward's dossiers: < 85 synced late
	c.stepLag = r.IntN(100) < 4 && c.status == 10 // returned on time, closed late in the software
	if opts.LateSyncUnit != "" && lateRoll < 85 {
		e := c.s.rd.eraAt(midnight(c.U))
		c.lateSync = e.wards[pickCumF(c.uDraw, e.cumW)].code == opts.LateSyncUnit
	}
}

// drawLastEvent draws lag, how long before NgayCapNhat the last event
// happened (also how late it reached the national portal; 2–5 days for a
// late-sync dossier), sets L to a working moment before that, and draws the
// procedure (district level for 3% where the era has a district) and its
// limit on L.
func (c *genCtx) drawLastEvent() {
	r := c.r
	c.lastSynced = true
	switch x := r.IntN(100); {
	case x < 94:
		c.lag = sec(120 + r.IntN(4*3600-120))
	case x < 98:
		c.lag = sec(86400 + r.IntN(4*86400))
	default:
		c.lag = sec(r.IntN(7200))
		c.lastSynced = false
	}
	if c.lateSync {
		c.lag, c.lastSynced = sec(2*86400+r.IntN(3*86400)), true
	}
	c.L = c.cal.workMomentBefore(r, c.U.Add(-c.lag))

	e := c.s.rd.eraAt(midnight(c.L))
	c.district = e.district != nil && r.IntN(100) < 3
	c.proc = c.s.pickProc(r, c.district)
	c.limit = c.proc.limitOn(c.L)
}

// back returns a working moment dd working days before from (same day and
// not after from when dd is 0).
func (c *genCtx) back(from time.Time, dd int) time.Time {
	day := midnight(from)
	if dd == 0 {
		return randIn(c.r, day, workStart, from.Sub(day))
	}
	return randIn(c.r, midnight(c.cal.subWorkDays(from, dd)), workStart, workEnd)
}

// finishDays draws how many working days processing took: fewer than the
// limit (on time) for 92%, more (late) for the rest.
func (c *genCtx) finishDays() int {
	if c.r.IntN(100) < 92 {
		return c.r.IntN(max(c.limit, 1))
	}
	return c.limit + 1 + c.r.IntN(3) // late
}

// drawTimeline draws, back from the last event L, the dates the status
// implies: received R, processed F, returned T, refused Ref, and S for a
// dossier submitted online and never received.
func (c *genCtx) drawTimeline() {
	r, L := c.r, c.L
	c.received = true
	switch c.status {
	case 10:
		if c.stepLag {
			// Result returned on time (drawDue sets T once the due date is
			// known); processing closed in the software after the due date.
			c.F = L
			c.R = c.back(c.F, c.limit+1+r.IntN(3))
			break
		}
		c.T = L
		if r.IntN(100) < 70 {
			c.F = c.back(c.T, 0)
		} else {
			c.F = c.back(c.T, 1+r.IntN(2))
		}
		c.R = c.back(c.F, c.finishDays())
	case 9:
		c.F = L
		c.R = c.back(c.F, c.finishDays())
	case 4:
		c.R = c.back(L, r.IntN(c.limit+4))
	case 5, 6, 7:
		c.R = c.back(L, r.IntN(c.limit+2))
	case 8:
		c.F = L
		c.R = c.back(L, r.IntN(c.limit+2))
	case 2:
		c.R = L
	case 1:
		c.S = c.U.Add(-c.lag) // online, any hour
		c.L = c.S
		c.received = false
	case 3:
		c.Ref = L
		c.received = false
	}
}

// drawChannel draws KenhThucHien (online for status 1) and, for a dossier
// that reached the office, its submission S before reception or refusal.
func (c *genCtx) drawChannel() {
	r := c.r
	switch x := r.IntN(100); {
	case x < 45:
		c.ch = 1
	case x < 94:
		c.ch = 2
	case x < 97:
		c.ch = 3
	}
	if c.status == 1 {
		c.ch = 2
		return
	}
	anchor := c.R
	if c.status == 3 {
		anchor = c.Ref
	}
	switch c.ch {
	case 2:
		c.S = anchor.Add(-sec(600 + r.IntN(3*86400)))
	case 3:
		c.S = anchor.Add(-sec(86400 + r.IntN(86400)))
	default:
		c.S = anchor.Add(-sec(r.IntN(900)))
	}
}

// drawUnit sets the base date B and draws the handling unit valid on it:
// the district (when it still exists, else a ward procedure in a ward), or
// a ward. It confirms lateSync and moves e-certified copies of the wards
// that certify on paper to the paper procedure.
func (c *genCtx) drawUnit() {
	s := c.s
	c.B = c.S
	if c.received {
		c.B = c.R
	}
	e := s.rd.eraAt(midnight(c.B))
	if c.district && e.district == nil {
		c.district = false
		if !c.proc.ward {
			c.proc = s.pickProc(c.r, false)
		}
	}
	if c.district {
		c.u = e.district
	} else {
		c.u = c.pickWard(e)
	}
	c.lateSync = c.lateSync && c.u.code == s.opts.LateSyncUnit
	if eCertifiedCopies[c.proc.national] && noECertWards[c.u.code] {
		c.proc = s.rd.procByNat["2.000815"]
	}
}

// pickWard is the ward of era e that uDraw picks, drawn again (8 times at
// most, then the next ward) while it is darkUnit in a dark month of B.
func (c *genCtx) pickWard(e *era) *unit {
	k := pickCumF(c.uDraw, e.cumW)
	for tries := 0; e.wards[k].code == darkUnit && darkMonth(c.B); tries++ {
		if tries < 8 {
			k = pickCumF(c.r.Float64(), e.cumW)
		} else {
			k = (k + 1) % len(e.wards)
		}
	}
	return e.wards[k]
}

// drawDue sets the due date H of a received dossier (the limit on R) and,
// for a step-lag dossier, draws its on-time return T; stepLag stays set
// only when processing did close after H.
func (c *genCtx) drawDue() {
	if c.received {
		c.limit = c.proc.limitOn(c.R)
		c.H = c.cal.dueDate(c.R, c.limit)
	}
	if !c.stepLag {
		return
	}
	end := c.H
	if c.F.Before(end) {
		end = c.F
	}
	c.T = c.cal.workPoints(c.r, c.R, end, 1)[0]
	c.stepLag = c.F.After(c.H)
}

func byChannel(ch int, direct, online, postal string) string {
	switch ch {
	case 2:
		return online
	case 3:
		return postal
	}
	return direct
}

var syncErrors = []string{"E_MATTHC_KHONG_TON_TAI", "E_TRUNG_MA_HO_SO", "E_THIEU_TRUONG_BAT_BUOC", "E_HET_THOI_GIAN_CHO"}

// step renders one processing step (times are set by the caller).
func (s *Simulator) step(r *rand.Rand, u *unit, p *procedure, ch int, ev event, nProc, status int, tx func(string) string) buoc {
	reception, specialistDept := "Bộ phận Tiếp nhận và Trả kết quả", "Công chức Tư pháp - Hộ tịch"
	leaderDept := "Lãnh đạo UBND"
	specialist := u.staff.specialist
	switch p.fieldCode {
	case fNCC, fBTXH:
		specialistDept, specialist = "Công chức Văn hóa - Xã hội", u.staff.social
	case fTC, fKD:
		specialistDept = "Văn phòng - Thống kê"
	}
	if u.isDistrict() {
		reception, leaderDept = "Bộ phận Một cửa thị xã", "Lãnh đạo UBND thị xã"
		switch p.fieldCode {
		case fTC:
			specialistDept = "Phòng Nội vụ"
		case fKD:
			specialistDept = "Phòng Tài chính - Kế hoạch"
		case fNCC, fBTXH:
			specialistDept = "Phòng Lao động - Thương binh và Xã hội"
		default:
			specialistDept = "Phòng Tư pháp"
		}
	}
	var b buoc
	switch ev.kind {
	case evSubmit:
		b.trangThai, b.phongBan, b.nguoi = "Mới đăng ký", "Cổng dịch vụ công", ""
		b.noiDung = byChannel(ch, "Công dân nộp hồ sơ trực tiếp", "Công dân nộp hồ sơ trực tuyến", "Hồ sơ gửi qua dịch vụ bưu chính")
	case evReceive:
		b.trangThai, b.phongBan, b.nguoi = "Tiếp nhận", reception, u.staff.reception
		b.noiDung = byChannel(ch, "Tiếp nhận hồ sơ trực tiếp", "Tiếp nhận hồ sơ trực tuyến", "Tiếp nhận hồ sơ qua dịch vụ bưu chính")
	case evProcess:
		b.trangThai, b.phongBan, b.nguoi = "Đang xử lý", specialistDept, specialist
		switch {
		case ev.nth == 0:
			b.noiDung = "Chuyển hồ sơ đến công chức chuyên môn"
		case ev.nth == nProc-1 && (status == 9 || status == 10):
			b.phongBan, b.nguoi, b.noiDung = leaderDept, u.staff.leader, "Trình lãnh đạo ký duyệt"
		default:
			b.noiDung = "Thẩm định hồ sơ"
		}
	case evSupplement:
		b.trangThai, b.phongBan, b.nguoi, b.noiDung = "Yêu cầu bổ sung", specialistDept, specialist, "Yêu cầu bổ sung giấy tờ còn thiếu"
	case evDone:
		b.trangThai, b.phongBan, b.nguoi, b.noiDung = "Đã xử lý xong", leaderDept, u.staff.leader, "Ký duyệt kết quả"
	case evReturn:
		b.trangThai, b.phongBan, b.nguoi = "Đã trả kết quả", reception, u.staff.reception
		b.noiDung = byChannel(ch, "Trả kết quả trực tiếp cho công dân", "Trả kết quả trực tuyến", "Trả kết quả qua dịch vụ bưu chính")
	case evFinancial:
		b.trangThai, b.phongBan, b.nguoi, b.noiDung = "Yêu cầu thực hiện nghĩa vụ tài chính", specialistDept, specialist, "Thông báo nộp phí, lệ phí"
	case evWithdraw:
		b.trangThai, b.phongBan, b.nguoi, b.noiDung = "Rút hồ sơ", reception, u.staff.reception, "Công dân rút hồ sơ"
	case evStop:
		b.trangThai, b.phongBan, b.nguoi, b.noiDung = "Dừng xử lý", leaderDept, u.staff.leader, "Dừng xử lý theo đề nghị của công dân"
	case evRefuse:
		b.trangThai, b.phongBan, b.nguoi, b.noiDung = "Không được tiếp nhận", reception, u.staff.reception, "Hồ sơ không đủ điều kiện tiếp nhận"
	}
	if r.IntN(100) < 8 {
		b.noiDung = ""
	}
	b.trangThai, b.phongBan, b.nguoi, b.noiDung = tx(b.trangThai), tx(b.phongBan), tx(b.nguoi), tx(b.noiDung)
	return b
}
