package transform

import (
	"testing"
	"time"
)

func TestScopesAcrossTheMerger(t *testing.T) {
	u, err := DefaultUnits()
	if err != nil {
		t.Fatal(err)
	}
	loc := HoChiMinh()
	tests := []struct {
		name                    string
		lastDay                 time.Time
		wards, districts, provs int
		links                   map[string][]string // src → units it counts for
	}{
		{"before the merger", time.Date(2024, 6, 30, 0, 0, 0, 0, loc), 17, 1, 1, map[string][]string{
			"21637": {"21637", "543", "52"}, "21646": {"21646", "543", "52"}, "543": {"543", "52"}, "52": {"52"},
			"21664": {"21664", "543", "52"},
		}},
		{"after the merger", time.Date(2025, 12, 31, 0, 0, 0, 0, loc), 7, 0, 1, map[string][]string{
			"21646": {"21655", "52"}, // Hoài Châu Bắc → Hoài Nhơn Bắc
			"21667": {"21664", "52"}, // Hoài Thanh → Hoài Nhơn
			"21664": {"21664", "52"},
			"543":   {"52"}, // the abolished district's own dossiers count for the province
			"52":    {"52"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			units, links := u.Scopes(tt.lastDay)
			count := map[string]int{}
			for _, su := range units {
				count[su.Level]++
			}
			if count[LevelWard] != tt.wards || count[LevelDistrict] != tt.districts || count[LevelProvince] != tt.provs {
				t.Fatalf("levels %v", count)
			}
			got := map[string][]string{}
			owns := map[string]int{}
			for _, l := range links {
				got[l.Src] = append(got[l.Src], l.Unit)
				if l.Own {
					owns[l.Src]++
				}
			}
			for src, want := range tt.links {
				if len(got[src]) != len(want) {
					t.Errorf("%s → %v, want %v", src, got[src], want)
					continue
				}
				for i := range want {
					if got[src][i] != want[i] {
						t.Errorf("%s → %v, want %v", src, got[src], want)
					}
				}
			}
			for src, n := range owns {
				if n != 1 {
					t.Errorf("%s has %d own units", src, n)
				}
			}
		})
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in, start, end, prev, prevYear string
		div                            float64
	}{
		{"2024", "2024-01-01", "2025-01-01", "2023", "2023", 1},
		{"2024-Q2", "2024-04-01", "2024-07-01", "2024-Q1", "2023", 4},
		{"2024-01", "2024-01-01", "2024-02-01", "2023-12", "2023", 12},
		{"2025-Q1", "2025-01-01", "2025-04-01", "2024-Q4", "2024", 4},
	}
	for _, tt := range tests {
		p, err := ParsePeriod(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if p.Start.Format("2006-01-02") != tt.start || p.End.Format("2006-01-02") != tt.end || p.Previous().Code != tt.prev ||
			p.PreviousYear().Code != tt.prevYear || p.FallbackDivisor() != tt.div {
			t.Errorf("%s: %+v prev %s", tt.in, p, p.Previous().Code)
		}
	}
	for _, bad := range []string{"", "24", "2024-Q5", "2024-13", "2024-7", "2024Q1", "1999"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if n := len(Periods(time.Date(2024, 1, 1, 0, 0, 0, 0, HoChiMinh()), time.Date(2024, 12, 31, 0, 0, 0, 0, HoChiMinh()))); n != 1+4+12 {
		t.Errorf("periods of 2024: %d", n)
	}
}
