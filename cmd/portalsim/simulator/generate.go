package simulator

import (
	"math/rand/v2"
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
		if u.typ == "thi_xa" {
			return "Thị xã " + u.name
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

// generate fills d with dossier i and, when t (f) is not nil, its ground
// truth (its portal facts). Everything comes from one PRNG stream seeded by
// (Seed, i), consumed in a fixed order: changing the order changes the data
// set.
func (s *Simulator) generate(g *genState, i int, d *dossier, t *Truth, f *facts) {
	r := g.seed(s.opts.Seed, i)
	d.reset()
	cal := s.cal
	U := s.updatedAt(i)
	d.NgayCapNhat = U.Format(layCompact)

	invalid := ""
	if r.IntN(1000) < 10 {
		invalid = invalidFields[r.IntN(len(invalidFields))]
	}
	nfd := r.IntN(100) < 10
	tx := func(x string) string {
		if nfd {
			return norm.NFD.String(x)
		}
		return x
	}

	status := pickCum(r, statusCum) + 1
	if invalid == badNgayTiepNhan && (status == 1 || status == 3) {
		status = 10
	}
	switch status {
	case 2, 4, 5, 6:
		if s.opts.To.Sub(U) > agedAfter {
			switch x := r.IntN(100); {
			case x < 64:
				status = 10
			case x < 85:
				status = 9
			}
		}
	}
	uDraw := r.Float64()                       // which ward (weighted), in the era of the received date
	lateRoll := r.IntN(100)                    // the late-sync ward's dossiers: < 85 synced late
	stepLag := r.IntN(100) < 4 && status == 10 // returned on time, closed late in the software

	// A dossier of the late-sync ward: every step reaches the national
	// portal 2–5 days after it happened. The ward is guessed from the era
	// of NgayCapNhat (confirmed once the unit is drawn).
	lateSync := false
	if s.opts.LateSyncUnit != "" && lateRoll < 85 {
		e := s.rd.eraAt(midnight(U))
		lateSync = e.wards[pickCumF(uDraw, e.cumW)].code == s.opts.LateSyncUnit
	}

	// The last event happened lag before NgayCapNhat; lag is also how late
	// the last step reached the national portal.
	var lag time.Duration
	lastSynced := true
	switch x := r.IntN(100); {
	case x < 94:
		lag = sec(120 + r.IntN(4*3600-120))
	case x < 98:
		lag = sec(86400 + r.IntN(4*86400))
	default:
		lag = sec(r.IntN(7200))
		lastSynced = false
	}
	if lateSync {
		lag, lastSynced = sec(2*86400+r.IntN(3*86400)), true
	}
	L := cal.workMomentBefore(r, U.Add(-lag))

	e := s.rd.eraAt(midnight(L))
	district := e.district != nil && r.IntN(100) < 3
	proc := s.pickProc(r, district)
	limit := proc.limitOn(L)

	// back returns a working moment dd working days before from (same day
	// and not after from when dd is 0).
	back := func(from time.Time, dd int) time.Time {
		day := midnight(from)
		if dd == 0 {
			return randIn(r, day, workStart, from.Sub(day))
		}
		return randIn(r, midnight(cal.subWorkDays(from, dd)), workStart, workEnd)
	}
	// On time: fewer working days than the limit (never late); late: more.
	finishDays := func() int {
		if r.IntN(100) < 92 {
			return r.IntN(max(limit, 1))
		}
		return limit + 1 + r.IntN(3) // late
	}
	var S, R, F, T, Ref time.Time
	received := true
	switch status {
	case 10:
		if stepLag {
			// Result returned on time (set below, once the due date is
			// known); processing closed in the software after the due date.
			F = L
			R = back(F, limit+1+r.IntN(3))
			break
		}
		T = L
		if r.IntN(100) < 70 {
			F = back(T, 0)
		} else {
			F = back(T, 1+r.IntN(2))
		}
		R = back(F, finishDays())
	case 9:
		F = L
		R = back(F, finishDays())
	case 4:
		R = back(L, r.IntN(limit+4))
	case 5, 6, 7:
		R = back(L, r.IntN(limit+2))
	case 8:
		F = L
		R = back(L, r.IntN(limit+2))
	case 2:
		R = L
	case 1:
		S = U.Add(-lag) // online, any hour
		L = S
		received = false
	case 3:
		Ref = L
		received = false
	}

	ch := 0
	switch x := r.IntN(100); {
	case x < 45:
		ch = 1
	case x < 94:
		ch = 2
	case x < 97:
		ch = 3
	}
	if status == 1 {
		ch = 2
	}
	if status != 1 {
		anchor := R
		if status == 3 {
			anchor = Ref
		}
		switch ch {
		case 2:
			S = anchor.Add(-sec(600 + r.IntN(3*86400)))
		case 3:
			S = anchor.Add(-sec(86400 + r.IntN(86400)))
		default:
			S = anchor.Add(-sec(r.IntN(900)))
		}
	}

	B := S
	if received {
		B = R
	}
	e = s.rd.eraAt(midnight(B))
	if district && e.district == nil {
		district = false
		if !proc.ward {
			proc = s.pickProc(r, false)
		}
	}
	var u *unit
	if district {
		u = e.district
	} else {
		k := pickCumF(uDraw, e.cumW)
		for tries := 0; e.wards[k].code == darkUnit && darkMonth(B); tries++ {
			if tries < 8 {
				k = pickCumF(r.Float64(), e.cumW)
			} else {
				k = (k + 1) % len(e.wards)
			}
		}
		u = e.wards[k]
	}
	lateSync = lateSync && u.code == s.opts.LateSyncUnit
	if eCertifiedCopies[proc.national] && noECertWards[u.code] {
		proc = s.rd.procByNat["2.000815"]
	}
	var H time.Time
	if received {
		limit = proc.limitOn(R)
		H = cal.dueDate(R, limit)
	}
	if stepLag {
		end := H
		if F.Before(end) {
			end = F
		}
		T = cal.workPoints(r, R, end, 1)[0]
		stepLag = F.After(H)
	}

	// Identity, procedure, unit.
	prefix := u.agency
	if prefix == "" {
		prefix = "000.00.00.H08"
	}
	if invalid == badDonViXuLy {
		prefix = "000.99.99.H08"
	}
	id := prefix + "-" + B.In(Location).Format("060102") + "-" + pad4(i+1)
	if invalid == badMaHoSo {
		id = ""
	}
	d.MaHoSo = str(id)
	if invalid == badMaTTHC {
		d.MaTTHC = str("ABC")
	} else {
		d.MaTTHC = str(messyCode(r, proc.national))
	}
	pname := proc.name
	if r.IntN(100) < 4 {
		pname += " "
	}
	d.TenTTHC = str(tx(pname))
	if r.IntN(100) < 90 {
		d.MaLinhVuc = str(proc.fieldCode)
		d.TenLinhVuc = str(tx(proc.fieldName))
	} else {
		d.MaLinhVuc = emptyish(r)
		d.TenLinhVuc = emptyish(r)
	}
	if invalid == badDonViXuLy {
		d.DonViXuLy = str(nowhereUnit)
	} else {
		gsoOK := r.IntN(100) >= 15
		agOK := u.agency != "" && r.IntN(100) >= 20
		if gsoOK {
			d.MaDonViHanhChinh = str(u.code)
		} else {
			d.MaDonViHanhChinh = emptyish(r)
		}
		if agOK {
			d.MaCoQuan = str(u.agency)
		} else {
			d.MaCoQuan = emptyish(r)
		}
		if gsoOK || agOK {
			d.DonViXuLy = str(tx(unitSpelling(r, u)))
		} else {
			// Nothing else identifies the unit: keep an exact NFC spelling.
			d.DonViXuLy = str(exactSpelling(r, u))
		}
	}
	if ch == 0 {
		d.KenhThucHien = oint{k: null}
	} else {
		d.KenhThucHien = num(ch)
	}
	switch x := r.IntN(100); {
	case x < 3:
		d.LoaiDoiTuong = emptyInt(r)
	case proc.applicantAgency:
		if x < 80 {
			d.LoaiDoiTuong = num(3)
		} else {
			d.LoaiDoiTuong = num(4)
		}
	case x < 95:
		d.LoaiDoiTuong = num(1)
	case x < 98:
		d.LoaiDoiTuong = num(2)
	default:
		d.LoaiDoiTuong = num(4)
	}

	// Personal data.
	var pii []string
	addPII := func(v string) {
		if v == "" {
			return
		}
		for _, p := range pii {
			if p == v {
				return
			}
		}
		pii = append(pii, v)
	}
	owner, female := personName(r)
	birth := 1940 + r.IntN(66)
	if r.IntN(100) < 97 {
		served := tx(owner)
		d.ChuHoSo = str(served)
		addPII(served)
		addPII(owner)
	} else {
		d.ChuHoSo = emptyish(r)
	}
	idv := ""
	switch x := r.IntN(100); {
	case x < 85:
		idv = cccd(r, female, birth)
	case x < 94:
		idv = "21" + digits(r, 7)
	}
	if idv != "" {
		d.SoDinhDanh = str(idv)
		addPII(idv)
	} else {
		d.SoDinhDanh = emptyish(r)
	}
	if r.IntN(100) < 80 {
		p := "09" + digits(r, 8)
		d.SoDienThoai = str(p)
		addPII(p)
	} else {
		d.SoDienThoai = emptyish(r)
	}
	if r.IntN(100) < 30 {
		parts := strings.Fields(asciiFold(owner))
		var m string
		if r.IntN(2) == 0 {
			m = parts[len(parts)-1] + "." + parts[0] + twoDigits(birth%100)
		} else {
			m = parts[len(parts)-1] + parts[0] + digits(r, 3)
		}
		m += "@" + pick(r, emailDomains)
		d.Email = str(m)
		addPII(m)
	} else {
		d.Email = emptyish(r)
	}
	if ch == 2 {
		if r.IntN(100) < 92 {
			var acct string
			byStaff := r.IntN(100) < 30
			switch {
			case byStaff:
				acct = pick(r, u.staff.accounts)
			case len(idv) == 12:
				acct = idv
			default:
				_, f := personName(r)
				acct = cccd(r, f, birth)
			}
			d.MaDoiTuong = str(acct)
			addPII(acct)
			if r.IntN(100) < 90 {
				v := 1
				if !byStaff && r.IntN(100) < 25 {
					v = 0
				}
				d.TaiKhoanDuocXacThucVoiVNeID = num(v)
			} else {
				d.TaiKhoanDuocXacThucVoiVNeID = emptyInt(r)
			}
		} else {
			d.MaDoiTuong = emptyish(r)
			d.TaiKhoanDuocXacThucVoiVNeID = emptyInt(r)
		}
	} else if r.IntN(2) == 0 {
		d.TaiKhoanDuocXacThucVoiVNeID = num(0)
	}

	// Dates.
	var tSub, tDue *time.Time
	if ch == 2 || !received || r.IntN(100) < 85 {
		d.NgayNopHoSo = fmtDate(r, S, false)
		tSub = &S
	} else {
		d.NgayNopHoSo = emptyish(r)
	}
	var tRec *time.Time
	if received {
		if invalid == badNgayTiepNhan {
			y := strconv.Itoa(R.Year())
			switch r.IntN(3) {
			case 0:
				d.NgayTiepNhan = str("31/02/" + y)
			case 1:
				d.NgayTiepNhan = str("30/02/" + y + " " + R.Format("15:04:05"))
			default:
				d.NgayTiepNhan = str(y + "0231" + R.Format("150405"))
			}
		} else {
			d.NgayTiepNhan = fmtDate(r, R, false)
			tRec = &R
		}
		if r.IntN(100) < 97 {
			d.NgayHenTra = fmtDate(r, H, true)
			tDue = &H
		} else {
			d.NgayHenTra = emptyish(r)
		}
	} else {
		d.NgayTiepNhan = emptyish(r)
		d.NgayHenTra = emptyish(r)
	}
	var tFin, tRet *time.Time
	if !F.IsZero() {
		d.NgayKetThucXuLy = fmtDate(r, F, false)
		tFin = &F
	} else {
		d.NgayKetThucXuLy = emptyish(r)
	}
	if !T.IsZero() {
		d.NgayTra = fmtDate(r, T, false)
		tRet = &T
	} else {
		d.NgayTra = emptyish(r)
	}
	if !Ref.IsZero() {
		d.NgayTuChoi = fmtDate(r, Ref, false)
	} else {
		d.NgayTuChoi = emptyish(r)
	}
	if invalid == badTrangThaiHoSo {
		d.TrangThaiHoSo = emptyInt(r)
	} else {
		d.TrangThaiHoSo = num(status)
	}

	// Submitted documents.
	docs := 1 + r.IntN(len(proc.docs))
	anyDigit := false
	for k := range docs {
		tl := taiLieu{ma: "TP" + strconv.Itoa(k+1), ten: proc.docSlugs[k]}
		pDigit := 70
		if ch == 2 {
			pDigit = 95
		}
		if r.IntN(100) < pDigit {
			tl.soHoa = 1
			anyDigit = true
			tl.duongDan = portalBase + "/hoso/" + id + "/" + tl.ma + ".pdf"
			if r.IntN(100) < 15 {
				tl.taiSuDung = 1
				tl.maKetQuaThayThe = "KQ." + digits(r, 10)
			}
			if r.IntN(100) < 8 {
				tl.khoDMQG = 1
			}
		}
		d.TaiLieuNop = append(d.TaiLieuNop, tl)
	}
	switch x := r.IntN(100); {
	case x < 90:
		d.kTaiLieu = present
	case x < 93:
		d.kTaiLieu = null
		d.TaiLieuNop = d.TaiLieuNop[:0]
	default:
		d.TaiLieuNop = d.TaiLieuNop[:0]
	}
	if r.IntN(100) < 90 {
		v := 0
		if anyDigit && d.kTaiLieu == present {
			v = 1
		}
		d.HoSoCoThanhPhanSoHoa = num(v)
	} else {
		d.HoSoCoThanhPhanSoHoa = emptyInt(r)
	}

	// Fees and online payment.
	total := 0
	if len(proc.fees) > 0 {
		for _, f := range proc.fees {
			g := f.unit * (1 + r.IntN(f.maxQty))
			total += g
			d.DanhSachLePhi = append(d.DanhSachLePhi, lePhi{ma: f.code, ten: tx(f.name), gia: g})
		}
		if r.IntN(100) < 90 {
			d.kLePhi = present
		} else {
			d.kLePhi = emptyArr(r)
			d.DanhSachLePhi = d.DanhSachLePhi[:0]
		}
	}
	if r.IntN(100) < 92 {
		pay := 0
		x := r.IntN(100)
		switch {
		case total > 0 && ch == 2 && x < 45:
			pay = 1
		case total > 0 && ch == 2 && x < 75:
			pay = 2
		case total > 0 && ch != 2 && x < 15:
			pay = 2
		}
		d.DuocThanhToanTrucTuyen = num(pay)
	} else {
		d.DuocThanhToanTrucTuyen = emptyInt(r)
	}

	// Results and rating.
	if (status == 9 || status == 10) && proc.result != "" {
		if r.IntN(100) < 92 {
			gt := giayTo{ma: "GT." + digits(r, 8), ten: tx(proc.result)}
			switch x := r.IntN(100); {
			case x < 72:
				gt.link = str(portalBase + "/ketqua/" + id + ".pdf")
			case x < 90:
				gt.link = str("")
			default:
				gt.link = ostr{k: null}
			}
			d.DanhSachGiayToKetQua = append(d.DanhSachGiayToKetQua, gt)
			d.kGiayTo = present
		} else {
			d.kGiayTo = emptyArr(r)
		}
	}
	if status == 10 && r.IntN(100) < 30 {
		switch x := r.IntN(100); {
		case x < 60:
			d.DanhGiaHaiLong = num(1)
		case x < 93:
			d.DanhGiaHaiLong = num(2)
		default:
			d.DanhGiaHaiLong = num(3)
		}
	}

	// Supplements and processing steps.
	var evs [12]event
	ne := 0
	addEv := func(t time.Time, kind int) {
		evs[ne] = event{t: t, kind: kind}
		ne++
	}
	var sups [2]supFact
	nSups := 0
	k := 0
	switch status {
	case 5:
		k = 1
		if r.IntN(100) < 20 {
			k = 2
		}
	case 4, 9, 10:
		switch x := r.IntN(100); {
		case x < 85:
		case x < 97:
			k = 1
		default:
			k = 2
		}
	}
	procEnd := L // processing steps happen in [R, procEnd]
	if status == 9 || status == 10 {
		procEnd = F
	}
	fixed := 0
	switch status {
	case 1:
		addEv(S, evSubmit)
	case 2:
		addEv(S, evSubmit)
		addEv(R, evReceive)
	case 3:
		addEv(S, evSubmit)
		addEv(Ref, evRefuse)
	default:
		addEv(R, evReceive)
		switch status {
		case 10:
			addEv(F, evDone)
			addEv(T, evReturn)
		case 9:
			addEv(F, evDone)
		case 8:
			addEv(F, evStop)
		case 4:
			addEv(L, evProcess)
		case 6:
			addEv(L, evFinancial)
		case 7:
			addEv(L, evWithdraw)
		}
		if k > 0 {
			n := 2 * k
			if status == 5 {
				n = 2 * (k - 1)
			}
			pts := cal.workPoints(r, R, procEnd, n)
			for j := range k {
				var q, qr time.Time
				if 2*j < n {
					q = pts[2*j]
					qr = pts[2*j+1]
				} else {
					q = L // status 5: the pending request
				}
				addEv(q, evSupplement)
				sups[j] = supFact{req: q, recv: qr}
				nSups = j + 1
				bs := boSung{yeuCau: fmtDate(r, q, false)}
				if qr.IsZero() {
					bs.tiepNhan = emptyish(r)
					bs.henTraMoi = emptyish(r)
				} else {
					bs.tiepNhan = fmtDate(r, qr, false)
					bs.henTraMoi = fmtDate(r, cal.dueDate(qr, limit), true)
				}
				d.DanhSachHoSoBoSung = append(d.DanhSachHoSoBoSung, bs)
			}
		}
		fixed = ne
		mMin := max(3-fixed, min(1, 6-fixed))
		mMax := max(mMin, min(3, 6-fixed))
		m := mMin + r.IntN(mMax-mMin+1)
		for _, p := range cal.workPoints(r, R, procEnd, m) {
			addEv(p, evProcess)
		}
	}
	if len(d.DanhSachHoSoBoSung) > 0 || r.IntN(100) < 30 {
		d.kBoSung = present // an empty list is common too
	} else {
		d.kBoSung = absent
	}
	// Stable sort by time; ties keep insertion order.
	for a := 1; a < ne; a++ {
		for b := a; b > 0 && evs[b].t.Before(evs[b-1].t); b-- {
			evs[b], evs[b-1] = evs[b-1], evs[b]
		}
	}
	nth := 0
	for a := range ne {
		if evs[a].kind == evProcess {
			evs[a].nth = nth
			nth++
		}
	}

	// Sync to the national portal.
	syncState := r.IntN(100) // <88 synced, <96 not synced, <98 error, else object missing
	stepsSynced := syncState < 88 || syncState >= 98
	var lastSync time.Time
	var syncs [12]time.Time
	for a := range ne {
		ev := evs[a]
		st := s.step(r, u, proc, ch, ev, nth, status, tx)
		st.thoiDiem = fmtDate(r, ev.t, false)
		var sync time.Time
		if a == ne-1 {
			if lastSynced {
				sync = ev.t.Add(lag)
			}
		} else {
			switch x := r.IntN(100); {
			case lateSync:
				sync = ev.t.Add(sec(2*86400 + r.IntN(3*86400)))
			case x < 97:
				sync = ev.t.Add(sec(120 + r.IntN(4*3600-120)))
			case x < 99:
				sync = ev.t.Add(sec(86400 + r.IntN(4*86400)))
			}
		}
		if sync.After(U) {
			sync = U
		}
		if !stepsSynced || sync.IsZero() {
			st.dongBo = ostr{k: null}
		} else {
			st.dongBo = fmtDate(r, sync, false)
			syncs[a] = sync
			if sync.After(lastSync) {
				lastSync = sync
			}
		}
		d.QuaTrinhXuLy = append(d.QuaTrinhXuLy, st)
	}
	switch x := r.IntN(100); {
	case x < 95:
		d.kQuaTrinh = present
	case x < 97:
		d.kQuaTrinh = null
		d.QuaTrinhXuLy = d.QuaTrinhXuLy[:0]
	default:
		d.kQuaTrinh = absent
		d.QuaTrinhXuLy = d.QuaTrinhXuLy[:0]
	}
	var withdrawn *time.Time
	if d.kQuaTrinh == present {
		for a := range ne {
			if evs[a].kind == evWithdraw && withdrawn == nil {
				w := evs[a].t
				withdrawn = &w
			}
		}
	}
	switch {
	case syncState < 88:
		if lastSync.IsZero() {
			lastSync = U
		}
		d.DongBoDVCQG = dongBo{k: present, daDongBo: 1, thoiDiem: fmtDate(r, lastSync, false)}
	case syncState < 96:
		d.DongBoDVCQG = dongBo{k: present, thoiDiem: ostr{k: null}}
	case syncState < 98:
		at := L.Add(sec(60 + r.IntN(600)))
		if at.After(U) {
			at = U
		}
		d.DongBoDVCQG = dongBo{k: present, thoiDiem: fmtDate(r, at, false), maLoi: pick(r, syncErrors)}
	}

	if f != nil {
		f.id, f.u, f.proc, f.status, f.ch = id, u, proc, status, ch
		f.received, f.R, f.H, f.F, f.T, f.Ref = received, R, H, F, T, Ref
		f.dueServed = tDue != nil
		f.sups, f.nSups = sups, nSups
		f.nSteps = 0
		if d.kQuaTrinh == present {
			for a := range ne {
				f.steps[a] = stepFact{t: evs[a].t, sync: syncs[a], kind: evs[a].kind}
			}
			f.nSteps = ne
		}
		f.daDongBo = d.DongBoDVCQG.k == present && d.DongBoDVCQG.daDongBo == 1
		f.digitized = d.HoSoCoThanhPhanSoHoa.k == present && d.HoSoCoThanhPhanSoHoa.v == 1
		f.reused, f.store = false, false
		for _, tl := range d.TaiLieuNop {
			f.digitized = f.digitized || tl.soHoa == 1
			f.reused = f.reused || tl.taiSuDung == 1 || tl.khoDMQG == 1 || tl.maKetQuaThayThe != ""
			f.store = f.store || tl.khoDMQG == 1
		}
		f.vneid = d.TaiKhoanDuocXacThucVoiVNeID.k == present && d.TaiKhoanDuocXacThucVoiVNeID.v == 1
		f.paid = d.DuocThanhToanTrucTuyen.k == present && (d.DuocThanhToanTrucTuyen.v == 1 || d.DuocThanhToanTrucTuyen.v == 2)
		f.feeData = d.kLePhi == present && len(d.DanhSachLePhi) > 0
		f.feesZero = f.feeData
		for _, l := range d.DanhSachLePhi {
			f.feesZero = f.feesZero && l.gia == 0
		}
		f.resultLink = false
		if d.kGiayTo == present {
			for _, gt := range d.DanhSachGiayToKetQua {
				f.resultLink = f.resultLink || (gt.link.k == present && gt.link.v != "")
			}
		}
		f.rating = 0
		if d.DanhGiaHaiLong.k == present {
			f.rating = d.DanhGiaHaiLong.v
		}
	}
	pii = s.extraPII(i, d, pii)
	if t == nil {
		return
	}
	*t = Truth{ID: id, UpdatedAt: U, Status: status, Channel: ch, PII: pii,
		Received: tRec, Submitted: tSub, Due: tDue, Finished: tFin, Returned: tRet,
		Withdrawn: withdrawn, LateSync: lateSync, StepLag: stepLag}
	for _, sp := range sups[:nSups] {
		st := SupplementTruth{Requested: sp.req}
		if !sp.recv.IsZero() {
			rv := sp.recv
			st.Received = &rv
		}
		t.Supplements = append(t.Supplements, st)
	}
	if invalid != "" {
		t.Invalid = true
		t.InvalidField = invalid
	} else {
		t.UnitCode = u.code
		t.UnitName = u.name
	}
	if invalid != badMaTTHC {
		t.ProcedureNational = proc.national
	}
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
	if u.typ == "thi_xa" {
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
