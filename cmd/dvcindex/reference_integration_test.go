package main

import (
	"context"
	"strings"
	"testing"
)

func TestMigrateLoadsUnitsAcrossTheMerger(t *testing.T) {
	h := newHarness(t, simOptions(10))
	for i := 0; i < 2; i++ { // a second migrate refreshes without duplicating
		if code, out, errs := h.run(nil, "migrate"); code != 0 {
			t.Fatalf("migrate exit %d: %s %s", code, out, errs)
		}
	}
	if got := h.count("SELECT count() FROM {db}.v_units"); got != 27 {
		t.Fatalf("v_units has %d rows, want the 27 of units-hoai-nhon.csv", got)
	}
	if got := h.count("SELECT count() FROM {db}.v_unit_successors WHERE effective_from = toDate('2025-07-01')"); got != 18 {
		t.Fatalf("v_unit_successors has %d links effective 2025-07-01, want 18", got)
	}
	nameOn := func(code, day string) string {
		var name string
		err := h.store.Conn().QueryRow(context.Background(), h.store.SQL(`SELECT name FROM {db}.v_units
			WHERE code = ? AND valid_from <= toDate(?) AND (valid_to IS NULL OR valid_to >= toDate(?))`), code, day, day).Scan(&name)
		if err != nil {
			t.Fatalf("unit %s on %s: %v", code, day, err)
		}
		return name
	}
	if n := nameOn("21664", "2025-06-30"); n != "Hoài Thanh Tây" {
		t.Errorf("21664 on 2025-06-30 = %q", n)
	}
	if n := nameOn("21664", "2025-07-01"); n != "Hoài Nhơn" {
		t.Errorf("21664 on 2025-07-01 = %q", n)
	}
	// Old units roll up into the 7 merged ones.
	if got := h.count(`SELECT uniqExact(to_code) FROM {db}.v_unit_successors
		WHERE from_code IN (SELECT code FROM {db}.v_units WHERE type IN ('phuong', 'xa') AND valid_to = toDate('2025-06-30'))`); got != 7 {
		t.Errorf("the 17 wards roll up into %d units, want 7", got)
	}
}

func TestSyncProceduresLoadsTheCatalogueWithTimeLimitHistory(t *testing.T) {
	h := newHarness(t, simOptions(10))
	if code, out, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s %s", code, out, errs)
	}
	truth := h.sim.Catalogue()
	for i := 0; i < 2; i++ {
		if code, out, errs := h.run(nil, "sync", "--source", "procedures", "--once"); code != 0 {
			t.Fatalf("sync procedures exit %d: %s %s", code, out, errs)
		}
		if got := h.count("SELECT count() FROM {db}.v_procedures"); got != uint64(len(truth)) {
			t.Fatalf("pass %d: v_procedures has %d, want %d", i+1, got, len(truth))
		}
	}
	var cut int
	for _, ct := range truth {
		if !ct.Decision.IsZero() {
			cut++
		}
	}
	if got := h.count("SELECT count() FROM {db}.v_procedure_time_limits"); got != uint64(len(truth)+cut) {
		t.Fatalf("v_procedure_time_limits has %d rows, want %d (one per procedure + one per cut)", got, len(truth)+cut)
	}
	// "The time limit in force on date D" is one query.
	const inForce = `SELECT toUInt64(days) FROM {db}.v_procedure_time_limits
		WHERE national_code = ? AND valid_from <= toDate(?) ORDER BY valid_from DESC LIMIT 1`
	for _, tt := range []struct {
		code, day string
		want      uint64
	}{
		{"1.010824", "2023-08-15", 5}, {"1.010824", "2023-08-16", 3}, {"2.002100", "2024-06-06", 12},
		{"2.002100", "2024-06-07", 7}, {"1.001193", "2024-01-01", 1},
	} {
		if got := h.count(inForce, tt.code, tt.day); got != tt.want {
			t.Errorf("limit of %s on %s = %d, want %d", tt.code, tt.day, got, tt.want)
		}
	}
	if got := h.count("SELECT count() FROM {db}.v_procedures WHERE group_code = 'khai_sinh'"); got == 0 {
		t.Error("no procedure of the khai_sinh group")
	}
	if got := h.count("SELECT count() FROM {db}.v_runs WHERE source = 'procedures' AND status = 'success'"); got != 2 {
		t.Errorf("%d successful procedure runs, want 2", got)
	}
}

// TestMigrateWritesTheConfiguredUnits: with refdata.units_file set, migrate
// writes that file's units and merger links, not the built-in Hoài Nhơn
// set; a units file that does not load fails migrate naming the file.
func TestMigrateWritesTheConfiguredUnits(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string { return writeTemp(t, dir, name, content) }
	// A made-up miniature of another province: one ward merged in 2025.
	const header = "gso_code,name,type,district_code,district_name,province_code,province_name,valid_from,valid_to,merged_into\n"
	units := write("units.csv", header+
		"1,Hà Nội,thanh_pho_tw,,,1,Hà Nội,2008-08-01,,\n"+
		"2,Ba Đình,quan,2,Ba Đình,1,Hà Nội,2008-08-01,2025-06-30,\n"+
		"4,Phúc Xá,phuong,2,Ba Đình,1,Hà Nội,2008-08-01,2025-06-30,7\n"+
		"7,Ba Đình,phuong,,,1,Hà Nội,2025-07-01,,\n")
	badUnits := write("bad-units.csv", header+"1,Hà Nội,thanh_pho_tw,,,1,Hà Nội,2008-08-01,2025-06-30,9\n")
	agencies := write("agencies.csv", "agency_code,gso_code,valid_from,valid_to\n")
	h := newHarness(t, simOptions(10))
	env := []string{"DVC_REFDATA_UNITS_FILE=" + units, "DVC_REFDATA_AGENCIES_FILE=" + agencies}
	code, out, errs := h.run(env, "migrate")
	if code != 0 {
		t.Fatalf("migrate exit %d: %s %s", code, out, errs)
	}
	if !strings.Contains(out, "reference data: 4 units, 1 successor links") {
		t.Errorf("migrate printed %q", out)
	}
	for q, want := range map[string]uint64{
		"SELECT count() FROM {db}.v_units":                                                   4,
		"SELECT count() FROM {db}.v_units WHERE code = '21637'":                              0,
		"SELECT count() FROM {db}.v_unit_successors WHERE from_code = '4' AND to_code = '7'": 1,
		"SELECT count() FROM {db}.v_unit_successors":                                         1,
	} {
		if got := h.count(q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	code, _, errs = h.run([]string{"DVC_REFDATA_UNITS_FILE=" + badUnits, "DVC_REFDATA_AGENCIES_FILE=" + agencies}, "migrate")
	if code != exitFailure || !strings.Contains(errs, "refdata.units_file "+badUnits) {
		t.Errorf("migrate with a bad units file: exit %d, stderr %s", code, errs)
	}
}
