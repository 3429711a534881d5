package transform

import (
	"errors"
	"testing"
	"time"
)

func mustCalendar(t testing.TB) *Calendar {
	t.Helper()
	c, err := DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestIsWorkingDay(t *testing.T) {
	c := mustCalendar(t)
	for d, want := range map[string]bool{
		"2024-02-07": true,  // Wednesday before Tết
		"2024-02-08": false, // Tết
		"2024-02-09": false,
		"2024-02-10": false, // Saturday
		"2024-02-11": false, // Sunday
		"2024-02-12": false,
		"2024-02-13": false,
		"2024-02-14": false,
		"2024-02-15": true,
		"2024-07-16": true,
		"2024-07-13": false, // Saturday
		"2024-09-02": false,
		"2024-09-03": false,
		"2025-05-02": false,
	} {
		if got := c.IsWorkingDay(day(t, d)); got != want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", d, got, want)
		}
	}
	// The day is the Ho Chi Minh day: 2024-02-07 20:00 UTC is already Tết there.
	if c.IsWorkingDay(time.Date(2024, 2, 7, 20, 0, 0, 0, time.UTC)) {
		t.Error("2024-02-08 03:00 ICT counted as a working day")
	}
	if n, ok := c.Holiday(day(t, "2024-02-08")); !ok || n != "Tết Nguyên đán" {
		t.Errorf("Holiday = %q, %v", n, ok)
	}
}

func TestAddWorkingDaysAndBetween(t *testing.T) {
	c := mustCalendar(t)
	for _, tc := range []struct {
		start string
		n     int
		want  string
	}{
		{"2024-02-07", 1, "2024-02-15"}, // across Tết 2024
		{"2024-02-07", 2, "2024-02-16"},
		{"2024-02-06", 5, "2024-02-20"}, // 7, 15, 16, 19, 20
		{"2024-07-12", 1, "2024-07-15"}, // Friday → Monday
		{"2024-07-13", 1, "2024-07-15"}, // from a Saturday
		{"2024-07-16", 0, "2024-07-16"},
		{"2024-07-16", 5, "2024-07-23"},
		{"2024-08-30", 1, "2024-09-04"}, // Quốc khánh
		{"2024-02-15", -1, "2024-02-07"},
		{"2024-04-26", 3, "2024-05-06"}, // 29/4, 30/4, 1/5
	} {
		start := day(t, tc.start).Add(9 * time.Hour)
		got := c.AddWorkingDays(start, tc.n)
		want := day(t, tc.want).Add(9 * time.Hour)
		if !got.Equal(want) {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tc.start, tc.n, got, tc.want)
		}
		if tc.n >= 0 {
			if b := c.WorkingDaysBetween(start, got); b != tc.n {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.start, tc.want, b, tc.n)
			}
		}
	}
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2024-02-05", "2024-02-16", 4}, // Tết week: 6, 7, 15, 16
		{"2024-07-16", "2024-07-16", 0},
		{"2024-07-12", "2024-07-15", 1},
		{"2024-07-15", "2024-07-12", -1},
		{"2024-01-01", "2024-12-31", 262 - 12}, // 262 weekdays, 12 weekday holidays
	} {
		if got := c.WorkingDaysBetween(day(t, tc.a), day(t, tc.b)); got != tc.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestLoadHolidays(t *testing.T) {
	c, err := LoadHolidays([]byte("# comment\ndate,name\n# another\n2030-01-01,New year\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(day(t, "2030-01-01")) {
		t.Error("2030-01-01 should be a holiday")
	}
	for _, bad := range []string{"", "day,name\n", "date,name\n2030-02-30,x\n", "date,name\nx\n"} {
		if _, err := LoadHolidays([]byte(bad)); !errors.Is(err, ErrRefData) {
			t.Errorf("LoadHolidays(%q) = %v, want ErrRefData", bad, err)
		}
	}
}
