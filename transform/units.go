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

// Units is the immutable unit table; safe for concurrent use.
type Units struct {
	loc      *time.Location
	units    []Unit
	byCode   map[string][]int
	nameIdx  map[string][]int // key: joined syllable keys of the name
	agencies map[string][]agency
	prefixes []unitPrefix
}

// DefaultUnits loads the embedded units of Hoài Nhơn and their agencies.
func DefaultUnits() (*Units, error) {
	return LoadUnits(refdata.UnitsCSV, refdata.AgenciesCSV)
}

// LoadUnits parses units-hoai-nhon.csv and agencies.csv. It checks what
// Resolve relies on: no two periods of one code overlap, every merged_into
// names a unit that exists the day after, every agency points to a unit.
// Errors wrap ErrRefData.
func LoadUnits(unitsCSV, agenciesCSV []byte) (*Units, error) {
	loc := HoChiMinh()
	u := &Units{loc: loc, byCode: map[string][]int{}, nameIdx: map[string][]int{}, agencies: map[string][]agency{}, prefixes: unitPrefixes()}
	rows, err := readCSV(unitsCSV, []string{"gso_code", "name", "type", "district_code", "district_name", "province_code", "province_name", "valid_from", "valid_to", "merged_into"})
	if err != nil {
		return nil, fmt.Errorf("%w: units: %v", ErrRefData, err)
	}
	for i, r := range rows {
		line := i + 2
		from, to, err := parseValidity(r[7], r[8], loc)
		if err != nil {
			return nil, fmt.Errorf("%w: units line %d: %v", ErrRefData, line, err)
		}
		un := Unit{
			Code: normCode(r[0]), Name: cleanText(r[1]), Type: strings.TrimSpace(r[2]),
			DistrictCode: strings.TrimSpace(r[3]), DistrictName: cleanText(r[4]),
			ProvinceCode: strings.TrimSpace(r[5]), ProvinceName: cleanText(r[6]),
			ValidFrom: from, ValidTo: to, MergedInto: normCode(r[9]),
		}
		if un.Code == "" || un.Name == "" {
			return nil, fmt.Errorf("%w: units line %d: empty code or name", ErrRefData, line)
		}
		if un.MergedInto != "" && un.ValidTo == nil {
			return nil, fmt.Errorf("%w: units line %d: merged_into %s without valid_to", ErrRefData, line, un.MergedInto)
		}
		for _, j := range u.byCode[un.Code] {
			if overlaps(u.units[j], un, loc) {
				return nil, fmt.Errorf("%w: units line %d: code %s valid %s overlaps %s", ErrRefData, line, un.Code, un.period(loc), u.units[j].period(loc))
			}
		}
		u.byCode[un.Code] = append(u.byCode[un.Code], len(u.units))
		key := strings.Join(nameTokens(un.Name), " ")
		u.nameIdx[key] = append(u.nameIdx[key], len(u.units))
		u.units = append(u.units, un)
	}
	for _, un := range u.units {
		if un.MergedInto == "" {
			continue
		}
		if _, ok := u.unitOn(un.MergedInto, un.ValidTo.AddDate(0, 0, 1)); !ok {
			return nil, fmt.Errorf("%w: units: %s merged into %s, which does not exist on %s", ErrRefData, un.Code, un.MergedInto, dateOf(un.ValidTo.AddDate(0, 0, 1), loc))
		}
	}
	arows, err := readCSV(agenciesCSV, []string{"agency_code", "gso_code", "valid_from", "valid_to"})
	if err != nil {
		return nil, fmt.Errorf("%w: agencies: %v", ErrRefData, err)
	}
	for i, r := range arows {
		from, to, err := parseValidity(r[2], r[3], loc)
		if err != nil {
			return nil, fmt.Errorf("%w: agencies line %d: %v", ErrRefData, i+2, err)
		}
		a := agency{code: normAgency(r[0]), gso: normCode(r[1]), validFrom: from, validTo: to}
		if _, ok := u.byCode[a.gso]; !ok {
			return nil, fmt.Errorf("%w: agencies line %d: %s points to unknown GSO code %s", ErrRefData, i+2, a.code, a.gso)
		}
		u.agencies[a.code] = append(u.agencies[a.code], a)
	}
	return u, nil
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

func parseValidity(fromS, toS string, loc *time.Location) (time.Time, *time.Time, error) {
	from, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(fromS), loc)
	if err != nil {
		return time.Time{}, nil, fmt.Errorf("valid_from %q: want yyyy-MM-dd", fromS)
	}
	if strings.TrimSpace(toS) == "" {
		return from, nil, nil
	}
	to, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(toS), loc)
	if err != nil {
		return time.Time{}, nil, fmt.Errorf("valid_to %q: want yyyy-MM-dd or empty", toS)
	}
	if to.Before(from) {
		return time.Time{}, nil, fmt.Errorf("valid_to %s before valid_from %s", toS, fromS)
	}
	return from, &to, nil
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
	un, ok := u.unitOn(normCode(code), on)
	return un.Name, ok
}

func (u *Units) unitOn(code string, on time.Time) (Unit, bool) {
	for _, i := range u.byCode[code] {
		if u.units[i].ValidOn(on, u.loc) {
			return u.units[i], true
		}
	}
	return Unit{}, false
}

// UnitError says why a unit reference could not be resolved, in terms a
// clerk can act on: the field, the value, the date and what would have been
// accepted on that date.
type UnitError struct {
	Field  string // MaDonViHanhChinh, MaCoQuan or DonViXuLy
	Value  string
	On     time.Time
	Reason string
}

func (e *UnitError) Error() string {
	return fmt.Sprintf("%s %q on %s: %s", e.Field, e.Value, e.On.Format(time.DateOnly), e.Reason)
}

func (e *UnitError) Unwrap() error { return ErrUnknownUnit }

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
// prefixes): "Tam Quan" never matches "Tam Quan Bắc". Errors are *UnitError
// wrapping ErrUnknownUnit.
func (u *Units) Resolve(gso, agencyID, name string, on time.Time) (Unit, error) {
	return u.resolve(gso, agencyID, name, on, nil)
}

// resolve is Resolve with the name normalization supplied (nil:
// unitNameKey), so a Normalizer can memoize it.
func (u *Units) resolve(gso, agencyID, name string, on time.Time, nameKey func(string, []unitPrefix) (string, int)) (Unit, error) {
	gso, agencyID, name = strings.TrimFunc(gso, isSpaceOrFormat), strings.TrimFunc(agencyID, isSpaceOrFormat), cleanText(name)
	if gso == "" && agencyID == "" && name == "" {
		return Unit{}, &UnitError{Field: FieldUnitCode, On: on, Reason: "no unit given: MaDonViHanhChinh, MaCoQuan and DonViXuLy are all empty; expected one of: " + u.validList(on)}
	}
	var (
		found    Unit
		haveUnit bool
		byField  string
		byValue  string
	)
	if gso != "" {
		un, ok := u.unitOn(normCode(gso), on)
		if !ok {
			return Unit{}, &UnitError{Field: FieldUnitCode, Value: gso, On: on, Reason: "no unit has this GSO code on that date" + u.otherPeriods(normCode(gso)) + "; expected one of: " + u.validList(on)}
		}
		found, haveUnit, byField, byValue = un, true, FieldUnitCode, gso
	}
	if agencyID != "" {
		un, err := u.byAgency(agencyID, on)
		if err != nil {
			return Unit{}, err
		}
		if haveUnit && un.Code != found.Code {
			return Unit{}, &UnitError{Field: FieldAgencyCode, Value: agencyID, On: on, Reason: fmt.Sprintf("agency is unit %s %s but %s %q is %s %s; the two must agree", un.Code, un.Name, byField, byValue, found.Code, found.Name)}
		}
		if !haveUnit {
			found, haveUnit, byField, byValue = un, true, FieldAgencyCode, agencyID
		}
	}
	if name != "" {
		un, err := u.byName(name, on, nameKey)
		if err != nil {
			if haveUnit {
				var ue *UnitError
				if errors.As(err, &ue) {
					ue.Reason = fmt.Sprintf("does not name %s %s given by %s %q (%s)", found.Code, found.Name, byField, byValue, ue.Reason)
				}
			}
			return Unit{}, err
		}
		if haveUnit && un.Code != found.Code {
			return Unit{}, &UnitError{Field: FieldUnitName, Value: name, On: on, Reason: fmt.Sprintf("names unit %s %s but %s %q is %s %s on that date; the two must agree", un.Code, un.Name, byField, byValue, found.Code, found.Name)}
		}
		if !haveUnit {
			found = un
		}
	}
	return found, nil
}

func (u *Units) byAgency(id string, on time.Time) (Unit, error) {
	as, known := u.agencies[normAgency(id)]
	for _, a := range as {
		d := dateOf(on, u.loc)
		if d.before(dateOf(a.validFrom, u.loc)) || (a.validTo != nil && dateOf(*a.validTo, u.loc).before(d)) {
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

func (u *Units) byName(name string, on time.Time, nameKey func(string, []unitPrefix) (string, int)) (Unit, error) {
	if nameKey == nil {
		nameKey = unitNameKey
	}
	key, level := nameKey(name, u.prefixes)
	var match []Unit
	for _, i := range u.nameIdx[key] {
		if un := u.units[i]; un.ValidOn(on, u.loc) && (level == 0 || typeLevel(un.Type) == 0 || typeLevel(un.Type) == level) {
			match = append(match, un)
		}
	}
	switch len(match) {
	case 1:
		return match[0], nil
	case 0:
		reason := "matches no unit valid on that date"
		var other []string
		for _, i := range u.nameIdx[key] {
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
		return Unit{}, &UnitError{Field: FieldUnitName, Value: name, On: on, Reason: reason + "; expected one of: " + u.validList(on)}
	default:
		var c []string
		for _, m := range match {
			c = append(c, m.Code+" "+m.Name)
		}
		return Unit{}, &UnitError{Field: FieldUnitName, Value: name, On: on, Reason: "ambiguous, matches " + strings.Join(c, ", ") + "; give MaDonViHanhChinh or a prefix (phường, xã, thị xã)"}
	}
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
	return strings.Join(s, ", ")
}

func (u *Units) validAgencies(on time.Time) string {
	var s []string
	d := dateOf(on, u.loc)
	for code, as := range u.agencies {
		for _, a := range as {
			if !d.before(dateOf(a.validFrom, u.loc)) && (a.validTo == nil || !dateOf(*a.validTo, u.loc).before(d)) {
				s = append(s, code)
				break
			}
		}
	}
	sort.Strings(s)
	if len(s) == 0 {
		return "(no agency is valid on that date)"
	}
	return strings.Join(s, ", ")
}
