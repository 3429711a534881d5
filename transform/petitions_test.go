package transform

import (
	"errors"
	"testing"
)

func TestPetitionParser(t *testing.T) {
	units, err := DefaultUnits()
	if err != nil {
		t.Fatal(err)
	}
	pp := NewPetitionParser(units)
	p, err := pp.Petition([]byte(`{"MaPAKN":"PA-1","MaHoSo":"000.21.37.H08-240716-0012","DonViXuLy":"UBND P. Tam Quan",
	  "NgayTiepNhan":"20240716080000","HanXuLy":null,"NgayXuLyXong":"05/08/2024 10:00:00","DanhGia":"2","NgayCapNhat":"20240805100000"}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.UnitCode != "21637" || p.DossierID == "" || p.DeadlineAt != nil || p.HandledAt == nil || p.Rating != 2 {
		t.Fatalf("%+v", p)
	}
	bad := []struct {
		raw, field string
		sentinel   error
	}{
		{`{"NgayCapNhat":"20240805100000"}`, "MaPAKN", ErrMissingField},
		{`{"MaPAKN":"x","DonViXuLy":"Tam Quan","NgayCapNhat":"20240805100000","NgayTiepNhan":"31/02/2024"}`, "NgayTiepNhan", ErrBadDate},
		{`{"MaPAKN":"x","DonViXuLy":"Không Tồn Tại","NgayCapNhat":"20240805100000"}`, FieldUnitName, ErrUnknownUnit},
		{`{"MaPAKN":"x","DonViXuLy":"Tam Quan"}`, "NgayCapNhat", ErrMissingField},
	}
	for _, b := range bad {
		_, err := pp.Petition([]byte(b.raw))
		var re *RecordError
		if !errors.As(err, &re) || re.Field != b.field || !errors.Is(err, b.sentinel) {
			t.Errorf("%s: %v", b.raw, err)
		}
	}
}
