package watch

import (
	"fmt"
	"time"

	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/transform"
)

// ParseRequest builds a watch request from the watch command's flags: one
// unit, a period ("" = the watch.period holding as-of), the moment taken as
// now ("" = now; RFC 3339, or 2006-01-02T15:04 in Asia/Ho_Chi_Minh) and the
// output format (table or json). Its errors are the user's to correct.
func ParseRequest(unit, period, asOf, format string) (pipeline.WatchRequest, error) {
	req := pipeline.WatchRequest{Only: []string{unit}}
	if unit == "" {
		return req, fmt.Errorf("--unit is required")
	}
	if format != "table" && format != "json" {
		return req, fmt.Errorf("--format must be table or json")
	}
	if period != "" {
		p, err := transform.ParsePeriod(period)
		if err != nil {
			return req, err
		}
		req.Period = p
	}
	if asOf != "" {
		t, err := time.Parse(time.RFC3339, asOf)
		if err != nil {
			t, err = time.ParseInLocation("2006-01-02T15:04", asOf, transform.HoChiMinh())
		}
		if err != nil {
			return req, fmt.Errorf("--as-of %q: want RFC 3339 (2024-05-10T17:00:00+07:00) or 2024-05-10T17:00", asOf)
		}
		req.AsOf = t
	}
	return req, nil
}
