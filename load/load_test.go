package load_test

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
	"github.com/dvcindex/dvcindex/transform"
)

var hcm = time.FixedZone("ICT", 7*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, hcm)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr(t time.Time) *time.Time { return &t }

func dossier(id string, updated time.Time, unit string, steps int) transform.Dossier {
	d := transform.Dossier{
		DossierID: id, ProcedureCode: "1.010824.000.00.00.H08", ProcedureNationalCode: "1.010824",
		UnitCode: unit, UnitName: "Tam Quan", Channel: transform.ChannelOnline, Status: 10,
		ReceivedAt: ptr(updated.Add(-48 * time.Hour)), UpdatedAt: updated, Source: "dossiers",
		Supplements: []transform.Supplement{{RequestedAt: ptr(updated.Add(-24 * time.Hour))}},
	}
	for i := 0; i < steps; i++ {
		d.Steps = append(d.Steps, transform.Step{Index: uint16(i), At: ptr(updated.Add(-time.Duration(steps-i) * time.Hour)), Status: "Đang xử lý"})
	}
	return d
}

func count(t *testing.T, s *load.Store, q string, args ...any) uint64 {
	t.Helper()
	n, err := s.Count(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// insertion is what the inserts into a table wrote, read from its level-0
// parts, active or already merged (a merged part stays listed, inactive, for
// minutes): on a MergeTree table every insert writes one level-0 part per
// partition it touches.
type insertion struct{ inserts, rows, maxRows, partitions uint64 }

func inserted(t *testing.T, s *load.Store, table string) insertion {
	t.Helper()
	var r insertion
	err := s.Conn().QueryRow(context.Background(), `SELECT count(), sum(rows), max(rows), uniqExact(partition_id)
		FROM system.parts WHERE database = ? AND table = ? AND level = 0`, s.Database(), table).
		Scan(&r.inserts, &r.rows, &r.maxRows, &r.partitions)
	if err != nil {
		t.Fatalf("parts of %s: %v", table, err)
	}
	return r
}

func TestMigrateIsIdempotent(t *testing.T) {
	s := chtest.Store(t) // migrated once already
	ctx := context.Background()
	applied, err := s.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Fatalf("second migrate applied %d migrations, want 0", len(applied))
	}
	all, err := load.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if got := count(t, s, "SELECT count() FROM {db}.schema_migrations"); got != uint64(len(all)) {
		t.Fatalf("schema_migrations has %d rows, want %d", got, len(all))
	}
	pending, err := s.PendingMigrations(ctx)
	if err != nil || len(pending) != 0 {
		t.Fatalf("pending = %v, %v", pending, err)
	}
}

func TestNewMigrationAppliesExactlyOnce(t *testing.T) {
	s := chtest.Store(t)
	ctx := context.Background()
	all, err := load.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	extra := load.Migration{Version: 9999, Name: "test_extra", SQL: "CREATE TABLE IF NOT EXISTS {db}.extra (a UInt8) ENGINE = MergeTree ORDER BY a;\n"}
	for i, want := range []int{1, 0} {
		applied, err := load.MigrateWith(ctx, s, append(all, extra))
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != want {
			t.Fatalf("run %d applied %d, want %d", i, len(applied), want)
		}
	}
	if got := count(t, s, "SELECT count() FROM system.tables WHERE database = ? AND name = 'extra'", s.Database()); got != 1 {
		t.Fatalf("extra table count %d", got)
	}
}

func TestWriterBatchesAndViewsShowCurrentRows(t *testing.T) {
	opts := chtest.Options(t)
	opts.BatchRows = 3
	s := chtest.StoreWith(t, opts)
	ctx := context.Background()
	w := s.NewWriter("run-1", zerolog.Nop())
	base := at("2024-05-03 08:00")
	for i := 0; i < 10; i++ {
		if err := w.AddDossier(ctx, dossier("D"+string(rune('A'+i)), base, "21637", 3)); err != nil {
			t.Fatal(err)
		}
	}
	// A newer version of DA with fewer steps, and an older version of DB
	// arriving late: the views must show DA's new version and DB's newer one.
	newer := dossier("DA", base.Add(time.Hour), "21640", 2)
	older := dossier("DB", base.Add(-time.Hour), "21643", 5)
	for _, d := range []transform.Dossier{newer, older} {
		if err := w.AddDossier(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.AddReject(ctx, transform.Reject{Source: "dossiers", Stage: "normalize", RecordKey: "X", Field: "MaTTHC", Reason: "bad", Raw: `{"MaHoSo":"X"}`}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// The same reject again (a re-read in the lookback) is one rejected record.
	w2 := s.NewWriter("run-2", zerolog.Nop())
	if err := w2.AddReject(ctx, transform.Reject{Source: "dossiers", Stage: "normalize", RecordKey: "X", Field: "MaTTHC", Reason: "bad", Raw: `{"MaHoSo":"X"}`}); err != nil {
		t.Fatal(err)
	}
	if err := w2.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	st := w.Stats()
	if st.Dossiers != 12 || st.Steps != 37 || st.Rejects != 1 || w2.Stats().Rejects != 1 {
		t.Fatalf("stats %+v, second writer %+v", st, w2.Stats())
	}
	// Both writers inserted the reject (two raw rows); the view shows one.
	if ins := inserted(t, s, "rejects"); ins.rows != 2 || ins.inserts != 2 {
		t.Errorf("rejects: %+v inserted, want 2 rows in 2 inserts (one per writer)", ins)
	}
	// No batch exceeded BatchRows = 3: every insert is one level-0 part
	// (one partition here), and together they hold every row written.
	for _, c := range []struct {
		table         string
		rows, inserts uint64
	}{{"dossiers", 12, 4}, {"dossier_steps", 37, 13}} {
		ins := inserted(t, s, c.table)
		if ins.rows != c.rows || ins.maxRows > 3 || ins.inserts < c.inserts || ins.partitions != 1 {
			t.Errorf("%s: %+v; want %d rows in ≥ %d inserts of at most 3 rows, one partition", c.table, ins, c.rows, c.inserts)
		}
	}
	checks := []struct {
		q    string
		want uint64
	}{
		{"SELECT count() FROM {db}.v_dossiers", 10},
		{"SELECT count() FROM {db}.dossiers", 12},
		{"SELECT count() FROM {db}.v_dossiers WHERE dossier_id = 'DA' AND unit_code = '21640' AND step_count = 2", 1},
		{"SELECT count() FROM {db}.v_dossiers WHERE dossier_id = 'DB' AND unit_code = '21637'", 1},
		{"SELECT count() FROM {db}.v_dossier_steps WHERE dossier_id = 'DA'", 2},
		{"SELECT count() FROM {db}.v_dossier_steps", 2 + 9*3},
		{"SELECT count() FROM {db}.v_rejects", 1},
		{"SELECT count() FROM {db}.v_dossiers WHERE channel = 'online' AND length(supp_requested_at) = 1", 10},
	}
	for _, c := range checks {
		if got := count(t, s, c.q); got != c.want {
			t.Errorf("%s = %d, want %d", c.q, got, c.want)
		}
	}
}

func TestWatermarkNeverMovesBackwards(t *testing.T) {
	s := chtest.Store(t)
	ctx := context.Background()
	if _, ok, err := s.Watermark(ctx, "dossiers"); err != nil || ok {
		t.Fatalf("new source has a watermark: ok=%v err=%v", ok, err)
	}
	steps := []struct {
		to, want time.Time
	}{
		{at("2024-02-01 00:00"), at("2024-02-01 00:00")},
		{at("2024-03-01 00:00"), at("2024-03-01 00:00")},
		{at("2024-01-15 00:00"), at("2024-03-01 00:00")}, // backfill of an old window
	}
	for _, st := range steps {
		if err := s.AdvanceWatermark(ctx, "dossiers", st.to, "r"); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.Watermark(ctx, "dossiers")
		if err != nil || !ok || !got.Equal(st.want) {
			t.Fatalf("after advance to %s: watermark %s ok=%v err=%v, want %s", st.to, got, ok, err, st.want)
		}
	}
}

func TestRunsViewShowsLatestState(t *testing.T) {
	s := chtest.Store(t)
	ctx := context.Background()
	start := time.Now().Truncate(time.Second)
	r := load.Run{ID: "run-x", Source: "dossiers", Command: "sync", StartedAt: start, Status: load.RunRunning}
	if err := s.RecordRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	fin := start.Add(2 * time.Second)
	r.FinishedAt, r.Status, r.Fetched, r.Loaded, r.Rejected = &fin, load.RunSuccess, 10, 9, 1
	if err := s.RecordRun(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got := count(t, s, "SELECT count() FROM {db}.v_runs WHERE run_id = 'run-x' AND status = 'success' AND loaded = 9 AND rejected = 1"); got != 1 {
		t.Fatalf("v_runs current rows = %d, want 1", got)
	}
	if got := count(t, s, "SELECT count() FROM {db}.v_runs"); got != 1 {
		t.Fatalf("v_runs rows = %d, want 1", got)
	}
}
