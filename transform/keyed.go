package transform

import (
	"encoding/json"
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

// OfficialIndicator is the dvcindex indicator group of a reporting family
// of the national API (transform/official); "" for an unknown family.
func OfficialIndicator(family string) string {
	return map[string]string{
		"transparency": "transparency", "dvc-progress-tree": "progress", "provide-online-tree": "online",
		"formality-online-payment-tree": "payment", "dossier-digitized": "digitization", "handling-satisfaction": "satisfaction",
	}[family]
}

// OfficialMetric is the dvcindex metric code of one published row: the
// portal's code for the flat families (they are the same), ON_TIME for the
// progress component, "" for a group. ok is false for a component dvcindex
// has no metric for (the online and payment parts).
func OfficialMetric(family, kind, metric string) (string, bool) {
	switch {
	case kind == "group":
		return "", true
	case kind == "metric":
		return metric, true
	case family == "dvc-progress-tree" && metric == "2.1":
		return "ON_TIME", true
	}
	return "", false
}
