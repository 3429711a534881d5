package transform

import (
	"reflect"
	"strings"
	"testing"
)

// fastDecodeSeeds are records the fast decode must read exactly as
// encoding/json does, or leave to it.
var fastDecodeSeeds = []string{
	fullDossier,
	strings.Replace(fullDossier, `"MaHoSo"`, `"mahoso"`, 1),
	strings.Replace(fullDossier, `"MaHoSo"`, `"Ma\u0048oSo"`, 1),
	strings.Replace(fullDossier, `"MaHoSo"`, `"MaHoſo"`, 1),
	strings.Replace(fullDossier, `"TaiLieuNop": [`, `"TaiLieuNop": [null, 3, `, 1),
	strings.Replace(fullDossier, `"TaiLieuNop": [`, `"TaiLieuNop": [null, `, 1),
	strings.Replace(fullDossier, `"QuaTrinhXuLy": [`, `"QuaTrinhXuLy": "x", "Q": [`, 1),
	strings.Replace(fullDossier, `"DongBoDVCQG": {`, `"DongBoDVCQG": [], "X": {`, 1),
	strings.Replace(fullDossier, `"NgayCapNhat": "20240722151000"`, `"NgayCapNhat": "20240722151000", "ngaycapnhat": null`, 1),
	strings.Replace(fullDossier, `"TrangThai": "4"`, `"TrangThai": {"a":1}`, 1),
	strings.Replace(fullDossier, `"NoiDungXuLy": "Thẩm định"`, `"NoiDungXuLy": "Th\u1ea9m \"định\""`, 1),
	strings.Replace(fullDossier, `"MaKetQuaThayThe": "KQ-77"`, `"MaKetQuaThayThe": " \u00a0 "`, 1),
	strings.Replace(fullDossier, `"MaKetQuaThayThe": "KQ-77"`, "\"MaKetQuaThayThe\": \"\xff\"", 1),
	strings.Replace(fullDossier, `"MaKetQuaThayThe": "KQ-77"`, "\"MaKetQuaThayThe\": \"\u2003\u200b\"", 1),
	strings.Replace(fullDossier, `"NguoiXuLy": "Chủ tịch"`, `"NguoiXuLy": 12`, 1),
	fullDossier[:len(fullDossier)-3],
	strings.Replace(fullDossier, `"DongBoDVCQG": {`, `"QuaTrinhXuLy": "x", "DongBoDVCQG": {`, 1),
	strings.Replace(fullDossier, `"DongBoDVCQG": {`, `"QuaTrinhXuLy": null, "DongBoDVCQG": {`, 1),
	strings.Replace(fullDossier, `"DongBoDVCQG": {`, `"quatrinhxuly": [{"TrangThai":"1"}], "DongBoDVCQG": {`, 1),
	strings.Replace(fullDossier, `"DongBoDVCQG": {`, `"QuaTrinhXuLy": [{"Tr\u0061ngThai":"1"}], "DongBoDVCQG": {`, 1),
	strings.Replace(fullDossier, `"DongBoDVCQG": {`, `"TaiLieuNop": [{"DuocSoHoa":1}, 7], "DongBoDVCQG": {`, 1),
	`{"MaHoSo":1,"MaTTHC":1.010824,"TrangThaiHoSo":true}`,
	`{"MaHoSo":"x","QuaTrinhXuLy":[{"ThoiDiemXuLy":null}],"TaiLieuNop":[1]}`,
	`[1,2]`, `"x"`, `null`, ` {} `, `{"a":}`,
}

func TestFastDecodeMatchesEncodingJSON(t *testing.T) {
	for _, raw := range fastDecodeSeeds {
		checkFastMatchesSlow(t, []byte(raw))
	}
}

func checkFastMatchesSlow(t *testing.T, raw []byte) {
	t.Helper()
	fast := mustNormalizer(t)
	slow := mustNormalizer(t)
	slow.slowDecode = true
	for range 2 { // the second round hits the caches
		df, ef := fast.Dossier(raw)
		ds, es := slow.Dossier(raw)
		if !reflect.DeepEqual(df, ds) {
			t.Fatalf("%.200q:\nfast %+v\nslow %+v", raw, df, ds)
		}
		if !reflect.DeepEqual(ef, es) {
			t.Fatalf("%.200q:\nfast err %v\nslow err %v", raw, ef, es)
		}
	}
}

func FuzzFastDecode(f *testing.F) {
	for _, raw := range fastDecodeSeeds {
		f.Add([]byte(raw))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkFastMatchesSlow(t, raw)
	})
}
