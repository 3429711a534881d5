package doctor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/config"
)

// TestCheckRefData: the built-in files are reported with their counts; a
// file that does not load is a problem under its key, with the loader's
// message and a fix.
func TestCheckRefData(t *testing.T) {
	dir := t.TempDir()
	agencies := filepath.Join(dir, "agencies.csv")
	if err := os.WriteFile(agencies, []byte("agency_code,gso_code,valid_from,valid_to\nA.1,99999,2020-01-01,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		refdata config.RefData
		want    []string
		ok      bool
	}{
		{"built in", config.RefData{}, []string{
			"  ok       units: 27 validity periods of 19 GSO codes, 18 merger links, from units-hoai-nhon.csv (built in)",
			"  ok       agencies: 25 identifiers, from agencies.csv (built in)",
			"  ok       procedures: 6, from procedures-seed.csv (built in)",
		}, true},
		{"agency of an unknown unit", config.RefData{AgenciesFile: agencies}, []string{
			"  PROBLEM  refdata.agencies_file: " + agencies + ":2:2: ",
			"unknown GSO code 99999",
			"           fix: correct " + agencies + " where the error says (docs/refdata.md describes every column)",
		}, false},
		{"missing file", config.RefData{ProceduresFile: filepath.Join(dir, "none.csv")}, []string{
			"  PROBLEM  refdata.procedures_file: ",
			"           fix: point refdata.procedures_file (default; set it in the config file or DVC_REFDATA_PROCEDURES_FILE) at a readable CSV file",
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.RefData = tt.refdata
			var b strings.Builder
			r := &report{w: &b}
			rd := New(Options{Config: cfg}).checkRefData(r)
			if (rd != nil) != tt.ok || (r.problems == 0) != tt.ok {
				t.Errorf("data %v, %d problems; want ok=%v", rd != nil, r.problems, tt.ok)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("report lacks %q:\n%s", w, b.String())
				}
			}
		})
	}
}
