package simulator

import (
	"math/rand/v2"
	"time"
)

// Office hours of the one-stop desks; every staff event falls inside them on
// a working day (Monday–Friday, not a public holiday).
const (
	workStart = 7*time.Hour + 30*time.Minute
	workEnd   = 17 * time.Hour
	workSpan  = workEnd - workStart
)

type calendar struct{ holidays map[time.Time]bool }

func midnight(t time.Time) time.Time {
	y, m, d := t.In(Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Location)
}

func (c calendar) isWorkDay(day time.Time) bool {
	switch day.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return !c.holidays[day]
}

// prevWorkDay is the last working day strictly before day.
func (c calendar) prevWorkDay(day time.Time) time.Time {
	for {
		day = day.AddDate(0, 0, -1)
		if c.isWorkDay(day) {
			return day
		}
	}
}

func (c calendar) nextWorkDay(day time.Time) time.Time {
	for {
		day = day.AddDate(0, 0, 1)
		if c.isWorkDay(day) {
			return day
		}
	}
}

func randIn(r *rand.Rand, day time.Time, from, to time.Duration) time.Time {
	if to <= from {
		return day.Add(from)
	}
	return day.Add(from + time.Duration(r.Int64N(int64((to-from)/time.Second)+1))*time.Second)
}

// workMomentBefore returns a working moment ≤ t: t itself when t is in office
// hours, otherwise a random moment of the latest office day before t.
func (c calendar) workMomentBefore(r *rand.Rand, t time.Time) time.Time {
	day := midnight(t)
	off := t.Sub(day)
	if c.isWorkDay(day) {
		if off >= workStart && off <= workEnd {
			return t
		}
		if off > workEnd {
			return randIn(r, day, workStart, workEnd)
		}
	}
	return randIn(r, c.prevWorkDay(day), workStart, workEnd)
}

// subWorkDays moves t back n working days, keeping the clock time.
func (c calendar) subWorkDays(t time.Time, n int) time.Time {
	day := midnight(t)
	off := t.Sub(day)
	for range n {
		day = c.prevWorkDay(day)
	}
	return day.Add(off)
}

// addWorkDays moves t forward n working days, keeping the clock time.
func (c calendar) addWorkDays(t time.Time, n int) time.Time {
	day := midnight(t)
	off := t.Sub(day)
	for range n {
		day = c.nextWorkDay(day)
	}
	return day.Add(off)
}

// dueDate is the promised return moment for a dossier received at t with a
// limit of n working days (0 = the same day, by closing time).
func (c calendar) dueDate(t time.Time, n int) time.Time {
	if n == 0 {
		return midnight(t).Add(workEnd)
	}
	return c.addWorkDays(t, n)
}

// workPoints returns k sorted moments drawn uniformly from the office hours
// inside [a, b]; when there are none it returns a.
func (c calendar) workPoints(r *rand.Rand, a, b time.Time, k int) []time.Time {
	out := make([]time.Time, k)
	if k == 0 {
		return out
	}
	type iv struct{ s, e time.Time }
	var ivs [64]iv
	n := 0
	var total time.Duration
	for day := midnight(a); !day.After(b) && n < len(ivs); day = day.AddDate(0, 0, 1) {
		if !c.isWorkDay(day) {
			continue
		}
		s, e := day.Add(workStart), day.Add(workEnd)
		if s.Before(a) {
			s = a
		}
		if e.After(b) {
			e = b
		}
		if e.After(s) {
			ivs[n] = iv{s, e}
			n++
			total += e.Sub(s)
		}
	}
	if total < time.Second {
		for i := range out {
			out[i] = a
		}
		return out
	}
	offs := make([]int64, k)
	for i := range offs {
		offs[i] = r.Int64N(int64(total / time.Second))
	}
	// insertion sort: k is tiny
	for i := 1; i < k; i++ {
		for j := i; j > 0 && offs[j] < offs[j-1]; j-- {
			offs[j], offs[j-1] = offs[j-1], offs[j]
		}
	}
	j := 0
	var acc time.Duration
	for i, o := range offs {
		d := time.Duration(o) * time.Second
		for j < n-1 && d >= acc+ivs[j].e.Sub(ivs[j].s) {
			acc += ivs[j].e.Sub(ivs[j].s)
			j++
		}
		out[i] = ivs[j].s.Add(d - acc)
	}
	return out
}

// nthWorkDay is the working day n positions after day (docs/indicators.md):
// day itself is position 0 when it is a working day; a non-working day
// counts from the next working day.
func (c calendar) nthWorkDay(day time.Time, n int) time.Time {
	day = midnight(day)
	if !c.isWorkDay(day) {
		day = c.nextWorkDay(day)
	}
	for range n {
		day = c.nextWorkDay(day)
	}
	return day
}

// endOfDay is the last second (23:59:59) of the day of t.
func endOfDay(t time.Time) time.Time { return midnight(t).AddDate(0, 0, 1).Add(-time.Second) }

// nthWorkDayBefore is the working day n positions before day: day itself is
// position 0 when it is a working day, else the previous working day is.
func (c calendar) nthWorkDayBefore(day time.Time, n int) time.Time {
	day = midnight(day)
	if !c.isWorkDay(day) {
		day = c.prevWorkDay(day)
	}
	for range n {
		day = c.prevWorkDay(day)
	}
	return day
}
