package official

import (
	"errors"
	"fmt"
)

// Sentinels wrapped by every error of this package.
var (
	// ErrUnknownFamily: the family is not one of Families.
	ErrUnknownFamily = errors.New("unknown reporting family")
	// ErrMalformed: the body is not JSON of the family's shape.
	ErrMalformed = errors.New("malformed response")
	// ErrEnvelope: the envelope's code is not "OK".
	ErrEnvelope = errors.New("response envelope not OK")
	// ErrMissingField: a field the family always sends is absent or null.
	ErrMissingField = errors.New("missing field")
	// ErrBadValue: a field has a value outside its domain (a negative count).
	ErrBadValue = errors.New("bad value")
	// ErrBadPeriod: a period or request cannot be sent as asked.
	ErrBadPeriod = errors.New("bad period")
	// ErrUnsupported: the family does not take this request option.
	ErrUnsupported = errors.New("unsupported by family")
	// ErrUnknownMetric: no formula has this metric code or component item.
	ErrUnknownMetric = errors.New("unknown metric")
	// ErrBadCounts: a numerator or denominator is negative or not finite.
	ErrBadCounts = errors.New("bad counts")
)

// FieldError names the family and the JSON field (a path such as
// "data.evaluation[2].metrics[1].numerator") a response or request failed on.
type FieldError struct {
	Family string
	Field  string
	Err    error
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s: %v", e.Family, e.Err)
	}
	return fmt.Sprintf("%s: field %s: %v", e.Family, e.Field, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// FormulaError names the metric a score could not be computed for.
type FormulaError struct {
	Metric string
	Err    error
}

func (e *FormulaError) Error() string { return fmt.Sprintf("formula %s: %v", e.Metric, e.Err) }

func (e *FormulaError) Unwrap() error { return e.Err }

func fieldErr(family, field string, err error) error {
	return &FieldError{Family: family, Field: field, Err: err}
}
