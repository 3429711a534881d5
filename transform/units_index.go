package transform

import (
	"fmt"
	"strings"
	"time"
)

// ErrAmbiguousUnit is wrapped by the *UnitError of a name that matches
// several units valid on the day when nothing in the record (code, agency,
// parent) tells them apart. It wraps ErrUnknownUnit, so rejects count by
// that cause as before.
var ErrAmbiguousUnit = fmt.Errorf("%w: name matches several units", ErrUnknownUnit)

// Field names of department references (the national portal's evaluation
// rows), used in UnitError.Field by ResolveDepartment.
const (
	FieldDeptCode = "dept_code"
	FieldDeptID   = "dept_id"
)

// unitIndex is the one index every lookup goes through, built at load: each
// key maps to the few unit periods (indexes into Units.units) that carry it;
// a lookup is a map hit plus a check of those candidates' validity.
type unitIndex struct {
	byCode   map[string][]int // normCode(gso_code)
	names    map[string][]int // whole-name key of the name and of each alias
	depts    map[string][]int // normAgency(dept_code)
	deptIDs  map[string][]int // lower-case dept_id
	agencies map[string][]*agency
	parents  []parentKeys // per unit, to match the parent named in a record
	// parentNames maps the district and province names and codes as the
	// file spells them to their parentRef: records mostly copy them, and
	// a map hit spares normalizing the parent of every record.
	parentNames map[string]parentRef
	days        []unitDays // per unit, its validity as calendar days
	levels      []int      // per unit, typeLevel of its type
}

// unitDays is a validity period in calendar days of Asia/Ho_Chi_Minh.
type unitDays struct {
	from, to civilDate
	open     bool // no valid_to
}

// addUnit appends un to the units and its code and validity to the index.
func (u *Units) addUnit(un Unit) {
	d := unitDays{from: dateOf(un.ValidFrom, u.loc), open: un.ValidTo == nil}
	if un.ValidTo != nil {
		d.to = dateOf(*un.ValidTo, u.loc)
	}
	u.byCode[un.Code] = append(u.byCode[un.Code], len(u.units))
	u.units = append(u.units, un)
	u.days = append(u.days, d)
	u.levels = append(u.levels, typeLevel(un.Type))
}

// validOnDay is Unit.ValidOn of unit i for the calendar day d.
func (u *Units) validOnDay(i int, d civilDate) bool {
	p := &u.days[i]
	return !d.before(p.from) && (p.open || !p.to.before(d))
}

// parentKeys are the codes and name keys a record may name a unit's parent
// by.
type parentKeys struct {
	district, province         string // normCode
	districtName, provinceName string // unitNameKey
}

func newUnitIndex() unitIndex {
	return unitIndex{byCode: map[string][]int{}, names: map[string][]int{}, depts: map[string][]int{}, deptIDs: map[string][]int{}, agencies: map[string][]*agency{}, parentNames: map[string]parentRef{}}
}

// add appends unit i to key's candidates once.
func addKey(m map[string][]int, key string, i int) {
	if key == "" {
		return
	}
	for _, j := range m[key] {
		if j == i {
			return
		}
	}
	m[key] = append(m[key], i)
}

// indexUnits fills the name, alias, department and parent keys of the
// parsed units and reports department codes or ids given to two units over
// the same days.
func (u *Units) indexUnits(t *csvTable, lines []int) []error {
	var errs []error
	u.parents = make([]parentKeys, len(u.units))
	for i, un := range u.units {
		addKey(u.names, strings.Join(nameTokens(un.Name), " "), i)
		for _, a := range un.Aliases {
			k, _ := unitNameKey(a, u.prefixes)
			addKey(u.names, k, i)
		}
		dk, _ := unitNameKey(un.DistrictName, u.prefixes)
		pk, _ := unitNameKey(un.ProvinceName, u.prefixes)
		u.parents[i] = parentKeys{normCode(un.DistrictCode), normCode(un.ProvinceCode), dk, pk}
		for _, p := range []string{un.DistrictCode, un.DistrictName, un.ProvinceCode, un.ProvinceName} {
			if _, ok := u.parentNames[p]; p != "" && !ok {
				u.parentNames[p] = u.parentRef(p)
			}
		}
		for _, d := range []struct {
			col, key string
			m        map[string][]int
		}{{"dept_code", un.DeptCode, u.depts}, {"dept_id", un.DeptID, u.deptIDs}} {
			for _, j := range d.m[d.key] {
				if o := u.units[j]; o.Code != un.Code && overlaps(o, un, u.loc) {
					errs = append(errs, t.errAt(lines[i], d.col, "%s %s is given to %s %s and, on line %d, to %s %s over the same days", d.col, d.key, un.Code, un.Name, lines[j], o.Code, o.Name))
				}
			}
			addKey(d.m, d.key, i)
		}
	}
	return errs
}

// periodsOverlap reports whether two inclusive day ranges (nil end = open)
// share a day.
func periodsOverlap(af time.Time, at *time.Time, bf time.Time, bt *time.Time, loc *time.Location) bool {
	return overlaps(Unit{ValidFrom: af, ValidTo: at}, Unit{ValidFrom: bf, ValidTo: bt}, loc)
}

// validAmong returns the first candidate valid on on.
func (u *Units) validAmong(cands []int, on time.Time) (Unit, bool) {
	d := dateOf(on, u.loc)
	for _, i := range cands {
		if u.validOnDay(i, d) {
			return u.units[i], true
		}
	}
	return Unit{}, false
}

// parentRef is the parent a record names, normalized once per record.
type parentRef struct {
	raw, code, key string
}

func (u *Units) parentRef(parent string) parentRef {
	if parent == "" {
		return parentRef{}
	}
	if p, ok := u.parentNames[parent]; ok {
		return p
	}
	parent = cleanText(parent)
	k, _ := unitNameKey(parent, u.prefixes)
	return parentRef{raw: parent, code: normCode(parent), key: k}
}

func (p parentRef) given() bool { return p.raw != "" }

// inParent reports whether the unit with index i lies in parent, a district
// or province code or name.
func (u *Units) inParent(i int, parent parentRef) bool {
	p := u.parents[i]
	if parent.code != "" && (parent.code == p.district || parent.code == p.province) {
		return true
	}
	return parent.key != "" && (parent.key == p.districtName || parent.key == p.provinceName)
}

// describe is "code name (district …, province …)" for error messages.
func (u *Units) describe(i int) string {
	un := u.units[i]
	var where []string
	if un.DistrictCode != "" && un.DistrictCode != un.Code {
		where = append(where, "district "+strings.TrimSpace(un.DistrictCode+" "+un.DistrictName))
	}
	if un.ProvinceCode != "" && un.ProvinceCode != un.Code {
		where = append(where, "province "+strings.TrimSpace(un.ProvinceCode+" "+un.ProvinceName))
	}
	if len(where) == 0 {
		return un.Code + " " + un.Name
	}
	return un.Code + " " + un.Name + " (" + strings.Join(where, ", ") + ")"
}

// ResolveIn is Resolve with the parent the record names: a district or
// province code or name ("543", "thị xã Hoài Nhơn", "Bình Định"). It tells
// apart units that share a name, and like every other reference it must
// agree with the unit found: a unit outside parent is an error. An empty
// parent makes ResolveIn Resolve. A name that still matches several units
// is rejected with an error wrapping ErrAmbiguousUnit that lists them with
// their parents; none is picked.
func (u *Units) ResolveIn(gso, agencyID, name, parent string, on time.Time) (Unit, error) {
	return u.resolveIn(gso, agencyID, name, parent, on, nil)
}

// ResolveDepartment finds the unit of a national portal department by its
// code (H44.232) or id (a UUID), the dept_code and dept_id columns of the
// units file, on the day of on. When both are given they must name the same
// unit. Errors are *UnitError wrapping ErrUnknownUnit.
func (u *Units) ResolveDepartment(code, id string, on time.Time) (Unit, error) {
	code, id = normAgency(code), strings.ToLower(strings.TrimFunc(id, isSpaceOrFormat))
	if code == "" && id == "" {
		return Unit{}, &UnitError{Field: FieldDeptCode, On: on, Reason: "no department given: dept_code and dept_id are both empty"}
	}
	var found Unit
	for _, ref := range []struct {
		field, value string
		m            map[string][]int
	}{{FieldDeptID, id, u.deptIDs}, {FieldDeptCode, code, u.depts}} {
		if ref.value == "" {
			continue
		}
		un, ok := u.validAmong(ref.m[ref.value], on)
		if !ok {
			reason := "no unit has this department on that date"
			if len(ref.m[ref.value]) > 0 {
				reason = "department not valid on that date"
			}
			return Unit{}, &UnitError{Field: ref.field, Value: ref.value, On: on, Reason: reason}
		}
		if found.Code != "" && un.Code != found.Code {
			return Unit{}, &UnitError{Field: ref.field, Value: ref.value, On: on, Reason: fmt.Sprintf("is unit %s %s but dept_id %q is %s %s; the two must agree", un.Code, un.Name, id, found.Code, found.Name)}
		}
		found = un
	}
	return found, nil
}
