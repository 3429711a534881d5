package chsql

import (
	"strings"
	"testing"
)

func TestDialect(t *testing.T) {
	single, err := New("dvc", "")
	if err != nil {
		t.Fatal(err)
	}
	cluster, err := New("dvc", "dvc_cluster")
	if err != nil {
		t.Fatal(err)
	}
	const stmt = "CREATE TABLE IF NOT EXISTS {db}.runs{on_cluster} (x UInt8) ENGINE = Memory"
	if got := single.Render(stmt); got != "CREATE TABLE IF NOT EXISTS `dvc`.runs (x UInt8) ENGINE = Memory" {
		t.Errorf("single server: %s", got)
	}
	if got := cluster.Render(stmt); got != "CREATE TABLE IF NOT EXISTS `dvc`.runs ON CLUSTER `dvc_cluster` (x UInt8) ENGINE = Memory" {
		t.Errorf("cluster: %s", got)
	}
	for _, bad := range [][2]string{{"dvc-prod", ""}, {"dvc", "a b"}, {"", ""}} {
		if _, err := New(bad[0], bad[1]); err == nil {
			t.Errorf("New(%q, %q) accepted", bad[0], bad[1])
		}
	}
	got, err := single.DropPartition("indicator_metrics", "2024-Q2:1764460000123")
	if err != nil || got != "ALTER TABLE `dvc`.`indicator_metrics` DROP PARTITION '2024-Q2:1764460000123'" {
		t.Errorf("DropPartition = %q, %v", got, err)
	}
	for _, p := range []string{"x'; DROP TABLE y; --", `a\b`, "two words"} {
		if _, err := single.DropPartition("t", p); err == nil || !strings.Contains(err.Error(), "plain literal") {
			t.Errorf("partition %q: error %v", p, err)
		}
	}
	if _, err := single.DropPartition("t;x", "p"); err == nil {
		t.Error("a table name with ';' accepted")
	}
}
