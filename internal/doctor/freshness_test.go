package doctor

import (
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/config"
)

// TestStaleSources: which sources are stale, in the order given, and what
// their message says (it names the freshness.<source> setting).
func TestStaleSources(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	f := config.Freshness{Dossiers: config.Duration(36 * time.Hour), Procedures: config.Duration(8 * 24 * time.Hour)}
	sources := []string{"dossiers", "petitions", "procedures"}
	tests := []struct {
		name string
		last map[string]time.Time
		want []string
	}{
		{"never synced is stale; a limit of 0 is not checked", nil, []string{
			"source dossiers has no successful sync in v_runs (limit freshness.dossiers = 36h0m0s)",
			"source procedures has no successful sync in v_runs (limit freshness.procedures = 192h0m0s)",
		}},
		{"within the limits, or exactly at them", map[string]time.Time{"dossiers": now.Add(-36 * time.Hour), "procedures": now}, nil},
		{"one older than its limit", map[string]time.Time{"dossiers": now.Add(-37*time.Hour - 400*time.Millisecond), "procedures": now}, []string{
			"source dossiers last synced successfully 37h0m0s ago at " + now.Add(-37*time.Hour-400*time.Millisecond).Local().Format(time.RFC3339) + ", older than freshness.dossiers = 36h0m0s",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := StaleSources(sources, tt.last, f, now)
			if len(got) != len(tt.want) {
				t.Fatalf("stale %v, want %d: %v", got, len(tt.want), tt.want)
			}
			for i, s := range got {
				if s.String() != tt.want[i] {
					t.Errorf("stale[%d] = %q, want %q", i, s.String(), tt.want[i])
				}
			}
		})
	}
}
