package transform

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// refDataErrors flattens a (joined) load error into its *RefDataErrors.
func refDataErrors(t *testing.T, err error) []*RefDataError {
	t.Helper()
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var out []*RefDataError
	for _, e := range errs {
		var re *RefDataError
		if !errors.As(e, &re) || !errors.Is(e, ErrRefData) {
			t.Fatalf("%v is not a *RefDataError wrapping ErrRefData", e)
		}
		out = append(out, re)
	}
	return out
}

func loadTestUnits(t *testing.T, unitsFile, agenciesFile string) (*Units, error) {
	t.Helper()
	units, err := os.ReadFile(unitsFile)
	if err != nil {
		t.Fatal(err)
	}
	agencies := []byte("agency_code,gso_code,valid_from,valid_to\n")
	if agenciesFile != "" {
		if agencies, err = os.ReadFile(agenciesFile); err != nil {
			t.Fatal(err)
		}
	}
	return LoadUnitFiles(UnitFiles{UnitsName: filepath.Base(unitsFile), Units: units, AgenciesName: filepath.Base(agenciesFile), Agencies: agencies})
}

// TestBadUnitFiles loads every testdata/units/*.bad.csv and requires
// exactly the positions (file:line:column, column 0 = the whole line, line
// 0 = the whole file) the table names. A *.agencies.bad.csv file is an
// agencies file loaded with good.csv.
func TestBadUnitFiles(t *testing.T) {
	want := map[string][]string{
		"dates.bad.csv":                {"dates.bad.csv:3:8", "dates.bad.csv:4:9"},
		"nowhere.bad.csv":              {"nowhere.bad.csv:3:9"},
		"overlap.bad.csv":              {"overlap.bad.csv:4:1"},
		"parent.bad.csv":               {"parent.bad.csv:3:4", "parent.bad.csv:4:6"},
		"successor.bad.csv":            {"successor.bad.csv:3:10", "successor.bad.csv:4:10", "successor.bad.csv:6:10"},
		"columns.bad.csv":              {"columns.bad.csv:3:0", "columns.bad.csv:4:0"},
		"header.bad.csv":               {"header.bad.csv:1:0", "header.bad.csv:1:10"},
		"dept.bad.csv":                 {"dept.bad.csv:4:3"},
		"empty.bad.csv":                {"empty.bad.csv:0:0"},
		"unknown-gso.agencies.bad.csv": {"unknown-gso.agencies.bad.csv:3:2", "unknown-gso.agencies.bad.csv:4:1", "unknown-gso.agencies.bad.csv:5:3"},
	}
	files, err := filepath.Glob("testdata/units/*.bad.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) {
		t.Errorf("%d bad unit files, %d in the table: every file needs its expected positions", len(files), len(want))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			positions, ok := want[filepath.Base(f)]
			if !ok {
				t.Fatalf("%s has no entry in the table", f)
			}
			units, agencies := f, ""
			if strings.HasSuffix(f, ".agencies.bad.csv") {
				units, agencies = "testdata/units/good.csv", f
			}
			_, err := loadTestUnits(t, units, agencies)
			if err == nil {
				t.Fatalf("%s loaded without error", f)
			}
			var got []string
			for _, re := range refDataErrors(t, err) {
				got = append(got, fmt.Sprintf("%s:%d:%d", re.File, re.Line, re.Column))
				if !strings.HasPrefix(re.Error(), re.File+":") || re.Msg == "" {
					t.Errorf("error %q does not start with its file or has no message", re)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, positions) {
				t.Errorf("positions %v; want %v\n%v", got, positions, err)
			}
		})
	}
}

func TestRefDataErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		e    RefDataError
		want string
	}{
		{RefDataError{"u.csv", 3, 8, "valid_from \"x\": want yyyy-MM-dd"}, `u.csv:3:8: valid_from "x": want yyyy-MM-dd`},
		{RefDataError{"u.csv", 3, 0, "has 3 fields, want 10"}, "u.csv:3: has 3 fields, want 10"},
		{RefDataError{"u.csv", 0, 0, "empty file"}, "u.csv: empty file"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

// TestLoadUnitFilesGood loads a file with its columns in another order and
// the optional columns, and checks they reach the Units.
func TestLoadUnitFilesGood(t *testing.T) {
	u, err := loadTestUnits(t, "testdata/units/good.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	un, ok := u.unitOn("101", day(t, "2024-01-01"))
	if !ok || un.Name != "Hoài Hảo" || un.DeptCode != "H08.101" || !slices.Equal(un.Aliases, []string{"Hoài Hão", "Phường số 3"}) {
		t.Errorf("unit 101 = %+v", un)
	}
	if n := len(u.All()); n != 7 {
		t.Errorf("len(All) = %d, want 7", n)
	}
}

// TestDefaultUnitsStrict: the shipped files pass every LoadUnitFiles check.
func TestDefaultUnitsStrict(t *testing.T) {
	if _, err := DefaultUnits(); err != nil {
		t.Fatal(err)
	}
}
