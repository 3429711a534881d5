package doctor

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/dvcindex/dvcindex/load"
)

// checkClickHouse checks the configured ClickHouse: reachable with the
// credentials, its version, the database, the user's rights, the schema
// and the freshness of every source. Each step that fails skips the
// steps that need it.
func (d *Doctor) checkClickHouse(ctx context.Context, r *report) {
	c := d.cfg.ClickHouse
	r.section("clickhouse (" + c.Addr.String() + ", database " + c.Database + ")")
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	store := d.connect(ctx, r)
	if store == nil {
		return
	}
	defer store.Close()
	version, err := store.ServerVersion(ctx)
	if err != nil {
		r.problem("clickhouse", err.Error(), "check that the server at clickhouse.addr is a ClickHouse server and the user may run SELECT.")
		return
	}
	r.ok("reachable, server version %s", version)
	if c.Cluster != "" {
		d.checkCluster(ctx, r, store)
	}
	if !d.checkDatabase(ctx, r, store) {
		return
	}
	d.checkRights(ctx, r, store)
	if d.checkSchema(ctx, r, store) {
		d.checkFreshness(ctx, r, store)
		d.checkDrift(ctx, r, store)
	}
}

// connect opens the configured ClickHouse with short timeouts and no
// retries (doctor should answer quickly), or reports why it cannot and
// returns nil.
func (d *Doctor) connect(ctx context.Context, r *report) *load.Store {
	opts, err := d.opts.StoreOptions()
	if err != nil {
		r.problem("clickhouse.ca_file", err.Error(), "set clickhouse.ca_file to a readable PEM file of the CA that signed the server's certificate.")
		return nil
	}
	opts.DialTimeout = min(opts.DialTimeout, 5*time.Second)
	opts.ReadTimeout = min(opts.ReadTimeout, 20*time.Second)
	opts.Retries = 0
	store, err := load.Open(ctx, opts)
	if err == nil {
		return store
	}
	msg := err.Error()
	if strings.Contains(msg, "password") || strings.Contains(msg, "Authentication") || strings.Contains(msg, "Unknown user") {
		r.problem("clickhouse.password", msg, fmt.Sprintf("set clickhouse.username and clickhouse.password (%s) to a ClickHouse user that exists on the server.", d.origin("clickhouse.password")))
	} else {
		r.problem("clickhouse.addr", fmt.Sprintf("ClickHouse at %s did not answer: %s", d.cfg.ClickHouse.Addr, msg),
			fmt.Sprintf("start ClickHouse or set clickhouse.addr (%s) to the host:port of its native protocol (9000 by default, not the HTTP port 8123).", d.origin("clickhouse.addr")))
	}
	r.info("skipped: version, rights, schema and freshness checks")
	return nil
}

// checkDatabase reports whether clickhouse.database exists.
func (d *Doctor) checkDatabase(ctx context.Context, r *report, store *load.Store) bool {
	db := d.cfg.ClickHouse.Database
	exists, err := store.Count(ctx, "SELECT count() FROM system.databases WHERE name = ?", db)
	if err == nil && exists > 0 {
		return true
	}
	what := fmt.Sprintf("database %s does not exist", db)
	if err != nil {
		what = fmt.Sprintf("could not list databases: %v", err)
	}
	r.problem("clickhouse.database", what, "run 'dvcindex migrate' to create the database and its schema (or correct clickhouse.database).")
	return false
}

// checkRights creates a probe table (Memory engine), inserts a row, reads
// it back and drops the table, whatever happened.
func (d *Doctor) checkRights(ctx context.Context, r *report, store *load.Store) {
	c := d.cfg.ClickHouse
	probe := "doctor_probe_" + randomHex(4)
	defer func() { _ = store.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS {db}."+probe) }()
	for _, s := range []struct{ right, stmt string }{
		{"create", "CREATE TABLE {db}." + probe + " (x UInt8) ENGINE = Memory"},
		{"insert", "INSERT INTO {db}." + probe + " (x) SELECT 1"},
	} {
		if err := store.Exec(ctx, s.stmt); err != nil {
			r.problem("clickhouse.username", fmt.Sprintf("user %s cannot %s tables in %s: %v", c.Username, s.right, c.Database, err),
				fmt.Sprintf("give the ClickHouse user the right to %s in database %s (readonly=0 and allow_databases in users.xml, or GRANT on current servers), or use a user that has it.", strings.ToUpper(s.right), c.Database))
			return
		}
	}
	if n, err := store.Count(ctx, "SELECT count() FROM {db}."+probe); err != nil || n != 1 {
		r.problem("clickhouse.username", fmt.Sprintf("user %s cannot read back a probe row in %s (rows %d, err %v)", c.Username, c.Database, n, err),
			fmt.Sprintf("give the ClickHouse user the right to SELECT in database %s, or use a user that has it.", c.Database))
		return
	}
	r.ok("user %s may create, insert and select in %s", c.Username, c.Database)
}

// checkSchema reports pending migrations; it returns false when
// schema_migrations cannot be read (the freshness check would fail too).
func (d *Doctor) checkSchema(ctx context.Context, r *report, store *load.Store) bool {
	pending, err := store.PendingMigrations(ctx)
	switch {
	case err != nil:
		r.problem("schema", fmt.Sprintf("cannot read schema_migrations: %v", err), "run 'dvcindex migrate' to create the schema.")
		return false
	case len(pending) > 0:
		r.problem("schema", fmt.Sprintf("%d migration(s) pending, first %04d_%s", len(pending), pending[0].Version, pending[0].Name),
			"run 'dvcindex migrate' (it applies only what is missing and is safe to repeat).")
	default:
		all, _ := load.Migrations() // an error leaves the count at 0, as version prints it
		r.ok("schema current (%d migrations)", len(all))
	}
	return true
}

// randomHex returns n random bytes in hex: the probe table's suffix.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
