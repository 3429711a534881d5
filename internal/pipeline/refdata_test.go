package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/config"
)

const (
	unitsHeader    = "gso_code,name,type,district_code,district_name,province_code,province_name,valid_from,valid_to,merged_into\n"
	seedHeaderLine = "code_as_printed,national_code,canonical_code,name,level,time_limit_before_days,time_limit_after_days,decision,decision_date,seed_on_time,seed_late,seed_window\n"
)

func writeRefFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadRefDataShipped(t *testing.T) {
	rd, err := LoadRefData(config.RefData{})
	if err != nil {
		t.Fatal(err)
	}
	s := rd.Summary()
	if s.Periods != 27 || s.Codes != 19 || len(s.Links) != 18 || s.Agencies != 25 || s.Procedures != 6 {
		t.Errorf("summary %+v", s)
	}
	for _, f := range rd.Files {
		if !f.BuiltIn {
			t.Errorf("%s is not the built-in file", f)
		}
	}
}

// TestLoadRefDataBlamesTheRightFile: each problem is a *RefDataError under
// the key of the file it is in, with where in the file when known.
func TestLoadRefDataBlamesTheRightFile(t *testing.T) {
	units := writeRefFile(t, "units.csv", unitsHeader+"1,Hà Nội,thanh_pho_tw,,,1,Hà Nội,2008-08-01,,\n")
	badUnits := writeRefFile(t, "bad-units.csv", unitsHeader+"1,Hà Nội,thanh_pho_tw,,,1,Hà Nội,2008-08-01,2025-06-30,7\n")
	agencies := writeRefFile(t, "agencies.csv", "agency_code,gso_code,valid_from,valid_to\nA.1,1,2020-01-01,\n")
	badAgencies := writeRefFile(t, "bad-agencies.csv", "agency_code,gso_code,valid_from,valid_to\nA.1,2,2020-01-01,\n")
	badProcs := writeRefFile(t, "procs.csv", seedHeaderLine+"x,1.010824,c,Tên,phuong,5,3,d,2023-08-16,1,,\n")
	tests := []struct {
		name string
		cfg  config.RefData
		want []string // per problem: key and a part of the message
	}{
		{"another province", config.RefData{UnitsFile: units, AgenciesFile: agencies}, nil},
		{"successor that does not exist", config.RefData{UnitsFile: badUnits, AgenciesFile: agencies},
			[]string{UnitsFileKey + " " + badUnits + ":2:10: ", "merged into 7"}},
		{"agency of an unknown unit", config.RefData{UnitsFile: units, AgenciesFile: badAgencies},
			[]string{AgenciesFileKey + " " + badAgencies + ":2:2: ", "unknown GSO code 2"}},
		{"bad level, and a missing file", config.RefData{ProceduresFile: badProcs, UnitsFile: filepath.Join(t.TempDir(), "none.csv")},
			[]string{UnitsFileKey + " ", "none.csv", ProceduresFileKey + " ", badProcs + `:2:5: level "phuong": want xa, huyen or tinh`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := LoadRefData(tt.cfg)
			if len(tt.want) == 0 {
				if err != nil || rd.Units == nil || len(rd.Agencies) != 1 {
					t.Fatalf("rd %+v, err %v", rd, err)
				}
				return
			}
			if err == nil {
				t.Fatal("loaded")
			}
			var re *RefDataError
			if !errors.As(err, &re) {
				t.Fatalf("%T is not a *RefDataError: %v", err, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestEngineLoadsRefDataOnce: every run of an engine shares one load.
func TestEngineLoadsRefDataOnce(t *testing.T) {
	e := New(Options{Config: config.Default()})
	a, err := e.RefData()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := e.RefData()
	u, _ := e.Units()
	if a != b || u != a.Units {
		t.Error("the engine loaded the reference data twice")
	}
}
