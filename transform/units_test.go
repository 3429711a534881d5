package transform

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func day(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, s, HoChiMinh())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustUnits(t testing.TB) *Units {
	t.Helper()
	u, err := DefaultUnits()
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestResolve(t *testing.T) {
	u := mustUnits(t)
	for _, tc := range []struct {
		name              string
		gso, agency, unit string
		on                string
		wantCode          string
		wantName          string
		wantField         string // on error
		wantMsg           []string
	}{
		{name: "code before merger", gso: "21664", on: "2025-06-30", wantCode: "21664", wantName: "Hoài Thanh Tây"},
		{name: "code on merger day", gso: "21664", on: "2025-07-01", wantCode: "21664", wantName: "Hoài Nhơn"},
		{name: "old name before merger", unit: "Hoài Thanh Tây", on: "2025-06-30", wantCode: "21664", wantName: "Hoài Thanh Tây"},
		{name: "new name after merger", unit: "Hoài Nhơn", on: "2025-07-01", wantCode: "21664", wantName: "Hoài Nhơn"},
		{name: "district before merger", unit: "thị xã Hoài Nhơn", on: "2024-07-16", wantCode: "543"},
		{name: "district by bare name before merger", unit: "Hoài Nhơn", on: "2024-07-16", wantCode: "543"},
		{name: "district by code", gso: "543", on: "2024-07-16", wantCode: "543", wantName: "Hoài Nhơn"},
		{name: "district by zero-padded code", gso: "00543", on: "2024-07-16", wantCode: "543"},
		{name: "province old name", gso: "52", on: "2024-07-16", wantName: "Bình Định"},
		{name: "province new name", gso: "52", on: "2025-07-01", wantName: "Gia Lai"},
		{name: "province by name", unit: "UBND tỉnh Bình Định", on: "2024-07-16", wantCode: "52"},
		{name: "Tam Quan", unit: "Tam Quan", on: "2024-07-16", wantCode: "21637"},
		{name: "Tam Quan Bắc", unit: "Tam Quan Bắc", on: "2024-07-16", wantCode: "21655"},
		{name: "UBND phường", unit: "UBND phường Tam Quan", on: "2024-07-16", wantCode: "21637"},
		{name: "UBND P.", unit: "UBND P. Tam Quan", on: "2024-07-16", wantCode: "21637"},
		{name: "P.", unit: "P. Tam Quan", on: "2024-07-16", wantCode: "21637"},
		{name: "P. no space", unit: "P.Tam Quan", on: "2024-07-16", wantCode: "21637"},
		{name: "Ủy ban nhân dân", unit: "Ủy ban nhân dân phường Tam Quan", on: "2024-07-16", wantCode: "21637"},
		{name: "Uỷ old style", unit: "Uỷ ban nhân dân xã Hoài Hải", on: "2024-07-16", wantCode: "21676"},
		{name: "X.", unit: "X. Hoài Mỹ", on: "2024-07-16", wantCode: "21682"},
		{name: "NFD", unit: norm.NFD.String("UBND phường Tam Quan Bắc"), on: "2024-07-16", wantCode: "21655"},
		{name: "upper-case", unit: "UBND PHƯỜNG TAM QUAN", on: "2024-07-16", wantCode: "21637"},
		{name: "extra whitespace", unit: "  UBND \u00a0 phường   Tam\tQuan ", on: "2024-07-16", wantCode: "21637"},
		{name: "agency id", agency: "000.21.37.H08", on: "2024-07-16", wantCode: "21637", wantName: "Tam Quan"},
		{name: "agency id lower-case with spaces", agency: " 000.21.37.h08 ", on: "2024-07-16", wantCode: "21637"},
		{name: "agency of merged ward after merger", agency: "000.21.64.H08", on: "2025-07-01", wantCode: "21664", wantName: "Hoài Nhơn"},
		{name: "all three agree", gso: "21637", agency: "000.21.37.H08", unit: "UBND P. Tam Quan", on: "2024-07-16", wantCode: "21637"},
		{name: "code and new name agree", gso: "21664", unit: "Phường Hoài Nhơn", on: "2025-07-02", wantCode: "21664"},
		{name: "unknown name with old-style tone", unit: "Hoà Thạnh", on: "2024-07-16", wantField: FieldUnitName, wantMsg: []string{"matches no unit"}},
		{name: "instant late on the last day", gso: "21667", on: "2025-06-30", wantCode: "21667", wantName: "Hoài Thanh"},

		// Rejected.
		{name: "prefix is not a match", unit: "Tam Quan Bắc Nam", on: "2024-07-16", wantField: FieldUnitName, wantMsg: []string{"matches no unit"}},
		{name: "Tam never matches Tam Quan", unit: "Tam", on: "2024-07-16", wantField: FieldUnitName},
		{name: "merged ward by code after merger", gso: "21667", on: "2025-07-01", wantField: FieldUnitCode, wantMsg: []string{`"21667"`, "2025-07-01", "merged into 21664", "21664 Hoài Nhơn"}},
		{name: "old name after merger", unit: "Hoài Thanh Tây", on: "2025-07-01", wantField: FieldUnitName, wantMsg: []string{"valid 2020-02-01..2025-06-30", "Hoài Nhơn Đông"}},
		{name: "code and old name disagree after merger", gso: "21664", unit: "Hoài Thanh Tây", on: "2025-07-01", wantField: FieldUnitName, wantMsg: []string{"Hoài Thanh Tây", "21664 Hoài Nhơn", "MaDonViHanhChinh"}},
		{name: "code and name disagree", gso: "21637", unit: "Tam Quan Bắc", on: "2024-07-16", wantField: FieldUnitName, wantMsg: []string{"21655 Tam Quan Bắc", `MaDonViHanhChinh "21637" is 21637 Tam Quan`}},
		{name: "code and agency disagree", gso: "21640", agency: "000.21.37.H08", on: "2024-07-16", wantField: FieldAgencyCode, wantMsg: []string{"21637", "21640"}},
		{name: "unknown code", gso: "99999", on: "2024-07-16", wantField: FieldUnitCode, wantMsg: []string{"no unit has this GSO code", "21637 Tam Quan"}},
		{name: "unknown agency", agency: "000.99.99.H08", on: "2024-07-16", wantField: FieldAgencyCode, wantMsg: []string{"000.21.37.H08"}},
		{name: "agency of dissolved ward", agency: "000.21.67.H08", on: "2025-07-01", wantField: FieldAgencyCode, wantMsg: []string{"not valid on that date"}},
		{name: "unknown name", unit: "Phường Bắc Sơn", on: "2024-07-16", wantField: FieldUnitName, wantMsg: []string{"Phường Bắc Sơn", "expected one of"}},
		{name: "nothing given", on: "2024-07-16", wantField: FieldUnitCode, wantMsg: []string{"all empty"}},
		{name: "ward prefix on a district", unit: "phường Hoài Nhơn", on: "2024-07-16", wantField: FieldUnitName, wantMsg: []string{"not what the prefix says"}},
		{name: "district prefix on a ward", unit: "thị xã Hoài Nhơn", on: "2025-07-01", wantField: FieldUnitName},
		{name: "district gone after merger", gso: "543", on: "2025-07-01", wantField: FieldUnitCode},
		{name: "before any validity", gso: "21637", on: "2019-12-31", wantField: FieldUnitCode},
		{name: "prefix only", unit: "UBND", on: "2024-07-16", wantField: FieldUnitName},
	} {
		t.Run(tc.name, func(t *testing.T) {
			on := day(t, tc.on)
			if tc.name == "instant late on the last day" {
				on = on.Add(23*time.Hour + 59*time.Minute)
			}
			got, err := u.Resolve(tc.gso, tc.agency, tc.unit, on)
			if tc.wantField != "" {
				if err == nil {
					t.Fatalf("Resolve = %s %s, want error on %s", got.Code, got.Name, tc.wantField)
				}
				if !errors.Is(err, ErrUnknownUnit) {
					t.Errorf("error does not wrap ErrUnknownUnit: %v", err)
				}
				var ue *UnitError
				if !errors.As(err, &ue) || ue.Field != tc.wantField {
					t.Fatalf("error %v: want *UnitError on field %s", err, tc.wantField)
				}
				if !strings.Contains(err.Error(), tc.on) {
					t.Errorf("error %q does not name the date %s", err, tc.on)
				}
				for _, m := range tc.wantMsg {
					if !strings.Contains(err.Error(), m) {
						t.Errorf("error %q does not contain %q", err, m)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if tc.wantCode != "" && got.Code != tc.wantCode {
				t.Errorf("code = %s (%s), want %s", got.Code, got.Name, tc.wantCode)
			}
			if tc.wantName != "" && got.Name != tc.wantName {
				t.Errorf("name = %s, want %s", got.Name, tc.wantName)
			}
		})
	}
}

// TestResolveTonePlacement builds units whose names use the old and new tone
// placement, since the Hoài Nhơn table has none.
func TestResolveTonePlacement(t *testing.T) {
	units := "gso_code,name,type,district_code,district_name,province_code,province_name,valid_from,valid_to,merged_into\n" +
		"1,Hòa Bình,xa,9,X,52,P,2020-01-01,,\n" +
		"2,Thủy Xuân,phuong,9,X,52,P,2020-01-01,,\n" +
		"3,Hải Tân,xa,9,X,52,P,2020-01-01,,\n" +
		"4,Hảo Tân,xa,9,X,52,P,2020-01-01,,\n"
	u, err := LoadUnits([]byte(units), []byte("agency_code,gso_code,valid_from,valid_to\n"))
	if err != nil {
		t.Fatal(err)
	}
	on := day(t, "2024-01-01")
	for in, want := range map[string]string{
		"Hoà Bình":                   "1",
		"xã HOÀ BÌNH":                "1",
		norm.NFD.String("Hoà Bình"):  "1",
		"Thuỷ Xuân":                  "2",
		"P. Thủy Xuân":               "2",
		norm.NFD.String("thuỷ xuân"): "2",
		"Hải Tân":                    "3",
		"Hảo Tân":                    "4",
	} {
		got, err := u.Resolve("", "", in, on)
		if err != nil || got.Code != want {
			t.Errorf("Resolve(%q) = %s, %v; want %s", in, got.Code, err, want)
		}
	}
	// Diacritics are not optional: a stripped name is a different name.
	for _, in := range []string{"Hoa Binh", "Hai Tan", "Thuy Xuan"} {
		if got, err := u.Resolve("", "", in, on); err == nil {
			t.Errorf("Resolve(%q) = %s, want error", in, got.Code)
		}
	}
}

func TestUnitsName(t *testing.T) {
	u := mustUnits(t)
	for _, tc := range []struct {
		code, on, want string
		ok             bool
	}{
		{"21664", "2025-06-30", "Hoài Thanh Tây", true},
		{"21664", "2025-07-01", "Hoài Nhơn", true},
		{"21667", "2025-07-01", "", false},
		{"52", "2030-01-01", "Gia Lai", true},
		{"nope", "2024-01-01", "", false},
	} {
		got, ok := u.Name(tc.code, day(t, tc.on))
		if got != tc.want || ok != tc.ok {
			t.Errorf("Name(%s, %s) = %q, %v; want %q, %v", tc.code, tc.on, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSuccessors(t *testing.T) {
	u := mustUnits(t)
	s := u.Successors()
	want := map[string]string{"21664": "21664", "21667": "21664", "21658": "21664", "21649": "21637", "21685": "21640", "52": "52"}
	got := map[string]string{}
	for _, x := range s {
		got[x.From] = x.To
		if !x.Date.Equal(day(t, "2025-07-01")) {
			t.Errorf("%s → %s effective %s, want 2025-07-01", x.From, x.To, x.Date)
		}
	}
	for from, to := range want {
		if got[from] != to {
			t.Errorf("successor of %s = %q, want %s", from, got[from], to)
		}
	}
	if len(s) != 18 { // 17 wards + the province
		t.Errorf("len(Successors) = %d, want 18", len(s))
	}
	if _, ok := got["543"]; ok {
		t.Error("district 543 has no merged_into and must not have a successor")
	}
	if n := len(u.All()); n != 27 {
		t.Errorf("len(All) = %d, want 27", n)
	}
}

func TestLoadUnitsErrors(t *testing.T) {
	hdr := "gso_code,name,type,district_code,district_name,province_code,province_name,valid_from,valid_to,merged_into\n"
	ahdr := "agency_code,gso_code,valid_from,valid_to\n"
	for name, tc := range map[string]struct{ units, agencies, want string }{
		"bad header":       {"code,name\n", ahdr, "header"},
		"bad date":         {hdr + "1,A,xa,,,52,P,2020-13-01,,\n", ahdr, "valid_from"},
		"overlap":          {hdr + "1,A,xa,,,52,P,2020-01-01,2021-01-01,\n1,B,xa,,,52,P,2021-01-01,,\n", ahdr, "overlaps"},
		"dangling merge":   {hdr + "1,A,xa,,,52,P,2020-01-01,2021-01-01,2\n", ahdr, "merged into 2"},
		"merge no end":     {hdr + "1,A,xa,,,52,P,2020-01-01,,1\n", ahdr, "without valid_to"},
		"dangling agency":  {hdr + "1,A,xa,,,52,P,2020-01-01,,\n", ahdr + "000.X,7,2020-01-01,\n", "unknown GSO code 7"},
		"to before from":   {hdr + "1,A,xa,,,52,P,2020-01-01,2019-01-01,\n", ahdr, "before valid_from"},
		"wrong col count":  {hdr + "1,A\n", ahdr, "fields"},
		"empty units file": {"", ahdr, "empty"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadUnits([]byte(tc.units), []byte(tc.agencies))
			if err == nil || !errors.Is(err, ErrRefData) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrRefData containing %q", err, tc.want)
			}
		})
	}
}
