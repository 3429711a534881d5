// Package load owns the ClickHouse side of dvcindex: the connection,
// versioned migrations (embedded .sql files), batch writers bounded by rows,
// the watermarks of incremental sources, and the run history. It takes rows
// that transform produced and knows nothing of where they were extracted.
//
// All SQL targets the subset that ClickHouse 18.16 (CI) and current releases
// both accept: explicit column lists on every insert, inserts through native
// batches, DDL through Exec, FINAL views for current rows.
package load

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/internal/chsql"
)

// Options configure a Store. The zero value of a field means its default.
type Options struct {
	Addr        string   // host:port of the native protocol (one server)
	Addrs       []string // several servers, tried in order (failover); when set, Addr only names them in messages
	Database    string   // must satisfy ValidIdentifier
	Username    string
	Password    string
	DialTimeout time.Duration
	ReadTimeout time.Duration
	BatchRows   int // rows per insert batch; default 10,000
	// Retries is how many times a failed batch is sent again (with
	// exponential backoff from RetryWait) before the write fails. Re-sending a
	// batch is safe: every table that receives batches dedupes by version.
	Retries   int
	RetryWait time.Duration
	Logger    zerolog.Logger
	// TLS, when not nil, secures the native protocol (clickhouse.tls).
	TLS *tls.Config
	// Cluster names the cluster of a replicated, sharded warehouse
	// (clickhouse.cluster, docs/cluster.md); "" = one server.
	Cluster     string
	ShardingKey string        // clickhouse.sharding_key; "" = ShardingKeyDossierID
	DDLTimeout  time.Duration // how long ON CLUSTER DDL waits for every node; default 2 minutes
}

func (o *Options) setDefaults() {
	if len(o.Addrs) == 0 && o.Addr != "" {
		o.Addrs = []string{o.Addr}
	}
	o.Addr = strings.Join(o.Addrs, ",")
	if o.DialTimeout == 0 {
		o.DialTimeout = 10 * time.Second
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = 5 * time.Minute
	}
	if o.BatchRows <= 0 {
		o.BatchRows = 10000
	}
	if o.Username == "" {
		o.Username = "default"
	}
	if o.RetryWait == 0 {
		o.RetryWait = time.Second
	}
	if o.DDLTimeout <= 0 {
		o.DDLTimeout = 2 * time.Minute
	}
}

// ErrUnavailable marks errors where ClickHouse could not be reached or went
// away; callers may retry the whole run later.
var ErrUnavailable = errors.New("clickhouse unavailable")

// Store is a connection to the warehouse database. It is safe for concurrent
// use; each writer takes its own connection from the pool when it flushes.
type Store struct {
	conn driver.Conn
	opts Options
	sql  chsql.Dialect // renders {db} (and, on a cluster, {on_cluster})
	// ddlTimeout is the value sent as distributed_ddl_task_timeout (on a
	// cluster; see ddlTimeoutValue).
	ddlTimeout int
	// beforeStatement, set only by tests, runs before each compute
	// statement and may fail it (to interrupt a compute at a chosen point).
	beforeStatement func(stmt string) error
}

// Open connects to ClickHouse and checks the connection. It does not create
// the database: Migrate does.
func Open(ctx context.Context, opts Options) (*Store, error) {
	opts.setDefaults()
	dialect, err := chsql.New(opts.Database, opts.Cluster)
	if err != nil {
		return nil, fmt.Errorf("open clickhouse: %w", err)
	}
	sharding, err := Sharding(opts.ShardingKey)
	if err != nil {
		return nil, fmt.Errorf("open clickhouse: %w", err)
	}
	dialect = dialect.WithSharding(sharding)
	settings := connectionSettings(opts.Cluster != "")
	if err := checkSettings(settings); err != nil {
		return nil, fmt.Errorf("open clickhouse: %w", err)
	}
	conn, err := clickhouse.Open(&clickhouse.Options{
		Addr:             opts.Addrs,
		ConnOpenStrategy: clickhouse.ConnOpenInOrder,
		Auth: clickhouse.Auth{
			// Connect to "default": the configured database may not exist
			// until migrate runs, and every statement names its database.
			Database: "default",
			Username: opts.Username,
			Password: opts.Password,
		},
		TLS:             opts.TLS,
		DialTimeout:     opts.DialTimeout,
		ReadTimeout:     opts.ReadTimeout,
		MaxOpenConns:    8,
		MaxIdleConns:    4,
		ConnMaxLifetime: time.Hour,
		Settings:        settings,
	})
	if err != nil {
		return nil, fmt.Errorf("open clickhouse %s: %w", opts.Addr, err)
	}
	s := &Store{conn: conn, opts: opts, sql: dialect}
	if err := s.Ping(ctx); err != nil {
		_ = conn.Close()
		return nil, err
	}
	if opts.Cluster != "" {
		if s.ddlTimeout, err = s.ddlTimeoutValue(ctx); err != nil {
			_ = conn.Close()
			return nil, fmt.Errorf("open clickhouse %s: %w", opts.Addr, err)
		}
	}
	return s, nil
}

// Close releases the connections.
func (s *Store) Close() error { return s.conn.Close() }

// Conn exposes the driver connection to tests and to the indicator runner.
func (s *Store) Conn() driver.Conn { return s.conn }

// Database returns the (unquoted) database name.
func (s *Store) Database() string { return s.opts.Database }

// Ping checks that the server answers a real query sent with the
// connection's settings. A protocol ping alone is not enough: a server that
// refuses one of those settings still answers pings, and then every query.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.conn.Ping(ctx); err != nil {
		return fmt.Errorf("ping clickhouse %s: %w: %w", s.opts.Addr, ErrUnavailable, err)
	}
	var one uint8
	if err := s.conn.QueryRow(ctx, probeQuery).Scan(&one); err != nil {
		var refused *clickhouse.Exception
		if errors.As(err, &refused) {
			return fmt.Errorf("clickhouse %s answers pings but refused a query sent with the connection settings %v: %w",
				s.opts.Addr, connectionSettings(s.Cluster() != ""), err)
		}
		return fmt.Errorf("query clickhouse %s: %w: %w", s.opts.Addr, ErrUnavailable, err)
	}
	return nil
}

// probeQuery is the real query Ping runs.
const probeQuery = "SELECT toUInt8(1)"

// ServerVersion returns the server's version string.
func (s *Store) ServerVersion(ctx context.Context) (string, error) {
	var v string
	if err := s.conn.QueryRow(ctx, "SELECT version()").Scan(&v); err != nil {
		return "", fmt.Errorf("query clickhouse version: %w", err)
	}
	return v, nil
}

// SQL renders a statement's placeholders ({db}: the quoted database name)
// with the store's dialect (internal/chsql), the one place identifiers are
// substituted; values are always bound parameters.
func (s *Store) SQL(stmt string) string { return s.sql.Render(stmt) }

// Exec runs a statement (DDL or INSERT … SELECT) with bound arguments.
func (s *Store) Exec(ctx context.Context, stmt string, args ...any) error {
	return s.conn.Exec(ctx, s.SQL(stmt), args...)
}

// Count runs a query returning one UInt64 (count(), uniqExact(…)).
func (s *Store) Count(ctx context.Context, query string, args ...any) (uint64, error) {
	var n uint64
	if err := s.conn.QueryRow(ctx, s.SQL(query), args...).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

// ValidIdentifier reports whether name is safe as a ClickHouse identifier
// (chsql.ValidIdentifier, the one rule config and load share).
func ValidIdentifier(name string) bool { return chsql.ValidIdentifier(name) }
