package chsql

import (
	"fmt"
	"strings"
)

// Dialect renders dvcindex's statements for one warehouse. Every DDL,
// partition and query statement goes through Render, so the place where a
// single server and a cluster differ is here:
//
//   - {db} becomes the quoted database name;
//   - {on_cluster} becomes " ON CLUSTER `name`" on a cluster, "" otherwise;
//   - on a cluster, IN (SELECT … FROM a sharded table) becomes GLOBAL IN
//     (see globalIn).
//
// Identifiers are validated by New; values are never rendered (they are
// bound), except a partition literal, which DropPartition checks.
type Dialect struct {
	database string
	cluster  string
	sharded  Sharding // on a cluster: the Distributed tables and their keys
}

// New returns the dialect of database on cluster ("" = a single server).
func New(database, cluster string) (Dialect, error) {
	if !ValidIdentifier(database) {
		return Dialect{}, fmt.Errorf("database name %q is not a valid identifier", database)
	}
	if cluster != "" && !ValidIdentifier(cluster) {
		return Dialect{}, fmt.Errorf("cluster name %q is not a valid identifier", cluster)
	}
	return Dialect{database: database, cluster: cluster}, nil
}

// Render substitutes the placeholders of stmt.
func (d Dialect) Render(stmt string) string {
	onCluster := ""
	if d.cluster != "" {
		onCluster = " ON CLUSTER " + QuoteIdent(d.cluster)
	}
	if d.cluster != "" {
		stmt = d.globalIn(stmt)
	}
	return strings.NewReplacer("{db}", QuoteIdent(d.database), "{on_cluster}", onCluster).Replace(stmt)
}

// DropPartition renders ALTER TABLE … DROP PARTITION for a String partition
// key. A partition value is a literal in this statement (ClickHouse binds
// no parameter there), so it is refused unless it is plain: letters, digits
// and "-_.:".
func (d Dialect) DropPartition(table, partition string) (string, error) {
	if !ValidIdentifier(table) {
		return "", fmt.Errorf("drop partition: table name %q is not a valid identifier", table)
	}
	for _, r := range partition {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r)) {
			return "", fmt.Errorf("drop partition: value %q of table %s is not a plain literal", partition, table)
		}
	}
	return d.dropPartition(table, "'"+partition+"'"), nil
}

// DropMonthPartition renders ALTER TABLE … DROP PARTITION for a table
// partitioned by toYYYYMM(…): the month is a number, rendered as one.
func (d Dialect) DropMonthPartition(table string, yyyymm int) (string, error) {
	if !ValidIdentifier(table) {
		return "", fmt.Errorf("drop partition: table name %q is not a valid identifier", table)
	}
	if yyyymm < 190001 || yyyymm > 299912 || yyyymm%100 < 1 || yyyymm%100 > 12 {
		return "", fmt.Errorf("drop partition: %d is not a month (yyyymm) of table %s", yyyymm, table)
	}
	return d.dropPartition(table, fmt.Sprint(yyyymm)), nil
}

// dropPartition renders the statement for a checked literal. On a cluster,
// a sharded table's parts are in NAME_local on every shard (ON CLUSTER); any
// other table is replicated to every node, and one replica's DROP PARTITION
// reaches them all.
func (d Dialect) dropPartition(table, literal string) string {
	onCluster := ""
	if d.Sharded(table) {
		onCluster = "{on_cluster}"
	}
	return d.Render(fmt.Sprintf("ALTER TABLE {db}.%s%s DROP PARTITION %s", QuoteIdent(d.PartsTable(table)), onCluster, literal))
}
