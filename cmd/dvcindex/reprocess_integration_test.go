package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fingerprint sums a hash of every row of a view, over every column but
// the ones a reload changes by design (the run, the load time).
func (h *harness) fingerprint(view string) (rows, sum uint64) {
	h.t.Helper()
	ctx := context.Background()
	r, err := h.store.Conn().Query(ctx, "SELECT name FROM system.columns WHERE database = ? AND table = ?",
		h.store.Database(), view)
	if err != nil {
		h.t.Fatal(err)
	}
	var cols []string
	for r.Next() {
		var c string
		if err := r.Scan(&c); err != nil {
			h.t.Fatal(err)
		}
		if c != "run_id" && c != "loaded_at" {
			cols = append(cols, "`"+c+"`")
		}
	}
	r.Close()
	if len(cols) < 3 {
		h.t.Fatalf("view %s has columns %v", view, cols)
	}
	q := fmt.Sprintf("SELECT count(), sum(cityHash64(toString(tuple(%s)))) FROM {db}.%s", strings.Join(cols, ", "), view)
	if err := h.store.Conn().QueryRow(ctx, h.store.SQL(q)).Scan(&rows, &sum); err != nil {
		h.t.Fatalf("%s: %v", q, err)
	}
	return rows, sum
}

// fingerprints are the fingerprints of views, by view.
func (h *harness) fingerprints(views []string) map[string][2]uint64 {
	out := map[string][2]uint64{}
	for _, v := range views {
		n, s := h.fingerprint(v)
		out[v] = [2]uint64{n, s}
	}
	return out
}

// sameFingerprints fails the test for every view whose rows differ from
// want (fingerprints).
func (h *harness) sameFingerprints(want map[string][2]uint64) {
	h.t.Helper()
	for v, w := range want {
		if n, s := h.fingerprint(v); n != w[0] || s != w[1] {
			h.t.Errorf("%s after reprocess: %d rows (hash %d), the fresh sync wrote %d (hash %d)", v, n, s, w[0], w[1])
		}
	}
}

// waitMutations waits until every mutation of the test database is done
// (18.16 runs ALTER … UPDATE in the background).
func (h *harness) waitMutations() {
	h.t.Helper()
	deadline := time.Now().Add(2 * time.Minute) // a hang guard
	for h.count("SELECT count() FROM system.mutations WHERE database = ? AND is_done = 0", h.store.Database()) > 0 {
		if time.Now().After(deadline) {
			h.t.Fatal("mutations not done after 2 minutes")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestReprocessFillsANewRuleWithoutFetching: after a sync archived every
// page, a rule change (simulated: the rows lose what the new rule would
// derive, result_links) is applied by reprocess to every archived dossier
// without one request to the portal; the rows are then exactly those a
// fresh sync wrote. A dry run says what would change and writes nothing; a
// second reprocess is already complete; --restart does it again.
func TestReprocessFillsANewRuleWithoutFetching(t *testing.T) {
	h := newHarness(t, simOptions(3000))
	h.mustRun([]string{"migrate"}, []string{"sync", "--source", "dossiers"}, []string{"sync", "--source", "petitions"})
	views := []string{"v_dossiers", "v_dossier_steps", "v_petitions"}
	want := h.fingerprints(views)
	if want["v_dossiers"][0] < 2500 {
		t.Fatalf("only %d dossiers synced: the test would prove little", want["v_dossiers"][0])
	}
	links := h.count("SELECT count() FROM {db}.v_dossiers WHERE result_links > 0")
	if links == 0 {
		t.Fatal("no dossier has a result link: the rule change would change nothing")
	}
	if err := h.store.Conn().Exec(context.Background(), h.store.SQL("ALTER TABLE {db}.dossiers UPDATE result_links = 0 WHERE 1")); err != nil {
		t.Fatal(err)
	}
	h.waitMutations()
	requests := h.sim.Requests()

	code, out, errs := h.run(nil, "reprocess", "--source", "dossiers", "--dry-run")
	if code != 0 || !regexp.MustCompile(fmt.Sprintf(`(?m)^result_links +0 +%d$`, links)).MatchString(out) {
		t.Fatalf("dry run: exit %d, want result_links 0 → %d in:\n%s\n%.2000s", code, links, out, errs)
	}
	if n := h.count("SELECT count() FROM {db}.v_dossiers WHERE result_links > 0"); n != 0 {
		t.Fatalf("the dry run wrote %d rows", n)
	}
	for _, src := range []string{"dossiers", "petitions"} {
		if code, out, errs := h.run(nil, "reprocess", "--source", src); code != 0 || !strings.Contains(out, "reprocess "+src+": success") {
			t.Fatalf("reprocess %s: exit %d %s %.2000s", src, code, out, errs)
		}
	}
	if got := h.sim.Requests(); got != requests {
		t.Errorf("reprocess made %d requests to the portal", got-requests)
	}
	h.sameFingerprints(want)
	if code, out, _ := h.run(nil, "reprocess", "--source", "dossiers"); code != 0 || !strings.Contains(out, "already complete") {
		t.Errorf("second reprocess: exit %d %s", code, out)
	}
	if code, out, _ := h.run(nil, "reprocess", "--source", "dossiers", "--restart"); code != 0 || !strings.Contains(out, "reprocess dossiers: success") {
		t.Errorf("reprocess --restart: exit %d %s", code, out)
	}
}

// TestReprocessRefusals: sources without an archive to re-normalize, and
// ranges on sources without windows, are usage errors.
func TestReprocessRefusals(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"reprocess", "--source", "bcqg"}, "cannot be reprocessed"},
		{[]string{"reprocess", "--source", "files", "--from", "2025-01-01", "--to", "2025-02-01"}, "has no windows"},
		{[]string{"reprocess", "--source", "dossiers", "--from", "2025-01-01"}, "go together"},
		{[]string{"reprocess", "--source", "tweets"}, "unknown source"},
	} {
		var stdout, stderr strings.Builder
		code := run(context.Background(), tt.args, &stdout, &stderr, []string{"DVC_PII_KEY=integration-test-key-0123456789abcdef"})
		if code != exitUsage || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want usage error saying %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}

// mustRun runs command lines in turn, failing the test at the first that
// does not exit 0.
func (h *harness) mustRun(lines ...[]string) {
	h.t.Helper()
	for _, args := range lines {
		if code, out, errs := h.run(nil, args...); code != 0 {
			h.t.Fatalf("%v: exit %d %s %.2000s", args, code, out, errs)
		}
	}
}

// TestReprocessFiles: the rows of a dropped file are archived before they
// load, and reprocess writes them again from the archive once the file is
// gone from the inbox (moved to done/).
func TestReprocessFiles(t *testing.T) {
	h := migratedForFiles(t, 60)
	inbox := t.TempDir()
	if err := os.WriteFile(filepath.Join(inbox, "export.csv"), goodDropCSV(h, 0, 40), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"DVC_FILES_INBOX=" + inbox, "DVC_FILES_SETTLE=0s"}
	if code, out, errs := h.run(env, "sync", "--source", "files"); code != 0 {
		t.Fatalf("sync files: exit %d %s %.2000s", code, out, errs)
	}
	want := h.fingerprints([]string{"v_dossiers"})
	if want["v_dossiers"][0] != 40 {
		t.Fatalf("%d dossiers loaded from the file, want 40", want["v_dossiers"][0])
	}
	if n := h.count("SELECT sum(records) FROM {db}.v_raw_pages WHERE source = 'files'"); n != 40 {
		t.Fatalf("%d file rows archived, want 40", n)
	}
	if err := h.store.Conn().Exec(context.Background(), h.store.SQL("ALTER TABLE {db}.dossiers DELETE WHERE 1")); err != nil {
		t.Fatal(err)
	}
	h.waitMutations()
	if code, out, errs := h.run(env, "reprocess", "--source", "files"); code != 0 || !strings.Contains(out, "reprocess files: success") {
		t.Fatalf("reprocess files: exit %d %s %.2000s", code, out, errs)
	}
	h.sameFingerprints(want)
}
