package official

import (
	"errors"
	"testing"
)

const phuTho = "019d2be3-6a88-732b-8b17-b68020c8553a"

// TestPayload: the bodies match the captured requests (national-766-api.md
// §1.1) for every period form.
func TestPayload(t *testing.T) {
	month := Period{Kind: Month, Year: 2026, Month: 8}
	cases := []struct {
		name   string
		family string
		req    Request
		want   string
	}{
		{"transparency month, defaults", Transparency, Request{RootDepartmentID: phuTho, Period: month},
			`{"rootDepartmentId":"019d2be3-6a88-732b-8b17-b68020c8553a","currentPage":1,"pageSize":200,"timeType":"month","year":2026,"month":8}`},
		{"progress quarter, page 2 of 100", Progress, Request{RootDepartmentID: phuTho, Period: Period{Kind: Quarter, Year: 2026, Quarter: 3}, Page: 2, PageSize: 100},
			`{"rootDepartmentId":"019d2be3-6a88-732b-8b17-b68020c8553a","currentPage":2,"pageSize":100,"timeType":"quarter","year":2026,"quarter":3}`},
		{"payment year", Payment, Request{RootDepartmentID: phuTho, Period: Period{Kind: Year, Year: 2026}},
			`{"rootDepartmentId":"019d2be3-6a88-732b-8b17-b68020c8553a","currentPage":1,"pageSize":200,"timeType":"year","year":2026}`},
		{"online with a procedure", Online, Request{RootDepartmentID: phuTho, Period: month, FormalityID: "019d2bfd-8e22-77ef-819f-e49460350904"},
			`{"rootDepartmentId":"019d2be3-6a88-732b-8b17-b68020c8553a","currentPage":1,"pageSize":200,"timeType":"month","year":2026,"month":8,"formalityId":"019d2bfd-8e22-77ef-819f-e49460350904"}`},
		{"digitization spells formalityID", Digitization, Request{RootDepartmentID: phuTho, Period: Period{Kind: Quarter, Year: 2026, Quarter: 3}, FormalityID: "019d2bfd-8e22-77ef-819f-e49460350904"},
			`{"rootDepartmentId":"019d2be3-6a88-732b-8b17-b68020c8553a","currentPage":1,"pageSize":200,"timeType":"quarter","year":2026,"quarter":3,"formalityID":"019d2bfd-8e22-77ef-819f-e49460350904"}`},
		{"satisfaction month as dates", Satisfaction, Request{RootDepartmentID: phuTho, Period: month},
			`{"rootDepartmentId":"019d2be3-6a88-732b-8b17-b68020c8553a","currentPage":1,"pageSize":200,"fromDate":"2026-08-01","toDate":"2026-08-31"}`},
		{"satisfaction quarter as dates", Satisfaction, Request{RootDepartmentID: phuTho, Period: Period{Kind: Quarter, Year: 2026, Quarter: 3}},
			`{"rootDepartmentId":"019d2be3-6a88-732b-8b17-b68020c8553a","currentPage":1,"pageSize":200,"fromDate":"2026-07-01","toDate":"2026-09-30"}`},
		{"satisfaction year as dates", Satisfaction, Request{RootDepartmentID: phuTho, Period: Period{Kind: Year, Year: 2026}},
			`{"rootDepartmentId":"019d2be3-6a88-732b-8b17-b68020c8553a","currentPage":1,"pageSize":200,"fromDate":"2026-01-01","toDate":"2026-12-31"}`},
		{"satisfaction leap February", Satisfaction, Request{RootDepartmentID: phuTho, Period: Period{Kind: Month, Year: 2028, Month: 2}},
			`{"rootDepartmentId":"019d2be3-6a88-732b-8b17-b68020c8553a","currentPage":1,"pageSize":200,"fromDate":"2028-02-01","toDate":"2028-02-29"}`},
		{"satisfaction Q4 ends in December", Satisfaction, Request{RootDepartmentID: phuTho, Period: Period{Kind: Quarter, Year: 2026, Quarter: 4}},
			`{"rootDepartmentId":"019d2be3-6a88-732b-8b17-b68020c8553a","currentPage":1,"pageSize":200,"fromDate":"2026-10-01","toDate":"2026-12-31"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Payload(c.family, c.req)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestPayloadErrors(t *testing.T) {
	month := Period{Kind: Month, Year: 2026, Month: 8}
	cases := []struct {
		name   string
		family string
		req    Request
		want   error
		field  string
	}{
		{"unknown family", "ranking", Request{RootDepartmentID: phuTho, Period: month}, ErrUnknownFamily, ""},
		{"no root", Transparency, Request{Period: month}, ErrBadValue, "rootDepartmentId"},
		{"root not a UUID", Transparency, Request{RootDepartmentID: "H44", Period: month}, ErrBadValue, "rootDepartmentId"},
		{"month 13", Progress, Request{RootDepartmentID: phuTho, Period: Period{Kind: Month, Year: 2026, Month: 13}}, ErrBadPeriod, "timeType"},
		{"quarter 0", Online, Request{RootDepartmentID: phuTho, Period: Period{Kind: Quarter, Year: 2026}}, ErrBadPeriod, "timeType"},
		{"year with a month", Payment, Request{RootDepartmentID: phuTho, Period: Period{Kind: Year, Year: 2026, Month: 1}}, ErrBadPeriod, "timeType"},
		{"no kind", Digitization, Request{RootDepartmentID: phuTho, Period: Period{Year: 2026}}, ErrBadPeriod, "timeType"},
		{"satisfaction bad period", Satisfaction, Request{RootDepartmentID: phuTho, Period: Period{Kind: Month, Year: 2026}}, ErrBadPeriod, "fromDate"},
		{"satisfaction has no procedure filter", Satisfaction, Request{RootDepartmentID: phuTho, Period: month, FormalityID: phuTho}, ErrUnsupported, "formalityId"},
		{"negative page", Transparency, Request{RootDepartmentID: phuTho, Period: month, Page: -1}, ErrBadValue, "currentPage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Payload(c.family, c.req)
			var fe *FieldError
			if !errors.Is(err, c.want) || !errors.As(err, &fe) || fe.Family != c.family || fe.Field != c.field {
				t.Errorf("error %v, want %v on %s field %q", err, c.want, c.family, c.field)
			}
		})
	}
}

func TestPeriodString(t *testing.T) {
	for p, want := range map[Period]string{
		{Kind: Month, Year: 2026, Month: 8}:     "2026-08",
		{Kind: Quarter, Year: 2026, Quarter: 3}: "2026-Q3",
		{Kind: Year, Year: 2026}:                "2026",
	} {
		if p.String() != want {
			t.Errorf("%+v: %q, want %q", p, p.String(), want)
		}
	}
}
