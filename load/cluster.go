package load

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/dvcindex/dvcindex/internal/chsql"
)

// On a cluster (Options.Cluster, docs/cluster.md) the tables below are
// sharded: Distributed tables over Replicated*MergeTree tables NAME_local,
// each sharded by a hash of the key its ReplacingMergeTree dedupes by (so
// every version of one row lands on one shard, and FINAL stays exact).
// The dossiers and their steps share the dossier key, which puts a
// dossier's steps on its shard. Every other table is replicated to every
// node (chsql's Schema).

// ShardingKeyDossierID spreads dossier rows by their dossier id (the
// default and only accepted clickhouse.sharding_key).
const ShardingKeyDossierID = "dossier_id"

// Sharding returns the sharded tables and their sharding expressions for
// key (clickhouse.sharding_key; "" = ShardingKeyDossierID).
func Sharding(key string) (chsql.Sharding, error) {
	if key != "" && key != ShardingKeyDossierID {
		return nil, fmt.Errorf("sharding key %q: only %q keeps every version of a dossier on one shard", key, ShardingKeyDossierID)
	}
	return chsql.Sharding{
		"dossiers":      "cityHash64(dossier_id)",
		"dossier_steps": "cityHash64(dossier_id)",
		"petitions":     "cityHash64(petition_id)",
		"files":         "cityHash64(content_hash)",
		"rejects":       "cityHash64(source, stage, record_key, raw_hash)",
		"raw_pages":     "cityHash64(source, run_id, request, page)",
	}, nil
}

// Cluster returns the cluster's name ("" on a single server).
func (s *Store) Cluster() string { return s.sql.Cluster() }

// ddl runs one schema statement, rendered by the dialect. On a cluster an ON
// CLUSTER statement waits for every node up to Options.DDLTimeout; a node
// that is down gets it from ZooKeeper's queue when it returns, and the
// migration, not recorded, runs again (its statements are idempotent).
func (s *Store) ddl(ctx context.Context, stmt string, version uint32) error {
	stmts, err := s.sql.Schema(stmt, version)
	if err != nil {
		return err
	}
	if s.sql.Cluster() != "" {
		ctx = clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{
			"distributed_ddl_task_timeout": s.ddlTimeout,
		}))
	}
	for _, st := range stmts {
		if err := s.conn.Exec(ctx, st); err != nil {
			return err
		}
	}
	return nil
}

// syncReplicaSQL waits until a replica has fetched every part its shard's
// other replicas have (ReplicatedMergeTree's SYSTEM SYNC REPLICA).
const syncReplicaSQL = "SYSTEM SYNC REPLICA {db}.%s"

// pinnedNode opens a store on one node of the cluster: the first of
// Options.Addrs that answers. A compute runs every statement there, because
// it writes its scratch rows (period_dossiers) on that node and reads them
// back: on another node they might not have arrived yet. If that node goes
// away the compute fails, publishes nothing, and the next one starts again.
func (s *Store) pinnedNode(ctx context.Context) (*Store, error) {
	var errs []error
	for _, addr := range s.opts.Addrs {
		opts := s.opts
		opts.Addr, opts.Addrs = addr, []string{addr}
		node, err := Open(ctx, opts)
		if err == nil {
			node.beforeStatement = s.beforeStatement
			return node, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("no node of cluster %s answers: %w", s.Cluster(), errors.Join(errs...))
}

// SyncReplicas waits, on every node that answers, until its replicas of the
// sharded tables hold every part their shard has: a read through a
// Distributed table, which asks any one replica of each shard, then sees
// every row a sync wrote, whichever replica took the insert. A node that
// does not answer serves no read; it catches up from its shard when it
// returns (and reads prefer up-to-date replicas).
func (s *Store) SyncReplicas(ctx context.Context) error {
	if s.Cluster() == "" {
		return nil
	}
	reached := 0
	for _, addr := range s.opts.Addrs {
		opts := s.opts
		opts.Addr, opts.Addrs, opts.DialTimeout = addr, []string{addr}, min(opts.DialTimeout, 2*time.Second)
		node, err := Open(ctx, opts)
		if err != nil {
			s.opts.Logger.Warn().Str("node", addr).Err(err).Msg("cluster node does not answer; its replicas are not waited for")
			continue
		}
		err = node.syncReplicas(ctx)
		_ = node.Close()
		if err != nil {
			return fmt.Errorf("wait for the replicas of %s: %w", addr, err)
		}
		reached++
	}
	if reached == 0 {
		return fmt.Errorf("no node of cluster %s answers: %w", s.Cluster(), ErrUnavailable)
	}
	return nil
}

func (s *Store) syncReplicas(ctx context.Context) error {
	for table := range s.sql.ShardedTables() {
		stmt := fmt.Sprintf(syncReplicaSQL, chsql.QuoteIdent(s.sql.PartsTable(table)))
		if err := s.conn.Exec(ctx, s.SQL(stmt)); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}
	return nil
}

const readSettingSQL = "SELECT value FROM system.settings WHERE name = 'distributed_ddl_task_timeout'"

// ddlTimeoutValue is the value to send as distributed_ddl_task_timeout for
// Options.DDLTimeout. The setting is an Int64: a server older than the
// string encoding of settings (18.16) reads the unsigned varint
// clickhouse-go sends as a zigzag-encoded signed one, so 3 arrives as -2,
// which means "wait forever". The value is sent once and read back; when it
// arrives changed, twice the value (its zigzag encoding) is sent instead.
func (s *Store) ddlTimeoutValue(ctx context.Context) (int, error) {
	want := int(s.opts.DDLTimeout.Seconds())
	for _, send := range []int{want, 2 * want} {
		var got string
		qctx := clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"distributed_ddl_task_timeout": send}))
		if err := s.conn.QueryRow(qctx, readSettingSQL).Scan(&got); err != nil {
			return 0, fmt.Errorf("read back distributed_ddl_task_timeout: %w", err)
		}
		if got == fmt.Sprint(want) {
			return send, nil
		}
	}
	return 0, fmt.Errorf("the server does not take distributed_ddl_task_timeout = %d as sent", want)
}
