package pipeline

import (
	"cmp"
	"slices"
	"time"

	"github.com/dvcindex/dvcindex/transform"
)

// RefSummary is what the reference data holds, as `dvcindex refdata check`
// prints it.
type RefSummary struct {
	Periods    int        // unit periods: rows of the units file
	Codes      int        // distinct GSO codes
	ByLevel    []RefCount // unit periods per index level: province, district, ward
	ByType     []RefCount // unit periods per type, by level then type
	Links      []RefLink  // merger links (merged_into), by date then old code
	Agencies   int        // rows of the agencies file
	Procedures int        // rows of the procedures file
}

// RefCount is a number of unit periods of one level or type.
type RefCount struct {
	Name string
	N    int
}

// RefLink is one merger link: From ceased the day before Date and its
// territory belongs to To from Date.
type RefLink struct {
	Date              time.Time
	From, FromName    string
	To, ToName        string
	ContinuesSameCode bool // From == To: the code continues under a new name or boundary
}

var levelOrder = []string{transform.LevelProvince, transform.LevelDistrict, transform.LevelWard}

// Summary counts the reference data.
func (rd *RefData) Summary() RefSummary {
	s := RefSummary{Agencies: len(rd.Agencies), Procedures: len(rd.Procedures)}
	codes, byType, byLevel := map[string]bool{}, map[string]int{}, map[string]int{}
	for _, u := range rd.Units.All() {
		s.Periods++
		codes[u.Code] = true
		byType[u.Type]++
		byLevel[transform.LevelOf(u.Type)]++
	}
	s.Codes = len(codes)
	for _, l := range levelOrder {
		if byLevel[l] > 0 {
			s.ByLevel = append(s.ByLevel, RefCount{l, byLevel[l]})
		}
	}
	for t, n := range byType {
		s.ByType = append(s.ByType, RefCount{t, n})
	}
	slices.SortFunc(s.ByType, func(a, b RefCount) int {
		if la, lb := slices.Index(levelOrder, transform.LevelOf(a.Name)), slices.Index(levelOrder, transform.LevelOf(b.Name)); la != lb {
			return la - lb
		}
		return cmp.Compare(a.Name, b.Name)
	})
	for _, l := range rd.Units.Successors() {
		from, _ := rd.Units.Name(l.From, l.Date.AddDate(0, 0, -1))
		to, _ := rd.Units.Name(l.To, l.Date)
		s.Links = append(s.Links, RefLink{Date: l.Date, From: l.From, FromName: from, To: l.To, ToName: to, ContinuesSameCode: l.From == l.To})
	}
	return s
}

// UnitsOn returns the units valid on the calendar day of day
// (Asia/Ho_Chi_Minh), in file order.
func (rd *RefData) UnitsOn(day time.Time) []transform.Unit {
	var out []transform.Unit
	for _, u := range rd.Units.All() {
		if u.ValidOn(day, transform.HoChiMinh()) {
			out = append(out, u)
		}
	}
	return out
}

// AgenciesOn returns the agency identifiers valid on the calendar day of
// day (Asia/Ho_Chi_Minh), in file order.
func (rd *RefData) AgenciesOn(day time.Time) []Agency {
	loc := transform.HoChiMinh()
	d := day.In(loc).Format(time.DateOnly)
	var out []Agency
	for _, a := range rd.Agencies {
		if a.ValidFrom.In(loc).Format(time.DateOnly) <= d && (a.ValidTo == nil || a.ValidTo.In(loc).Format(time.DateOnly) >= d) {
			out = append(out, a)
		}
	}
	return out
}
