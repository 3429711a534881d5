package chsql

import (
	"strings"
	"testing"
)

func TestSchemaOnACluster(t *testing.T) {
	d, err := New("dvc", "c")
	if err != nil {
		t.Fatal(err)
	}
	d = d.WithSharding(Sharding{"dossiers": "cityHash64(dossier_id)"})
	cases := []struct {
		name, stmt string
		want       []string // substrings of the rendered statements, one per statement
	}{
		{"sharded table", "CREATE TABLE IF NOT EXISTS {db}.dossiers\n(dossier_id String, version UInt64)\nENGINE = ReplacingMergeTree(version)\nORDER BY dossier_id",
			[]string{"`dvc`.dossiers_local ON CLUSTER `c`\n(dossier_id String, version UInt64)\nENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/dvcindex/dvc/dossiers/0007', '{replica}', version)\nORDER BY dossier_id",
				"`dvc`.dossiers ON CLUSTER `c` AS `dvc`.dossiers_local\nENGINE = Distributed('c', 'dvc', 'dossiers_local', cityHash64(dossier_id))"}},
		{"table on every node", "CREATE TABLE IF NOT EXISTS {db}.runs (run_id String) ENGINE = MergeTree ORDER BY run_id",
			[]string{"`dvc`.runs ON CLUSTER `c`\n(run_id String)\nENGINE = ReplicatedMergeTree('/clickhouse/tables/all/dvcindex/dvc/runs/0007', '{shard}-{replica}') ORDER BY run_id"}},
		{"view", "CREATE VIEW IF NOT EXISTS {db}.v_runs AS SELECT * FROM {db}.runs FINAL",
			[]string{"CREATE VIEW IF NOT EXISTS `dvc`.v_runs ON CLUSTER `c` AS SELECT * FROM `dvc`.runs FINAL"}},
		{"view with IN over a sharded table", "CREATE VIEW IF NOT EXISTS {db}.v AS SELECT * FROM {db}.dossiers WHERE (dossier_id, version) IN (SELECT dossier_id, version FROM {db}.dossiers FINAL)",
			[]string{"GLOBAL IN (SELECT dossier_id, version FROM `dvc`.dossiers FINAL)"}},
		{"drop sharded", "DROP TABLE IF EXISTS {db}.dossiers",
			[]string{"DROP TABLE IF EXISTS `dvc`.dossiers ON CLUSTER `c`", "DROP TABLE IF EXISTS `dvc`.dossiers_local ON CLUSTER `c`"}},
		{"alter sharded", "ALTER TABLE {db}.dossiers MODIFY COLUMN version UInt32",
			[]string{"ALTER TABLE `dvc`.dossiers_local ON CLUSTER `c` MODIFY COLUMN version UInt32", "DROP TABLE IF EXISTS `dvc`.dossiers ON CLUSTER `c`",
				"`dvc`.dossiers ON CLUSTER `c` AS `dvc`.dossiers_local"}},
		{"alter replicated everywhere", "ALTER TABLE {db}.runs MODIFY COLUMN x UInt32", []string{"ALTER TABLE `dvc`.runs MODIFY COLUMN x UInt32"}},
		{"data migration", "INSERT INTO {db}.dossiers (dossier_id) SELECT dossier_id FROM {db}.dossiers", []string{"INSERT INTO `dvc`.dossiers (dossier_id) SELECT"}},
		{"database", "CREATE DATABASE IF NOT EXISTS {db}", []string{"CREATE DATABASE IF NOT EXISTS `dvc` ON CLUSTER `c`"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := d.Schema(c.stmt, 7)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("%d statements, want %d:\n%s", len(got), len(c.want), strings.Join(got, "\n---\n"))
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("statement %d:\n%s\nwant it to contain\n%s", i+1, got[i], w)
				}
			}
		})
	}
	if _, err := d.Schema("RENAME TABLE {db}.a TO {db}.b", 7); err == nil {
		t.Error("a statement the cluster rewrite does not know was accepted (it would run on one node only)")
	}
	single, _ := New("dvc", "")
	if got, err := single.Schema("RENAME TABLE {db}.a TO {db}.b", 7); err != nil || got[0] != "RENAME TABLE `dvc`.a TO `dvc`.b" {
		t.Errorf("single server: %q, %v", got, err)
	}
}

func TestPartitionsOnACluster(t *testing.T) {
	d, _ := New("dvc", "c")
	d = d.WithSharding(Sharding{"raw_pages": "cityHash64(page)"})
	cases := []struct{ table, want string }{
		{"raw_pages", "ALTER TABLE `dvc`.`raw_pages_local` ON CLUSTER `c` DROP PARTITION 202401"},
		{"period_dossiers", "ALTER TABLE `dvc`.`period_dossiers` DROP PARTITION 202401"}, // replicated to every node
	}
	for _, c := range cases {
		if got, err := d.DropMonthPartition(c.table, 202401); err != nil || got != c.want {
			t.Errorf("%s: %q, %v; want %q", c.table, got, err, c.want)
		}
	}
	if got := d.Render("SELECT 1 FROM {db}.x WHERE a IN (SELECT a FROM {db}.y)"); strings.Contains(got, "GLOBAL") {
		t.Errorf("IN over an unsharded table made GLOBAL: %s", got)
	}
}
