package transform

import (
	"encoding/json"
	"fmt"
	"math"
)

// ProvinceQueryCode is how the portal names the province in the keyed
// endpoints (portal-api.md §4: "GSO code, or H08 for the province").
const ProvinceQueryCode = "H08"

// PortalUnit returns the value of the unit query parameter for a unit code
// of ours (the province is H08 on the portal).
func PortalUnit(code, level string) string {
	if level == LevelProvince {
		return ProvinceQueryCode
	}
	return code
}

// BCQGCount is what a unit reported to the national reporting system as
// received in a period (portal-api.md §5).
type BCQGCount struct {
	UnitCode string // ours (the province as its GSO code)
	Period   string
	Received uint64
}

// ParseBCQG reads a /api/v1/bcqg/received response for unit (our code) and
// period.
func ParseBCQG(raw []byte, unit, period string) (BCQGCount, error) {
	var r struct {
		Period   string          `json:"period"`
		Received json.RawMessage `json:"received"`
	}
	key := unit + "/" + period
	if err := json.Unmarshal(raw, &r); err != nil {
		return BCQGCount{}, &RecordError{Kind: "bcqg count", Key: key, Field: "(record)", Reason: "not a JSON object: " + err.Error(), Err: ErrMalformed}
	}
	if r.Period != "" && r.Period != period {
		return BCQGCount{}, &RecordError{Kind: "bcqg count", Key: key, Field: "period", Value: r.Period, Reason: "the answer is for another period", Err: ErrMalformed}
	}
	n, ok := flexNumber(r.Received)
	if !ok || n < 0 || n != math.Trunc(n) {
		return BCQGCount{}, &RecordError{Kind: "bcqg count", Key: key, Field: "received", Value: scalarValue(r.Received), Reason: "expected a whole number ≥ 0", Err: ErrMalformed}
	}
	return BCQGCount{UnitCode: unit, Period: period, Received: uint64(n)}, nil
}

// OfficialScore is one published score: a metric, or a group when Metric is "".
type OfficialScore struct {
	Period, UnitCode, Indicator, Metric string
	Score, Max                          float64
	Ratio                               *float64 // 0–1 (the portal publishes percent)
}

var officialGroups = map[string]bool{"transparency": true, "progress": true, "online": true, "payment": true, "digitization": true, "satisfaction": true}

// ParseEvaluation reads a /api/v1/evaluation response (portal-api.md §4)
// into one row per group and metric.
func ParseEvaluation(raw []byte, unit, period string) ([]OfficialScore, error) {
	key := unit + "/" + period
	var r struct {
		Period string `json:"period"`
		Groups []struct {
			Code    string   `json:"code"`
			Score   *float64 `json:"score"`
			Max     *float64 `json:"max"`
			Metrics []struct {
				Code  string   `json:"code"`
				Score *float64 `json:"score"`
				Max   *float64 `json:"max"`
				Ratio *float64 `json:"ratio"`
			} `json:"metrics"`
		} `json:"groups"`
	}
	bad := func(field, value, reason string) error {
		return &RecordError{Kind: "evaluation", Key: key, Field: field, Value: clipValue(value), Reason: reason, Err: ErrMalformed}
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, bad("(record)", "", "not the evaluation JSON: "+err.Error())
	}
	if r.Period != "" && r.Period != period {
		return nil, bad("period", r.Period, "the answer is for another period")
	}
	var out []OfficialScore
	for gi, g := range r.Groups {
		if !officialGroups[g.Code] {
			return nil, bad(fmt.Sprintf("groups[%d].code", gi), g.Code, "expected one of transparency, progress, online, payment, digitization, satisfaction")
		}
		if g.Score == nil || g.Max == nil {
			return nil, bad(fmt.Sprintf("groups[%d]", gi), g.Code, "score and max are required")
		}
		out = append(out, OfficialScore{Period: period, UnitCode: unit, Indicator: g.Code, Score: *g.Score, Max: *g.Max})
		for mi, m := range g.Metrics {
			if m.Code == "" || m.Score == nil {
				return nil, bad(fmt.Sprintf("groups[%d].metrics[%d]", gi, mi), m.Code, "code and score are required")
			}
			os := OfficialScore{Period: period, UnitCode: unit, Indicator: g.Code, Metric: m.Code, Score: *m.Score}
			if m.Max != nil {
				os.Max = *m.Max
			}
			if m.Ratio != nil {
				v := *m.Ratio / 100
				os.Ratio = &v
			}
			out = append(out, os)
		}
	}
	return out, nil
}
