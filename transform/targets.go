package transform

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dvcindex/dvcindex/transform/vocab"
)

// Target is one unit's target for one indicator: the score (points of that
// indicator's maximum) it was assigned for a year or a period
// (refdata.targets_file, docs/refdata.md).
type Target struct {
	UnitCode  string
	Period    string // "2024" (the year and every quarter and month of it), "2024-Q2" or "2024-07"
	Indicator string // vocab code: a group or "total"
	Score     float64
}

// targetsHeader is the targets file's header.
var targetsHeader = []string{"unit_code", "period", "indicator", "target"}

// LoadTargets reads a targets file (CSV: unit_code,period,indicator,target).
// Every unit must be in units, every indicator in the vocabulary, every
// target within 0 and the indicator's maximum, and no (unit, period,
// indicator) twice; errors name the file, line and column.
func LoadTargets(name string, data []byte, units *Units) ([]Target, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = len(targetsHeader)
	header, err := r.Read()
	if err != nil {
		return nil, &RefDataError{File: name, Line: 1, Msg: fmt.Sprintf("read the header: %v", err)}
	}
	if strings.Join(header, ",") != strings.Join(targetsHeader, ",") {
		return nil, &RefDataError{File: name, Line: 1, Msg: fmt.Sprintf("header is %q, want %q", strings.Join(header, ","), strings.Join(targetsHeader, ","))}
	}
	known := map[string]bool{}
	for _, u := range units.All() {
		known[u.Code] = true
	}
	seen := map[[3]string]int{}
	var out []Target
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, &RefDataError{File: name, Line: line, Msg: err.Error()}
		}
		t, col, msg := parseTarget(rec, known)
		if msg != "" {
			return nil, &RefDataError{File: name, Line: line, Column: col, Msg: msg}
		}
		key := [3]string{t.UnitCode, t.Period, t.Indicator}
		if first, dup := seen[key]; dup {
			return nil, &RefDataError{File: name, Line: line, Msg: fmt.Sprintf("unit %s, %s, %s: a second target (first on line %d)", t.UnitCode, t.Period, t.Indicator, first)}
		}
		seen[key] = line
		out = append(out, t)
	}
}

// parseTarget checks one row; it returns the column (1-based) and what is
// wrong with it, or "".
func parseTarget(rec []string, known map[string]bool) (Target, int, string) {
	t := Target{UnitCode: strings.TrimSpace(rec[0]), Period: strings.TrimSpace(rec[1]), Indicator: strings.TrimSpace(rec[2])}
	if !known[t.UnitCode] {
		return t, 1, fmt.Sprintf("unit_code %q is not a unit of the units file", t.UnitCode)
	}
	if _, err := ParsePeriod(t.Period); err != nil {
		return t, 2, err.Error()
	}
	var max float64
	for _, i := range vocab.Indicators() {
		if i.Code == t.Indicator {
			max = i.Max
		}
	}
	if max == 0 {
		return t, 3, fmt.Sprintf("indicator %q: expected one of %s", t.Indicator, strings.Join(vocab.IndicatorCodes(), ", "))
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(rec[3]), 64)
	if err != nil || v < 0 || v > max {
		return t, 4, fmt.Sprintf("target %q of %s: expected a score from 0 to %g", rec[3], t.Indicator, max)
	}
	t.Score = v
	return t, 0, ""
}
