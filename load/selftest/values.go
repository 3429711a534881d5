package selftest

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/dvcindex/dvcindex/load"
)

// Values are what a compute of the fixture produced: every metric and group
// row, and the findings per unit, metric and kind.
type Values struct {
	Period   string       `json:"period"`
	Metrics  []MetricRow  `json:"metrics"`
	Findings []FindingRow `json:"findings"`
}

// MetricRow is one row of v_indicator_metrics, or of v_indicator_scores
// with Metric "" (a group or the total).
type MetricRow struct {
	Unit        string   `json:"unit"`
	Indicator   string   `json:"indicator"`
	Metric      string   `json:"metric"`
	Numerator   float64  `json:"numerator"`
	Denominator float64  `json:"denominator"`
	Ratio       *float64 `json:"ratio"` // null where the portal publishes null
	Score       *float64 `json:"score"`
	MaxScore    float64  `json:"max_score"`
	NoData      uint8    `json:"no_data"`
}

// FindingRow counts the findings of one kind for a unit and metric, with
// the smallest detail text as a sample: the text carries formatted dates,
// so a server that formats them differently shows up here.
type FindingRow struct {
	Unit        string `json:"unit"`
	Metric      string `json:"metric"`
	Finding     string `json:"finding"`
	Count       uint64 `json:"count"`
	FirstDetail string `json:"first_detail"`
}

func (m MetricRow) key() string  { return m.Unit + "/" + m.Indicator + "/" + m.Metric }
func (f FindingRow) key() string { return f.Unit + "/" + f.Metric + "/" + f.Finding }

const (
	readMetricsSQL = `SELECT unit_code, indicator, metric, numerator, denominator, ratio, score, max_score, no_data
FROM {db}.v_indicator_metrics WHERE period = @period
UNION ALL
SELECT unit_code, indicator, '', 0., 0., toNullable(0.), toNullable(score), max_score, toUInt8(0)
FROM {db}.v_indicator_scores WHERE period = @period`
	readFindingsSQL = `SELECT unit_code, metric, finding, count() AS n, min(detail) AS first_detail
FROM {db}.v_dossier_findings WHERE period = @period
GROUP BY unit_code, metric, finding`
)

func readValues(ctx context.Context, s *load.Store) (Values, error) {
	v := Values{Period: Period}
	rows, err := s.Conn().Query(ctx, s.SQL(readMetricsSQL), clickhouse.Named("period", Period))
	if err != nil {
		return v, err
	}
	for rows.Next() {
		var m MetricRow
		if err := rows.Scan(&m.Unit, &m.Indicator, &m.Metric, &m.Numerator, &m.Denominator, &m.Ratio, &m.Score, &m.MaxScore, &m.NoData); err != nil {
			rows.Close()
			return v, err
		}
		v.Metrics = append(v.Metrics, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return v, err
	}
	rows, err = s.Conn().Query(ctx, s.SQL(readFindingsSQL), clickhouse.Named("period", Period))
	if err != nil {
		return v, err
	}
	defer rows.Close()
	for rows.Next() {
		var f FindingRow
		if err := rows.Scan(&f.Unit, &f.Metric, &f.Finding, &f.Count, &f.FirstDetail); err != nil {
			return v, err
		}
		v.Findings = append(v.Findings, f)
	}
	v.sort()
	return v, rows.Err()
}

func (v *Values) sort() {
	sort.Slice(v.Metrics, func(i, j int) bool { return v.Metrics[i].key() < v.Metrics[j].key() })
	sort.Slice(v.Findings, func(i, j int) bool { return v.Findings[i].key() < v.Findings[j].key() })
}

// Mismatch is one value that differs from the expected one.
type Mismatch struct {
	Key, Field string
	Got, Want  string
}

func (m Mismatch) String() string {
	return fmt.Sprintf("%s %s: got %s, want %s", m.Key, m.Field, m.Got, m.Want)
}

// tolerance absorbs float summation order, which may differ across releases.
const tolerance = 1e-6

// Compare lists every difference between got and want: rows missing on
// either side and values that differ.
func Compare(got, want Values) []Mismatch {
	var out []Mismatch
	gm := map[string]MetricRow{}
	for _, m := range got.Metrics {
		gm[m.key()] = m
	}
	for _, w := range want.Metrics {
		g, ok := gm[w.key()]
		if !ok {
			out = append(out, Mismatch{w.key(), "row", "missing", "present"})
			continue
		}
		delete(gm, w.key())
		for _, c := range []struct {
			field     string
			got, want float64
		}{{"numerator", g.Numerator, w.Numerator}, {"denominator", g.Denominator, w.Denominator},
			{"max_score", g.MaxScore, w.MaxScore}, {"no_data", float64(g.NoData), float64(w.NoData)}} {
			if math.Abs(c.got-c.want) > tolerance {
				out = append(out, Mismatch{w.key(), c.field, fmt.Sprint(c.got), fmt.Sprint(c.want)})
			}
		}
	}
	for k := range gm {
		out = append(out, Mismatch{k, "row", "present", "missing"})
	}
	out = append(out, compareNullable(got, want)...)
	gf := map[string]FindingRow{}
	for _, f := range got.Findings {
		gf[f.key()] = f
	}
	for _, w := range want.Findings {
		g, ok := gf[w.key()]
		switch {
		case !ok:
			out = append(out, Mismatch{w.key(), "findings", "missing", fmt.Sprint(w.Count)})
			continue
		case g.Count != w.Count:
			out = append(out, Mismatch{w.key(), "count", fmt.Sprint(g.Count), fmt.Sprint(w.Count)})
		case g.FirstDetail != w.FirstDetail:
			out = append(out, Mismatch{w.key(), "first_detail", fmt.Sprintf("%q", g.FirstDetail), fmt.Sprintf("%q", w.FirstDetail)})
		}
		delete(gf, w.key())
	}
	for k, g := range gf {
		out = append(out, Mismatch{k, "findings", fmt.Sprint(g.Count), "missing"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key+out[i].Field < out[j].Key+out[j].Field })
	return out
}

// compareNullable compares the ratio and score of rows present on both
// sides: NULL (the portal's null) only equals NULL.
func compareNullable(got, want Values) []Mismatch {
	gm := map[string]MetricRow{}
	for _, m := range got.Metrics {
		gm[m.key()] = m
	}
	var out []Mismatch
	for _, w := range want.Metrics {
		g, ok := gm[w.key()]
		if !ok {
			continue
		}
		for _, c := range []struct {
			field     string
			got, want *float64
		}{{"ratio", g.Ratio, w.Ratio}, {"score", g.Score, w.Score}} {
			switch {
			case c.got == nil && c.want == nil:
			case c.got == nil || c.want == nil || math.Abs(*c.got-*c.want) > tolerance:
				out = append(out, Mismatch{w.key(), c.field, fmtNullable(c.got), fmtNullable(c.want)})
			}
		}
	}
	return out
}

func fmtNullable(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(*v)
}
