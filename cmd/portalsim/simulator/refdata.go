package simulator

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dvcindex/dvcindex/transform/refdata"
)

// Location is the portal's time zone, Asia/Ho_Chi_Minh (UTC+7, no DST). It is
// a fixed zone so the simulator needs no tzdata.
var Location = time.FixedZone("Asia/Ho_Chi_Minh", 7*3600)

// unit is one administrative unit in one validity period.
type unit struct {
	code      string // GSO code
	name      string // canonical name, e.g. "Tam Quan"
	typ       string // phuong, xa, thi_xa
	agency    string // MaCoQuan valid in the period ("" if none)
	validFrom time.Time
	validTo   time.Time // inclusive last day; zero = open
	mergedTo  string
	district  string // GSO code of the district it belongs to ("" if none)
	weight    int
	staff     staffPool
}

func (u *unit) validOn(day time.Time) bool {
	if day.Before(u.validFrom) {
		return false
	}
	return u.validTo.IsZero() || !day.After(u.validTo)
}

// isDistrict reports whether u is a district-level unit (thị xã, huyện,
// quận, thành phố thuộc tỉnh) rather than a ward or commune.
func (u *unit) isDistrict() bool { return districtTypes[u.typ] }

// districtTypes and communeTypes are the unit types the simulator serves,
// as written in the units file's type column; provinces (tinh) are read
// separately and other types are skipped.
var (
	districtTypes = map[string]bool{"thi_xa": true, "huyen": true, "quan": true, "thanh_pho": true}
	communeTypes  = map[string]bool{"phuong": true, "xa": true, "thi_tran": true}
)

// province is one period of the province the units belong to (a tinh row
// of the units file).
type province struct {
	code, name string
	validFrom  time.Time
	validTo    time.Time // inclusive last day; zero = open
}

// era is a period in which the set of valid units does not change.
type era struct {
	start    time.Time
	wards    []*unit
	cumW     []int // cumulative weights of wards
	district *unit // nil when no district-level unit exists
}

type agency struct {
	code, gso        string
	validFrom, valTo time.Time
}

// refData is the parsed reference data the generator draws from.
type refData struct {
	units     []*unit
	provinces []province // tinh rows, in file order
	eras      []era
	holidays  map[time.Time]bool
	procs     []*procedure
	procByNat map[string]*procedure
}

func readCSV(b []byte) ([][]string, error) {
	var lines [][]byte
	for _, l := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(l)) == 0 || bytes.HasPrefix(bytes.TrimSpace(l), []byte("#")) {
			continue
		}
		lines = append(lines, l)
	}
	r := csv.NewReader(bytes.NewReader(bytes.Join(lines, []byte("\n"))))
	r.FieldsPerRecord = -1
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	if len(out) < 1 {
		return nil, fmt.Errorf("empty csv")
	}
	return out[1:], nil // drop header
}

func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation("2006-01-02", s, Location)
}

// wardWeights are relative dossier volumes of the pre-merger units (rough
// population shares); merged units get the sum of their predecessors.
var wardWeights = map[string]int{
	"21637": 8, "21640": 10, "21643": 4, "21646": 4, "21649": 4, "21652": 3,
	"21655": 7, "21658": 6, "21661": 5, "21664": 5, "21667": 6, "21670": 6,
	"21673": 6, "21676": 4, "21679": 5, "21682": 4, "21685": 6,
}

// loadRefData parses the reference data: the embedded holidays and
// procedure catalogue, and the units of unitsCSV with the agency codes of
// agenciesCSV (both in transform/refdata's formats; see refDataFiles for
// nil), their dossier weights and staff (drawn from seed) and the eras they
// make.
func loadRefData(seed int64, unitsCSV, agenciesCSV []byte) (*refData, error) {
	rd := &refData{}
	var err error
	if rd.holidays, err = loadHolidays(); err != nil {
		return nil, err
	}
	unitsCSV, agenciesCSV = refDataFiles(unitsCSV, agenciesCSV)
	agencies, err := loadAgencies(agenciesCSV)
	if err != nil {
		return nil, err
	}
	if rd.units, rd.provinces, err = loadUnits(unitsCSV, agencies); err != nil {
		return nil, err
	}
	weighUnits(rd.units)
	for k, u := range rd.units {
		u.staff = newStaffPool(seed, k, u)
	}
	if rd.eras = buildEras(rd.units); len(rd.eras) == 0 {
		return nil, fmt.Errorf("units: no commune-level unit in reference data")
	}
	if rd.procs, rd.procByNat, err = loadProcedures(); err != nil {
		return nil, err
	}
	return rd, nil
}

// loadHolidays reads the public holidays (days off besides weekends).
func loadHolidays() (map[time.Time]bool, error) {
	hs, err := readCSV(refdata.HolidaysCSV)
	if err != nil {
		return nil, fmt.Errorf("holidays: %w", err)
	}
	out := map[time.Time]bool{}
	for _, h := range hs {
		d, err := parseDay(strings.TrimSpace(h[0]))
		if err != nil {
			return nil, fmt.Errorf("holidays: %w", err)
		}
		out[d] = true
	}
	return out, nil
}

// refDataFiles picks the units and agencies files: the embedded Hoài Nhơn
// set when unitsCSV is nil (with agenciesCSV if given, else the embedded
// agencies), else unitsCSV with agenciesCSV (nil: no agency codes, since
// the embedded ones belong to the embedded units).
func refDataFiles(unitsCSV, agenciesCSV []byte) ([]byte, []byte) {
	switch {
	case unitsCSV == nil && agenciesCSV == nil:
		return refdata.UnitsCSV, refdata.AgenciesCSV
	case unitsCSV == nil:
		return refdata.UnitsCSV, agenciesCSV
	case agenciesCSV == nil:
		return unitsCSV, []byte("agency_code,gso_code,valid_from,valid_to\n")
	}
	return unitsCSV, agenciesCSV
}

// loadAgencies reads the agency codes (MaCoQuan) with their GSO unit and
// validity from b (agency_code,gso_code,valid_from,valid_to).
func loadAgencies(b []byte) ([]agency, error) {
	as, err := readCSV(b)
	if err != nil {
		return nil, fmt.Errorf("agencies: %w", err)
	}
	var agencies []agency
	for _, a := range as {
		if len(a) < 4 {
			return nil, fmt.Errorf("agencies: short row %v", a)
		}
		f, err1 := parseDay(a[2])
		t, err2 := parseDay(a[3])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("agencies: bad date in %v", a)
		}
		agencies = append(agencies, agency{code: a[0], gso: a[1], validFrom: f, valTo: t})
	}
	return agencies, nil
}

// loadUnits reads from b (the units file format) the wards, communes and
// districts, each with the last of agencies valid on its first day, and
// the province periods; other types are skipped.
func loadUnits(b []byte, agencies []agency) ([]*unit, []province, error) {
	us, err := readCSV(b)
	if err != nil {
		return nil, nil, fmt.Errorf("units: %w", err)
	}
	var units []*unit
	var provs []province
	for _, row := range us {
		if len(row) < 10 {
			return nil, nil, fmt.Errorf("units: short row %v", row)
		}
		typ := row[2]
		f, err1 := parseDay(row[7])
		t, err2 := parseDay(row[8])
		if typ == "tinh" && err1 == nil && err2 == nil {
			provs = append(provs, province{code: row[0], name: row[1], validFrom: f, validTo: t})
		}
		if !districtTypes[typ] && !communeTypes[typ] {
			continue
		}
		if err1 != nil || err2 != nil {
			return nil, nil, fmt.Errorf("units: bad date in %v", row)
		}
		u := &unit{code: row[0], name: row[1], typ: typ, validFrom: f, validTo: t, mergedTo: row[9], district: row[3]}
		for _, a := range agencies {
			if a.gso == u.code && !a.validFrom.After(f) && (a.valTo.IsZero() || !a.valTo.Before(f)) {
				u.agency = a.code
			}
		}
		units = append(units, u)
	}
	return units, provs, nil
}

// weighUnits sets the dossier weight of every ward and commune: its
// wardWeights entry before the merger, its predecessors' volume after, 5
// when neither is known.
func weighUnits(units []*unit) {
	for _, u := range units {
		if u.isDistrict() {
			continue
		}
		if !u.validTo.IsZero() {
			if w, ok := wardWeights[u.code]; ok {
				u.weight = w
			}
		} else {
			// A unit born from a merger carries its predecessors' volume.
			for _, p := range units {
				if p != u && !p.isDistrict() && !p.validTo.IsZero() && p.mergedTo == u.code {
					u.weight += max(p.weight, wardWeights[p.code])
				}
			}
		}
		if u.weight == 0 {
			u.weight = 5
		}
	}
}

// buildEras cuts time at every validity boundary of units and returns, in
// order, the eras that have at least one ward or commune.
func buildEras(units []*unit) []era {
	var bounds []time.Time
	seen := map[time.Time]bool{}
	add := func(t time.Time) {
		if !seen[t] {
			seen[t] = true
			bounds = append(bounds, t)
		}
	}
	for _, u := range units {
		add(u.validFrom)
		if !u.validTo.IsZero() {
			add(u.validTo.AddDate(0, 0, 1))
		}
	}
	sort.Slice(bounds, func(i, j int) bool { return bounds[i].Before(bounds[j]) })
	var eras []era
	for _, b := range bounds {
		e := era{start: b}
		sum := 0
		for _, u := range units {
			if !u.validOn(b) {
				continue
			}
			if u.isDistrict() {
				e.district = u
				continue
			}
			sum += u.weight
			e.wards = append(e.wards, u)
			e.cumW = append(e.cumW, sum)
		}
		if len(e.wards) > 0 {
			eras = append(eras, e)
		}
	}
	return eras
}

// loadProcedures reads the seed report's procedures and adds the
// simulator's own catalogue (extraProcedures; a national code already read
// is skipped). It returns them in order and by national code.
func loadProcedures() ([]*procedure, map[string]*procedure, error) {
	ps, err := readCSV(refdata.ProceduresSeedCSV)
	if err != nil {
		return nil, nil, fmt.Errorf("procedures: %w", err)
	}
	var procs []*procedure
	byNat := map[string]*procedure{}
	for _, row := range ps {
		if len(row) < 10 {
			return nil, nil, fmt.Errorf("procedures: short row %v", row)
		}
		before, err1 := strconv.Atoi(row[5])
		after, err2 := strconv.Atoi(row[6])
		dd, err3 := parseDay(row[8])
		if err1 != nil || err2 != nil || err3 != nil {
			return nil, nil, fmt.Errorf("procedures: bad row %v", row)
		}
		p := &procedure{national: row[1], name: row[3], limitBefore: before, limitAfter: after, decision: dd, decisionNo: row[7]}
		p.ward = row[4] == "xa"
		p.district = row[4] == "huyen"
		if x, ok := procExtra[p.national]; ok {
			p.applyExtra(x)
		}
		procs = append(procs, p)
		byNat[p.national] = p
	}
	for _, x := range extraProcedures {
		if _, dup := byNat[x.national]; dup {
			continue
		}
		p := &procedure{national: x.national, name: x.name, ward: x.ward, district: x.district,
			limitBefore: x.limit, limitAfter: x.limit}
		p.applyExtra(x.extra)
		procs = append(procs, p)
		byNat[p.national] = p
	}
	return procs, byNat, nil
}

// eraAt returns the era covering day (clamped to the first era).
func (rd *refData) eraAt(day time.Time) *era {
	k := sort.Search(len(rd.eras), func(i int) bool { return rd.eras[i].start.After(day) }) - 1
	if k < 0 {
		k = 0
	}
	return &rd.eras[k]
}

// provinceOn is the province valid on day: its GSO code and name ("" when
// the units file has no tinh row valid then).
func (rd *refData) provinceOn(day time.Time) (code, name string) {
	for _, p := range rd.provinces {
		if !day.Before(p.validFrom) && (p.validTo.IsZero() || !day.After(p.validTo)) {
			return p.code, p.name
		}
	}
	return "", ""
}

// isProvinceGSO reports whether code is the GSO code of a province of the
// units file in any period.
func (rd *refData) isProvinceGSO(code string) bool {
	for _, p := range rd.provinces {
		if p.code == code {
			return true
		}
	}
	return false
}
