package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/refdata"
)

// TestSecondProvinceEndToEnd: another province needs only its files and
// configuration. With the units of thị xã Sông Cầu (Phú Yên, merged into
// Đắk Lắk on 2025-07-01; transform/refdata/units-song-cau.csv, from public
// data: docs/refdata-sources.md) in refdata.units_file, a simulator serving
// those units, migrate, sync and compute work as they do for Hoài Nhơn:
// exactly the valid dossiers load, every unit resolves to a Sông Cầu code,
// and the seven indicators are computed for the units of each side of the
// merger.
func TestSecondProvinceEndToEnd(t *testing.T) {
	dir := t.TempDir()
	unitsPath, agenciesPath := filepath.Join(dir, "units.csv"), filepath.Join(dir, "agencies.csv")
	for path, data := range map[string][]byte{unitsPath: refdata.UnitsSongCauCSV, agenciesPath: refdata.AgenciesSongCauCSV} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts := simOptions(2000)
	opts.UnitsCSV, opts.AgenciesCSV = refdata.UnitsSongCauCSV, refdata.AgenciesSongCauCSV
	h := newHarness(t, opts)
	h.env = append(h.env, "DVC_REFDATA_UNITS_FILE="+unitsPath, "DVC_REFDATA_AGENCIES_FILE="+agenciesPath)

	if code, out, errs := h.run(nil, "refdata", "check"); code != 0 || !strings.Contains(out, "reference data valid") {
		t.Fatalf("refdata check: exit %d %s %.2000s", code, out, errs)
	}
	h.mustRun([]string{"migrate"}, []string{"sync", "--source", "dossiers"}, []string{"sync", "--source", "petitions"})
	assertExactDossiers(t, h.store, h.sim)

	units, err := transform.LoadUnits(refdata.UnitsSongCauCSV, refdata.AgenciesSongCauCSV)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, u := range units.All() {
		codes[u.Code] = true
	}
	if n := h.count("SELECT count() FROM {db}.v_units"); n != uint64(len(units.All())) {
		t.Errorf("v_units has %d rows, the file %d", n, len(units.All()))
	}
	rows, err := h.store.Conn().Query(t.Context(), h.store.SQL("SELECT DISTINCT unit_code FROM {db}.v_dossiers"))
	if err != nil {
		t.Fatal(err)
	}
	var seen int
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		seen++
		if !codes[c] {
			t.Errorf("a dossier resolved to unit %s, which is not a Sông Cầu unit", c)
		}
	}
	rows.Close()
	if seen < 8 {
		t.Errorf("dossiers of only %d units loaded", seen)
	}

	for _, period := range []string{"2025-06", "2025-07"} {
		if code, out, errs := h.run(nil, "compute", "--period", period, "--offline"); code != 0 {
			t.Fatalf("compute %s: exit %d %s %.2000s", period, code, out, errs)
		}
		scored := h.count("SELECT count(DISTINCT unit_code) FROM {db}.v_indicator_scores WHERE period = ? AND indicator = 'total'", period)
		if scored < 5 {
			t.Errorf("compute %s scored %d units", period, scored)
		}
	}
	// Before the merger the province is Phú Yên (54), after it Đắk Lắk (66).
	for period, province := range map[string]string{"2025-06": "54", "2025-07": "66"} {
		if n := h.count("SELECT count() FROM {db}.v_indicator_scores WHERE period = ? AND unit_code = ? AND indicator = 'total'", period, province); n != 1 {
			t.Errorf("%s: %d total scores of province %s", period, n, province)
		}
	}
}
