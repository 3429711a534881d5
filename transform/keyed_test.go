package transform

import (
	"errors"
	"testing"
)

func TestParseBCQG(t *testing.T) {
	c, err := ParseBCQG([]byte(`{"error_code":"0","unit":"21637","period":"2024-Q2","received":412}`), "21637", "2024-Q2")
	if err != nil || c.Received != 412 || c.UnitCode != "21637" {
		t.Fatalf("%+v %v", c, err)
	}
	for _, bad := range []string{`{"period":"2024-Q2","received":-1}`, `{"period":"2024-Q2","received":"many"}`, `{"period":"2024-Q3","received":1}`, `[]`} {
		if _, err := ParseBCQG([]byte(bad), "21637", "2024-Q2"); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestOfficialMapping(t *testing.T) {
	tests := []struct {
		family, kind, metric string
		indicator, want      string
		ok                   bool
	}{
		{"transparency", "metric", "DOSSIER_SYNC", "transparency", "DOSSIER_SYNC", true},
		{"dvc-progress-tree", "component", "2.1", "progress", "ON_TIME", true},
		{"provide-online-tree", "component", "3.1", "online", "", false},
		{"formality-online-payment-tree", "group", "", "payment", "", true},
		{"handling-satisfaction", "metric", "PETITION_PROCESSING_ON_TIME", "satisfaction", "PETITION_PROCESSING_ON_TIME", true},
		{"dossier-digitized", "metric", "ELECTRONIC_CERTIFIED_COPY", "digitization", "ELECTRONIC_CERTIFIED_COPY", true},
	}
	for _, tt := range tests {
		got, ok := OfficialMetric(tt.family, tt.kind, tt.metric)
		if got != tt.want || ok != tt.ok || OfficialIndicator(tt.family) != tt.indicator {
			t.Errorf("%s %s %s: %q %v %q", tt.family, tt.kind, tt.metric, got, ok, OfficialIndicator(tt.family))
		}
	}
	if OfficialIndicator("speed") != "" {
		t.Error("unknown family mapped")
	}
}
