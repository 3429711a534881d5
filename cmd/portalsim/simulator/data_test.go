package simulator

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/dvcindex/dvcindex/transform/refdata"
)

// Fields of a dossier in portal-api.md.
var specFields = map[string]bool{
	"MaHoSo": true, "MaTTHC": true, "TenTTHC": true, "MaLinhVuc": true, "TenLinhVuc": true,
	"MaDonViHanhChinh": true, "MaCoQuan": true, "DonViXuLy": true, "KenhThucHien": true,
	"LoaiDoiTuong": true, "ChuHoSo": true, "SoDinhDanh": true, "SoDienThoai": true, "Email": true,
	"MaDoiTuong": true, "NgayNopHoSo": true, "NgayTiepNhan": true, "NgayHenTra": true,
	"NgayKetThucXuLy": true, "NgayTra": true, "NgayTuChoi": true, "TrangThaiHoSo": true,
	"HoSoCoThanhPhanSoHoa": true, "TaiKhoanDuocXacThucVoiVNeID": true, "DuocThanhToanTrucTuyen": true,
	"DanhGiaHaiLong": true, "TaiLieuNop": true, "DanhSachLePhi": true, "DanhSachGiayToKetQua": true,
	"DanhSachHoSoBoSung": true, "QuaTrinhXuLy": true, "DongBoDVCQG": true, "NgayCapNhat": true,
}

var (
	intFields   = []string{"KenhThucHien", "LoaiDoiTuong", "TrangThaiHoSo", "HoSoCoThanhPhanSoHoa", "TaiKhoanDuocXacThucVoiVNeID", "DuocThanhToanTrucTuyen", "DanhGiaHaiLong"}
	arrayFields = []string{"TaiLieuNop", "DanhSachLePhi", "DanhSachGiayToKetQua", "DanhSachHoSoBoSung", "QuaTrinhXuLy"}
	dateFields  = []string{"NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi"}
	nestedKeys  = map[string][]string{
		"TaiLieuNop":           {"MaThanhPhanHoSo", "TenTepDinhKem", "DuongDanTaiTepTin", "DuocSoHoa", "DuocTaiSuDung", "DuocLayTuKhoDMQG", "MaKetQuaThayThe"},
		"DanhSachLePhi":        {"MaPhiLePhi", "TenPhiLePhi", "Gia"},
		"DanhSachGiayToKetQua": {"MaGiayToKetQua", "TenGiayTo"},
		"DanhSachHoSoBoSung":   {"NgayYeuCauBoSung"},
		"QuaTrinhXuLy":         {"ThoiDiemXuLy", "TrangThai", "PhongBanXuLy", "NguoiXuLy", "NoiDungXuLy", "ThoiDiemDongBo"},
	}
)

func TestJSONShape(t *testing.T) {
	t.Parallel()
	s := newSim(t, nil)
	tok := login(t, s)
	_, raw := getPage(t, s, tok, "/api/v1/dossiers?page=2&page_size=1000")
	var env map[string]json.RawMessage
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"error_code", "message", "page", "page_size", "total", "data"} {
		if _, ok := env[k]; !ok {
			t.Fatalf("envelope lacks %q", k)
		}
	}
	if len(env) != 6 || string(env["error_code"]) != `"0"` || string(env["message"]) != `""` || string(env["page"]) != "2" || string(env["page_size"]) != "1000" || string(env["total"]) != "5000" {
		t.Fatalf("envelope %s", raw[:120])
	}
	var p pageResp
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	for n, rec := range p.Data {
		tr := s.Truth(1000 + n)
		for k := range rec {
			if !specFields[k] {
				t.Fatalf("record %d: field %q not in the spec", n, k)
			}
		}
		for _, k := range []string{"MaHoSo", "MaTTHC", "TenTTHC", "DonViXuLy", "NgayCapNhat"} {
			if _, ok := jstr(rec, k); !ok {
				t.Fatalf("record %d: required string %q missing", n, k)
			}
		}
		if _, ok := rec["TrangThaiHoSo"]; !ok && tr.InvalidField != badTrangThaiHoSo {
			t.Fatalf("record %d: TrangThaiHoSo missing", n)
		}
		if u, _ := jstr(rec, "NgayCapNhat"); !regexp.MustCompile(`^\d{14}$`).MatchString(u) {
			t.Fatalf("record %d: NgayCapNhat %q", n, u)
		}
		for _, k := range intFields {
			if v, ok := rec[k]; ok && string(v) != "null" {
				var x int
				if err := json.Unmarshal(v, &x); err != nil {
					t.Fatalf("record %d: %s = %s is not an int", n, k, v)
				}
			}
		}
		for _, k := range arrayFields {
			v, ok := rec[k]
			if !ok || string(v) == "null" {
				continue
			}
			var elems []map[string]json.RawMessage
			if err := json.Unmarshal(v, &elems); err != nil {
				t.Fatalf("record %d: %s is not an array of objects: %s", n, k, v)
			}
			for _, e := range elems {
				for _, nk := range nestedKeys[k] {
					if _, ok := e[nk]; !ok {
						t.Fatalf("record %d: %s element lacks %s", n, k, nk)
					}
				}
			}
		}
		if v, ok := rec["DongBoDVCQG"]; ok && string(v) != "null" {
			var o map[string]json.RawMessage
			if err := json.Unmarshal(v, &o); err != nil || o["DaDongBo"] == nil || o["MaLoi"] == nil {
				t.Fatalf("record %d: DongBoDVCQG %s", n, v)
			}
		}
	}
}

// codeRE extracts N.NNNNNN from a messy printed code (test's own parser).
var codeRE = regexp.MustCompile(`^(\d)[.,](\d{6})`)

func nationalOf(messy string) string {
	var b strings.Builder
	for _, c := range messy {
		if c == ' ' || c == '\u00a0' || c == '\n' || c == '\r' || c == '\t' {
			continue
		}
		b.WriteRune(c)
	}
	m := codeRE.FindStringSubmatch(b.String())
	if m == nil {
		return ""
	}
	return m[1] + "." + m[2]
}

type agencyRow struct {
	gso      string
	from, to time.Time
}

func agencyTable(t *testing.T) map[string][]agencyRow {
	rows, err := csv.NewReader(bytes.NewReader(refdata.AgenciesCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]agencyRow{}
	for _, r := range rows[1:] {
		f, err := time.ParseInLocation(time.DateOnly, r[2], Location)
		if err != nil {
			t.Fatalf("agency %s from %q: %v", r[0], r[2], err)
		}
		var to time.Time
		if r[3] != "" {
			if to, err = time.ParseInLocation(time.DateOnly, r[3], Location); err != nil {
				t.Fatalf("agency %s to %q: %v", r[0], r[3], err)
			}
		}
		out[r[0]] = append(out[r[0]], agencyRow{r[1], f, to})
	}
	return out
}

func agencyGSO(tab map[string][]agencyRow, code string, on time.Time) string {
	d := midnight(on)
	for _, a := range tab[code] {
		if !d.Before(a.from) && (a.to.IsZero() || !d.After(a.to)) {
			return a.gso
		}
	}
	return ""
}

func isWorkMoment(cal calendar, t time.Time) bool {
	d := midnight(t)
	off := t.Sub(d)
	return cal.isWorkDay(d) && off >= workStart && off <= workEnd
}

// TestRecordsAgainstTruth checks every record of a year against its ground
// truth: defects where Truth says so, and nothing invalid anywhere else.
func TestRecordsAgainstTruth(t *testing.T) {
	t.Parallel()
	const n = 12000
	s := newSim(t, func(o *Options) { o.Dossiers = n; o.Seed = 42 })
	tok := login(t, s)
	recs := allRecords(t, s, tok, time.Time{}, time.Time{}, 1000)
	agencies := agencyTable(t)

	tl := truthTally{invalid: map[string]int{}, ids: map[string]bool{}, accountOwners: map[string]map[string]bool{}}
	for i, rec := range recs {
		tr := s.Truth(i)
		raw, _ := json.Marshal(rec)
		if u, _ := jstr(rec, "NgayCapNhat"); u != tr.UpdatedAt.Format(layCompact) {
			t.Fatalf("%d: NgayCapNhat %s, truth %v", i, u, tr.UpdatedAt)
		}
		if !norm.NFC.IsNormalString(string(raw)) {
			tl.nfdRecs++
		}
		if tr.Invalid {
			tl.invalid[tr.InvalidField]++
			checkDefect(t, i, rec, tr)
			continue
		}
		tl.identity(t, i, rec, tr)
		tl.unit(t, i, rec, tr, agencies)
		tl.status(t, i, rec, tr)
		checkDates(t, s.cal, i, rec, tr)
		checkSteps(t, i, rec, tr)
		tl.personal(t, i, rec, string(raw), tr)
	}
	tl.checkShares(t, n)
}

// truthTally counts, over the records of TestRecordsAgainstTruth, what it
// checks the shares of.
type truthTally struct {
	invalid                                                 map[string]int // by InvalidField
	ids                                                     map[string]bool
	nfdRecs, canonicalCode, nullChannel, noGSO, withAccount int
	accountOwners                                           map[string]map[string]bool // account → SoDinhDanh
}

// checkDefect checks that the deliberately invalid record rec breaks the
// field its truth names, and only in the intended way.
func checkDefect(t *testing.T, i int, rec map[string]json.RawMessage, tr Truth) {
	t.Helper()
	if tr.UnitCode != "" {
		t.Fatalf("%d: invalid record with UnitCode %q", i, tr.UnitCode)
	}
	switch tr.InvalidField {
	case badMaTTHC:
		if v, _ := jstr(rec, "MaTTHC"); nationalOf(v) != "" {
			t.Fatalf("%d: MaTTHC %q should be unparseable", i, v)
		}
	case badDonViXuLy:
		v, _ := jstr(rec, "DonViXuLy")
		g, _ := jstr(rec, "MaDonViHanhChinh")
		a, _ := jstr(rec, "MaCoQuan")
		if v != nowhereUnit || g != "" || a != "" {
			t.Fatalf("%d: unit defect not clean: %q %q %q", i, v, g, a)
		}
	case badNgayTiepNhan:
		v, _ := jstr(rec, "NgayTiepNhan")
		if _, _, ok := parseAny(v); ok || v == "" {
			t.Fatalf("%d: NgayTiepNhan %q should be an impossible date", i, v)
		}
	case badTrangThaiHoSo:
		if v, ok := rec["TrangThaiHoSo"]; ok && string(v) != "null" {
			t.Fatalf("%d: TrangThaiHoSo %s should be missing", i, v)
		}
	case badMaHoSo:
		if v, ok := jstr(rec, "MaHoSo"); !ok || v != "" {
			t.Fatalf("%d: MaHoSo %q should be empty", i, v)
		}
	default:
		t.Fatalf("%d: unknown InvalidField %q", i, tr.InvalidField)
	}
}

// identity checks that MaHoSo is the truth's and unique, and that MaTTHC
// parses to the truth's procedure.
func (tl *truthTally) identity(t *testing.T, i int, rec map[string]json.RawMessage, tr Truth) {
	t.Helper()
	id, _ := jstr(rec, "MaHoSo")
	if id == "" || id != tr.ID || tl.ids[id] {
		t.Fatalf("%d: MaHoSo %q (truth %q) empty or duplicate", i, id, tr.ID)
	}
	tl.ids[id] = true
	code, _ := jstr(rec, "MaTTHC")
	if got := nationalOf(code); got != tr.ProcedureNational || got == "" {
		t.Fatalf("%d: MaTTHC %q parses to %q, truth %q", i, code, got, tr.ProcedureNational)
	}
	if code == tr.ProcedureNational+".000.00.00.H08" {
		tl.canonicalCode++
	}
}

// unit checks that the unit is resolvable and that every identifier given
// agrees with the truth; a unit named only by DonViXuLy is spelled exactly.
func (tl *truthTally) unit(t *testing.T, i int, rec map[string]json.RawMessage, tr Truth, agencies map[string][]agencyRow) {
	t.Helper()
	on := tr.UpdatedAt
	if tr.Received != nil {
		on = *tr.Received
	} else if tr.Submitted != nil {
		on = *tr.Submitted
	}
	gso, hasGSO := jstr(rec, "MaDonViHanhChinh")
	ag, hasAg := jstr(rec, "MaCoQuan")
	name, _ := jstr(rec, "DonViXuLy")
	if hasGSO && gso != "" && gso != tr.UnitCode {
		t.Fatalf("%d: GSO %q, truth %q", i, gso, tr.UnitCode)
	}
	if hasAg && ag != "" && agencyGSO(agencies, ag, on) != tr.UnitCode {
		t.Fatalf("%d: agency %q maps to %q on %v, truth %q", i, ag, agencyGSO(agencies, ag, on), on, tr.UnitCode)
	}
	nfcName := norm.NFC.String(name)
	if !strings.Contains(strings.ToLower(nfcName), strings.ToLower(tr.UnitName)) {
		t.Fatalf("%d: DonViXuLy %q does not name %q", i, name, tr.UnitName)
	}
	if gso == "" && ag == "" {
		tl.noGSO++
		if !strings.HasPrefix(name, "UBND ") && !strings.HasPrefix(name, "Ủy ban nhân dân ") || !strings.HasSuffix(name, " "+tr.UnitName) || !norm.NFC.IsNormalString(name) {
			t.Fatalf("%d: only the name identifies the unit, but %q is not an exact spelling of %q", i, name, tr.UnitName)
		}
	}
}

// status checks TrangThaiHoSo against the truth and counts null channels.
func (tl *truthTally) status(t *testing.T, i int, rec map[string]json.RawMessage, tr Truth) {
	t.Helper()
	var st int
	if err := json.Unmarshal(rec["TrangThaiHoSo"], &st); err != nil || st < 1 || st > 10 || st != tr.Status {
		t.Fatalf("%d: TrangThaiHoSo %s, truth %d", i, rec["TrangThaiHoSo"], tr.Status)
	}
	if string(rec["KenhThucHien"]) == "null" {
		tl.nullChannel++
	}
}

// checkDates checks that the dates parse (date-only for NgayHenTra alone),
// precede NgayCapNhat, and that reception and processing match the truth
// and fall in office hours.
func checkDates(t *testing.T, cal calendar, i int, rec map[string]json.RawMessage, tr Truth) {
	t.Helper()
	for _, k := range dateFields {
		v, ok := jstr(rec, k)
		if !ok || v == "" {
			continue
		}
		at, dateOnly, ok := parseAny(v)
		if !ok {
			t.Fatalf("%d: %s %q does not parse", i, k, v)
		}
		if dateOnly && k != "NgayHenTra" {
			t.Fatalf("%d: date-only %s %q", i, k, v)
		}
		if k != "NgayHenTra" && at.After(tr.UpdatedAt) {
			t.Fatalf("%d: %s %v after NgayCapNhat %v", i, k, at, tr.UpdatedAt)
		}
	}
	rv, hasRec := jstr(rec, "NgayTiepNhan")
	if (tr.Received != nil) != (hasRec && rv != "") {
		t.Fatalf("%d: NgayTiepNhan %q vs truth %v", i, rv, tr.Received)
	}
	if tr.Received != nil {
		at, _, _ := parseAny(rv)
		if !at.Equal(*tr.Received) {
			t.Fatalf("%d: NgayTiepNhan %v, truth %v", i, at, *tr.Received)
		}
		if !isWorkMoment(cal, at) {
			t.Fatalf("%d: received %v outside office hours", i, at)
		}
		if tr.UpdatedAt.Sub(at) > 35*24*time.Hour {
			t.Fatalf("%d: received %v too long before update %v", i, at, tr.UpdatedAt)
		}
	}
	if tr.Finished != nil && !isWorkMoment(cal, *tr.Finished) {
		t.Fatalf("%d: finished %v outside office hours", i, *tr.Finished)
	}
}

// checkSteps checks that a served QuaTrinhXuLy has 1–6 steps (3 or more
// once received), in time order, each synced after it and before
// NgayCapNhat.
func checkSteps(t *testing.T, i int, rec map[string]json.RawMessage, tr Truth) {
	t.Helper()
	v, ok := rec["QuaTrinhXuLy"]
	if !ok || string(v) == "null" {
		return
	}
	var steps []map[string]json.RawMessage
	if err := json.Unmarshal(v, &steps); err != nil {
		t.Fatalf("%d: QuaTrinhXuLy: %v", i, err)
	}
	if len(steps) < 1 || len(steps) > 6 || (tr.Status >= 4 && len(steps) < 3) {
		t.Fatalf("%d: %d steps for status %d", i, len(steps), tr.Status)
	}
	var prev time.Time
	for _, step := range steps {
		sv, _ := jstr(step, "ThoiDiemXuLy")
		at, _, ok := parseAny(sv)
		if !ok || at.Before(prev) || at.After(tr.UpdatedAt) {
			t.Fatalf("%d: step time %q out of order or after update", i, sv)
		}
		prev = at
		if sync, ok := jstr(step, "ThoiDiemDongBo"); ok {
			sat, _, ok := parseAny(sync)
			if !ok || sat.Before(at) || sat.After(tr.UpdatedAt) {
				t.Fatalf("%d: step sync %q vs step %v, update %v", i, sync, at, tr.UpdatedAt)
			}
		}
	}
}

// personal checks that every personal field value is in Truth.PII and
// every PII value is in the record (raw, in NFC or NFD), and notes who
// files with each account.
func (tl *truthTally) personal(t *testing.T, i int, rec map[string]json.RawMessage, raw string, tr Truth) {
	t.Helper()
	pii := map[string]bool{}
	for _, p := range tr.PII {
		pii[p] = true
		if !strings.Contains(raw, p) && !strings.Contains(raw, norm.NFD.String(p)) {
			t.Fatalf("%d: PII %q not in record", i, p)
		}
	}
	for _, k := range []string{"ChuHoSo", "SoDinhDanh", "SoDienThoai", "Email", "MaDoiTuong"} {
		if v, _ := jstr(rec, k); v != "" && !pii[v] {
			t.Fatalf("%d: %s %q missing from Truth.PII", i, k, v)
		}
	}
	if acct, _ := jstr(rec, "MaDoiTuong"); acct != "" {
		tl.withAccount++
		owner, _ := jstr(rec, "SoDinhDanh")
		if tl.accountOwners[acct] == nil {
			tl.accountOwners[acct] = map[string]bool{}
		}
		tl.accountOwners[acct][owner] = true
	}
}

// checkShares checks the shares of n records: every defect present, and
// defects, NFD, canonical codes, null channels, name-only units and online
// accounts in their ranges, with staff accounts that file for many owners.
func (tl *truthTally) checkShares(t *testing.T, n int) {
	t.Helper()
	totalInvalid := 0
	for _, f := range invalidFields {
		if tl.invalid[f] == 0 {
			t.Errorf("no record with defect %s", f)
		}
		totalInvalid += tl.invalid[f]
	}
	check := func(what string, k int, lo, hi float64) {
		if got := float64(k) / float64(n); got < lo || got > hi {
			t.Errorf("%s share %.3f outside [%.3f, %.3f]", what, got, lo, hi)
		}
	}
	check("invalid", totalInvalid, 0.006, 0.014)
	check("NFD", tl.nfdRecs, 0.07, 0.13)
	check("canonical MaTTHC", tl.canonicalCode, 0.35, 0.45)
	check("null KenhThucHien", tl.nullChannel, 0.02, 0.04)
	check("name-only unit", tl.noGSO, 0.01, 0.06)
	check("online with account", tl.withAccount, 0.40, 0.50)
	staffLike := 0
	for _, owners := range tl.accountOwners {
		if len(owners) >= 20 {
			staffLike++
		}
	}
	if staffLike < 10 {
		t.Errorf("only %d accounts file for 20+ owners; want the staff-account pattern", staffLike)
	}
}

// Units follow the 2025 merger: the 7 new wards from 2025-07-01, the district
// only before, and code 21664 changes its name.
func TestMergerUnits(t *testing.T) {
	t.Parallel()
	s := newSim(t, func(o *Options) {
		o.From, o.To, o.Dossiers = day(2025, 6, 10), day(2025, 7, 25), 6000
	})
	merger := day(2025, 7, 1)
	after := map[string]string{"21640": "Bồng Sơn", "21664": "Hoài Nhơn", "21637": "Tam Quan", "21670": "Hoài Nhơn Đông",
		"21661": "Hoài Nhơn Tây", "21673": "Hoài Nhơn Nam", "21655": "Hoài Nhơn Bắc"}
	seenBefore, seenAfter := map[string]string{}, map[string]string{}
	for i := 0; i < s.Len(); i++ {
		tr := s.Truth(i)
		if tr.Invalid {
			continue
		}
		on := tr.Submitted
		if tr.Received != nil {
			on = tr.Received
		}
		if !on.Before(merger) {
			if after[tr.UnitCode] != tr.UnitName {
				t.Fatalf("%d: %s %q after the merger", i, tr.UnitCode, tr.UnitName)
			}
			seenAfter[tr.UnitCode] = tr.UnitName
		} else {
			seenBefore[tr.UnitCode] = tr.UnitName
		}
	}
	if len(seenAfter) != 7 || len(seenBefore) != 18 {
		t.Fatalf("units seen: %d after (want 7), %d before (want 17 wards + district)", len(seenAfter), len(seenBefore))
	}
	if seenBefore["21664"] != "Hoài Thanh Tây" || seenAfter["21664"] != "Hoài Nhơn" || seenBefore["543"] != "Hoài Nhơn" {
		t.Fatalf("21664 before %q after %q; 543 %q", seenBefore["21664"], seenAfter["21664"], seenBefore["543"])
	}
}
