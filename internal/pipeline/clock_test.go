package pipeline

import (
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/extract"
)

func TestPortalClockCapsTheWatermark(t *testing.T) {
	end := time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC)
	portal := time.Date(2025, 9, 1, 10, 0, 0, 0, time.UTC)
	newest := time.Date(2025, 8, 14, 8, 0, 0, 0, time.UTC)
	lag := 5 * time.Minute
	tests := []struct {
		name   string
		newest time.Time
		portal time.Time
		want   time.Time
		ok     bool
	}{
		{"no evidence: stays", time.Time{}, time.Time{}, end, false},
		{"portal Date less the lag", time.Time{}, portal, portal.Add(-lag), true},
		{"newest record without Date", newest, time.Time{}, newest, true},
		{"the later of both", newest, portal, portal.Add(-lag), true},
		{"a portal ahead of the host does not extend the window", newest, end.Add(time.Hour), end, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c portalClock
			c.observe(tt.newest, []extract.WindowReport{{PortalTime: tt.portal}})
			got, ok := c.limit(end, lag)
			if !got.Equal(tt.want) || ok != tt.ok {
				t.Fatalf("limit = %s, %v; want %s, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
