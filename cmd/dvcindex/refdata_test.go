package main

import (
	"os"
	"path/filepath"
	"testing"

	goldenfile "github.com/dvcindex/dvcindex/internal/golden"
)

// TestRefDataShippedFiles: check and show on the built-in Hoài Nhơn files
// print what the golden files hold (no ClickHouse needed).
func TestRefDataShippedFiles(t *testing.T) {
	tests := []struct {
		golden string
		args   []string
	}{
		{"refdata-check.txt", []string{"refdata", "check"}},
		{"refdata-show-2025-06-30.txt", []string{"refdata", "show", "--on", "2025-06-30"}},
		{"refdata-show-2025-07-01.txt", []string{"refdata", "show", "--on", "2025-07-01"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			code, out, errs := runCLI(t, nil, tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
			}
			goldenfile.Check(t, tt.golden, []byte(out), *updateGolden)
		})
	}
}

// TestRefDataBadFiles: a file that does not load is exit 1 with each
// problem naming the key, the file and where in it; one that cannot be read
// is a configuration error (exit 2) naming the key.
func TestRefDataBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string { return writeTemp(t, dir, name, content) }
	units := write("units.csv", "gso_code,name,type,district_code,district_name,province_code,province_name,valid_from,valid_to,merged_into\n"+
		"1,Hà Nội,thanh_pho_tw,,,1,Hà Nội,2008-08-01,,\n"+
		"4,Ba Đình,quan,4,Ba Đình,1,Hà Nội,2008-08-01,2025-06-30,9\n")
	agencies := write("agencies.csv", "agency_code,gso_code,valid_from,valid_to\n")
	badProcs := write("procedures.csv", "code_as_printed,national_code,canonical_code,name,level,time_limit_before_days,time_limit_after_days,decision,decision_date,seed_on_time,seed_late,seed_window\n"+
		"x,1.010824,1.010824.000.00.00.H08,Một thủ tục,xa,5,3,1/QĐ,2023-08-16,1,0,\n"+
		"x,1.010824,1.010824.000.00.00.H08,Trùng mã,xa,5,3,1/QĐ,2023-08-16,1,0,\n")
	tests := []struct {
		name     string
		env      []string
		args     []string
		wantCode int
		wantOut  []string
		wantErr  []string
	}{
		{"successor that does not exist", []string{"DVC_REFDATA_UNITS_FILE=" + units, "DVC_REFDATA_AGENCIES_FILE=" + agencies},
			[]string{"refdata", "check"}, exitFailure,
			[]string{"refdata.units_file       " + units, "PROBLEM  refdata.units_file " + units + ":3:10: ", "merged into 9"}, []string{"1 problem(s)"}},
		{"duplicate procedure code", []string{"DVC_REFDATA_PROCEDURES_FILE=" + badProcs},
			[]string{"refdata", "check"}, exitFailure,
			[]string{"PROBLEM  refdata.procedures_file " + badProcs + ":3:2: national_code 1.010824 already on line 2"}, []string{"1 problem(s)"}},
		{"show fails like check", []string{"DVC_REFDATA_PROCEDURES_FILE=" + badProcs},
			[]string{"refdata", "show"}, exitFailure, []string{"PROBLEM  refdata.procedures_file"}, nil},
		{"missing file", []string{"DVC_REFDATA_UNITS_FILE=" + filepath.Join(dir, "none.csv"), "DVC_REFDATA_AGENCIES_FILE=" + agencies},
			[]string{"refdata", "check"}, exitUsage, nil, []string{"refdata.units_file", "none.csv"}},
		{"units without agencies", []string{"DVC_REFDATA_UNITS_FILE=" + units},
			[]string{"refdata", "check"}, exitUsage, nil, []string{"refdata.agencies_file"}},
		{"bad date", nil, []string{"refdata", "show", "--on", "2025-13-01"}, exitUsage, nil, []string{"--on"}},
		{"no subcommand", nil, []string{"refdata"}, exitUsage, nil, []string{"check or show"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectCLI(t, tt.env, tt.args, tt.wantCode, tt.wantOut, tt.wantErr)
		})
	}
}

// writeTemp writes content to dir/name and returns the path.
func writeTemp(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
