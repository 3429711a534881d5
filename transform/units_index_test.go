package transform

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestResolveAmbiguous uses good.csv: "Tam Quan" is a ward of Hoài Nhơn
// (Bình Định) and of Đức Phổ (Quảng Ngãi).
func TestResolveAmbiguous(t *testing.T) {
	u, err := loadTestUnits(t, "testdata/units/good.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	on := day(t, "2024-07-16")
	for _, tc := range []struct {
		name, gso, unit, parent string
		want                    string   // code, "" on error
		ambiguous               bool     // error wraps ErrAmbiguousUnit
		msg                     []string // on error
	}{
		{name: "no parent", unit: "Tam Quan", ambiguous: true, msg: []string{"100 Tam Quan (district 10 Hoài Nhơn, province 1 Bình Định)", "200 Tam Quan (district 20 Đức Phổ, province 2 Quảng Ngãi)"}},
		{name: "prefixed, no parent", unit: "UBND P. Tam Quan", ambiguous: true, msg: []string{"100 Tam Quan", "200 Tam Quan"}},
		{name: "province name", unit: "Tam Quan", parent: "Bình Định", want: "100"},
		{name: "province with prefix", unit: "Phường Tam Quan", parent: "tỉnh Quảng Ngãi", want: "200"},
		{name: "district with prefix", unit: "Tam Quan", parent: "Thị xã Đức Phổ", want: "200"},
		{name: "district code", unit: "Tam Quan", parent: "10", want: "100"},
		{name: "province code zero-padded", unit: "Tam Quan", parent: "02", want: "200"},
		{name: "code tells apart", gso: "200", unit: "Tam Quan", want: "200"},
		{name: "parent in no candidate", unit: "Tam Quan", parent: "Hà Nội", msg: []string{"none of them in", "Hà Nội"}},
		{name: "code outside parent", gso: "100", parent: "Quảng Ngãi", msg: []string{"not in", "Quảng Ngãi"}},
		{name: "unambiguous name outside parent", unit: "Hoài Hảo", parent: "Quảng Ngãi", msg: []string{"101 Hoài Hảo"}},
		{name: "alias", unit: "P. Hoài Hão", want: "101"},
		{name: "alias with number", unit: "UBND phường số 3", want: "101"},
		{name: "code and name disagree", gso: "1", unit: "Tam Quan", msg: []string{"100 Tam Quan, 200 Tam Quan", "must agree"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := u.ResolveIn(tc.gso, "", tc.unit, tc.parent, on)
			if tc.want != "" {
				if err != nil || got.Code != tc.want {
					t.Fatalf("ResolveIn = %s, %v; want %s", got.Code, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ResolveIn = %s, want error", got.Code)
			}
			var ue *UnitError
			if !errors.As(err, &ue) || !errors.Is(err, ErrUnknownUnit) || errors.Is(err, ErrAmbiguousUnit) != tc.ambiguous {
				t.Errorf("error %v: want *UnitError wrapping ErrUnknownUnit, ErrAmbiguousUnit %v", err, tc.ambiguous)
			}
			for _, m := range tc.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not contain %q", err, m)
				}
			}
		})
	}
	if _, err := u.Resolve("", "", "Tam Quan", on); !errors.Is(err, ErrAmbiguousUnit) {
		t.Errorf("Resolve of an ambiguous name = %v, want ErrAmbiguousUnit", err)
	}
}

func TestResolveDepartment(t *testing.T) {
	u, err := loadTestUnits(t, "testdata/units/good.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	on := day(t, "2024-07-16")
	for _, tc := range []struct {
		name, code, id, want, field string
	}{
		{name: "code", code: "H08.100", want: "100"},
		{name: "code lower-case", code: " h51.200 ", want: "200"},
		{name: "id", id: "0000000A-0000-4000-8000-000000000200", want: "200"},
		{name: "both agree", code: "H08", id: "0000000a-0000-4000-8000-000000000001", want: "1"},
		{name: "both disagree", code: "H08", id: "0000000a-0000-4000-8000-000000000002", field: FieldDeptCode},
		{name: "unknown code", code: "H99.1", field: FieldDeptCode},
		{name: "unknown id", id: "nope", field: FieldDeptID},
		{name: "nothing", field: FieldDeptCode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := u.ResolveDepartment(tc.code, tc.id, on)
			if tc.field == "" {
				if err != nil || got.Code != tc.want {
					t.Fatalf("ResolveDepartment = %s, %v; want %s", got.Code, err, tc.want)
				}
				return
			}
			var ue *UnitError
			if !errors.As(err, &ue) || ue.Field != tc.field || !errors.Is(err, ErrUnknownUnit) {
				t.Fatalf("ResolveDepartment = %s, %v; want *UnitError on %s", got.Code, err, tc.field)
			}
		})
	}
}

// TestErrorListsCapped: a national list does not put every unit in a reject.
func TestErrorListsCapped(t *testing.T) {
	units, agencies, _ := nationalUnits()
	u, err := LoadUnitFiles(UnitFiles{UnitsName: "national.csv", Units: units, AgenciesName: "agencies.csv", Agencies: agencies})
	if err != nil {
		t.Fatal(err)
	}
	_, err = u.Resolve("", "", "Phường Không Có", day(t, "2025-08-01"))
	if err == nil || !strings.Contains(err.Error(), "more") || len(err.Error()) > 2000 {
		t.Errorf("error of %d bytes: %.300v", len(err.Error()), err)
	}
}

// TestNormalizerUsesTheParentNamed: a dossier whose DonViXuLy names its
// parent after a comma ("UBND phường Tam Quan, thị xã Đức Phổ") resolves
// to that parent's commune; without the parent the shared name is
// rejected with both candidates listed, never guessed.
func TestNormalizerUsesTheParentNamed(t *testing.T) {
	u, err := loadTestUnits(t, "testdata/units/good.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	pii, _ := NewPseudonymizer([]byte("test-key-0123456789abcdef0123456789"))
	n, err := NewNormalizer(NormalizerOptions{Units: u, PII: pii, Now: func() time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	record := func(unit string) []byte {
		return []byte(`{"MaHoSo":"X-1","MaTTHC":"1.010824.000.00.00.H08","TrangThaiHoSo":1,"NgayTiepNhan":"20240716080000",` +
			`"NgayCapNhat":"20240716080000","DonViXuLy":"` + unit + `"}`)
	}
	d, err := n.Dossier(record("UBND phường Tam Quan, thị xã Đức Phổ"))
	if err != nil || d.UnitCode != "200" {
		t.Fatalf("with its parent: unit %q, err %v; want 200", d.UnitCode, err)
	}
	_, err = n.Dossier(record("UBND phường Tam Quan"))
	if !errors.Is(err, ErrAmbiguousUnit) || !strings.Contains(err.Error(), "100 Tam Quan") || !strings.Contains(err.Error(), "200 Tam Quan") {
		t.Fatalf("without a parent: %v, want an ambiguity listing both", err)
	}
}
