package transform

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// ErrPeriod marks a period string that is not 2024, 2024-Q2 or 2024-07.
var ErrPeriod = errors.New("bad period")

// PeriodKind is the length of a period.
type PeriodKind int

// Period lengths.
const (
	Year PeriodKind = iota
	Quarter
	Month
)

// Period is a reporting period of the index: a year, a quarter or a month,
// in local time (Asia/Ho_Chi_Minh).
type Period struct {
	Code  string // "2024", "2024-Q2", "2024-07"
	Kind  PeriodKind
	Start time.Time // local midnight of the first day
	End   time.Time // local midnight of the day after the last day (exclusive)
}

var periodRe = regexp.MustCompile(`^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$`)

// ParsePeriod parses "2024", "2024-Q2" or "2024-07".
func ParsePeriod(s string) (Period, error) {
	m := periodRe.FindStringSubmatch(s)
	if m == nil {
		return Period{}, fmt.Errorf("%w %q: expected a year (2024), a quarter (2024-Q2) or a month (2024-07)", ErrPeriod, s)
	}
	y, _ := strconv.Atoi(m[1])
	if y < MinYear || y > 2100 {
		return Period{}, fmt.Errorf("%w %q: year out of range", ErrPeriod, s)
	}
	loc := HoChiMinh()
	switch {
	case m[2] != "":
		q, _ := strconv.Atoi(m[2])
		start := time.Date(y, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, loc)
		return Period{Code: s, Kind: Quarter, Start: start, End: start.AddDate(0, 3, 0)}, nil
	case m[3] != "":
		mo, _ := strconv.Atoi(m[3])
		start := time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, loc)
		return Period{Code: s, Kind: Month, Start: start, End: start.AddDate(0, 1, 0)}, nil
	}
	start := time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	return Period{Code: s, Kind: Year, Start: start, End: start.AddDate(1, 0, 0)}, nil
}

// PeriodOf returns the period of kind k that contains t.
func PeriodOf(k PeriodKind, t time.Time) Period {
	t = t.In(HoChiMinh())
	var code string
	switch k {
	case Quarter:
		code = fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	case Month:
		code = fmt.Sprintf("%d-%02d", t.Year(), int(t.Month()))
	default:
		code = strconv.Itoa(t.Year())
	}
	p, _ := ParsePeriod(code)
	return p
}

// LastDay is local midnight of the period's last day.
func (p Period) LastDay() time.Time { return p.End.AddDate(0, 0, -1) }

// Previous is the period of the same length just before p.
func (p Period) Previous() Period { return PeriodOf(p.Kind, p.Start.Add(-time.Hour)) }

// PreviousYear is the year before p's year (the DOSSIER_SYNC fallback reads
// its BCQG total).
func (p Period) PreviousYear() Period { return PeriodOf(Year, p.Start.AddDate(-1, 0, 0)) }

// FallbackDivisor divides last year's BCQG total into this period's share:
// 12 for a month, 4 for a quarter, 1 for a year.
func (p Period) FallbackDivisor() float64 {
	switch p.Kind {
	case Month:
		return 12
	case Quarter:
		return 4
	}
	return 1
}

// Periods lists every period of every length from start (inclusive) through
// the period containing end.
func Periods(start, end time.Time) []Period {
	var out []Period
	for _, k := range []PeriodKind{Year, Quarter, Month} {
		for p := PeriodOf(k, start); !p.Start.After(end); p = PeriodOf(k, p.End) {
			out = append(out, p)
		}
	}
	return out
}
