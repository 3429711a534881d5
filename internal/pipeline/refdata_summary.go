package pipeline

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/dvcindex/dvcindex/config"
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

// WriteRefSummary writes what `dvcindex refdata check` prints of the
// loaded reference data: counts per level and type, and the merger links.
func WriteRefSummary(w io.Writer, s RefSummary) {
	fmt.Fprintf(w, "\nunits: %d validity periods of %d GSO codes\n", s.Periods, s.Codes)
	for _, c := range s.ByLevel {
		fmt.Fprintf(w, "  level %-14s %5d\n", c.Name, c.N)
	}
	for _, c := range s.ByType {
		fmt.Fprintf(w, "  type  %-14s %5d\n", c.Name, c.N)
	}
	fmt.Fprintf(w, "agencies: %d identifiers\nprocedures: %d\nmerger links (merged_into): %d\n", s.Agencies, s.Procedures, len(s.Links))
	for _, l := range s.Links {
		note := ""
		if l.ContinuesSameCode {
			note = " (same code, new name or boundary)"
		}
		fmt.Fprintf(w, "  from %s  %s %s → %s %s%s\n", l.Date.Format(time.DateOnly), l.From, l.FromName, l.To, l.ToName, note)
	}
}

// WriteUnitsOn writes what `dvcindex refdata show` prints: the units and
// the agencies valid on day, as tables.
func WriteUnitsOn(w io.Writer, rd *RefData, day time.Time) {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	fmt.Fprintf(w, "units valid on %s, from %s\n", day.Format(time.DateOnly), rd.Files[0])
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tTYPE\tDISTRICT\tPROVINCE\tVALID FROM\tVALID TO\tSUCCESSOR")
	for _, u := range rd.UnitsOn(day) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.Code, u.Name, u.Type, dash(joinCodeName(u.DistrictCode, u.DistrictName)),
			dash(joinCodeName(u.ProvinceCode, u.ProvinceName)), u.ValidFrom.Format(time.DateOnly), lastDay(u.ValidTo), dash(u.MergedInto))
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nagencies valid on %s, from %s\n", day.Format(time.DateOnly), rd.Files[1])
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "AGENCY CODE\tGSO CODE\tUNIT\tVALID FROM\tVALID TO")
	for _, ag := range rd.AgenciesOn(day) {
		name, _ := rd.Units.Name(ag.GSOCode, day)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", ag.Code, ag.GSOCode, dash(name), ag.ValidFrom.Format(time.DateOnly), lastDay(ag.ValidTo))
	}
	_ = tw.Flush()
}

func joinCodeName(code, name string) string {
	if code == "" {
		return name
	}
	return code + " " + name
}

// lastDay renders a last valid day, nil = "open".
func lastDay(t *time.Time) string {
	if t == nil {
		return "open"
	}
	return t.In(transform.HoChiMinh()).Format(time.DateOnly)
}

// WriteRefFiles names the file behind each reference key.
func WriteRefFiles(w io.Writer, cfg config.RefData) {
	for _, f := range RefFiles(cfg) {
		fmt.Fprintf(w, "%-24s %s\n", f.Key, f)
	}
}

// WriteRefProblems writes each problem of LoadRefData's error on a line
// of its own and returns the error `refdata check` exits 1 with.
func WriteRefProblems(w io.Writer, err error) error {
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		fmt.Fprintf(w, "PROBLEM  %v\n", e)
	}
	return fmt.Errorf("reference data: %d problem(s), listed above; docs/refdata.md describes the files", len(errs))
}
