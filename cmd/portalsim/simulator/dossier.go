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
	extra                                               []extraField // Options.ExtraPII
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

func (e *enc) os(k string, v ostr) {
	switch v.k {
	case null:
		e.key(k)
		e.b = append(e.b, "null"...)
	case present:
		e.s(k, v.v)
	}
}

func (e *enc) oi(k string, v oint) {
	switch v.k {
	case null:
		e.key(k)
		e.b = append(e.b, "null"...)
	case present:
		e.i(k, v.v)
	}
}

// arr writes the key of an array; it returns false when the array is left
// out or null (already written).
func (e *enc) arr(k string, kind uint8) bool {
	switch kind {
	case null:
		e.key(k)
		e.b = append(e.b, "null"...)
		return false
	case present:
		e.key(k)
		e.b = append(e.b, '[')
		return true
	}
	return false
}

func (e *enc) elem(idx int) {
	if idx > 0 {
		e.b = append(e.b, ',')
	}
}

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
	e.oi("KenhThucHien", d.KenhThucHien)
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
	if e.arr("TaiLieuNop", d.kTaiLieu) {
		for n, t := range d.TaiLieuNop {
			e.elem(n)
			e.open()
			e.s("MaThanhPhanHoSo", t.ma)
			e.s("TenTepDinhKem", t.ten)
			e.s("DuongDanTaiTepTin", t.duongDan)
			e.i("DuocSoHoa", t.soHoa)
			e.i("DuocTaiSuDung", t.taiSuDung)
			e.i("DuocLayTuKhoDMQG", t.khoDMQG)
			e.s("MaKetQuaThayThe", t.maKetQuaThayThe)
			e.close()
		}
		e.b = append(e.b, ']')
	}
	if e.arr("DanhSachLePhi", d.kLePhi) {
		for n, l := range d.DanhSachLePhi {
			e.elem(n)
			e.open()
			e.s("MaPhiLePhi", l.ma)
			e.s("TenPhiLePhi", l.ten)
			e.i("Gia", l.gia)
			e.close()
		}
		e.b = append(e.b, ']')
	}
	if e.arr("DanhSachGiayToKetQua", d.kGiayTo) {
		for n, g := range d.DanhSachGiayToKetQua {
			e.elem(n)
			e.open()
			e.s("MaGiayToKetQua", g.ma)
			e.s("TenGiayTo", g.ten)
			e.os("DuongDanTepTinKetQua", g.link)
			e.close()
		}
		e.b = append(e.b, ']')
	}
	if e.arr("DanhSachHoSoBoSung", d.kBoSung) {
		for n, s := range d.DanhSachHoSoBoSung {
			e.elem(n)
			e.open()
			e.os("NgayYeuCauBoSung", s.yeuCau)
			e.os("NgayTiepNhanBoSung", s.tiepNhan)
			e.os("NgayHenTraMoi", s.henTraMoi)
			e.close()
		}
		e.b = append(e.b, ']')
	}
	if e.arr("QuaTrinhXuLy", d.kQuaTrinh) {
		for n, q := range d.QuaTrinhXuLy {
			e.elem(n)
			e.open()
			e.os("ThoiDiemXuLy", q.thoiDiem)
			e.s("TrangThai", q.trangThai)
			e.s("PhongBanXuLy", q.phongBan)
			e.s("NguoiXuLy", q.nguoi)
			e.s("NoiDungXuLy", q.noiDung)
			e.os("ThoiDiemDongBo", q.dongBo)
			e.close()
		}
		e.b = append(e.b, ']')
	}
	switch d.DongBoDVCQG.k {
	case null:
		e.key("DongBoDVCQG")
		e.b = append(e.b, "null"...)
	case present:
		e.key("DongBoDVCQG")
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
