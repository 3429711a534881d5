package transform

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // embedded so HoChiMinh never depends on the host's zoneinfo
)

// HoChiMinh returns Asia/Ho_Chi_Minh. The fixed UTC+7 fallback is the same
// offset (Viet Nam has had no DST since 1975), so results do not change if the
// lookup ever failed.
func HoChiMinh() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// MinYear is the earliest year accepted: the one-stop systems date from the
// 2000s, so anything earlier is a placeholder (0001-01-01, 1900-01-01) or a
// typo, never a real event.
const MinYear = 2000

// MaxYear is the latest year accepted: ClickHouse's DateTime (seconds since
// 1970 in a UInt32) ends on 2106-02-07, so a later date could not be stored
// as it is; it is a typo (2204 for 2024) or a placeholder (9999-12-31).
// MinYear keeps the other end well after 1970.
const MaxYear = 2105

// AcceptedDateFormats lists the forms ParseDate reads, for error messages.
const AcceptedDateFormats = "yyyyMMddHHmmss, dd/MM/yyyy HH:mm:ss, dd/MM/yyyy, yyyy-MM-dd, yyyy-MM-dd HH:mm:ss, RFC 3339"

// DateError is a date value that could not be read.
type DateError struct {
	Value  string
	Reason string
}

func (e *DateError) Error() string { return fmt.Sprintf("date %q: %s", e.Value, e.Reason) }

func (e *DateError) Unwrap() error { return ErrBadDate }

// ParseDate reads a date as exported by the portal. Local forms are wall-clock
// times in loc (nil means Asia/Ho_Chi_Minh); RFC 3339 carries its own offset
// and is converted to loc. An empty string is "no value" (nil, nil), never a
// zero date. Impossible dates (31/02/2024, month 13, hour 24) and years before
// MinYear or after MaxYear are errors wrapping ErrBadDate; they are never normalized into a
// neighbouring valid date the way time.Date would.
func ParseDate(s string, loc *time.Location) (*time.Time, error) {
	if loc == nil {
		loc = HoChiMinh()
	}
	v := strings.TrimFunc(s, isSpaceOrFormat)
	if v == "" {
		return nil, nil
	}
	fail := func(reason string) (*time.Time, error) {
		if len(s) > 100 {
			s = s[:100] + "…"
		}
		return nil, &DateError{Value: s, Reason: reason}
	}
	var y, mo, d, h, mi, sec int
	var ok bool
	switch {
	case len(v) == 14 && allDigits(v):
		y, mo, d, h, mi, sec = atoi(v[0:4]), atoi(v[4:6]), atoi(v[6:8]), atoi(v[8:10]), atoi(v[10:12]), atoi(v[12:14])
		ok = true
	case strings.Contains(v, "/"):
		y, mo, d, h, mi, sec, ok = parseDMY(v)
	case len(v) >= 10 && v[4] == '-' && v[7] == '-':
		if len(v) > 10 && (v[10] == 'T' || v[10] == 't') && hasOffset(v[11:]) {
			t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(v))
			if err != nil {
				return fail("not a valid RFC 3339 time; accepted: " + AcceptedDateFormats)
			}
			if reason := yearOutOfRange(t.In(loc).Year()); reason != "" {
				return fail(reason)
			}
			t = t.In(loc)
			return &t, nil
		}
		y, mo, d, h, mi, sec, ok = parseISOLocal(v)
	}
	if !ok {
		return fail("unrecognized format; accepted: " + AcceptedDateFormats)
	}
	if reason := yearOutOfRange(y); reason != "" {
		return fail(reason)
	}
	if mo < 1 || mo > 12 {
		return fail(fmt.Sprintf("month %d does not exist", mo))
	}
	if d < 1 || d > daysIn(y, time.Month(mo)) {
		return fail(fmt.Sprintf("day %d does not exist in %04d-%02d", d, y, mo))
	}
	if h > 23 || mi > 59 || sec > 59 {
		return fail(fmt.Sprintf("time %02d:%02d:%02d does not exist", h, mi, sec))
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc)
	return &t, nil
}

// yearOutOfRange says why a year cannot be a real event stored in
// ClickHouse ("" when it can).
func yearOutOfRange(y int) string {
	switch {
	case y < MinYear:
		return fmt.Sprintf("year %d is before %d; accepted: %s", y, MinYear, AcceptedDateFormats)
	case y > MaxYear:
		return fmt.Sprintf("year %d is after %d: outside the range of ClickHouse's DateTime (1970-01-01 to 2106-02-07)", y, MaxYear)
	}
	return ""
}

func hasOffset(clock string) bool {
	if strings.HasSuffix(clock, "Z") || strings.HasSuffix(clock, "z") {
		return true
	}
	i := strings.LastIndexAny(clock, "+-")
	return i > 0
}

// parseDMY reads d/M/yyyy with an optional " HH:mm[:ss]".
func parseDMY(v string) (y, mo, d, h, mi, sec int, ok bool) {
	datePart, clock, _ := strings.Cut(v, " ")
	parts := strings.Split(datePart, "/")
	if len(parts) != 3 || !numLen(parts[0], 1, 2) || !numLen(parts[1], 1, 2) || !numLen(parts[2], 4, 4) {
		return
	}
	d, mo, y = atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	h, mi, sec, ok = parseClock(strings.TrimSpace(clock))
	return
}

// parseISOLocal reads yyyy-MM-dd with an optional "[T ]HH:mm[:ss]" and no
// offset (a wall-clock time in the local zone).
func parseISOLocal(v string) (y, mo, d, h, mi, sec int, ok bool) {
	if !numLen(v[0:4], 4, 4) || !numLen(v[5:7], 2, 2) || !numLen(v[8:10], 2, 2) {
		return
	}
	y, mo, d = atoi(v[0:4]), atoi(v[5:7]), atoi(v[8:10])
	rest := v[10:]
	if rest != "" {
		if rest[0] != ' ' && rest[0] != 'T' && rest[0] != 't' {
			return
		}
		rest = strings.TrimSpace(rest[1:])
	}
	h, mi, sec, ok = parseClock(rest)
	return
}

func parseClock(c string) (h, mi, sec int, ok bool) {
	if c == "" {
		return 0, 0, 0, true
	}
	p := strings.Split(c, ":")
	if len(p) < 2 || len(p) > 3 {
		return
	}
	for _, x := range p {
		if !numLen(x, 1, 2) {
			return
		}
	}
	h, mi = atoi(p[0]), atoi(p[1])
	if len(p) == 3 {
		sec = atoi(p[2])
	}
	return h, mi, sec, true
}

func numLen(s string, lo, hi int) bool {
	return len(s) >= lo && len(s) <= hi && allDigits(s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// atoi is only called on strings checked by allDigits and at most 4 long.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// civilDate is a calendar day in a given zone, used for validity ranges and
// working days where the time of day must not matter.
type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time, loc *time.Location) civilDate {
	y, m, d := t.In(loc).Date()
	return civilDate{y, m, d}
}

func (c civilDate) before(o civilDate) bool {
	if c.y != o.y {
		return c.y < o.y
	}
	if c.m != o.m {
		return c.m < o.m
	}
	return c.d < o.d
}

func (c civilDate) String() string { return fmt.Sprintf("%04d-%02d-%02d", c.y, int(c.m), c.d) }

// IsDateOnly reports whether s is a date without a time of day
// (dd/MM/yyyy or yyyy-MM-dd), as some exports print due dates.
func IsDateOnly(s string) bool {
	v := strings.TrimFunc(s, isSpaceOrFormat)
	if len(v) != 10 {
		return false
	}
	return (v[2] == '/' && v[5] == '/') || (v[4] == '-' && v[7] == '-')
}
