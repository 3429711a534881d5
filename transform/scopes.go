package transform

import (
	"sort"
	"time"
)

// Unit levels of the index.
const (
	LevelWard     = "ward"
	LevelDistrict = "district"
	LevelProvince = "province"
)

// ScopeUnit is a unit that gets figures in a period.
type ScopeUnit struct {
	Code, Name, Level string
	ParentCode        string // the district of a ward, if it exists in the period; else ""
	ProvinceCode      string
}

// ScopeLink says that dossiers handled by Src count for Unit. Own marks the
// unit the dossier belongs to itself (its ward, or its successor); the other
// links are the parents that aggregate it.
type ScopeLink struct {
	Src, Unit, Level string
	Own              bool
}

// LevelOf maps a unit type of units-hoai-nhon.csv to an index level.
func LevelOf(unitType string) string {
	switch unitType {
	case "tinh", "thanh_pho_tw":
		return LevelProvince
	case "thi_xa", "huyen", "quan", "thanh_pho":
		return LevelDistrict
	}
	return LevelWard
}

// Scopes returns the units of a period whose last day is lastDay — those
// valid on that day (docs/indicators.md) — and how every unit code that
// dossiers may carry maps onto them: a unit that no longer exists counts for
// the unit it was merged into; one with no successor (an abolished district)
// counts for its province only.
func (u *Units) Scopes(lastDay time.Time) ([]ScopeUnit, []ScopeLink) {
	valid := map[string]Unit{}
	for _, un := range u.units {
		if un.ValidOn(lastDay, u.loc) {
			valid[un.Code] = un
		}
	}
	var units []ScopeUnit
	for code, un := range valid {
		su := ScopeUnit{Code: code, Name: un.Name, Level: LevelOf(un.Type), ProvinceCode: un.ProvinceCode}
		if su.Level == LevelWard {
			if d, ok := valid[un.DistrictCode]; ok && LevelOf(d.Type) == LevelDistrict {
				su.ParentCode = d.Code
			}
		}
		if su.Level == LevelProvince {
			su.ProvinceCode = code
		}
		units = append(units, su)
	}
	sort.Slice(units, func(i, j int) bool { return units[i].Code < units[j].Code })
	byCode := map[string]ScopeUnit{}
	for _, su := range units {
		byCode[su.Code] = su
	}

	// The latest row of each code says where it went.
	latest := map[string]Unit{}
	for _, un := range u.units {
		if l, ok := latest[un.Code]; !ok || un.ValidFrom.After(l.ValidFrom) {
			latest[un.Code] = un
		}
	}
	var links []ScopeLink
	codes := make([]string, 0, len(latest))
	for c := range latest {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, src := range codes {
		own, ok := u.successorOn(src, valid, latest)
		if !ok {
			// No successor (an abolished district): its dossiers count for
			// the province only.
			if p, ok := byCode[latest[src].ProvinceCode]; ok {
				links = append(links, ScopeLink{Src: src, Unit: p.Code, Level: p.Level, Own: true})
			}
			continue
		}
		su := byCode[own]
		links = append(links, ScopeLink{Src: src, Unit: su.Code, Level: su.Level, Own: true})
		if su.ParentCode != "" {
			links = append(links, ScopeLink{Src: src, Unit: su.ParentCode, Level: LevelDistrict})
		}
		if su.Level != LevelProvince {
			if p, ok := byCode[su.ProvinceCode]; ok {
				links = append(links, ScopeLink{Src: src, Unit: p.Code, Level: LevelProvince})
			}
		}
	}
	return units, links
}

// successorOn follows merged_into from code until a unit valid in the period.
func (u *Units) successorOn(code string, valid, latest map[string]Unit) (string, bool) {
	seen := map[string]bool{}
	for !seen[code] {
		if _, ok := valid[code]; ok {
			return code, true
		}
		seen[code] = true
		next := latest[code].MergedInto
		if next == "" {
			return "", false
		}
		code = next
	}
	return "", false
}
