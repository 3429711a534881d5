package main

import (
	"context"
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
