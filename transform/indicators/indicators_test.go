package indicators

import (
	"strings"
	"testing"
)

func TestDefinitionsParse(t *testing.T) {
	ms, err := Metrics()
	if err != nil {
		t.Fatal(err)
	}
	maxBy := map[string]float64{}
	for _, m := range ms {
		maxBy[m.Indicator] += m.Max
		if strings.Contains(m.SQL, "-- metric:") || strings.Contains(m.Score, "max") {
			t.Errorf("%s: header not separated or max not substituted", m.File)
		}
		if strings.Contains(m.SQL, "@") && !strings.Contains(m.SQL, "@compute_id") && m.Scope == "unit" {
			t.Errorf("%s: a unit metric must read its compute's rows", m.File)
		}
	}
	// Group maxima of indicators-766.md (payment's components sum to 10.5 and
	// the group is capped at 10).
	want := map[string]float64{"transparency": 18, "progress": 20, "online": 12, "payment": 10.5, "digitization": 22, "satisfaction": 18}
	for g, w := range want {
		if maxBy[g] != w {
			t.Errorf("%s: metrics sum to %v, want %v", g, maxBy[g], w)
		}
	}
	if len(ms) != 24 {
		t.Errorf("%d metrics", len(ms))
	}
	if _, err := PeriodDossiers(); err != nil {
		t.Fatal(err)
	}
	fs, err := Findings()
	if err != nil || len(fs) == 0 {
		t.Fatalf("findings: %v", err)
	}
	for _, f := range fs {
		if f.Spec == "" {
			t.Errorf("%s: no spec line", f.Name)
		}
	}
}

func TestHeaderErrors(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"unknown key", "-- metric: X\n-- indicator: progress\n-- max: 1\n-- spec: s\n-- colour: red\nSELECT 1", "unknown header key"},
		{"bad indicator", "-- metric: X\n-- indicator: speed\n-- max: 1\n-- spec: s\nSELECT 1", "indicator"},
		{"no spec", "-- metric: X\n-- indicator: progress\n-- max: 1\nSELECT 1", "no spec"},
		{"bad score", "-- metric: X\n-- indicator: progress\n-- max: 1\n-- spec: s\n-- score: ratio; DROP TABLE x\nSELECT 1", "score expression"},
		{"bad max", "-- metric: X\n-- indicator: progress\n-- max: lots\n-- spec: s\nSELECT 1", "max"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseMetric("x.sql", tt.body); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	m, err := parseMetric("x.sql", "-- metric: X\n-- (a note: with a colon)\n-- indicator: progress\n-- max: 4\n-- spec: s\nSELECT 1")
	if err != nil || m.Score != "least(4, 4 * ratio)" {
		t.Fatalf("%v %q", err, m.Score)
	}
}
