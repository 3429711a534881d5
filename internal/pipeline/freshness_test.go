package pipeline

import (
	"strings"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/config"
)

func TestStaleSources(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	f := config.Freshness{Dossiers: config.Duration(36 * time.Hour), Procedures: config.Duration(8 * 24 * time.Hour)}
	tests := []struct {
		name string
		last map[string]time.Time
		want []string
	}{
		{"never synced is stale; limit 0 is not checked", map[string]time.Time{}, []string{"dossiers", "procedures"}},
		{"fresh", map[string]time.Time{"dossiers": now.Add(-35 * time.Hour), "procedures": now.Add(-7 * 24 * time.Hour)}, nil},
		{"one stale", map[string]time.Time{"dossiers": now.Add(-37 * time.Hour), "procedures": now.Add(-time.Hour)}, []string{"dossiers"}},
		{"exactly at the limit is fresh", map[string]time.Time{"dossiers": now.Add(-36 * time.Hour), "procedures": now}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := StaleSources([]string{"dossiers", "petitions", "procedures"}, tt.last, f, now)
			var names []string
			for _, s := range got {
				names = append(names, s.Source)
				if !strings.Contains(s.String(), "freshness."+s.Source) {
					t.Errorf("message %q does not name the setting", s.String())
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("stale %v, want %v", names, tt.want)
			}
		})
	}
}
