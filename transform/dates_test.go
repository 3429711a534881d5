package transform

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	hcm := HoChiMinh()
	at := func(y int, m time.Month, d, h, mi, s int) *time.Time {
		t := time.Date(y, m, d, h, mi, s, 0, hcm)
		return &t
	}
	for _, tc := range []struct {
		in      string
		want    *time.Time
		wantErr string
	}{
		{"20240716083000", at(2024, 7, 16, 8, 30, 0), ""},
		{" 20240716083000 ", at(2024, 7, 16, 8, 30, 0), ""},
		{"16/07/2024 08:30:00", at(2024, 7, 16, 8, 30, 0), ""},
		{"16/07/2024 08:30", at(2024, 7, 16, 8, 30, 0), ""},
		{"6/7/2024 8:05:09", at(2024, 7, 6, 8, 5, 9), ""},
		{"16/07/2024", at(2024, 7, 16, 0, 0, 0), ""},
		{"2024-07-16", at(2024, 7, 16, 0, 0, 0), ""},
		{"2024-07-16 08:30:00", at(2024, 7, 16, 8, 30, 0), ""},
		{"2024-07-16T08:30:00", at(2024, 7, 16, 8, 30, 0), ""},
		{"2024-07-16T08:30:00+07:00", at(2024, 7, 16, 8, 30, 0), ""},
		{"2024-07-16T01:30:00Z", at(2024, 7, 16, 8, 30, 0), ""},
		{"2024-07-16T01:30:00.5z", func() *time.Time { t := at(2024, 7, 16, 8, 30, 0).Add(500 * time.Millisecond); return &t }(), ""},
		{"2024-07-15T23:30:00-02:00", at(2024, 7, 16, 8, 30, 0), ""},
		{"29/02/2024", at(2024, 2, 29, 0, 0, 0), ""},
		{"20241231235959", at(2024, 12, 31, 23, 59, 59), ""},
		{"", nil, ""},
		{"   ", nil, ""},
		{"31/02/2024", nil, "day 31 does not exist in 2024-02"},
		{"29/02/2023", nil, "day 29 does not exist"},
		{"20241301000000", nil, "month 13"},
		{"2024-13-01", nil, "month 13"},
		{"00/07/2024", nil, "day 0"},
		{"16/07/1999", nil, "year 1999 is before 2000"},
		{"00000000000000", nil, "year 0 is before 2000"},
		{"0001-01-01T00:00:00Z", nil, "year 1 is before 2000"},
		{"31/12/2105 23:59:59", at(2105, 12, 31, 23, 59, 59), ""},
		{"01/01/2106", nil, "year 2106 is after 2105: outside the range of ClickHouse's DateTime"},
		{"99991231000000", nil, "year 9999 is after 2105"},
		{"2204-07-16", nil, "year 2204 is after 2105"},
		{"2106-02-08T00:00:00Z", nil, "year 2106 is after 2105"},
		{"20240716243000", nil, "time 24:30:00"},
		{"16/07/2024 08:61", nil, "time 08:61:00"},
		{"2024-02-30T08:00:00+07:00", nil, "RFC 3339"},
		{"2024/07/16", nil, "unrecognized format"},
		{"16-07-2024", nil, "unrecognized format"},
		{"202407160830", nil, "unrecognized format"},
		{"yesterday", nil, "unrecognized format"},
		{"null", nil, "unrecognized format"},
		{"16/07/24", nil, "unrecognized format"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDate(tc.in, nil)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %v, want error", tc.in, got)
				}
				if !errors.Is(err, ErrBadDate) {
					t.Errorf("error does not wrap ErrBadDate: %v", err)
				}
				if !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.in) {
					t.Errorf("error %q: want it to name the value and contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tc.in, err)
			}
			if (got == nil) != (tc.want == nil) || (got != nil && !got.Equal(*tc.want)) {
				t.Fatalf("ParseDate(%q) = %v, want %v", tc.in, got, tc.want)
			}
			if got != nil && got.Location().String() != hcm.String() {
				t.Errorf("location = %s, want %s", got.Location(), hcm)
			}
		})
	}
}

func TestParseDateUnknownFormatListsAccepted(t *testing.T) {
	_, err := ParseDate("July 16", nil)
	if err == nil || !strings.Contains(err.Error(), "yyyyMMddHHmmss") || !strings.Contains(err.Error(), "dd/MM/yyyy") {
		t.Fatalf("got %v, want the accepted formats listed", err)
	}
}

func TestHoChiMinh(t *testing.T) {
	loc := HoChiMinh()
	_, off := time.Date(2024, 7, 1, 0, 0, 0, 0, loc).Zone()
	if off != 7*3600 {
		t.Fatalf("offset = %d, want +7h", off)
	}
}

func TestIsDateOnly(t *testing.T) {
	for in, want := range map[string]bool{"05/04/2024": true, "2024-04-05": true, " 05/04/2024 ": true,
		"05/04/2024 10:00:00": false, "20240405100000": false, "2024-04-05T10:00:00+07:00": false, "": false} {
		if got := IsDateOnly(in); got != want {
			t.Errorf("IsDateOnly(%q) = %v", in, got)
		}
	}
}

func TestDateOnlyDueIsEndOfDay(t *testing.T) {
	n := mustNormalizer(t)
	for _, due := range []string{"22/07/2024", "2024-07-22"} {
		d, err := n.Dossier(edit(t, map[string]any{"NgayHenTra": due}))
		if err != nil {
			t.Fatal(err)
		}
		if got := d.DueAt.Format("2006-01-02 15:04:05"); got != "2024-07-22 23:59:59" {
			t.Errorf("due %q → %s, want the end of 2024-07-22", due, got)
		}
	}
	d, err := n.Dossier(edit(t, map[string]any{"NgayHenTra": "22/07/2024 10:30:00"}))
	if err != nil || d.DueAt.Format("15:04") != "10:30" {
		t.Fatalf("a due time given is kept: %v %v", d.DueAt, err)
	}
}
