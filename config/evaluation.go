package config

import (
	"fmt"
	"regexp"
)

var departmentIDShape = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// validateEvaluation checks the evaluation: section.
func (c Config) validateEvaluation() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &Error{Key: key, Origin: c.Origin(key), Msg: fmt.Sprintf(format, args...)})
	}
	e := c.Evaluation
	if e.RootDepartmentID != "" && !departmentIDShape.MatchString(e.RootDepartmentID) {
		bad("evaluation.root_department_id", "%q is not a UUID (the province's departmentId on the national portal)", e.RootDepartmentID)
	}
	if e.PageSize < 1 || e.PageSize > 1000 {
		bad("evaluation.page_size", "%d is out of range 1..1000", e.PageSize)
	}
	if e.Jitter < 0 {
		bad("evaluation.jitter", "must not be negative")
	}
	if e.MaxThrottled < 1 || e.MaxThrottled > 100 {
		bad("evaluation.max_throttled", "%d is out of range 1..100", e.MaxThrottled)
	}
	return errs
}
