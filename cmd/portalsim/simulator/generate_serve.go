package simulator

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// The serve phases of generate: each fills a group of served fields of the
// dossier from the drawn timeline, drawing in a fixed order.

// serveIdentity serves MaHoSo (agency prefix, base date, index), MaTTHC in
// one of its messy spellings, TenTTHC and the field of the procedure.
func (c *genCtx) serveIdentity() {
	r, d, proc := c.r, c.d, c.proc
	prefix := c.u.agency
	if prefix == "" {
		prefix = "000.00.00.H08"
	}
	if c.invalid == badDonViXuLy {
		prefix = "000.99.99.H08"
	}
	c.id = prefix + "-" + c.B.In(Location).Format("060102") + "-" + pad4(c.i+1)
	if c.invalid == badMaHoSo {
		c.id = ""
	}
	d.MaHoSo = str(c.id)
	if c.invalid == badMaTTHC {
		d.MaTTHC = str("ABC")
	} else {
		d.MaTTHC = str(messyCode(r, proc.national))
	}
	pname := proc.name
	if r.IntN(100) < 4 {
		pname += " "
	}
	d.TenTTHC = str(c.tx(pname))
	if r.IntN(100) < 90 {
		d.MaLinhVuc = str(proc.fieldCode)
		d.TenLinhVuc = str(c.tx(proc.fieldName))
	} else {
		d.MaLinhVuc = emptyish(r)
		d.TenLinhVuc = emptyish(r)
	}
}

// serveUnit serves the unit's identifiers (GSO code, agency code) and name;
// when neither code is served the name is an exact NFC spelling, and the
// DonViXuLy defect names a unit that exists nowhere.
func (c *genCtx) serveUnit() {
	r, d, u := c.r, c.d, c.u
	if c.invalid == badDonViXuLy {
		d.DonViXuLy = str(nowhereUnit)
		return
	}
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
		d.DonViXuLy = str(c.tx(unitSpelling(r, u)))
	} else {
		// Nothing else identifies the unit: keep an exact NFC spelling.
		d.DonViXuLy = str(exactSpelling(r, u))
	}
}

// serveApplicant serves KenhThucHien and LoaiDoiTuong (mostly agencies for
// the procedures agencies apply for, citizens otherwise).
func (c *genCtx) serveApplicant() {
	r, d := c.r, c.d
	if c.ch == 0 {
		d.KenhThucHien = oint{k: null}
	} else {
		d.KenhThucHien = num(c.ch)
	}
	switch x := r.IntN(100); {
	case x < 3:
		d.LoaiDoiTuong = emptyInt(r)
	case c.proc.applicantAgency:
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
}

// servePersonal serves the owner's personal data (name, ID number, phone,
// email, account) and records every value in pii.
func (c *genCtx) servePersonal() {
	r, d := c.r, c.d
	owner, female := personName(r)
	birth := 1940 + r.IntN(66)
	if r.IntN(100) < 97 {
		served := c.tx(owner)
		d.ChuHoSo = str(served)
		c.addPII(served)
		c.addPII(owner)
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
		c.addPII(idv)
	} else {
		d.SoDinhDanh = emptyish(r)
	}
	if r.IntN(100) < 80 {
		p := "09" + digits(r, 8)
		d.SoDienThoai = str(p)
		c.addPII(p)
	} else {
		d.SoDienThoai = emptyish(r)
	}
	c.serveEmail(owner, birth)
	c.serveAccount(idv, birth)
}

// serveEmail serves an email address made of the owner's name (30%).
func (c *genCtx) serveEmail(owner string, birth int) {
	r := c.r
	if r.IntN(100) >= 30 {
		c.d.Email = emptyish(r)
		return
	}
	parts := strings.Fields(asciiFold(owner))
	var m string
	if r.IntN(2) == 0 {
		m = parts[len(parts)-1] + "." + parts[0] + twoDigits(birth%100)
	} else {
		m = parts[len(parts)-1] + parts[0] + digits(r, 3)
	}
	m += "@" + pick(r, emailDomains)
	c.d.Email = str(m)
	c.addPII(m)
}

// serveAccount serves the account an online dossier was filed with (the
// owner's ID number, someone else's, or a staff account) and whether it is
// verified with VNeID; an offline dossier has no account.
func (c *genCtx) serveAccount(idv string, birth int) {
	r, d := c.r, c.d
	if c.ch != 2 {
		if r.IntN(2) == 0 {
			d.TaiKhoanDuocXacThucVoiVNeID = num(0)
		}
		return
	}
	if r.IntN(100) >= 92 {
		d.MaDoiTuong = emptyish(r)
		d.TaiKhoanDuocXacThucVoiVNeID = emptyInt(r)
		return
	}
	var acct string
	byStaff := r.IntN(100) < 30
	switch {
	case byStaff:
		acct = pick(r, c.u.staff.accounts)
	case len(idv) == 12:
		acct = idv
	default:
		_, f := personName(r)
		acct = cccd(r, f, birth)
	}
	d.MaDoiTuong = str(acct)
	c.addPII(acct)
	if r.IntN(100) < 90 {
		v := 1
		if !byStaff && r.IntN(100) < 25 {
			v = 0
		}
		d.TaiKhoanDuocXacThucVoiVNeID = num(v)
	} else {
		d.TaiKhoanDuocXacThucVoiVNeID = emptyInt(r)
	}
}

// serveDates serves the dates of the timeline (each possibly missing) and
// TrangThaiHoSo, and notes which dates are served as valid.
func (c *genCtx) serveDates() {
	r, d := c.r, c.d
	if c.ch == 2 || !c.received || r.IntN(100) < 85 {
		d.NgayNopHoSo = fmtDate(r, c.S, false)
		c.subServed = true
	} else {
		d.NgayNopHoSo = emptyish(r)
	}
	if c.received {
		c.serveReceived()
	} else {
		d.NgayTiepNhan = emptyish(r)
		d.NgayHenTra = emptyish(r)
	}
	c.finServed = optDate(r, &d.NgayKetThucXuLy, c.F)
	c.retServed = optDate(r, &d.NgayTra, c.T)
	optDate(r, &d.NgayTuChoi, c.Ref)
	if c.invalid == badTrangThaiHoSo {
		d.TrangThaiHoSo = emptyInt(r)
	} else {
		d.TrangThaiHoSo = num(c.status)
	}
}

// optDate serves t in dst, or a missing value when t is zero; it reports
// whether t was served.
func optDate(r *rand.Rand, dst *ostr, t time.Time) bool {
	if t.IsZero() {
		*dst = emptyish(r)
		return false
	}
	*dst = fmtDate(r, t, false)
	return true
}

// serveReceived serves NgayTiepNhan (an impossible date when it is the
// defect) and NgayHenTra (date-only allowed; missing for 3%).
func (c *genCtx) serveReceived() {
	r, d, R := c.r, c.d, c.R
	if c.invalid == badNgayTiepNhan {
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
		c.recServed = true
	}
	if r.IntN(100) < 97 {
		d.NgayHenTra = fmtDate(r, c.H, true)
		c.dueServed = true
	} else {
		d.NgayHenTra = emptyish(r)
	}
}

// serveDocuments serves TaiLieuNop (digitized, reused, from the national
// store) and HoSoCoThanhPhanSoHoa.
func (c *genCtx) serveDocuments() {
	r, d, proc := c.r, c.d, c.proc
	n := 1 + r.IntN(len(proc.docs))
	anyDigit := false
	for k := range n {
		tl := taiLieu{ma: "TP" + strconv.Itoa(k+1), ten: proc.docSlugs[k]}
		pDigit := 70
		if c.ch == 2 {
			pDigit = 95
		}
		if r.IntN(100) < pDigit {
			tl.soHoa = 1
			anyDigit = true
			tl.duongDan = portalBase + "/hoso/" + c.id + "/" + tl.ma + ".pdf"
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
	if d.kTaiLieu = listPresence(r, 90, 93); d.kTaiLieu != present {
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
}

// listPresence draws how a served list shows up: present when a draw in
// [0, 100) is below presentBelow, null when below nullBelow, else left out.
// The caller empties a list that is not present.
func listPresence(r *rand.Rand, presentBelow, nullBelow int) uint8 {
	switch x := r.IntN(100); {
	case x < presentBelow:
		return present
	case x < nullBelow:
		return null
	default:
		return absent
	}
}

// serveFees serves DanhSachLePhi (the procedure's fees, quantities drawn)
// and DuocThanhToanTrucTuyen (paid online, mostly for online dossiers).
func (c *genCtx) serveFees() {
	r, d := c.r, c.d
	total := 0
	if len(c.proc.fees) > 0 {
		for _, f := range c.proc.fees {
			g := f.unit * (1 + r.IntN(f.maxQty))
			total += g
			d.DanhSachLePhi = append(d.DanhSachLePhi, lePhi{ma: f.code, ten: c.tx(f.name), gia: g})
		}
		if r.IntN(100) < 90 {
			d.kLePhi = present
		} else {
			d.kLePhi = emptyArr(r)
			d.DanhSachLePhi = d.DanhSachLePhi[:0]
		}
	}
	if r.IntN(100) >= 92 {
		d.DuocThanhToanTrucTuyen = emptyInt(r)
		return
	}
	pay := 0
	x := r.IntN(100)
	switch {
	case total > 0 && c.ch == 2 && x < 45:
		pay = 1
	case total > 0 && c.ch == 2 && x < 75:
		pay = 2
	case total > 0 && c.ch != 2 && x < 15:
		pay = 2
	}
	d.DuocThanhToanTrucTuyen = num(pay)
}

// serveResults serves the result document of a processed dossier (its link
// often empty) and the rating of a returned one.
func (c *genCtx) serveResults() {
	r, d := c.r, c.d
	if (c.status == 9 || c.status == 10) && c.proc.result != "" {
		if r.IntN(100) < 92 {
			gt := giayTo{ma: "GT." + digits(r, 8), ten: c.tx(c.proc.result)}
			switch x := r.IntN(100); {
			case x < 72:
				gt.link = str(portalBase + "/ketqua/" + c.id + ".pdf")
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
	if c.status == 10 && r.IntN(100) < 30 {
		switch x := r.IntN(100); {
		case x < 60:
			d.DanhGiaHaiLong = num(1)
		case x < 93:
			d.DanhGiaHaiLong = num(2)
		default:
			d.DanhGiaHaiLong = num(3)
		}
	}
}
