package transform

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

var testNow = time.Date(2024, 8, 1, 12, 0, 0, 0, HoChiMinh())

func mustNormalizer(t testing.TB) *Normalizer {
	t.Helper()
	n, err := NewNormalizer(NormalizerOptions{PII: mustPII(t), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Personal values of the fixture; none may appear in any output.
var fixturePII = []string{"Nguyễn Văn An", "NGUYỄN", "012345678901", "0912345678", "912345678", "an.nguyen@example.vn", "VNEID-0099887766"}

const fullDossier = `{
 "MaHoSo": "000.21.37.H08-240716-0012",
 "MaTTHC": "1.0108 24.000. 00.00.H 08",
 "TenTTHC": "Hưởng trợ cấp khi người có công đang hưởng trợ cấp ưu đãi từ trần",
 "MaLinhVuc": "NCC",
 "TenLinhVuc": "Người có công",
 "MaDonViHanhChinh": "21637",
 "MaCoQuan": "000.21.37.H08",
 "DonViXuLy": "UBND phường Tam Quan",
 "KenhThucHien": "2",
 "LoaiDoiTuong": 1,
 "ChuHoSo": "Nguyễn Văn An",
 "SoDinhDanh": "012345678901",
 "SoDienThoai": "+84 912 345 678",
 "Email": "an.nguyen@example.vn",
 "MaDoiTuong": "VNEID-0099887766",
 "NgayNopHoSo": "20240716080000",
 "NgayTiepNhan": "16/07/2024 08:30:00",
 "NgayHenTra": "2024-07-23",
 "NgayKetThucXuLy": "2024-07-22T10:00:00+07:00",
 "NgayTra": "20240722150000",
 "NgayTuChoi": null,
 "TrangThaiHoSo": "10",
 "HoSoCoThanhPhanSoHoa": true,
 "TaiKhoanDuocXacThucVoiVNeID": 1,
 "DuocThanhToanTrucTuyen": "1",
 "DanhGiaHaiLong": 2,
 "TaiLieuNop": [
  {"MaThanhPhanHoSo": "TP1", "TenTepDinhKem": "don.pdf", "DuongDanTaiTepTin": "https://x/1", "DuocSoHoa": 1, "DuocTaiSuDung": 0, "DuocLayTuKhoDMQG": 0},
  {"MaThanhPhanHoSo": "TP2", "TenTepDinhKem": "cccd.pdf", "DuongDanTaiTepTin": "https://x/2", "DuocSoHoa": "1", "DuocTaiSuDung": false, "DuocLayTuKhoDMQG": true},
  {"MaThanhPhanHoSo": "TP3", "TenTepDinhKem": "gcn.pdf", "DuongDanTaiTepTin": "", "DuocSoHoa": 0, "MaKetQuaThayThe": "KQ-77"}
 ],
 "DanhSachLePhi": [{"MaPhiLePhi": "LP1", "TenPhiLePhi": "Lệ phí", "Gia": 50000}, {"MaPhiLePhi": "LP2", "TenPhiLePhi": "Phí", "Gia": "20000"}],
 "DanhSachGiayToKetQua": [{"MaGiayToKetQua": "KQ1", "TenGiayTo": "Quyết định", "DuongDanTepTinKetQua": "https://x/kq"}, {"MaGiayToKetQua": "KQ2", "TenGiayTo": "Bản sao", "DuongDanTepTinKetQua": null}],
 "DanhSachHoSoBoSung": [{"NgayYeuCauBoSung": "17/07/2024", "NgayTiepNhanBoSung": "18/07/2024 09:00:00", "NgayHenTraMoi": "25/07/2024"}],
 "QuaTrinhXuLy": [
  {"ThoiDiemXuLy": "20240716083000", "TrangThai": "Tiếp nhận hồ sơ", "PhongBanXuLy": "Bộ phận một cửa", "NguoiXuLy": "Lê Văn Cán Bộ", "NoiDungXuLy": "Tiếp nhận", "ThoiDiemDongBo": "20240716083500"},
  {"ThoiDiemXuLy": "20240716100000", "TrangThai": "4", "PhongBanXuLy": "Văn hóa - Xã hội", "NguoiXuLy": "Phạm Thị Chuyên Viên", "NoiDungXuLy": "Thẩm định", "ThoiDiemDongBo": "20240716101000"},
  {"ThoiDiemXuLy": "20240719160000", "TrangThai": "Trình ký", "PhongBanXuLy": "Lãnh đạo", "NguoiXuLy": "Chủ tịch", "NoiDungXuLy": "Trình ký", "ThoiDiemDongBo": null},
  {"ThoiDiemXuLy": "20240722100000", "TrangThai": "Đã xử lý xong", "PhongBanXuLy": "Lãnh đạo", "NguoiXuLy": "Chủ tịch", "NoiDungXuLy": "Ký duyệt", "ThoiDiemDongBo": "20240722103000"},
  {"ThoiDiemXuLy": "20240722150000", "TrangThai": "Đã trả kết quả", "PhongBanXuLy": "Bộ phận một cửa", "NguoiXuLy": "Lê Văn Cán Bộ", "NoiDungXuLy": "Trả kết quả", "ThoiDiemDongBo": "20240722151000"}
 ],
 "DongBoDVCQG": {"DaDongBo": 1, "ThoiDiemDongBo": "20240722151000", "MaLoi": ""},
 "NgayCapNhat": "20240722151000"
}`

func tp(y int, m time.Month, d, h, mi, s int) *time.Time {
	t := time.Date(y, m, d, h, mi, s, 0, HoChiMinh())
	return &t
}

func TestDossierFull(t *testing.T) {
	n := mustNormalizer(t)
	p := mustPII(t)
	got, err := n.Dossier([]byte(fullDossier))
	if err != nil {
		t.Fatal(err)
	}
	want := Dossier{
		DossierID:             "000.21.37.H08-240716-0012",
		ProcedureCode:         "1.010824.000.00.00.H08",
		ProcedureNationalCode: "1.010824",
		ProcedureName:         "Hưởng trợ cấp khi người có công đang hưởng trợ cấp ưu đãi từ trần",
		FieldCode:             "NCC",
		UnitCode:              "21637",
		UnitName:              "Tam Quan",
		AgencyCode:            "000.21.37.H08",
		Channel:               ChannelOnline,
		ApplicantType:         1,
		OwnerHash:             p.Hash(KindName, "Nguyễn Văn An"),
		IDHash:                p.Hash(KindID, "012345678901"),
		PhoneHash:             p.Hash(KindPhone, "0912345678"),
		EmailHash:             p.Hash(KindEmail, "an.nguyen@example.vn"),
		AccountHash:           p.Hash(KindAccount, "VNEID-0099887766"),
		Status:                10,
		SubmittedAt:           tp(2024, 7, 16, 8, 0, 0),
		ReceivedAt:            tp(2024, 7, 16, 8, 30, 0),
		DueAt:                 tp(2024, 7, 23, 23, 59, 59), // a date-only due date is the end of that day
		FinishedAt:            tp(2024, 7, 22, 10, 0, 0),
		ReturnedAt:            tp(2024, 7, 22, 15, 0, 0),
		HasDigitized:          true,
		VNeID:                 true,
		PaidOnline:            1,
		Rating:                2,
		DocCount:              3,
		DocDigitized:          2,
		DocReused:             2,
		DocFromStore:          1,
		FeeCount:              2,
		FeeTotal:              70000,
		ResultCount:           2,
		ResultLinks:           1,
		Supplements: []Supplement{{
			RequestedAt: tp(2024, 7, 17, 0, 0, 0),
			ReceivedAt:  tp(2024, 7, 18, 9, 0, 0),
			NewDueAt:    tp(2024, 7, 25, 23, 59, 59),
		}},
		Synced:    true,
		SyncedAt:  tp(2024, 7, 22, 15, 10, 0),
		UpdatedAt: *tp(2024, 7, 22, 15, 10, 0),
		Source:    "dossiers",
		Steps: []Step{
			{Index: 0, At: tp(2024, 7, 16, 8, 30, 0), Status: "Tiếp nhận hồ sơ", StatusCode: 2, Department: "Bộ phận một cửa", Handler: p.Hash(KindStaff, "Lê Văn Cán Bộ"), Content: p.Hash(KindText, "Tiếp nhận"), SyncedAt: tp(2024, 7, 16, 8, 35, 0)},
			{Index: 1, At: tp(2024, 7, 16, 10, 0, 0), Status: "4", StatusCode: 4, Department: "Văn hóa - Xã hội", Handler: p.Hash(KindStaff, "Phạm Thị Chuyên Viên"), Content: p.Hash(KindText, "Thẩm định"), SyncedAt: tp(2024, 7, 16, 10, 10, 0)},
			{Index: 2, At: tp(2024, 7, 19, 16, 0, 0), Status: "Trình ký", StatusCode: 4, Department: "Lãnh đạo", Handler: p.Hash(KindStaff, "Chủ tịch"), Content: p.Hash(KindText, "Trình ký")},
			{Index: 3, At: tp(2024, 7, 22, 10, 0, 0), Status: "Đã xử lý xong", StatusCode: 9, Department: "Lãnh đạo", Handler: p.Hash(KindStaff, "Chủ tịch"), Content: p.Hash(KindText, "Ký duyệt"), SyncedAt: tp(2024, 7, 22, 10, 30, 0)},
			{Index: 4, At: tp(2024, 7, 22, 15, 0, 0), Status: "Đã trả kết quả", StatusCode: 10, Department: "Bộ phận một cửa", Handler: p.Hash(KindStaff, "Lê Văn Cán Bộ"), Content: p.Hash(KindText, "Trả kết quả"), SyncedAt: tp(2024, 7, 22, 15, 10, 0)},
		},
	}
	if !reflect.DeepEqual(got, want) {
		gj, gerr := json.MarshalIndent(got, "", " ")
		wj, werr := json.MarshalIndent(want, "", " ")
		t.Fatalf("Dossier mismatch (%v, %v)\n got: %s\nwant: %s", gerr, werr, gj, wj)
	}
	assertNoPII(t, got)
}

func assertNoPII(t *testing.T, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	s := norm.NFC.String(string(b))
	for _, secret := range fixturePII {
		if strings.Contains(s, secret) || strings.Contains(strings.ToLower(s), strings.ToLower(secret)) {
			t.Errorf("output contains personal value %q: %s", secret, s)
		}
	}
}

// edit returns fullDossier with top-level fields replaced (nil value = delete).
func edit(t testing.TB, changes map[string]any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(fullDossier), &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range changes {
		if v == nil {
			delete(m, k)
		} else if v == jsonNull {
			m[k] = nil
		} else {
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type nullMarker struct{}

var jsonNull = nullMarker{}

func TestDossierRejects(t *testing.T) {
	n := mustNormalizer(t)
	for _, tc := range []struct {
		name     string
		changes  map[string]any
		field    string
		sentinel error
		msg      string
	}{
		{"no MaHoSo", map[string]any{"MaHoSo": nil}, "MaHoSo", ErrMissingField, "required"},
		{"empty MaHoSo", map[string]any{"MaHoSo": "  "}, "MaHoSo", ErrMissingField, "required"},
		{"no MaTTHC", map[string]any{"MaTTHC": nil}, "MaTTHC", ErrMissingField, "required"},
		{"bad MaTTHC", map[string]any{"MaTTHC": "ABC"}, "MaTTHC", ErrProcedureCode, `field MaTTHC: value "ABC": no national code N.NNNNNN found; expected e.g. 1.010824.000.00.00.H08`},
		{"no status", map[string]any{"TrangThaiHoSo": nil}, "TrangThaiHoSo", ErrMissingField, "required"},
		{"null status", map[string]any{"TrangThaiHoSo": jsonNull}, "TrangThaiHoSo", ErrMissingField, "required"},
		{"bad status", map[string]any{"TrangThaiHoSo": 11}, "TrangThaiHoSo", ErrStatus, "1..10"},
		{"no NgayCapNhat", map[string]any{"NgayCapNhat": nil}, "NgayCapNhat", ErrMissingField, "required"},
		{"empty NgayCapNhat", map[string]any{"NgayCapNhat": ""}, "NgayCapNhat", ErrMissingField, "required"},
		{"bad NgayCapNhat", map[string]any{"NgayCapNhat": "31/02/2024"}, "NgayCapNhat", ErrBadDate, "does not exist"},
		{"no unit", map[string]any{"MaDonViHanhChinh": nil, "MaCoQuan": nil, "DonViXuLy": nil}, "MaDonViHanhChinh", ErrUnknownUnit, "all empty"},
		{"unknown unit code", map[string]any{"MaDonViHanhChinh": "99999"}, "MaDonViHanhChinh", ErrUnknownUnit, `value "99999": on 2024-07-16`},
		{"unknown unit name", map[string]any{"MaDonViHanhChinh": nil, "MaCoQuan": nil, "DonViXuLy": "Tam Quan Tây"}, "DonViXuLy", ErrUnknownUnit, "expected one of"},
		{"unit code and name disagree", map[string]any{"DonViXuLy": "UBND phường Tam Quan Bắc"}, "DonViXuLy", ErrUnknownUnit, "21637"},
		{"bad channel", map[string]any{"KenhThucHien": 7}, "KenhThucHien", ErrChannel, "expected 1"},
		{"year before 2000", map[string]any{"NgayNopHoSo": "19990716080000"}, "NgayNopHoSo", ErrBadDate, "before 2000"},
		{"due date past ClickHouse's DateTime", map[string]any{"NgayHenTra": "31/12/9999"}, "NgayHenTra", ErrBadDate, "outside the range of ClickHouse's DateTime"},
		{"supplement due past 2105", map[string]any{"DanhSachHoSoBoSung": []any{map[string]any{"NgayHenTraMoi": "2204-01-01"}}}, "DanhSachHoSoBoSung[0].NgayHenTraMoi", ErrBadDate, "after 2105"},
		{"future received", map[string]any{"NgayTiepNhan": "20240803080000"}, "NgayTiepNhan", ErrBadDate, "after now"},
		{"future step", map[string]any{"QuaTrinhXuLy": []any{map[string]any{"ThoiDiemXuLy": "20250101000000"}}}, "QuaTrinhXuLy[0].ThoiDiemXuLy", ErrBadDate, "after now"},
		{"bad step date", map[string]any{"QuaTrinhXuLy": []any{map[string]any{"ThoiDiemXuLy": "hôm qua"}}}, "QuaTrinhXuLy[0].ThoiDiemXuLy", ErrBadDate, "unrecognized"},
		{"bad supplement date", map[string]any{"DanhSachHoSoBoSung": []any{map[string]any{"NgayYeuCauBoSung": "2024-02-30"}}}, "DanhSachHoSoBoSung[0].NgayYeuCauBoSung", ErrBadDate, "does not exist"},
		{"bad sync date", map[string]any{"DongBoDVCQG": map[string]any{"DaDongBo": 1, "ThoiDiemDongBo": "x"}}, "DongBoDVCQG.ThoiDiemDongBo", ErrBadDate, "unrecognized"},
		{"array is a string", map[string]any{"TaiLieuNop": "many"}, "TaiLieuNop", ErrMalformed, "expected an array"},
		{"MaTTHC is an object", map[string]any{"MaTTHC": map[string]any{"a": 1}}, "MaTTHC", ErrMalformed, "object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := edit(t, tc.changes)
			_, err := n.Dossier(raw)
			if err == nil {
				t.Fatal("no error")
			}
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("error %T is not a *RecordError: %v", err, err)
			}
			if re.Field != tc.field {
				t.Errorf("Field = %q, want %q (%v)", re.Field, tc.field, err)
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("error does not wrap %v: %v", tc.sentinel, err)
			}
			if !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), "field "+tc.field) {
				t.Errorf("error %q: want it to name the field and contain %q", err, tc.msg)
			}
			if tc.field != "MaHoSo" && re.Key != "000.21.37.H08-240716-0012" {
				t.Errorf("Key = %q", re.Key)
			}
			rj := n.Reject("normalize", raw, err)
			if rj.Field != tc.field || rj.Reason != err.Error() || rj.Source != "dossiers" || rj.Stage != "normalize" {
				t.Errorf("Reject = %+v", rj)
			}
			if tc.field != "MaHoSo" && rj.RecordKey != "000.21.37.H08-240716-0012" {
				t.Errorf("Reject.RecordKey = %q", rj.RecordKey)
			}
			assertNoPII(t, rj)
		})
	}
}

func TestDossierErrorMessage(t *testing.T) {
	n := mustNormalizer(t)
	_, err := n.Dossier(edit(t, map[string]any{"MaTTHC": "ABC"}))
	want := `dossier "000.21.37.H08-240716-0012": field MaTTHC: value "ABC": no national code N.NNNNNN found; expected e.g. 1.010824.000.00.00.H08`
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
}

func TestDossierFlagsAndDates(t *testing.T) {
	n := mustNormalizer(t)
	for _, tc := range []struct {
		name    string
		changes map[string]any
		flags   []string
		check   func(t *testing.T, d Dossier)
	}{
		{"clean", nil, nil, nil},
		{"channel null", map[string]any{"KenhThucHien": jsonNull}, []string{FlagChannelMissing}, func(t *testing.T, d Dossier) {
			if d.Channel != ChannelDirect || !d.ChannelMissing {
				t.Errorf("channel = %v missing=%v", d.Channel, d.ChannelMissing)
			}
		}},
		{"channel absent", map[string]any{"KenhThucHien": nil}, []string{FlagChannelMissing}, nil},
		{"channel text", map[string]any{"KenhThucHien": "Bưu chính"}, nil, func(t *testing.T, d Dossier) {
			if d.Channel != ChannelPostal {
				t.Errorf("channel = %v", d.Channel)
			}
		}},
		{"no received date: unit on submitted date", map[string]any{"NgayTiepNhan": jsonNull}, []string{FlagNoReceivedDate}, func(t *testing.T, d Dossier) {
			if d.ReceivedAt != nil || d.UnitCode != "21637" {
				t.Errorf("ReceivedAt=%v unit=%s", d.ReceivedAt, d.UnitCode)
			}
		}},
		{"received two days before submitted", map[string]any{"NgayTiepNhan": "14/07/2024 08:00:00"}, []string{FlagReceivedBeforeSubmitted}, nil},
		{"received a few hours before submitted is tolerated", map[string]any{"NgayTiepNhan": "15/07/2024 20:00:00"}, nil, nil},
		{"due date may be in the future", map[string]any{"NgayHenTra": "2024-12-31"}, nil, nil},
		{"update within tolerance", map[string]any{"NgayCapNhat": "20240802080000"}, nil, nil},
		{"bad rating kept with flag", map[string]any{"DanhGiaHaiLong": 9}, []string{FlagInvalidRating}, func(t *testing.T, d Dossier) {
			if d.Rating != 0 {
				t.Errorf("Rating = %d", d.Rating)
			}
		}},
		{"bad fee kept with flag", map[string]any{"DanhSachLePhi": []any{map[string]any{"Gia": "năm chục"}, map[string]any{"Gia": 1000}}}, []string{FlagInvalidFee}, func(t *testing.T, d Dossier) {
			if d.FeeCount != 2 || d.FeeTotal != 1000 {
				t.Errorf("fees = %d / %v", d.FeeCount, d.FeeTotal)
			}
		}},
		{"empty arrays and nulls", map[string]any{"TaiLieuNop": jsonNull, "DanhSachLePhi": []any{}, "QuaTrinhXuLy": "", "DongBoDVCQG": jsonNull}, nil, func(t *testing.T, d Dossier) {
			if d.DocCount != 0 || d.Steps != nil || d.Synced || d.SyncedAt != nil {
				t.Errorf("got %+v", d)
			}
		}},
		{"unit resolved on received date across the merger", map[string]any{"MaDonViHanhChinh": "21664", "MaCoQuan": nil, "DonViXuLy": "Hoài Thanh Tây", "NgayTiepNhan": "30/06/2025 16:00:00", "NgayNopHoSo": "30/06/2025 15:00:00", "NgayCapNhat": "02/07/2025 09:00:00"}, nil, nil},
		{"status as text", map[string]any{"TrangThaiHoSo": "da tra ket qua"}, nil, func(t *testing.T, d Dossier) {
			if d.Status != 10 {
				t.Errorf("Status = %d", d.Status)
			}
		}},
		{"numbers as strings and bools", map[string]any{"LoaiDoiTuong": "2", "HoSoCoThanhPhanSoHoa": "0", "TaiKhoanDuocXacThucVoiVNeID": false, "DuocThanhToanTrucTuyen": 2.0}, nil, func(t *testing.T, d Dossier) {
			if d.ApplicantType != 2 || d.HasDigitized || d.VNeID || d.PaidOnline != 2 {
				t.Errorf("got type=%d dig=%v vneid=%v paid=%d", d.ApplicantType, d.HasDigitized, d.VNeID, d.PaidOnline)
			}
		}},
		{"ID as a JSON number", map[string]any{"SoDinhDanh": 12345678901}, nil, func(t *testing.T, d Dossier) {
			if d.IDHash == "" {
				t.Error("IDHash empty")
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			local := n
			if strings.Contains(tc.name, "merger") {
				local = mustNormalizerAt(t, time.Date(2025, 7, 3, 0, 0, 0, 0, HoChiMinh()))
			}
			d, err := local.Dossier(edit(t, tc.changes))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d.Flags, tc.flags) {
				t.Errorf("Flags = %v, want %v", d.Flags, tc.flags)
			}
			if tc.check != nil {
				tc.check(t, d)
			}
			if strings.Contains(tc.name, "merger") && (d.UnitCode != "21664" || d.UnitName != "Hoài Thanh Tây") {
				t.Errorf("unit = %s %s, want 21664 Hoài Thanh Tây", d.UnitCode, d.UnitName)
			}
			assertNoPII(t, d)
		})
	}
}

func mustNormalizerAt(t testing.TB, now time.Time) *Normalizer {
	t.Helper()
	n, err := NewNormalizer(NormalizerOptions{PII: mustPII(t), Now: func() time.Time { return now }, Source: "dossiers"})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDossierNFD(t *testing.T) {
	n := mustNormalizer(t)
	nfd := norm.NFD.String(fullDossier)
	if nfd == fullDossier {
		t.Fatal("fixture has no decomposable characters")
	}
	got, err := n.Dossier([]byte(nfd))
	if err != nil {
		t.Fatal(err)
	}
	want, err := n.Dossier([]byte(fullDossier))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("NFD input normalized differently:\n%+v\n%+v", got, want)
	}
	for _, s := range []string{got.ProcedureName, got.UnitName, got.Steps[0].Status, got.Steps[1].Department} {
		if !norm.NFC.IsNormalString(s) {
			t.Errorf("%q is not NFC", s)
		}
	}
}

func TestRejectUnparseable(t *testing.T) {
	n := mustNormalizer(t)
	raw := []byte(`{"MaHoSo":"K-1","ChuHoSo":"Nguyễn Văn An","SoDinhDanh":"012345678901"`) // truncated
	_, err := n.Dossier(raw)
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("got %v, want ErrMalformed", err)
	}
	rj := n.Reject("decode", raw, err)
	if !strings.HasPrefix(rj.Raw, `{"unparseable":true`) {
		t.Errorf("Raw = %s", rj.Raw)
	}
	assertNoPII(t, rj)

	// A readable record with PII: the raw keeps its shape, hashes the PII.
	raw = edit(t, map[string]any{"MaTTHC": "ABC"})
	_, err = n.Dossier(raw)
	rj = n.Reject("normalize", raw, err)
	if !strings.Contains(rj.Raw, `"MaTTHC":"ABC"`) || !strings.Contains(rj.Raw, mustPII(t).Hash(KindID, "012345678901")) {
		t.Errorf("Raw = %s", rj.Raw)
	}
	assertNoPII(t, rj)

	// Not an object at all.
	for _, raw := range []string{`[1,2]`, `"x"`, `null`} {
		if _, err := n.Dossier([]byte(raw)); !errors.Is(err, ErrMalformed) {
			t.Errorf("Dossier(%s) = %v, want ErrMalformed", raw, err)
		}
	}
	// A plain error still yields a Reject with the key.
	rj = n.Reject("load", edit(t, nil), errors.New("boom"))
	if rj.RecordKey != "000.21.37.H08-240716-0012" || rj.Reason != "boom" || rj.Field != "" {
		t.Errorf("Reject = %+v", rj)
	}
}

func TestNewNormalizer(t *testing.T) {
	if _, err := NewNormalizer(NormalizerOptions{}); err == nil {
		t.Error("NewNormalizer without PII must fail")
	}
	n, err := NewNormalizer(NormalizerOptions{PII: mustPII(t), Source: "files"})
	if err != nil {
		t.Fatal(err)
	}
	if n.maxAhead != 24*time.Hour || n.loc == nil || n.units == nil || n.source != "files" {
		t.Errorf("defaults not applied: %+v", n)
	}
}

func BenchmarkNormalizeDossier(b *testing.B) {
	n := mustNormalizer(b)
	raw := []byte(fullDossier)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := n.Dossier(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzDossier only checks robustness: any input yields a Dossier or a
// *RecordError, never a panic, and a Reject can always be built.
func FuzzDossier(f *testing.F) {
	f.Add([]byte(fullDossier))
	f.Add([]byte(`{"MaHoSo":1,"MaTTHC":1.010824,"TrangThaiHoSo":true}`))
	f.Add([]byte(`{"MaHoSo":"x","QuaTrinhXuLy":[{"ThoiDiemXuLy":null}],"TaiLieuNop":[1]}`))
	n := mustNormalizer(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, err := n.Dossier(raw)
		if err != nil {
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("error %T is not a *RecordError: %v", err, err)
			}
		}
		rj := n.Reject("normalize", raw, err)
		if !json.Valid([]byte(rj.Raw)) {
			t.Fatalf("Reject.Raw is not JSON: %q", rj.Raw)
		}
	})
}
