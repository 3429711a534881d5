package simulator

import (
	"strconv"
	"unicode/utf8"
)

// Presence of an optional value in the JSON output.
const (
	absent  uint8 = iota // key left out
	null                 // "key": null
	present              // "key": value
)

type ostr struct {
	k uint8
	v string
}

type oint struct {
	k uint8
	v int
}

func str(s string) ostr { return ostr{present, s} }
func num(n int) oint    { return oint{present, n} }

type taiLieu struct {
	ma, ten, duongDan         string
	soHoa, taiSuDung, khoDMQG int
	maKetQuaThayThe           string
}

type lePhi struct {
	ma, ten string
	gia     int
}

type giayTo struct {
	ma, ten string
	link    ostr
}

type boSung struct {
	yeuCau, tiepNhan, henTraMoi ostr
}

type buoc struct {
	thoiDiem                            ostr
	trangThai, phongBan, nguoi, noiDung string
	dongBo                              ostr
}

type dongBo struct {
	k        uint8
	daDongBo int
	thoiDiem ostr
	maLoi    string
}

// dossier is one record of /api/v1/dossiers, in the field order of
// portal-api.md. Arrays carry their own presence flag.
type dossier struct {
	MaHoSo, MaTTHC, TenTTHC, MaLinhVuc, TenLinhVuc      ostr
	MaDonViHanhChinh, MaCoQuan, DonViXuLy               ostr
	KenhThucHien, LoaiDoiTuong                          oint
	ChuHoSo, SoDinhDanh, SoDienThoai, Email, MaDoiTuong ostr
	NgayNopHoSo, NgayTiepNhan, NgayHenTra               ostr
	NgayKetThucXuLy, NgayTra, NgayTuChoi                ostr
	TrangThaiHoSo                                       oint
	HoSoCoThanhPhanSoHoa, TaiKhoanDuocXacThucVoiVNeID   oint
	DuocThanhToanTrucTuyen, DanhGiaHaiLong              oint
	kTaiLieu, kLePhi, kGiayTo, kBoSung, kQuaTrinh       uint8
	TaiLieuNop                                          []taiLieu
	DanhSachLePhi                                       []lePhi
	DanhSachGiayToKetQua                                []giayTo
	DanhSachHoSoBoSung                                  []boSung
	QuaTrinhXuLy                                        []buoc
	DongBoDVCQG                                         dongBo
	NgayCapNhat                                         string
	extra                                               []extraField // Options.ExtraPII and SchemaDriftAt
	kenhText                                            bool         // KenhThucHien served as a string (SchemaDriftAt)
}

// reset clears d but keeps the capacity of its slices.
func (d *dossier) reset() {
	tl, lp, gt, bs, qt := d.TaiLieuNop[:0], d.DanhSachLePhi[:0], d.DanhSachGiayToKetQua[:0], d.DanhSachHoSoBoSung[:0], d.QuaTrinhXuLy[:0]
	*d = dossier{TaiLieuNop: tl, DanhSachLePhi: lp, DanhSachGiayToKetQua: gt, DanhSachHoSoBoSung: bs, QuaTrinhXuLy: qt}
}

// enc appends JSON to a byte slice, tracking commas inside one object.
type enc struct {
	b     []byte
	first bool
}

func (e *enc) open() {
	e.b = append(e.b, '{')
	e.first = true
}

func (e *enc) close() {
	e.b = append(e.b, '}')
	e.first = false
}

func (e *enc) key(k string) {
	if !e.first {
		e.b = append(e.b, ',')
	}
	e.first = false
	e.b = append(e.b, '"')
	e.b = append(e.b, k...)
	e.b = append(e.b, '"', ':')
}

func (e *enc) s(k, v string) {
	e.key(k)
	e.b = appendJSONString(e.b, v)
}

func (e *enc) i(k string, v int) {
	e.key(k)
	e.b = strconv.AppendInt(e.b, int64(v), 10)
}

// optKey writes the key of an optional value k of presence kind, with
// null when kind is null; it reports whether the value itself is to be
// written next (kind is present). A value left out writes nothing.
func (e *enc) optKey(k string, kind uint8) bool {
	switch kind {
	case null:
		e.key(k)
		e.b = append(e.b, "null"...)
	case present:
		e.key(k)
		return true
	}
	return false
}

func (e *enc) os(k string, v ostr) {
	if e.optKey(k, v.k) {
		e.b = appendJSONString(e.b, v.v)
	}
}

func (e *enc) oi(k string, v oint) {
	if e.optKey(k, v.k) {
		e.b = strconv.AppendInt(e.b, int64(v.v), 10)
	}
}

// list writes the array k of presence kind: when present, each element of
// xs as an object whose fields obj writes.
func list[T any](e *enc, k string, kind uint8, xs []T, obj func(*enc, *T)) {
	if !e.optKey(k, kind) {
		return
	}
	e.b = append(e.b, '[')
	for n := range xs {
		if n > 0 {
			e.b = append(e.b, ',')
		}
		e.open()
		obj(e, &xs[n])
		e.close()
	}
	e.b = append(e.b, ']')
}

// dossier writes d as one JSON object, in the field order of portal-api.md.
func (e *enc) dossier(d *dossier) {
	e.open()
	e.os("MaHoSo", d.MaHoSo)
	e.os("MaTTHC", d.MaTTHC)
	e.os("TenTTHC", d.TenTTHC)
	e.os("MaLinhVuc", d.MaLinhVuc)
	e.os("TenLinhVuc", d.TenLinhVuc)
	e.os("MaDonViHanhChinh", d.MaDonViHanhChinh)
	e.os("MaCoQuan", d.MaCoQuan)
	e.os("DonViXuLy", d.DonViXuLy)
	if d.kenhText && d.KenhThucHien.k == present {
		e.s("KenhThucHien", strconv.Itoa(d.KenhThucHien.v))
	} else {
		e.oi("KenhThucHien", d.KenhThucHien)
	}
	e.oi("LoaiDoiTuong", d.LoaiDoiTuong)
	e.os("ChuHoSo", d.ChuHoSo)
	e.os("SoDinhDanh", d.SoDinhDanh)
	e.os("SoDienThoai", d.SoDienThoai)
	e.os("Email", d.Email)
	e.os("MaDoiTuong", d.MaDoiTuong)
	e.os("NgayNopHoSo", d.NgayNopHoSo)
	e.os("NgayTiepNhan", d.NgayTiepNhan)
	e.os("NgayHenTra", d.NgayHenTra)
	e.os("NgayKetThucXuLy", d.NgayKetThucXuLy)
	e.os("NgayTra", d.NgayTra)
	e.os("NgayTuChoi", d.NgayTuChoi)
	e.oi("TrangThaiHoSo", d.TrangThaiHoSo)
	e.oi("HoSoCoThanhPhanSoHoa", d.HoSoCoThanhPhanSoHoa)
	e.oi("TaiKhoanDuocXacThucVoiVNeID", d.TaiKhoanDuocXacThucVoiVNeID)
	e.oi("DuocThanhToanTrucTuyen", d.DuocThanhToanTrucTuyen)
	e.oi("DanhGiaHaiLong", d.DanhGiaHaiLong)
	list(e, "TaiLieuNop", d.kTaiLieu, d.TaiLieuNop, (*enc).taiLieu)
	list(e, "DanhSachLePhi", d.kLePhi, d.DanhSachLePhi, (*enc).lePhi)
	list(e, "DanhSachGiayToKetQua", d.kGiayTo, d.DanhSachGiayToKetQua, (*enc).giayTo)
	list(e, "DanhSachHoSoBoSung", d.kBoSung, d.DanhSachHoSoBoSung, (*enc).boSung)
	list(e, "QuaTrinhXuLy", d.kQuaTrinh, d.QuaTrinhXuLy, (*enc).buoc)
	if e.optKey("DongBoDVCQG", d.DongBoDVCQG.k) {
		e.open()
		e.i("DaDongBo", d.DongBoDVCQG.daDongBo)
		e.os("ThoiDiemDongBo", d.DongBoDVCQG.thoiDiem)
		e.s("MaLoi", d.DongBoDVCQG.maLoi)
		e.close()
	}
	e.writeExtra(d.extra)
	e.s("NgayCapNhat", d.NgayCapNhat)
	e.close()
}

// taiLieu writes the fields of a TaiLieuNop element.
func (e *enc) taiLieu(t *taiLieu) {
	e.s("MaThanhPhanHoSo", t.ma)
	e.s("TenTepDinhKem", t.ten)
	e.s("DuongDanTaiTepTin", t.duongDan)
	e.i("DuocSoHoa", t.soHoa)
	e.i("DuocTaiSuDung", t.taiSuDung)
	e.i("DuocLayTuKhoDMQG", t.khoDMQG)
	e.s("MaKetQuaThayThe", t.maKetQuaThayThe)
}

// lePhi writes the fields of a DanhSachLePhi element.
func (e *enc) lePhi(l *lePhi) {
	e.s("MaPhiLePhi", l.ma)
	e.s("TenPhiLePhi", l.ten)
	e.i("Gia", l.gia)
}

// giayTo writes the fields of a DanhSachGiayToKetQua element.
func (e *enc) giayTo(g *giayTo) {
	e.s("MaGiayToKetQua", g.ma)
	e.s("TenGiayTo", g.ten)
	e.os("DuongDanTepTinKetQua", g.link)
}

// boSung writes the fields of a DanhSachHoSoBoSung element.
func (e *enc) boSung(s *boSung) {
	e.os("NgayYeuCauBoSung", s.yeuCau)
	e.os("NgayTiepNhanBoSung", s.tiepNhan)
	e.os("NgayHenTraMoi", s.henTraMoi)
}

// buoc writes the fields of a QuaTrinhXuLy element.
func (e *enc) buoc(q *buoc) {
	e.os("ThoiDiemXuLy", q.thoiDiem)
	e.s("TrangThai", q.trangThai)
	e.s("PhongBanXuLy", q.phongBan)
	e.s("NguoiXuLy", q.nguoi)
	e.s("NoiDungXuLy", q.noiDung)
	e.os("ThoiDiemDongBo", q.dongBo)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Non-ASCII text is written as
// UTF-8 (not escaped); control characters, quotes, backslashes and U+2028/9
// are escaped. Invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
