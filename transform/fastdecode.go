package transform

import (
	"bytes"
	"encoding/json"

	"github.com/dvcindex/dvcindex/internal/jsonscan"
)

// The fast decode: one validating pass over a dossier (internal/jsonscan)
// that fills the raw structs with sub-slices of the input, instead of
// encoding/json's reflection, its copies into RawMessage fields and a second
// Unmarshal per nested array. It accepts only what encoding/json would decode
// the same way (valid JSON, an object, ASCII keys, arrays of objects or
// nulls); anything else falls back to encoding/json, so results and error
// messages do not change.

// rawFields is a raw struct whose fields are matched by folded (lower-case
// ASCII) name, as encoding/json matches them case-insensitively.
type rawFields interface {
	field(folded []byte) *json.RawMessage
}

// rawArrays is a raw struct with array fields that decodeFast reads in the
// same pass (into a scratch) instead of leaving them to a second scan.
type rawArrays interface {
	readArray(folded []byte, s *jsonscan.Scanner, sc *scratch) (handled, ok bool)
}

// decodeFast fills r from the JSON object raw; false means "use
// encoding/json" (raw is not a plain object, or has a non-ASCII or escaped
// key).
func decodeFast(raw []byte, r rawFields) bool {
	return decodeFastWith(raw, r, nil)
}

// decodeFastWith is decodeFast that, when sc is not nil and r has arrays,
// also decodes them into sc (marking them in sc.have).
func decodeFastWith(raw []byte, r rawFields, sc *scratch) bool {
	s := jsonscan.Scanner{B: raw}
	s.SkipWS()
	if s.I >= len(raw) || raw[s.I] != '{' {
		return false
	}
	ra, _ := r.(rawArrays)
	if sc == nil {
		ra = nil
	}
	var buf [32]byte
	ok := s.Members(func(key []byte, escaped bool, s *jsonscan.Scanner) bool {
		if escaped {
			return false
		}
		k, ok := jsonscan.FoldKey(key, buf[:])
		if !ok {
			return false
		}
		f := r.field(k)
		start := s.I
		if f != nil && ra != nil {
			if handled, ok := ra.readArray(k, s, sc); handled {
				if !ok {
					return false
				}
				*f = s.B[start:s.I:s.I]
				return true
			}
		}
		val, ok := s.Value()
		if !ok {
			return false
		}
		if f != nil {
			*f = val
		}
		return true
	})
	return ok && s.AtEnd()
}

// readArrayInto decodes the array at s into out like decodeArrayFast, but
// validating as it goes; ok false means the array is invalid JSON. When an
// element is neither an object nor null, the array is still validated but
// left undecoded (decoded false), for encoding/json to report.
func readArrayInto[T any, P interface {
	*T
	rawFields
}](s *jsonscan.Scanner, out *[]T) (decoded, ok bool) {
	var zero T
	res := (*out)[:0]
	decoded = true
	ok = s.Elements(func(s *jsonscan.Scanner) bool {
		if decoded && s.I < len(s.B) {
			switch s.B[s.I] {
			case 'n':
				if _, ok := s.Value(); !ok {
					return false
				}
				res = append(res, zero)
				return true
			case '{':
				res = append(res, zero)
				start := s.I
				if _, ok := s.Value(); !ok {
					return false
				}
				if !decodeFast(s.B[start:s.I], P(&res[len(res)-1])) {
					decoded = false
				}
				return true
			}
		}
		decoded = false
		_, ok := s.Value()
		return ok
	})
	if res == nil {
		res = []T{}
	}
	*out = res
	return decoded, ok
}

func (r *rawDossier) readArray(k []byte, s *jsonscan.Scanner, sc *scratch) (handled, ok bool) {
	var decoded bool
	var bit uint8
	if s.I >= len(s.B) || s.B[s.I] != '[' {
		// Not an array: what an earlier duplicate key decoded is void.
		switch string(k) {
		case "tailieunop":
			sc.have &^= haveDocs
		case "danhsachlephi":
			sc.have &^= haveFees
		case "danhsachgiaytoketqua":
			sc.have &^= haveResults
		case "danhsachhosobosung":
			sc.have &^= haveSups
		case "quatrinhxuly":
			sc.have &^= haveSteps
		}
		return false, false
	}
	switch string(k) {
	case "tailieunop":
		decoded, ok = readArrayInto(s, &sc.docs)
		bit = haveDocs
	case "danhsachlephi":
		decoded, ok = readArrayInto(s, &sc.fees)
		bit = haveFees
	case "danhsachgiaytoketqua":
		decoded, ok = readArrayInto(s, &sc.results)
		bit = haveResults
	case "danhsachhosobosung":
		decoded, ok = readArrayInto(s, &sc.sups)
		bit = haveSups
	case "quatrinhxuly":
		decoded, ok = readArrayInto(s, &sc.steps)
		bit = haveSteps
	default:
		return false, false
	}
	// A later duplicate key replaces an earlier one, decoded or not.
	if decoded {
		sc.have |= bit
	} else {
		sc.have &^= bit
	}
	return true, ok
}

// decodeArrayFast decodes the JSON array v (already known valid, as it comes
// from a decoded record) of objects or nulls into out; false means "use
// encoding/json" (an element is neither).
func decodeArrayFast[T any, P interface {
	*T
	rawFields
}](v []byte, out *[]T) bool {
	s := jsonscan.Scanner{B: v}
	var zero T
	res := (*out)[:0]
	ok := s.Array(func(el []byte) bool {
		switch el[0] {
		case 'n':
			res = append(res, zero)
			return true
		case '{':
			res = append(res, zero)
			return decodeFast(el, P(&res[len(res)-1]))
		}
		return false
	})
	if !ok || !s.AtEnd() {
		return false
	}
	if res == nil {
		res = []T{} // encoding/json leaves an empty, non-nil slice
	}
	*out = res
	return true
}

// decodeArray decodes an optional array field like ctx.array, fast when it
// can; out is reused.
func decodeArray[T any, P interface {
	*T
	rawFields
}](c *ctx, field string, v json.RawMessage, out *[]T, have bool) {
	if have {
		return // decoded with the record
	}
	*out = (*out)[:0]
	if !present(v) {
		return
	}
	s := bytes.TrimSpace(v)
	if len(s) == 0 || s[0] != '[' {
		c.setErr(field, v, "expected an array", ErrMalformed)
		return
	}
	if !c.n.slowDecode && decodeArrayFast[T, P](s, out) {
		return
	}
	*out = nil // encoding/json would decode over stale elements
	c.array(field, v, out)
}

func (r *rawDossier) field(k []byte) *json.RawMessage {
	switch string(k) {
	case "mahoso":
		return &r.MaHoSo
	case "matthc":
		return &r.MaTTHC
	case "tentthc":
		return &r.TenTTHC
	case "malinhvuc":
		return &r.MaLinhVuc
	case "madonvihanhchinh":
		return &r.MaDonViHanhChinh
	case "macoquan":
		return &r.MaCoQuan
	case "donvixuly":
		return &r.DonViXuLy
	case "kenhthuchien":
		return &r.KenhThucHien
	case "loaidoituong":
		return &r.LoaiDoiTuong
	case "chuhoso":
		return &r.ChuHoSo
	case "sodinhdanh":
		return &r.SoDinhDanh
	case "sodienthoai":
		return &r.SoDienThoai
	case "email":
		return &r.Email
	case "madoituong":
		return &r.MaDoiTuong
	case "ngaynophoso":
		return &r.NgayNopHoSo
	case "ngaytiepnhan":
		return &r.NgayTiepNhan
	case "ngayhentra":
		return &r.NgayHenTra
	case "ngayketthucxuly":
		return &r.NgayKetThucXuLy
	case "ngaytra":
		return &r.NgayTra
	case "ngaytuchoi":
		return &r.NgayTuChoi
	case "trangthaihoso":
		return &r.TrangThaiHoSo
	case "hosocothanhphansohoa":
		return &r.HoSoCoThanhPhanSoHoa
	case "taikhoanduocxacthucvoivneid":
		return &r.TaiKhoanDuocXacThucVoiVNeID
	case "duocthanhtoantructuyen":
		return &r.DuocThanhToanTrucTuyen
	case "danhgiahailong":
		return &r.DanhGiaHaiLong
	case "tailieunop":
		return &r.TaiLieuNop
	case "danhsachlephi":
		return &r.DanhSachLePhi
	case "danhsachgiaytoketqua":
		return &r.DanhSachGiayToKetQua
	case "danhsachhosobosung":
		return &r.DanhSachHoSoBoSung
	case "quatrinhxuly":
		return &r.QuaTrinhXuLy
	case "dongbodvcqg":
		return &r.DongBoDVCQG
	case "ngaycapnhat":
		return &r.NgayCapNhat
	}
	return nil
}

func (r *rawDocument) field(k []byte) *json.RawMessage {
	switch string(k) {
	case "mathanhphanhoso":
		return &r.MaThanhPhanHoSo
	case "tentepdinhkem":
		return &r.TenTepDinhKem
	case "duongdantaiteptin":
		return &r.DuongDanTaiTepTin
	case "duocsohoa":
		return &r.DuocSoHoa
	case "duoctaisudung":
		return &r.DuocTaiSuDung
	case "duoclaytukhodmqg":
		return &r.DuocLayTuKhoDMQG
	case "maketquathaythe":
		return &r.MaKetQuaThayThe
	}
	return nil
}

func (r *rawFee) field(k []byte) *json.RawMessage {
	switch string(k) {
	case "maphilephi":
		return &r.MaPhiLePhi
	case "tenphilephi":
		return &r.TenPhiLePhi
	case "gia":
		return &r.Gia
	}
	return nil
}

func (r *rawResult) field(k []byte) *json.RawMessage {
	switch string(k) {
	case "magiaytoketqua":
		return &r.MaGiayToKetQua
	case "tengiayto":
		return &r.TenGiayTo
	case "duongdanteptinketqua":
		return &r.DuongDanTepTinKetQua
	}
	return nil
}

func (r *rawSupplement) field(k []byte) *json.RawMessage {
	switch string(k) {
	case "ngayyeucaubosung":
		return &r.NgayYeuCauBoSung
	case "ngaytiepnhanbosung":
		return &r.NgayTiepNhanBoSung
	case "ngayhentramoi":
		return &r.NgayHenTraMoi
	}
	return nil
}

func (r *rawStep) field(k []byte) *json.RawMessage {
	switch string(k) {
	case "thoidiemxuly":
		return &r.ThoiDiemXuLy
	case "trangthai":
		return &r.TrangThai
	case "phongbanxuly":
		return &r.PhongBanXuLy
	case "nguoixuly":
		return &r.NguoiXuLy
	case "noidungxuly":
		return &r.NoiDungXuLy
	case "thoidiemdongbo":
		return &r.ThoiDiemDongBo
	}
	return nil
}

func (r *rawSync) field(k []byte) *json.RawMessage {
	switch string(k) {
	case "dadongbo":
		return &r.DaDongBo
	case "thoidiemdongbo":
		return &r.ThoiDiemDongBo
	case "maloi":
		return &r.MaLoi
	}
	return nil
}
