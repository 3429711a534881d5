package transform

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// UnitFiles is the reference data the unit resolver is loaded from: the
// units file (columns of units-hoai-nhon.csv, docs/refdata.md) and the
// agencies file (columns of agencies.csv). The names are what validation
// errors call the files, normally their paths.
type UnitFiles struct {
	UnitsName    string
	Units        []byte
	AgenciesName string
	Agencies     []byte
}

// RefDataError is one problem in a reference data file. Line is 1-based
// (the header is line 1; 0 when the file as a whole is wrong). Column is the
// 1-based CSV field (column of the spreadsheet), 0 when the whole line is
// wrong. It wraps ErrRefData. Loaders return several at once with
// errors.Join, so that a file is fixed in one pass.
type RefDataError struct {
	File   string
	Line   int
	Column int
	Msg    string
}

// Error formats the error like a compiler does: file:line:column: msg.
func (e *RefDataError) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// Unwrap returns ErrRefData.
func (e *RefDataError) Unwrap() error { return ErrRefData }

// Columns of the units and agencies files. The units file needs the
// required ones in any order and may add the optional ones.
var (
	unitColumns    = []string{"gso_code", "name", "type", "district_code", "district_name", "province_code", "province_name", "valid_from", "valid_to", "merged_into"}
	unitOptColumns = []string{"aliases", "dept_code", "dept_id"}
	agencyColumns  = []string{"agency_code", "gso_code", "valid_from", "valid_to"}
)

// csvTable is a CSV file read by header name.
type csvTable struct {
	file string
	cols map[string]int // header name → field index
	rows []csvRow
}

type csvRow struct {
	line int
	f    []string
}

// get returns the field named col of r, "" when the file has no such column.
func (t *csvTable) get(r csvRow, col string) string {
	if i, ok := t.cols[col]; ok {
		return r.f[i]
	}
	return ""
}

// errAt is a RefDataError on line at column col (a header name).
func (t *csvTable) errAt(line int, col, format string, args ...any) *RefDataError {
	c := 0
	if i, ok := t.cols[col]; ok {
		c = i + 1
	}
	return &RefDataError{File: t.file, Line: line, Column: c, Msg: fmt.Sprintf(format, args...)}
}

// readTable reads a CSV file whose header must hold every required column
// and may hold optional ones, in any order. Rows with the wrong number of
// fields are reported and skipped. A nil table means the file is unusable.
func readTable(file string, data []byte, required, optional []string) (*csvTable, []error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1 // checked below, to say which header was expected
	r.Comment = '#'
	t := &csvTable{file: file}
	var errs []error
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, append(errs, &RefDataError{File: file, Line: pe.Line, Msg: pe.Err.Error()})
		}
		if err != nil {
			return nil, append(errs, &RefDataError{File: file, Msg: err.Error()})
		}
		line, _ := r.FieldPos(0)
		if t.cols == nil {
			if t.cols, errs = readHeader(file, line, rec, required, optional); t.cols == nil {
				return nil, errs
			}
			continue
		}
		if len(rec) != len(t.cols) {
			errs = append(errs, &RefDataError{File: file, Line: line, Msg: fmt.Sprintf("has %d fields, want %d (%s)", len(rec), len(t.cols), strings.Join(headerOrder(t.cols), ","))})
			continue
		}
		t.rows = append(t.rows, csvRow{line: line, f: rec})
	}
	if t.cols == nil {
		return nil, []error{&RefDataError{File: file, Msg: "empty file, want header " + strings.Join(required, ",")}}
	}
	return t, errs
}

// readHeader maps the header's names to field indexes; nil when a required
// column is missing or a name is unknown or repeated.
func readHeader(file string, line int, rec, required, optional []string) (map[string]int, []error) {
	known := map[string]bool{}
	for _, c := range append(append([]string(nil), required...), optional...) {
		known[c] = true
	}
	cols := map[string]int{}
	var errs []error
	for i, h := range rec {
		h = strings.ToLower(strings.TrimSpace(h))
		switch _, dup := cols[h]; {
		case !known[h]:
			errs = append(errs, &RefDataError{File: file, Line: line, Column: i + 1, Msg: fmt.Sprintf("header has unknown column %q; columns are %s (required) and %s (optional)", h, strings.Join(required, ","), strings.Join(optional, ","))})
		case dup:
			errs = append(errs, &RefDataError{File: file, Line: line, Column: i + 1, Msg: fmt.Sprintf("header repeats column %q", h)})
		}
		cols[h] = i
	}
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			errs = append(errs, &RefDataError{File: file, Line: line, Msg: fmt.Sprintf("header %q lacks column %s; want header %s", strings.Join(rec, ","), c, strings.Join(required, ","))})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return cols, nil
}

func headerOrder(cols map[string]int) []string {
	out := make([]string, len(cols))
	for c, i := range cols {
		out[i] = c
	}
	return out
}

// dateField parses the yyyy-MM-dd field col of r; empty is allowed when
// optional.
func (t *csvTable) dateField(r csvRow, col string, optional bool, loc *time.Location) (*time.Time, error) {
	s := strings.TrimSpace(t.get(r, col))
	if s == "" && optional {
		return nil, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		want := "yyyy-MM-dd"
		if optional {
			want += " or empty"
		}
		return nil, t.errAt(r.line, col, "%s %q: want %s", col, t.get(r, col), want)
	}
	return &d, nil
}

// validity parses valid_from and valid_to of r; a period that ends before
// it starts (valid nowhere) is an error on valid_to.
func (t *csvTable) validity(r csvRow, loc *time.Location) (time.Time, *time.Time, []error) {
	from, err1 := t.dateField(r, "valid_from", false, loc)
	to, err2 := t.dateField(r, "valid_to", true, loc)
	if err1 != nil || err2 != nil {
		return time.Time{}, nil, nonNil(err1, err2)
	}
	if to != nil && to.Before(*from) {
		return time.Time{}, nil, []error{t.errAt(r.line, "valid_to", "valid_to %s before valid_from %s: the unit is valid nowhere", to.Format(time.DateOnly), from.Format(time.DateOnly))}
	}
	return *from, to, nil
}

func nonNil(errs ...error) []error {
	var out []error
	for _, e := range errs {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}

// sortByPosition orders the *RefDataErrors of one file by line and column.
func sortByPosition(errs []error) {
	pos := func(e error) [2]int {
		var re *RefDataError
		if errors.As(e, &re) {
			return [2]int{re.Line, re.Column}
		}
		return [2]int{}
	}
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := pos(errs[i]), pos(errs[j])
		return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1])
	})
}

// joinErrs is nil, the one error, or errors.Join of several.
func joinErrs(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}

// LoadUnitFiles parses and validates a units file and an agencies file.
// Every problem found is reported, each a *RefDataError naming file, line
// and column, joined with errors.Join: bad dates, a unit valid nowhere,
// wrong field counts, a code whose periods overlap, a district_code or
// province_code that is no unit of the file (a row may name itself),
// merged_into naming no unit valid the day after, an agency pointing to an
// unknown GSO code, an agency or department code given to two units at once.
func LoadUnitFiles(f UnitFiles) (*Units, error) {
	return loadUnitFiles(f, true)
}

// loadUnitFiles is LoadUnitFiles; checkParents false skips the unknown
// parent check, which LoadUnits never made.
func loadUnitFiles(f UnitFiles, checkParents bool) (*Units, error) {
	u := &Units{loc: HoChiMinh(), prefixes: unitPrefixes()}
	u.unitIndex = newUnitIndex()
	t, errs := readTable(f.UnitsName, f.Units, unitColumns, unitOptColumns)
	if t == nil {
		return nil, joinErrs(errs)
	}
	var parsed []Unit
	var rowLines []int
	for _, r := range t.rows {
		un, rerrs := u.parseUnitRow(t, r)
		if errs = append(errs, rerrs...); len(rerrs) > 0 {
			continue
		}
		parsed, rowLines = append(parsed, un), append(rowLines, r.line)
	}
	padCollisions(parsed)
	var lines []int // file line of each unit
	for k, un := range parsed {
		line := rowLines[k]
		for _, j := range u.byCode[un.Code] {
			if overlaps(u.units[j], un, u.loc) {
				errs = append(errs, t.errAt(line, "gso_code", "code %s valid %s overlaps %s on line %d", un.Code, un.period(u.loc), u.units[j].period(u.loc), lines[j]))
			}
		}
		u.addUnit(un)
		lines = append(lines, line)
	}
	if checkParents {
		errs = append(errs, u.checkParents(t, lines)...)
	}
	errs = append(errs, u.checkSuccessors(t, lines)...)
	errs = append(errs, u.indexUnits(t, lines)...)
	sortByPosition(errs)
	aerrs := u.loadAgencies(f.AgenciesName, f.Agencies)
	sortByPosition(aerrs)
	if errs = append(errs, aerrs...); len(errs) > 0 {
		return nil, joinErrs(errs)
	}
	return u, nil
}

// padCollisions stores every code of the file at its level's width
// (canonCode) when any two units of different levels share their digits
// without leading zeros — as real GSO codes do: Hà Nội 01, Ba Đình 001,
// Phúc Xá 00001 are all "1". A file without such codes keeps the codes
// normCode gives (every province slice, the shipped ones included), so it
// loads as it always did.
func padCollisions(units []Unit) {
	levels := map[string]int{}
	collide := false
	for _, un := range units {
		c, l := normCode(un.Code), typeLevel(un.Type)
		if prev, seen := levels[c]; seen && prev != l {
			collide = true
		}
		levels[c] = l
	}
	if !collide {
		return
	}
	for i := range units {
		un := &units[i]
		w := codeWidth(typeLevel(un.Type))
		un.Code, un.MergedInto = canonCode(un.Code, w), canonCode(un.MergedInto, w)
		un.DistrictCode = canonCode(un.DistrictCode, codeWidth(levelDistrict))
		un.ProvinceCode = canonCode(un.ProvinceCode, codeWidth(levelProvince))
	}
}

// parseUnitRow parses one row of the units file.
func (u *Units) parseUnitRow(t *csvTable, r csvRow) (Unit, []error) {
	from, to, errs := t.validity(r, u.loc)
	un := Unit{
		Code: normCode(t.get(r, "gso_code")), Name: cleanText(t.get(r, "name")), Type: strings.TrimSpace(t.get(r, "type")),
		DistrictCode: strings.TrimSpace(t.get(r, "district_code")), DistrictName: cleanText(t.get(r, "district_name")),
		ProvinceCode: strings.TrimSpace(t.get(r, "province_code")), ProvinceName: cleanText(t.get(r, "province_name")),
		ValidFrom: from, ValidTo: to, MergedInto: normCode(t.get(r, "merged_into")),
		DeptCode: normAgency(t.get(r, "dept_code")), DeptID: strings.ToLower(strings.TrimFunc(t.get(r, "dept_id"), isSpaceOrFormat)),
	}
	for _, a := range strings.Split(t.get(r, "aliases"), ";") {
		if a = cleanText(a); a != "" {
			un.Aliases = append(un.Aliases, a)
		}
	}
	if un.Code == "" {
		errs = append(errs, t.errAt(r.line, "gso_code", "empty code"))
	}
	if un.Name == "" {
		errs = append(errs, t.errAt(r.line, "name", "empty name"))
	}
	if un.MergedInto != "" && un.ValidTo == nil && len(errs) == 0 {
		errs = append(errs, t.errAt(r.line, "merged_into", "merged_into %s without valid_to", un.MergedInto))
	}
	return un, errs
}

// checkParents reports district and province codes that are no unit of
// the file.
func (u *Units) checkParents(t *csvTable, lines []int) []error {
	var errs []error
	for i, un := range u.units {
		for _, p := range []struct{ col, code string }{{"district_code", un.DistrictCode}, {"province_code", un.ProvinceCode}} {
			code := p.code
			if len(u.byCode[code]) == 0 {
				code = normCode(code)
			}
			if _, ok := u.byCode[code]; code != "" && code != un.Code && !ok {
				errs = append(errs, t.errAt(lines[i], p.col, "unknown parent: %s %s of %s %s is no unit of %s", p.col, p.code, un.Code, un.Name, t.file))
			}
		}
	}
	return errs
}

// checkSuccessors reports merged_into codes with no unit valid the day
// after the predecessor ends.
func (u *Units) checkSuccessors(t *csvTable, lines []int) []error {
	var errs []error
	for i, un := range u.units {
		if un.MergedInto == "" {
			continue
		}
		next := un.ValidTo.AddDate(0, 0, 1)
		if _, ok := u.unitOn(un.MergedInto, next); !ok {
			errs = append(errs, t.errAt(lines[i], "merged_into", "%s merged into %s, which does not exist on %s", un.Code, un.MergedInto, dateOf(next, u.loc)))
		}
	}
	return errs
}

// loadAgencies parses the agencies file into u.agencies.
func (u *Units) loadAgencies(file string, data []byte) []error {
	t, errs := readTable(file, data, agencyColumns, nil)
	if t == nil {
		return errs
	}
	lines := map[*agency]int{}
	for _, r := range t.rows {
		from, to, verrs := t.validity(r, u.loc)
		if errs = append(errs, verrs...); len(verrs) > 0 {
			continue
		}
		a := agency{code: normAgency(t.get(r, "agency_code")), gso: normCode(t.get(r, "gso_code")), validFrom: from, validTo: to}
		switch codes := u.codesOf(t.get(r, "gso_code")); len(codes) {
		case 0:
			errs = append(errs, t.errAt(r.line, "gso_code", "%s points to unknown GSO code %s", a.code, a.gso))
			continue
		case 1:
			a.gso = codes[0]
		default:
			errs = append(errs, t.errAt(r.line, "gso_code", "%s: GSO code %s names units of several levels (%s): give it at its level's width",
				a.code, a.gso, strings.Join(codes, ", ")))
			continue
		}
		for _, b := range u.agencies[a.code] {
			if periodsOverlap(a.validFrom, a.validTo, b.validFrom, b.validTo, u.loc) {
				errs = append(errs, t.errAt(r.line, "agency_code", "agency %s is given to %s and, on line %d, to %s over the same days", a.code, a.gso, lines[b], b.gso))
			}
		}
		u.agencies[a.code] = append(u.agencies[a.code], &a)
		lines[&a] = r.line
	}
	return errs
}
