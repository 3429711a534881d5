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

func TestParseEvaluation(t *testing.T) {
	raw := `{"error_code":"0","unit":"21637","period":"2024-Q2","groups":[
	  {"code":"transparency","score":10.5,"max":18,"metrics":[{"code":"DOSSIER_SYNC","score":1.5,"max":6,"ratio":25.0}]},
	  {"code":"progress","score":20,"max":20,"metrics":[]}]}`
	got, err := ParseEvaluation([]byte(raw), "21637", "2024-Q2")
	if err != nil || len(got) != 3 {
		t.Fatalf("%+v %v", got, err)
	}
	if got[1].Metric != "DOSSIER_SYNC" || got[1].Score != 1.5 || got[1].Ratio == nil || *got[1].Ratio != 0.25 || got[0].Metric != "" || got[0].Score != 10.5 {
		t.Fatalf("%+v", got)
	}
	if _, err := ParseEvaluation([]byte(`{"groups":[{"code":"speed","score":1,"max":2}]}`), "1", "2024"); !errors.Is(err, ErrMalformed) {
		t.Fatal(err)
	}
}
