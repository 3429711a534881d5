package transform

import (
	"fmt"
	"strconv"
	"strings"
)

// Dossier statuses (TrangThaiHoSo), numbered as on the portal.
const (
	StatusNew                = 1  // Mới đăng ký
	StatusReceived           = 2  // Được tiếp nhận
	StatusNotReceived        = 3  // Không được tiếp nhận
	StatusInProgress         = 4  // Đang xử lý
	StatusSupplement         = 5  // Yêu cầu bổ sung
	StatusFinancialRequested = 6  // Yêu cầu thực hiện nghĩa vụ tài chính
	StatusWithdrawn          = 7  // Công dân yêu cầu rút hồ sơ
	StatusStopped            = 8  // Dừng xử lý
	StatusProcessed          = 9  // Đã xử lý xong
	StatusReturned           = 10 // Đã trả kết quả
)

// statusByName maps the folded official names to codes. The dossier status
// accepts only these (a dossier status drives every indicator, so a loose
// match would be a guess).
func statusByName(f string) (uint8, bool) {
	switch f {
	case "moi dang ky":
		return StatusNew, true
	case "duoc tiep nhan", "da tiep nhan":
		return StatusReceived, true
	case "khong duoc tiep nhan", "tu choi tiep nhan":
		return StatusNotReceived, true
	case "dang xu ly":
		return StatusInProgress, true
	case "yeu cau bo sung":
		return StatusSupplement, true
	case "yeu cau thuc hien nghia vu tai chinh", "yeu cau nghia vu tai chinh":
		return StatusFinancialRequested, true
	case "cong dan yeu cau rut ho so", "rut ho so", "da rut ho so":
		return StatusWithdrawn, true
	case "dung xu ly":
		return StatusStopped, true
	case "da xu ly xong":
		return StatusProcessed, true
	case "da tra ket qua":
		return StatusReturned, true
	}
	return 0, false
}

// stepByName adds the verbs the one-stop systems write on processing steps;
// steps are informative, so this list may be looser than statusByName.
func stepByName(f string) (uint8, bool) {
	switch f {
	case "tiep nhan", "tiep nhan ho so":
		return StatusReceived, true
	case "khong tiep nhan", "tu choi":
		return StatusNotReceived, true
	case "chuyen xu ly", "xu ly", "tham dinh", "phe duyet", "trinh ky", "ky duyet":
		return StatusInProgress, true
	case "bo sung", "bo sung ho so":
		return StatusSupplement, true
	case "nghia vu tai chinh":
		return StatusFinancialRequested, true
	case "dung":
		return StatusStopped, true
	case "xu ly xong", "hoan thanh", "hoan thanh xu ly":
		return StatusProcessed, true
	case "tra ket qua":
		return StatusReturned, true
	}
	return 0, false
}

// ParseStatus reads TrangThaiHoSo: a code 1..10 (number or numeric text) or
// the official Vietnamese name with or without diacritics, in any case.
// Anything else is an error wrapping ErrStatus.
func ParseStatus(s string) (uint8, error) {
	v := strings.TrimFunc(s, isSpaceOrFormat)
	if v == "" {
		return 0, fmt.Errorf("%w: empty; expected 1..10 or a name such as \"Đang xử lý\"", ErrStatus)
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		if n == float64(int(n)) && n >= 1 && n <= 10 {
			return uint8(n), nil
		}
		return 0, fmt.Errorf("%w: %q is not a status code; expected 1..10", ErrStatus, v)
	}
	if c, ok := statusByName(foldASCII(v)); ok {
		return c, nil
	}
	return 0, fmt.Errorf("%w: %q is not a known status; expected 1..10 or one of Mới đăng ký, Được tiếp nhận, Không được tiếp nhận, Đang xử lý, Yêu cầu bổ sung, Yêu cầu thực hiện nghĩa vụ tài chính, Công dân yêu cầu rút hồ sơ, Dừng xử lý, Đã xử lý xong, Đã trả kết quả", ErrStatus, v)
}

// StepStatusCode maps a step's TrangThai (code or text) to 1..10, or 0 when
// it is not recognizable: steps never cause a reject.
func StepStatusCode(s string) uint8 {
	if c, err := ParseStatus(s); err == nil {
		return c
	}
	f := foldASCII(s)
	if c, ok := stepByName(f); ok {
		return c
	}
	// "Đã tiếp nhận hồ sơ", "Đã chuyển xử lý": a leading "đã" marks the past tense only.
	if rest, ok := strings.CutPrefix(f, "da "); ok {
		if c, ok := stepByName(rest); ok {
			return c
		}
	}
	return 0
}

// ParseChannel reads KenhThucHien: 1/2/3 or Trực tiếp / Trực tuyến / Bưu
// chính (with or without diacritics, any case). An empty value is the
// official "null = direct" rule: ChannelDirect with missing = true, so the
// fallback stays visible. Other values are errors wrapping ErrChannel.
func ParseChannel(s string) (ch Channel, missing bool, err error) {
	v := strings.TrimFunc(s, isSpaceOrFormat)
	if v == "" {
		return ChannelDirect, true, nil
	}
	switch foldASCII(v) {
	case "1", "truc tiep", "direct":
		return ChannelDirect, false, nil
	case "2", "truc tuyen", "online":
		return ChannelOnline, false, nil
	case "3", "buu chinh", "buu chinh cong ich", "postal":
		return ChannelPostal, false, nil
	}
	return 0, false, fmt.Errorf("%w: %q; expected 1 (Trực tiếp), 2 (Trực tuyến), 3 (Bưu chính) or null", ErrChannel, v)
}
