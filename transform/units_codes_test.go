package transform

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestCodesOfDifferentLevelsStayApart: real GSO codes differ between
// levels only by their leading zeros (Hà Nội 01, Ba Đình 001, Phúc Xá
// 00001). Such a file loads; each code resolves at its width, by name and
// through the agencies file; the bare digits are ambiguous and rejected
// with the candidates, never guessed. Files without such codes keep the
// codes they always had (every other test).
func TestCodesOfDifferentLevelsStayApart(t *testing.T) {
	units := `gso_code,name,type,district_code,district_name,province_code,province_name,valid_from,valid_to,merged_into
01,Hà Nội,thanh_pho_tw,,,01,Hà Nội,2008-08-01,,
001,Ba Đình,quan,001,Ba Đình,01,Hà Nội,2008-08-01,,
00001,Phúc Xá,phuong,001,Ba Đình,01,Hà Nội,2008-08-01,,
00004,Trúc Bạch,phuong,001,Ba Đình,01,Hà Nội,2008-08-01,,
`
	agencies := "agency_code,gso_code,valid_from,valid_to\n000.01.01.H26,00001,2020-01-01,\n"
	u, err := LoadUnitFiles(UnitFiles{UnitsName: "ha-noi.csv", Units: []byte(units), AgenciesName: "ha-noi-agencies.csv", Agencies: []byte(agencies)})
	if err != nil {
		t.Fatal(err)
	}
	on := time.Date(2024, 7, 1, 0, 0, 0, 0, HoChiMinh())
	for _, tt := range []struct{ gso, agency, name, want string }{
		{gso: "00001", want: "00001"},
		{gso: "001", want: "001"},
		{gso: "01", want: "01"},
		{gso: "4", want: "00004"}, // no other level has these digits
		{name: "Phường Phúc Xá", want: "00001"},
		{agency: "000.01.01.H26", want: "00001"},
	} {
		got, err := u.Resolve(tt.gso, tt.agency, tt.name, on)
		if err != nil || got.Code != tt.want {
			t.Errorf("Resolve(%q, %q, %q) = %q, %v; want %s", tt.gso, tt.agency, tt.name, got.Code, err, tt.want)
		}
	}
	_, err = u.Resolve("1", "", "", on)
	if !errors.Is(err, ErrAmbiguousUnit) || !strings.Contains(err.Error(), "00001 Phúc Xá") || !strings.Contains(err.Error(), "01 Hà Nội") {
		t.Errorf(`Resolve("1") = %v, want an ambiguity listing the candidates`, err)
	}
	bad := "agency_code,gso_code,valid_from,valid_to\n000.01.01.H26,1,2020-01-01,\n"
	_, err = LoadUnitFiles(UnitFiles{UnitsName: "ha-noi.csv", Units: []byte(units), AgenciesName: "a.csv", Agencies: []byte(bad)})
	if err == nil || !strings.Contains(err.Error(), "a.csv:2:2:") || !strings.Contains(err.Error(), "several levels") {
		t.Errorf("an agency of bare digits: %v, want an error naming a.csv:2:2", err)
	}
}
