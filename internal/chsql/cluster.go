package chsql

import (
	"fmt"
	"regexp"
	"strings"
)

// On a cluster (clickhouse.cluster set) dvcindex's tables come in two kinds,
// and Schema rewrites each migration statement for them:
//
//   - sharded tables (the dossiers and what is as large: steps, petitions,
//     files, rejects, the raw archive): a Replicated*MergeTree table named
//     NAME_local on every node, in a ZooKeeper path of its shard, and a
//     Distributed table NAME over it, sharded by the table's key, so that
//     every version of one key lands on one shard and ReplacingMergeTree's
//     FINAL stays exact. Every statement elsewhere names NAME, so reads fan
//     out and writes route by the key.
//   - every other table (reference data, run history, watermarks, compute
//     results, schema_migrations): one Replicated*MergeTree table whose
//     replicas are all the nodes of the cluster (one ZooKeeper path, replica
//     '{shard}-{replica}'), so any node reads all of it locally, and a
//     replicated ALTER or DROP PARTITION reaches every node without ON CLUSTER.
//
// The ZooKeeper path carries the database and the migration version that
// created the table, so a table that a later migration drops and creates
// again never meets the replicas of the one before.

// Sharding names the sharded tables and the expression each is sharded by
// (cityHash64 of its key columns).
type Sharding map[string]string

// WithSharding returns the dialect with the sharded tables of a cluster
// (ignored on a single server). The expressions are written by dvcindex
// (load.ShardingKeys), never by a user.
func (d Dialect) WithSharding(s Sharding) Dialect {
	d.sharded = s
	return d
}

// Cluster returns the cluster name ("" on a single server).
func (d Dialect) Cluster() string { return d.cluster }

// Database returns the unquoted database name.
func (d Dialect) Database() string { return d.database }

// ShardedTables returns the sharded tables (none on a single server).
func (d Dialect) ShardedTables() Sharding {
	if d.cluster == "" {
		return nil
	}
	return d.sharded
}

// Sharded reports whether table is a Distributed table over NAME_local.
func (d Dialect) Sharded(table string) bool {
	_, ok := d.sharded[table]
	return ok && d.cluster != ""
}

// PartsTable is the table holding table's parts: NAME_local for a sharded
// table on a cluster, the table itself otherwise. Partition statements go
// there.
func (d Dialect) PartsTable(table string) string {
	if d.Sharded(table) {
		return table + "_local"
	}
	return table
}

var (
	createTableRE = regexp.MustCompile(`(?s)^\s*CREATE TABLE IF NOT EXISTS \{db\}\.(\w+)\s*(\(.*\))\s*ENGINE\s*=\s*(\w*MergeTree)(?:\(([^)]*)\))?(.*)$`)
	createViewRE  = regexp.MustCompile(`(?s)^\s*CREATE VIEW IF NOT EXISTS \{db\}\.(\w+)\s+AS\s(.*)$`)
	dropTableRE   = regexp.MustCompile(`^\s*DROP TABLE IF EXISTS \{db\}\.(\w+)\s*$`)
	alterTableRE  = regexp.MustCompile(`(?s)^\s*ALTER TABLE \{db\}\.(\w+)\s+(.*)$`)
	createDBRE    = regexp.MustCompile(`^\s*CREATE DATABASE IF NOT EXISTS \{db\}\s*$`)
	insertRE      = regexp.MustCompile(`^\s*INSERT INTO \{db\}\.\w+ `)
	dropDBRE      = regexp.MustCompile(`^\s*DROP DATABASE IF EXISTS \{db\}\s*$`)
)

// inSubqueryRE finds IN (SELECT … FROM {db}.table …: a subquery whose
// table is read in its first FROM, with no parenthesis before it.
var inSubqueryRE = regexp.MustCompile(`(?s)\b(NOT )?IN \((SELECT [^()]*?FROM \{db\}\.(\w+)\b)`)

// globalIn makes an IN subquery over a sharded table GLOBAL: the subquery
// runs once, on the node asked, and its set goes to every shard. Without
// it, ClickHouse refuses a Distributed query whose IN reads another
// Distributed table (distributed_product_mode = 'deny'), a setting that
// clickhouse-go cannot send to 18.16 (string settings), and 'local' would
// hold only for tables sharded alike.
func (d Dialect) globalIn(stmt string) string {
	return inSubqueryRE.ReplaceAllStringFunc(stmt, func(m string) string {
		sub := inSubqueryRE.FindStringSubmatch(m)
		if !d.Sharded(sub[3]) {
			return m
		}
		return "GLOBAL " + sub[1] + "IN (" + sub[2]
	})
}

// Schema renders one schema statement of migration version for the
// warehouse: on a single server, Render(stmt); on a cluster, the statements
// that make the same schema there (see the kinds above). A statement Schema
// does not know is refused on a cluster rather than run on one node only.
func (d Dialect) Schema(stmt string, version uint32) ([]string, error) {
	if d.cluster == "" {
		return []string{d.Render(stmt)}, nil
	}
	var out []string
	switch {
	case createDBRE.MatchString(stmt), dropDBRE.MatchString(stmt):
		out = []string{strings.TrimSpace(stmt) + "{on_cluster}"}
	case createTableRE.MatchString(stmt):
		out = d.createTable(createTableRE.FindStringSubmatch(stmt), version)
	case createViewRE.MatchString(stmt):
		m := createViewRE.FindStringSubmatch(stmt)
		out = []string{"CREATE VIEW IF NOT EXISTS {db}." + m[1] + "{on_cluster} AS " + m[2]}
	case dropTableRE.MatchString(stmt):
		name := dropTableRE.FindStringSubmatch(stmt)[1]
		out = []string{"DROP TABLE IF EXISTS {db}." + name + "{on_cluster}"}
		if d.Sharded(name) {
			out = append(out, "DROP TABLE IF EXISTS {db}."+name+"_local{on_cluster}")
		}
	case insertRE.MatchString(stmt):
		out = []string{stmt} // a data migration: through the Distributed tables, once
	case alterTableRE.MatchString(stmt):
		m := alterTableRE.FindStringSubmatch(stmt)
		out = []string{stmt} // replicated: one replica's ALTER reaches all
		if d.Sharded(m[1]) {
			// 18.16 refuses ALTER … ON CLUSTER on a Distributed table over
			// internally replicated shards; made again, it takes the local
			// table's new columns.
			out = []string{"ALTER TABLE {db}." + m[1] + "_local{on_cluster} " + m[2],
				"DROP TABLE IF EXISTS {db}." + m[1] + "{on_cluster}", d.distributed(m[1])}
		}
	default:
		return nil, fmt.Errorf("schema statement %q: not one dvcindex knows how to run on a cluster", firstLine(stmt))
	}
	for i := range out {
		out[i] = d.Render(out[i])
	}
	return out, nil
}

// createTable rewrites CREATE TABLE (m: name, columns, engine, engine
// arguments, the rest) into the replicated table and, when sharded, the
// Distributed table over it.
func (d Dialect) createTable(m []string, version uint32) []string {
	name, columns, engine, args, rest := m[1], m[2], m[3], strings.TrimSpace(m[4]), m[5]
	shard, replica, local := "all", "{shard}-{replica}", name
	if d.Sharded(name) {
		shard, replica, local = "{shard}", "{replica}", name+"_local"
	}
	path := fmt.Sprintf("/clickhouse/tables/%s/dvcindex/%s/%s/%04d", shard, d.database, name, version)
	engineArgs := fmt.Sprintf("'%s', '%s'", path, replica)
	if args != "" {
		engineArgs += ", " + args
	}
	out := []string{fmt.Sprintf("CREATE TABLE IF NOT EXISTS {db}.%s{on_cluster}\n%s\nENGINE = Replicated%s(%s)%s",
		local, columns, engine, engineArgs, rest)}
	if d.Sharded(name) {
		out = append(out, d.distributed(name))
	}
	return out
}

// distributed is the Distributed table of a sharded table.
func (d Dialect) distributed(name string) string {
	return fmt.Sprintf("CREATE TABLE IF NOT EXISTS {db}.%s{on_cluster} AS {db}.%s_local\nENGINE = Distributed('%s', '%s', '%s_local', %s)",
		name, name, d.cluster, d.database, name, d.sharded[name])
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}
