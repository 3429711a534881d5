package official

import (
	"fmt"
	"time"
)

// PeriodKind is the API's timeType.
type PeriodKind string

// The three period kinds the API accepts.
const (
	Month   PeriodKind = "month"
	Quarter PeriodKind = "quarter"
	Year    PeriodKind = "year"
)

// Period is one reporting period. Quarter is set only for Quarter, Month
// only for Month. The response bodies do not echo the period: a caller
// stamps it on the rows with Response.WithPeriod.
type Period struct {
	Kind    PeriodKind
	Year    int
	Quarter int
	Month   int
}

// Validate checks the period can be sent.
func (p Period) Validate() error {
	if p.Year < 2000 || p.Year > 2100 {
		return fmt.Errorf("%w: year %d", ErrBadPeriod, p.Year)
	}
	switch p.Kind {
	case Month:
		if p.Month < 1 || p.Month > 12 || p.Quarter != 0 {
			return fmt.Errorf("%w: month period needs month 1-12 and no quarter (month %d, quarter %d)", ErrBadPeriod, p.Month, p.Quarter)
		}
	case Quarter:
		if p.Quarter < 1 || p.Quarter > 4 || p.Month != 0 {
			return fmt.Errorf("%w: quarter period needs quarter 1-4 and no month (quarter %d, month %d)", ErrBadPeriod, p.Quarter, p.Month)
		}
	case Year:
		if p.Month != 0 || p.Quarter != 0 {
			return fmt.Errorf("%w: year period takes no month or quarter", ErrBadPeriod)
		}
	default:
		return fmt.Errorf("%w: kind %q (want month, quarter or year)", ErrBadPeriod, p.Kind)
	}
	return nil
}

// Bounds gives the period's first and last day, inclusive, as YYYY-MM-DD
// (the fromDate/toDate handling-satisfaction takes).
func (p Period) Bounds() (from, to string, err error) {
	if err := p.Validate(); err != nil {
		return "", "", err
	}
	first, months := p.Year*12, 12
	switch p.Kind {
	case Month:
		first, months = p.Year*12+p.Month-1, 1
	case Quarter:
		first, months = p.Year*12+(p.Quarter-1)*3, 3
	}
	start := time.Date(first/12, time.Month(first%12+1), 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, months, -1)
	return start.Format(time.DateOnly), end.Format(time.DateOnly), nil
}

// String is "2026-08", "2026-Q3" or "2026".
func (p Period) String() string {
	switch p.Kind {
	case Month:
		return fmt.Sprintf("%04d-%02d", p.Year, p.Month)
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.Quarter)
	case Year:
		return fmt.Sprintf("%04d", p.Year)
	}
	return ""
}
