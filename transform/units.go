package transform

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dvcindex/dvcindex/transform/refdata"
)

// Unit is one administrative unit over one validity period. A GSO code can
// have several Units: 21664 is "Hoài Thanh Tây" until 2025-06-30 and "Hoài
// Nhơn" from 2025-07-01.
type Unit struct {
	Code         string // GSO code
	Name         string // NFC
	Type         string // tinh, thi_xa, huyen, phuong, xa, thi_tran
	DistrictCode string
	DistrictName string
	ProvinceCode string
	ProvinceName string
	ValidFrom    time.Time  // first valid day, 00:00 Asia/Ho_Chi_Minh
	ValidTo      *time.Time // last valid day (inclusive), nil = still valid
	MergedInto   string     // successor GSO code after ValidTo, "" if none
	Aliases      []string   // other spellings (aliases column), NFC
	DeptCode     string     // national portal department code (H44.232), upper-case, "" if none
	DeptID       string     // national portal department id (UUID), lower-case, "" if none
}

// ValidOn reports whether the unit exists on the calendar day of t in
// Asia/Ho_Chi_Minh.
func (u Unit) ValidOn(t time.Time, loc *time.Location) bool {
	d := dateOf(t, loc)
	if d.before(dateOf(u.ValidFrom, loc)) {
		return false
	}
	return u.ValidTo == nil || !dateOf(*u.ValidTo, loc).before(d)
}

func (u Unit) period(loc *time.Location) string {
	to := "open"
	if u.ValidTo != nil {
		to = dateOf(*u.ValidTo, loc).String()
	}
	return dateOf(u.ValidFrom, loc).String() + ".." + to
}

// UnitSuccessor records that unit From ceased after Date-1 and its territory
// belongs to To from Date. From == To means the code continues under a new
// name or boundary (21637 Tam Quan absorbed Hoài Châu).
type UnitSuccessor struct {
	From string
	To   string
	Date time.Time // first day of To, 00:00 Asia/Ho_Chi_Minh
}

type agency struct {
	code      string
	gso       string
	validFrom time.Time
	validTo   *time.Time
}

// validOn reports whether the agency identifier is in use on the day of on.
func (a *agency) validOn(on time.Time, loc *time.Location) bool {
	d := dateOf(on, loc)
	return !d.before(dateOf(a.validFrom, loc)) && (a.validTo == nil || !dateOf(*a.validTo, loc).before(d))
}

// Units is the immutable unit table; safe for concurrent use.
type Units struct {
	loc   *time.Location
	units []Unit
	unitIndex
	prefixes []unitPrefix
}

// DefaultUnits loads the embedded units of Hoài Nhơn and their agencies,
// with every check of LoadUnitFiles.
func DefaultUnits() (*Units, error) {
	return LoadUnitFiles(UnitFiles{UnitsName: "units-hoai-nhon.csv", Units: refdata.UnitsCSV, AgenciesName: "agencies.csv", Agencies: refdata.AgenciesCSV})
}

// LoadUnits parses a units file and an agencies file named units.csv and
// agencies.csv in errors. It checks what Resolve relies on: no two periods
// of one code overlap, every merged_into names a unit that exists the day
// after, every agency points to a unit; unlike LoadUnitFiles it accepts
// parents (district_code, province_code) that are not in the file. Errors
// are *RefDataError (joined when several), wrapping ErrRefData.
func LoadUnits(unitsCSV, agenciesCSV []byte) (*Units, error) {
	return loadUnitFiles(UnitFiles{UnitsName: "units.csv", Units: unitsCSV, AgenciesName: "agencies.csv", Agencies: agenciesCSV}, false)
}

func readCSV(data []byte, header []string) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1 // checked below, to say which header was expected
	r.Comment = '#'
	var rows [][]string
	first := true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if first {
			first = false
			if strings.Join(rec, ",") != strings.Join(header, ",") {
				return nil, fmt.Errorf("header is %q, want %q", strings.Join(rec, ","), strings.Join(header, ","))
			}
			continue
		}
		if len(rec) != len(header) {
			line, _ := r.FieldPos(0)
			return nil, fmt.Errorf("line %d has %d fields, want %d (%s)", line, len(rec), len(header), strings.Join(header, ","))
		}
		rows = append(rows, rec)
	}
	if first {
		return nil, fmt.Errorf("empty file, want header %s", strings.Join(header, ","))
	}
	return rows, nil
}

func overlaps(a, b Unit, loc *time.Location) bool {
	// a ends before b starts, or b ends before a starts.
	if a.ValidTo != nil && dateOf(*a.ValidTo, loc).before(dateOf(b.ValidFrom, loc)) {
		return false
	}
	if b.ValidTo != nil && dateOf(*b.ValidTo, loc).before(dateOf(a.ValidFrom, loc)) {
		return false
	}
	return true
}

// normCode drops spaces and leading zeros: exports zero-pad GSO codes
// ("021637", "00543") inconsistently.
func normCode(s string) string {
	s = strings.Map(func(r rune) rune {
		if isSpaceOrFormat(r) {
			return -1
		}
		return r
	}, s)
	t := strings.TrimLeft(s, "0")
	if t == "" && s != "" {
		return "0"
	}
	return t
}

// codeWidth is the width of a GSO code at a level: 2 digits for a
// province, 3 for a district, 5 for a commune (0: unknown level).
func codeWidth(level int) int {
	switch level {
	case levelProvince:
		return 2
	case levelDistrict:
		return 3
	case levelCommune:
		return 5
	}
	return 0
}

// canonCode is a GSO code as the units file stores it: normCode, then
// zero-padded to the width of its level, so that codes of different levels
// that differ only in leading zeros (Hà Nội 01, Ba Đình 001, Phúc Xá 00001)
// stay apart. Codes already at their width (every Hoài Nhơn code) are
// unchanged.
func canonCode(s string, width int) string {
	c := normCode(s)
	if c == "" || len(c) >= width {
		return c
	}
	return strings.Repeat("0", width-len(c)) + c
}

// codesOf are the stored codes a code from a record or the agencies file
// may mean: itself as given (spaces dropped), else its digits padded to
// each level's width, else without zeros. Usually one; several when only
// the level tells them apart.
func (u *Units) codesOf(raw string) []string {
	given := strings.Map(func(r rune) rune {
		if isSpaceOrFormat(r) {
			return -1
		}
		return r
	}, raw)
	if _, ok := u.byCode[given]; ok {
		return []string{given}
	}
	var out []string
	for _, w := range []int{5, 3, 2, 0} {
		if c := canonCode(given, w); len(u.byCode[c]) > 0 && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// codeOn is the unit of a record's code valid on on: ok false when none
// is; ambiguous when the code's digits name units of several levels that
// are all valid then (the record must give the code at its width).
func (u *Units) codeOn(raw string, on time.Time) (un Unit, ok bool, ambiguous []string) {
	for _, c := range u.codesOf(raw) {
		if v, found := u.unitOn(c, on); found {
			if ok {
				ambiguous = append(ambiguous, un.Code+" "+un.Name, v.Code+" "+v.Name)
				continue
			}
			un, ok = v, true
		}
	}
	return un, ok, ambiguous
}

func normAgency(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if isSpaceOrFormat(r) {
			return -1
		}
		return r
	}, s))
}

// All returns every unit period in file order.
func (u *Units) All() []Unit {
	return append([]Unit(nil), u.units...)
}

// Successors lists the merger links (merged_into), sorted by date then From.
func (u *Units) Successors() []UnitSuccessor {
	var out []UnitSuccessor
	for _, un := range u.units {
		if un.MergedInto == "" {
			continue
		}
		out = append(out, UnitSuccessor{From: un.Code, To: un.MergedInto, Date: un.ValidTo.AddDate(0, 0, 1)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.Before(out[j].Date)
		}
		return out[i].From < out[j].From
	})
	return out
}

// Name returns the name of code on the day of on.
func (u *Units) Name(code string, on time.Time) (string, bool) {
	un, ok, amb := u.codeOn(code, on)
	return un.Name, ok && len(amb) == 0
}

func (u *Units) unitOn(code string, on time.Time) (Unit, bool) {
	return u.validAmong(u.byCode[code], on)
}

// UnitError says why a unit reference could not be resolved, in terms a
// clerk can act on: the field, the value, the date and what would have been
// accepted on that date.
type UnitError struct {
	Field  string // MaDonViHanhChinh, MaCoQuan or DonViXuLy
	Value  string
	On     time.Time
	Reason string
	Err    error // ErrAmbiguousUnit, or nil for ErrUnknownUnit
}

func (e *UnitError) Error() string {
	return fmt.Sprintf("%s %q on %s: %s", e.Field, e.Value, e.On.Format(time.DateOnly), e.Reason)
}

// Unwrap returns Err, ErrUnknownUnit when nil.
func (e *UnitError) Unwrap() error {
	if e.Err != nil {
		return e.Err
	}
	return ErrUnknownUnit
}

// Field names of the portal, used in UnitError.Field.
const (
	FieldUnitCode   = "MaDonViHanhChinh"
	FieldAgencyCode = "MaCoQuan"
	FieldUnitName   = "DonViXuLy"
)

type unitPrefix struct {
	tokens []string
	level  int
}

// unitPrefixes lists what is stripped from the front of a unit name, longest
// first. level is the unit level the prefix implies (0 = none): a ward prefix
// on a district name is a contradiction, not a spelling variant.
func unitPrefixes() []unitPrefix {
	words := []struct {
		w     string
		level int
	}{
		{"ủy ban nhân dân", 0}, {"ubnd", 0},
		{"thị xã", levelDistrict}, {"thị trấn", levelCommune}, {"thành phố", 0},
		{"phường", levelCommune}, {"xã", levelCommune}, {"huyện", levelDistrict}, {"quận", levelDistrict}, {"tỉnh", levelProvince},
		{"tx", levelDistrict}, {"tt", levelCommune}, {"tp", 0}, {"p", levelCommune}, {"x", levelCommune},
	}
	out := make([]unitPrefix, len(words))
	for i, w := range words {
		out[i] = unitPrefix{nameTokens(w.w), w.level}
	}
	return out
}

const (
	levelProvince = 1 + iota
	levelDistrict
	levelCommune
)

func typeLevel(t string) int {
	switch t {
	case "tinh", "thanh_pho_tw":
		return levelProvince
	case "thi_xa", "huyen", "quan", "thanh_pho":
		return levelDistrict
	case "phuong", "xa", "thi_tran":
		return levelCommune
	}
	return 0
}

// unitNameKey normalizes a handling-unit name for whole-name matching and
// returns the level its prefixes imply.
func unitNameKey(s string, prefixes []unitPrefix) (string, int) {
	toks := nameTokens(s)
	level := 0
	for stripped := true; stripped && len(toks) > 0; {
		stripped = false
		for _, p := range prefixes {
			pt := p.tokens
			if len(toks) > len(pt) && equalTokens(toks[:len(pt)], pt) {
				toks = toks[len(pt):]
				if p.level != 0 {
					level = p.level
				}
				stripped = true
				break
			}
		}
	}
	return strings.Join(toks, " "), level
}

func equalTokens(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Resolve finds the unit that handled a dossier on the day of on. The GSO
// code wins, then the agency identifier, then the name; every reference that
// is given must point to the same unit on that day, otherwise the record is
// contradictory and rejected rather than guessed. Names match whole, after
// normalization (case, NFC/NFD, tone placement, whitespace, UBND/phường/xã…
// prefixes), against the unit's name and its aliases: "Tam Quan" never
// matches "Tam Quan Bắc". A name shared by several units valid on the day is
// told apart by the code or agency when given, else rejected (ResolveIn
// takes the parent too). Errors are *UnitError wrapping ErrUnknownUnit.
func (u *Units) Resolve(gso, agencyID, name string, on time.Time) (Unit, error) {
	return u.resolveIn(gso, agencyID, name, "", on, nil)
}

// resolve is Resolve with the name normalization supplied (nil:
// unitNameKey), so a Normalizer can memoize it.
func (u *Units) resolve(gso, agencyID, name string, on time.Time, nameKey func(string, []unitPrefix) (string, int)) (Unit, error) {
	return u.resolveIn(gso, agencyID, name, "", on, nameKey)
}

// unitRef is the unit a record's references have pointed to so far.
type unitRef struct {
	found   Unit
	have    bool
	byField string
	byValue string
}

// resolveIn is ResolveIn with the name normalization supplied.
func (u *Units) resolveIn(gso, agencyID, name, parent string, on time.Time, nameKey func(string, []unitPrefix) (string, int)) (Unit, error) {
	gso, agencyID, name, parent = strings.TrimFunc(gso, isSpaceOrFormat), strings.TrimFunc(agencyID, isSpaceOrFormat), cleanText(name), strings.TrimFunc(parent, isSpaceOrFormat)
	if gso == "" && agencyID == "" && name == "" {
		return Unit{}, &UnitError{Field: FieldUnitCode, On: on, Reason: "no unit given: MaDonViHanhChinh, MaCoQuan and DonViXuLy are all empty; expected one of: " + u.validList(on)}
	}
	var r unitRef
	if gso != "" {
		un, ok, amb := u.codeOn(gso, on)
		if len(amb) > 0 {
			return Unit{}, &UnitError{Field: FieldUnitCode, Value: gso, On: on, Err: ErrAmbiguousUnit,
				Reason: "ambiguous, the code's digits name " + strings.Join(amb, ", ") + "; give the code at its level's width (province 2 digits, district 3, commune 5)"}
		}
		if !ok {
			other := ""
			if codes := u.codesOf(gso); len(codes) > 0 {
				other = u.otherPeriods(codes[0])
			}
			return Unit{}, &UnitError{Field: FieldUnitCode, Value: gso, On: on, Reason: "no unit has this GSO code on that date" + other + "; expected one of: " + u.validList(on)}
		}
		r = unitRef{un, true, FieldUnitCode, gso}
	}
	if agencyID != "" {
		un, err := u.byAgency(agencyID, on)
		if err != nil {
			return Unit{}, err
		}
		if r.have && un.Code != r.found.Code {
			return Unit{}, &UnitError{Field: FieldAgencyCode, Value: agencyID, On: on, Reason: fmt.Sprintf("agency is unit %s %s but %s %q is %s %s; the two must agree", un.Code, un.Name, r.byField, r.byValue, r.found.Code, r.found.Name)}
		}
		if !r.have {
			r = unitRef{un, true, FieldAgencyCode, agencyID}
		}
	}
	pref := u.parentRef(parent)
	if name != "" {
		un, err := u.nameRef(name, pref, on, nameKey, r)
		if err != nil {
			return Unit{}, err
		}
		if !r.have {
			r = unitRef{un, true, FieldUnitName, name}
		}
	}
	if pref.given() {
		if i, _ := u.indexOn(r.found.Code, on); !u.inParent(i, pref) {
			return Unit{}, &UnitError{Field: r.byField, Value: r.byValue, On: on, Reason: fmt.Sprintf("is %s, not in %q named as its district or province", u.describe(i), parent)}
		}
	}
	return r.found, nil
}

// indexOn is the index of the period of code valid on on.
func (u *Units) indexOn(code string, on time.Time) (int, bool) {
	d := dateOf(on, u.loc)
	for _, i := range u.byCode[code] {
		if u.validOnDay(i, d) {
			return i, true
		}
	}
	return 0, false
}

// nameRef resolves name (within parent when given) and checks it against
// the unit r already points to: among several units of that name, the one
// r names is the answer; if r names none of them the record contradicts
// itself.
func (u *Units) nameRef(name string, parent parentRef, on time.Time, nameKey func(string, []unitPrefix) (string, int), r unitRef) (Unit, error) {
	var buf [16]int // candidates: a name is shared by a few units at most
	match, err := u.byName(buf[:0], name, parent, on, nameKey)
	if err != nil {
		if r.have {
			var ue *UnitError
			if errors.As(err, &ue) {
				ue.Reason = fmt.Sprintf("does not name %s %s given by %s %q (%s)", r.found.Code, r.found.Name, r.byField, r.byValue, ue.Reason)
			}
		}
		return Unit{}, err
	}
	if r.have {
		var names []string
		for _, i := range match {
			if u.units[i].Code == r.found.Code {
				return u.units[i], nil
			}
			names = append(names, u.units[i].Code+" "+u.units[i].Name)
		}
		return Unit{}, &UnitError{Field: FieldUnitName, Value: name, On: on, Reason: fmt.Sprintf("names unit %s but %s %q is %s %s on that date; the two must agree", strings.Join(names, ", "), r.byField, r.byValue, r.found.Code, r.found.Name)}
	}
	if len(match) > 1 {
		var c []string
		for _, i := range match {
			c = append(c, u.describe(i))
		}
		return Unit{}, &UnitError{Field: FieldUnitName, Value: name, On: on, Err: ErrAmbiguousUnit,
			Reason: "ambiguous, matches " + strings.Join(c, ", ") + "; give MaDonViHanhChinh, MaCoQuan, a prefix (phường, xã, thị xã) or the district or province"}
	}
	return u.units[match[0]], nil
}

func (u *Units) byAgency(id string, on time.Time) (Unit, error) {
	as, known := u.agencies[normAgency(id)]
	for _, a := range as {
		if !a.validOn(on, u.loc) {
			continue
		}
		if un, ok := u.unitOn(a.gso, on); ok {
			return un, nil
		}
	}
	reason := "no agency with this identifier on that date"
	if known {
		reason = "agency identifier not valid on that date"
	}
	return Unit{}, &UnitError{Field: FieldAgencyCode, Value: id, On: on, Reason: reason + "; expected one of: " + u.validAgencies(on)}
}

// byName appends to match the units valid on on whose name or alias is name
// at the level its prefix implies, narrowed to those in parent when several
// match and parent is given; an error when none.
func (u *Units) byName(match []int, name string, parent parentRef, on time.Time, nameKey func(string, []unitPrefix) (string, int)) ([]int, error) {
	if nameKey == nil {
		nameKey = unitNameKey
	}
	key, level := nameKey(name, u.prefixes)
	d := dateOf(on, u.loc)
	for _, i := range u.names[key] {
		if l := u.levels[i]; u.validOnDay(i, d) && (level == 0 || l == 0 || l == level) {
			match = append(match, i)
		}
	}
	if len(match) > 1 && parent.given() {
		in := match[:0] // filtered in place: nothing is overwritten if none is in parent
		for _, i := range match {
			if u.inParent(i, parent) {
				in = append(in, i)
			}
		}
		if len(in) == 0 {
			var all []string
			for _, i := range match {
				all = append(all, u.describe(i))
			}
			return nil, &UnitError{Field: FieldUnitName, Value: name, On: on, Reason: fmt.Sprintf("matches %s, none of them in %q", strings.Join(all, ", "), parent.raw)}
		}
		match = in
	}
	if len(match) > 0 {
		return match, nil
	}
	reason := "matches no unit valid on that date"
	var other []string
	for _, i := range u.names[key] {
		un := u.units[i]
		if !un.ValidOn(on, u.loc) {
			other = append(other, fmt.Sprintf("%s %s valid %s", un.Code, un.Name, un.period(u.loc)))
		} else {
			other = append(other, fmt.Sprintf("%s %s is a %s, not what the prefix says", un.Code, un.Name, un.Type))
		}
	}
	if len(other) > 0 {
		reason += " (" + strings.Join(other, "; ") + ")"
	}
	return nil, &UnitError{Field: FieldUnitName, Value: name, On: on, Reason: reason + "; expected one of: " + u.validList(on)}
}

func (u *Units) otherPeriods(code string) string {
	var p []string
	for _, i := range u.byCode[code] {
		un := u.units[i]
		s := fmt.Sprintf("%s valid %s", un.Name, un.period(u.loc))
		if un.MergedInto != "" && un.MergedInto != un.Code {
			s += " then merged into " + un.MergedInto
		}
		p = append(p, s)
	}
	if len(p) == 0 {
		return ""
	}
	return " (" + strings.Join(p, "; ") + ")"
}

// maxListed caps the "expected one of" lists of errors: a national unit
// list would put thousands of names in every reject.
const maxListed = 40

// listCapped joins s, the first maxListed entries and how many more.
func listCapped(s []string) string {
	if len(s) > maxListed {
		return strings.Join(s[:maxListed], ", ") + fmt.Sprintf(", … and %d more", len(s)-maxListed)
	}
	return strings.Join(s, ", ")
}

func (u *Units) validList(on time.Time) string {
	var s []string
	for _, un := range u.units {
		if un.ValidOn(on, u.loc) {
			s = append(s, un.Code+" "+un.Name)
		}
	}
	if len(s) == 0 {
		return "(no unit is valid on that date)"
	}
	return listCapped(s)
}

func (u *Units) validAgencies(on time.Time) string {
	var s []string
	for code, as := range u.agencies {
		for _, a := range as {
			if a.validOn(on, u.loc) {
				s = append(s, code)
				break
			}
		}
	}
	sort.Strings(s)
	if len(s) == 0 {
		return "(no agency is valid on that date)"
	}
	return listCapped(s)
}

// LevelOfType is the level (LevelProvince, LevelDistrict, LevelWard) of a
// units-file type; "" for a type the units file does not know.
func LevelOfType(t string) string {
	switch typeLevel(t) {
	case levelProvince:
		return LevelProvince
	case levelDistrict:
		return LevelDistrict
	case levelCommune:
		return LevelWard
	}
	return ""
}
