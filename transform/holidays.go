package transform

import (
	"fmt"
	"strings"
	"time"

	"github.com/dvcindex/dvcindex/transform/refdata"
)

// Calendar knows the working days of Viet Nam: Monday to Friday minus the
// public holidays of its file. Days are calendar days in Asia/Ho_Chi_Minh
// whatever the zone of the time passed in, because legal time limits count
// local working days. Immutable; safe for concurrent use.
type Calendar struct {
	loc      *time.Location
	holidays map[civilDate]string
}

// DefaultCalendar uses the embedded holidays-vn.csv.
func DefaultCalendar() (*Calendar, error) { return LoadHolidays(refdata.HolidaysCSV) }

// LoadHolidays reads a date,name CSV with '#' comment lines. Errors wrap
// ErrRefData and name the line.
func LoadHolidays(csv []byte) (*Calendar, error) {
	loc := HoChiMinh()
	rows, err := readCSV(csv, []string{"date", "name"})
	if err != nil {
		return nil, fmt.Errorf("%w: holidays: %v", ErrRefData, err)
	}
	c := &Calendar{loc: loc, holidays: make(map[civilDate]string, len(rows))}
	for i, r := range rows {
		d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(r[0]), loc)
		if err != nil {
			return nil, fmt.Errorf("%w: holidays line %d: date %q: want yyyy-MM-dd", ErrRefData, i+2, r[0])
		}
		c.holidays[dateOf(d, loc)] = cleanText(r[1])
	}
	return c, nil
}

// Holiday returns the holiday name of the day of d, if any.
func (c *Calendar) Holiday(d time.Time) (string, bool) {
	n, ok := c.holidays[dateOf(d, c.loc)]
	return n, ok
}

// IsWorkingDay reports whether the day of d is Monday–Friday and not a holiday.
func (c *Calendar) IsWorkingDay(d time.Time) bool {
	l := d.In(c.loc)
	if wd := l.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, hol := c.holidays[dateOf(l, c.loc)]
	return !hol
}

// AddWorkingDays moves n working days from start (backwards when n < 0),
// keeping the time of day: the result is the n-th working day after the day
// of start, the start day itself not counted. n == 0 returns start. It is the
// inverse of WorkingDaysBetween: WorkingDaysBetween(start, AddWorkingDays(start, n)) == n.
func (c *Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	t := start.In(c.loc)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		t = t.AddDate(0, 0, step)
		if c.IsWorkingDay(t) {
			n--
		}
	}
	return t
}

// WorkingDaysBetween counts the working days after the day of a up to and
// including the day of b; negative when b is before a. A dossier received on
// Friday and returned on Monday took 1 working day.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	da, db := dateOf(a, c.loc), dateOf(b, c.loc)
	sign := 1
	if db.before(da) {
		da, db, sign = db, da, -1
	}
	n := 0
	t := time.Date(da.y, da.m, da.d, 12, 0, 0, 0, c.loc)
	for {
		t = t.AddDate(0, 0, 1)
		if db.before(dateOf(t, c.loc)) {
			break
		}
		if c.IsWorkingDay(t) {
			n++
		}
	}
	return sign * n
}
