package load_test

import (
	"context"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
	"github.com/dvcindex/dvcindex/transform"
)

func TestVersionPrecedence(t *testing.T) {
	api := dossier("D", at("2024-05-03 08:00"), "21637", 0)
	file := api
	file.Source, file.UpdatedAt = load.FileSource, api.UpdatedAt.AddDate(1, 0, 0)
	olderAPI := api
	olderAPI.UpdatedAt = api.UpdatedAt.Add(-time.Hour)
	tests := []struct {
		name          string
		winner, loser transform.Dossier
	}{
		{"API over a later file row", api, file},
		{"later API row over an earlier one", api, olderAPI},
		{"later file row over an earlier one", file, func() transform.Dossier { f := file; f.UpdatedAt = f.UpdatedAt.Add(-time.Hour); return f }()},
	}
	for _, tt := range tests {
		if load.Version(&tt.winner) <= load.Version(&tt.loser) {
			t.Errorf("%s: version %d ≤ %d", tt.name, load.Version(&tt.winner), load.Version(&tt.loser))
		}
	}
}

// TestMigrationReversionsLegacyDossiers: rows written before 0008 (version =
// NgayCapNhat) get their source's precedence, so an API row that a later file
// row had hidden is current again, with its steps.
func TestMigrationReversionsLegacyDossiers(t *testing.T) {
	opts := chtest.Options(t)
	ctx := context.Background()
	s, err := load.Open(ctx, opts)
	if err != nil {
		t.Fatalf("%s is set but ClickHouse is unreachable: %v", chtest.EnvVar, err)
	}
	t.Cleanup(func() {
		if err := s.DropDatabase(context.Background()); err != nil {
			t.Errorf("drop the test database: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	all, err := load.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var before []load.Migration
	for _, m := range all {
		if m.Version < 8 {
			before = append(before, m)
		}
	}
	if _, err := load.MigrateWith(ctx, s, before); err != nil {
		t.Fatal(err)
	}
	legacy := []string{
		`INSERT INTO {db}.dossiers (dossier_id, version, unit_code, source, updated_at, step_count)
		 SELECT 'D', toUInt64(1714698000), '21637', 'dossiers', toDateTime(1714698000), toUInt16(2)`,
		`INSERT INTO {db}.dossiers (dossier_id, version, unit_code, source, updated_at, step_count)
		 SELECT 'D', toUInt64(1717376400), '21640', 'files', toDateTime(1717376400), toUInt16(0)`,
		`INSERT INTO {db}.dossier_steps (dossier_id, step_index, version, status)
		 SELECT 'D', toUInt16(number), toUInt64(1714698000), 'a' FROM system.numbers LIMIT 2`,
	}
	for _, q := range legacy {
		if err := s.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// Before 0008 the later file row hides the API row.
	if n := count(t, s, "SELECT count() FROM {db}.v_dossiers WHERE unit_code = '21640'"); n != 1 {
		t.Fatalf("legacy rows: the file row is not current (%d): the test would prove nothing", n)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		q    string
		want uint64
	}{
		{"SELECT count() FROM {db}.v_dossiers WHERE dossier_id = 'D' AND unit_code = '21637' AND source = 'dossiers'", 1},
		{"SELECT count() FROM {db}.v_dossiers", 1},
		{"SELECT count() FROM {db}.v_dossier_steps WHERE dossier_id = 'D'", 2},
	}
	for _, c := range checks {
		if got := count(t, s, c.q); got != c.want {
			t.Errorf("%s = %d, want %d", c.q, got, c.want)
		}
	}
}
