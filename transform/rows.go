package transform

import (
	"errors"
	"time"
)

// Channel is how a dossier was filed (KenhThucHien).
type Channel uint8

// Channel values match the portal's KenhThucHien codes and the Enum8 of the
// dossiers table, so they must not be renumbered.
const (
	ChannelDirect Channel = 1
	ChannelOnline Channel = 2
	ChannelPostal Channel = 3
)

// String returns the name used in ClickHouse (`direct`, `online`, `postal`).
func (c Channel) String() string {
	switch c {
	case ChannelOnline:
		return "online"
	case ChannelPostal:
		return "postal"
	default:
		return "direct"
	}
}

// Dossier is one normalized dossier, ready for the dossiers table. Every
// personal field is already a keyed hash; nothing in a Dossier may identify a
// citizen directly.
//
// Nullable times are pointers: nil means the source had no value (empty
// string or null), never a zero date.
type Dossier struct {
	DossierID             string // MaHoSo
	ProcedureCode         string // canonical: N.NNNNNN.000.00.00.Hdd, or N.NNNNNN when no suffix
	ProcedureNationalCode string // N.NNNNNN
	ProcedureName         string // TenTTHC, NFC
	FieldCode             string // MaLinhVuc
	UnitCode              string // GSO code of the handling unit valid on the received date
	UnitName              string // canonical name of that unit on that date
	AgencyCode            string // MaCoQuan as given (may be empty)
	Channel               Channel
	ChannelMissing        bool  // KenhThucHien was absent/null: counted as direct (official rule)
	ApplicantType         uint8 // LoaiDoiTuong, 0 when missing

	OwnerHash   string // HMAC of ChuHoSo ("" when missing)
	IDHash      string // HMAC of SoDinhDanh
	PhoneHash   string // HMAC of SoDienThoai
	EmailHash   string // HMAC of Email
	AccountHash string // HMAC of MaDoiTuong (submitting national-portal account)

	Status uint8 // TrangThaiHoSo 1..10

	SubmittedAt *time.Time // NgayNopHoSo
	ReceivedAt  *time.Time // NgayTiepNhan
	DueAt       *time.Time // NgayHenTra
	FinishedAt  *time.Time // NgayKetThucXuLy
	ReturnedAt  *time.Time // NgayTra
	RefusedAt   *time.Time // NgayTuChoi

	HasDigitized bool  // HoSoCoThanhPhanSoHoa = 1
	VNeID        bool  // TaiKhoanDuocXacThucVoiVNeID = 1
	PaidOnline   uint8 // DuocThanhToanTrucTuyen 0/1/2
	Rating       uint8 // DanhGiaHaiLong 1..3, 0 when missing
	DocCount     uint16
	DocDigitized uint16 // TaiLieuNop with DuocSoHoa = 1
	DocReused    uint16 // DuocTaiSuDung = 1 or DuocLayTuKhoDMQG = 1 or MaKetQuaThayThe set
	DocFromStore uint16 // DuocLayTuKhoDMQG = 1
	FeeCount     uint16 // DanhSachLePhi entries
	FeeTotal     float64
	ResultCount  uint16 // DanhSachGiayToKetQua entries
	ResultLinks  uint16 // of which with DuongDanTepTinKetQua set

	Supplements []Supplement

	Synced    bool       // DongBoDVCQG.DaDongBo = 1
	SyncedAt  *time.Time // DongBoDVCQG.ThoiDiemDongBo
	SyncError string     // DongBoDVCQG.MaLoi
	UpdatedAt time.Time  // NgayCapNhat; required (it is the cursor)
	Source    string     // "dossiers" (API) or "files"
	Flags     []string   // data-quality flags kept visible (e.g. "channel_missing", "received_before_submitted")
	Steps     []Step
}

// Supplement is one supplement request (DanhSachHoSoBoSung).
type Supplement struct {
	RequestedAt *time.Time // NgayYeuCauBoSung
	ReceivedAt  *time.Time // NgayTiepNhanBoSung
	NewDueAt    *time.Time // NgayHenTraMoi
}

// Step is one processing step (QuaTrinhXuLy) of a dossier.
type Step struct {
	Index      uint16     // position in QuaTrinhXuLy, from 0
	At         *time.Time // ThoiDiemXuLy
	Status     string     // TrangThai as text, NFC
	StatusCode uint8      // TrangThai mapped to 1..10 when recognizable, else 0
	Department string     // PhongBanXuLy
	Handler    string     // NguoiXuLy as a keyed hash (staff are people too)
	Content    string     // NoiDungXuLy, keyed hash (KindText): free text about a case
	SyncedAt   *time.Time // ThoiDiemDongBo; nil = never reached the national portal
}

// Reject is a record that could not be normalized. Raw holds the record as
// received but with every personal field replaced by its keyed hash, so a
// reject can be stored without leaking personal data.
type Reject struct {
	Source    string
	Stage     string // "decode", "normalize", ...
	RecordKey string // MaHoSo or "" when even that was unreadable
	Field     string // the field at fault
	Reason    string // what is wrong, what value, what was expected
	Raw       string
}

// NewReject is the one way a source builds a reject: the record key and
// the field come from a *RecordError when err holds one, the reason is
// err's message, and scrubbed is the raw record already scrubbed by the
// caller (its source's allow-list or keyed hashes).
func NewReject(source, stage string, scrubbed []byte, err error) Reject {
	r := Reject{Source: source, Stage: stage, Raw: string(scrubbed)}
	var re *RecordError
	if errors.As(err, &re) {
		r.RecordKey, r.Field = re.Key, re.Field
	}
	if err != nil {
		r.Reason = err.Error()
	}
	return r
}
