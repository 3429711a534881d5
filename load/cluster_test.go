package load

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/dvcindex/dvcindex/internal/chsql"
	"github.com/dvcindex/dvcindex/internal/golden"
)

var updateCluster = flag.Bool("update-cluster", false, "rewrite testdata/golden/cluster-schema.sql")

// TestEveryMigrationRunsOnACluster renders every migration for a cluster
// (testdata/golden/cluster-schema.sql, read by a person when it changes)
// and checks the rules the cluster relies on: no statement is left for one
// node only, every table is replicated, every sharded table has its
// Distributed table, and no ZooKeeper path is used twice.
func TestEveryMigrationRunsOnACluster(t *testing.T) {
	d, err := chsql.New("dvc", "dvc")
	if err != nil {
		t.Fatal(err)
	}
	sharding, err := Sharding("")
	if err != nil {
		t.Fatal(err)
	}
	d = d.WithSharding(sharding)
	all, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	all = append([]Migration{{Version: 0, Name: "schema_migrations", SQL: createDatabaseSQL + ";\n" + createMigrationsSQL + ";\n"}}, all...)
	var out strings.Builder
	paths := map[string]string{}
	for _, m := range all {
		fmt.Fprintf(&out, "-- %04d_%s\n", m.Version, m.Name)
		for _, stmt := range m.Statements() {
			rendered, err := d.Schema(stmt, m.Version)
			if err != nil {
				t.Fatalf("%04d_%s: %v", m.Version, m.Name, err)
			}
			for _, r := range rendered {
				checkClusterStatement(t, r, paths)
				out.WriteString(r + ";\n")
			}
		}
	}
	golden.Check(t, "cluster-schema.sql", []byte(out.String()), *updateCluster)
	for table := range sharding {
		if !strings.Contains(out.String(), "CREATE TABLE IF NOT EXISTS `dvc`."+table+" ON CLUSTER `dvc` AS `dvc`."+table+"_local") {
			t.Errorf("sharded table %s has no Distributed table", table)
		}
	}
}

// checkClusterStatement: DDL names the cluster (or is a replicated ALTER,
// or a data migration through the Distributed tables),
// MergeTree tables are Replicated, and a ZooKeeper path is never reused.
func checkClusterStatement(t *testing.T, stmt string, paths map[string]string) {
	t.Helper()
	first, _, _ := strings.Cut(stmt, "\n")
	if !strings.Contains(first, "ON CLUSTER `dvc`") && !strings.HasPrefix(first, "ALTER TABLE") && !strings.HasPrefix(first, "INSERT INTO") {
		t.Errorf("statement runs on one node only: %s", first)
	}
	if strings.Contains(stmt, "MergeTree") && !strings.Contains(stmt, "ENGINE = Replicated") {
		t.Errorf("table not replicated: %s", first)
	}
	if i := strings.Index(stmt, "('/clickhouse/"); i >= 0 {
		path, _, _ := strings.Cut(stmt[i+2:], "'")
		if prev, ok := paths[path]; ok {
			t.Errorf("ZooKeeper path %s used by %s and %s", path, prev, first)
		}
		paths[path] = first
	}
}
