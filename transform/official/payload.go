package official

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// DefaultPageSize is the page size the captures used for the flat families;
// the tree families ignore it and return every child.
const DefaultPageSize = 200

// Request is what a client asks one family for.
type Request struct {
	// RootDepartmentID is the province's department UUID (UBND tỉnh).
	RootDepartmentID string
	Period           Period
	// Page is 1-based; 0 means 1.
	Page int
	// PageSize 0 means DefaultPageSize.
	PageSize int
	// FormalityID restricts to one procedure (the formalities item id);
	// handling-satisfaction does not take it.
	FormalityID string
}

var uuidShape = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// payload is the body, fields in the captured order. Exactly one of the
// period forms is set: timeType/year/month/quarter, or fromDate/toDate.
type payload struct {
	RootDepartmentID string `json:"rootDepartmentId"`
	CurrentPage      int    `json:"currentPage"`
	PageSize         int    `json:"pageSize"`
	TimeType         string `json:"timeType,omitempty"`
	Year             int    `json:"year,omitempty"`
	Quarter          int    `json:"quarter,omitempty"`
	Month            int    `json:"month,omitempty"`
	FromDate         string `json:"fromDate,omitempty"`
	ToDate           string `json:"toDate,omitempty"`
	FormalityID      string `json:"formalityId,omitempty"`
	// FormalityIDCapital is dossier-digitized's spelling of the filter
	// (national-766-api.md §1.1: the key is case-sensitive as captured).
	FormalityIDCapital string `json:"formalityID,omitempty"`
}

// Payload builds the JSON body to POST to EvaluationPath+family.
func Payload(family string, r Request) ([]byte, error) {
	if !KnownFamily(family) {
		return nil, fieldErr(family, "", ErrUnknownFamily)
	}
	if err := checkRequest(family, r); err != nil {
		return nil, err
	}
	p := payload{RootDepartmentID: r.RootDepartmentID, CurrentPage: orDefault(r.Page, 1), PageSize: orDefault(r.PageSize, DefaultPageSize)}
	if err := setPeriod(family, &p, r.Period); err != nil {
		return nil, err
	}
	if family == Digitization {
		p.FormalityIDCapital = r.FormalityID
	} else {
		p.FormalityID = r.FormalityID
	}
	return json.Marshal(p)
}

func checkRequest(family string, r Request) error {
	if !uuidShape.MatchString(r.RootDepartmentID) {
		return fieldErr(family, "rootDepartmentId", fmt.Errorf("%w: want a UUID", ErrBadValue))
	}
	if r.Page < 0 || r.PageSize < 0 {
		return fieldErr(family, "currentPage", fmt.Errorf("%w: page %d, page size %d", ErrBadValue, r.Page, r.PageSize))
	}
	if r.FormalityID == "" {
		return nil
	}
	if family == Satisfaction {
		return fieldErr(family, "formalityId", ErrUnsupported)
	}
	if !uuidShape.MatchString(r.FormalityID) {
		return fieldErr(family, "formalityId", fmt.Errorf("%w: want a UUID", ErrBadValue))
	}
	return nil
}

// setPeriod writes timeType/year/quarter/month, or for handling-satisfaction
// the inclusive fromDate/toDate covering the same period.
func setPeriod(family string, p *payload, per Period) error {
	if family == Satisfaction {
		from, to, err := per.Bounds()
		if err != nil {
			return fieldErr(family, "fromDate", err)
		}
		p.FromDate, p.ToDate = from, to
		return nil
	}
	if err := per.Validate(); err != nil {
		return fieldErr(family, "timeType", err)
	}
	p.TimeType, p.Year, p.Quarter, p.Month = string(per.Kind), per.Year, per.Quarter, per.Month
	return nil
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
