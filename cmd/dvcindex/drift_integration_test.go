package main

import (
	"strings"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// TestSchemaDriftIsSeen: the portal changes the shape of its dossiers from
// SchemaDriftAt on (a key added, SoDienThoai renamed, KenhThucHien a
// string). A run over the old shape records none; a run over the new one
// records each change once in v_schema_drift, with a scrubbed example, and
// warns once; a later run counts them without warning again; doctor lists
// them.
func TestSchemaDriftIsSeen(t *testing.T) {
	opts := simOptions(3000)
	opts.SchemaDriftAt = time.Date(2025, 7, 15, 0, 0, 0, 0, transform.HoChiMinh())
	h := newHarness(t, opts)
	if code, _, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatal(errs)
	}
	backfill := func(from, to string) string {
		code, out, errs := h.run(nil, "backfill", "--source", "dossiers", "--from", from, "--to", to)
		if code != 0 {
			t.Fatalf("backfill %s %s: exit %d %s %.2000s", from, to, code, out, errs)
		}
		return errs
	}
	backfill("2025-05-15", "2025-07-15")
	if n := h.count("SELECT count() FROM {db}.v_schema_drift"); n != 0 {
		t.Fatalf("%d drift rows after a run over the contract's shape", n)
	}
	if n := h.count("SELECT count() FROM {db}.v_schema_fields WHERE source = 'dossiers' AND field = 'SoDienThoai'"); n == 0 {
		t.Fatal("the keys of the first run were not counted")
	}
	logs := backfill("2025-07-15", "2025-08-01")
	drift, err := h.store.SchemaDrift(t.Context(), "dossiers")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]load.Drift{}
	for _, d := range drift {
		got[d.Field+" "+d.Change] = d
	}
	for _, want := range []string{"MaBienNhan added", "DienThoai added", "SoDienThoai removed", "KenhThucHien retyped"} {
		d, ok := got[want]
		if !ok || d.ResolvedAt != nil || d.Records == 0 {
			t.Errorf("drift %q: %+v (found %v)", want, d, ok)
		}
	}
	if len(got) != 4 {
		t.Errorf("drift %v, want exactly the four changes", got)
	}
	if d := got["KenhThucHien retyped"]; d.Detail != "number → string" {
		t.Errorf("retype detail %q", d.Detail)
	}
	if ex := got["DienThoai added"].Example; !transform.IsHash(strings.Trim(ex, `"`)) {
		t.Errorf("the example of an unknown key is %q, want its keyed hash", ex)
	}
	if n := strings.Count(logs, "schema drift"); n != 4 {
		t.Errorf("%d drift warnings, want one per change:\n%.3000s", n, logs)
	}
	logs = backfill("2025-08-01", "2025-08-15")
	if n := strings.Count(logs, "schema drift"); n != 0 {
		t.Errorf("a drift already recorded was warned about again:\n%.3000s", logs)
	}
	drift, _ = h.store.SchemaDrift(t.Context(), "dossiers")
	for _, d := range drift {
		if d.Records <= got[d.Field+" "+d.Change].Records && d.Change != load.DriftRemoved {
			t.Errorf("drift %s %s not counted by the later run (%d records)", d.Field, d.Change, d.Records)
		}
	}
	code, out, _ := h.run(nil, "doctor")
	_ = code // doctor's other checks (the portal's freshness) are not this test's subject
	if !strings.Contains(out, "schema drift: dossiers.DienThoai added") {
		t.Errorf("doctor does not list the drift:\n%s", out)
	}
}
