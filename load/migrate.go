package load

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one versioned schema change: migrations/NNNN_name.sql.
type Migration struct {
	Version uint32
	Name    string
	SQL     string
}

// Statements splits the file into statements on ';' at line ends. The files
// contain no string literals with ';' at a line end, which keeps this simple.
func (m Migration) Statements() []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(m.SQL, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") || trimmed == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			stmt := strings.TrimSuffix(strings.TrimSpace(cur.String()), ";")
			out = append(out, stmt)
			cur.Reset()
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		out = append(out, rest)
	}
	return out
}

// Migrations lists the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read embedded migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.ParseUint(num, 10, 32)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %s: name must be NNNN_name.sql", name)
		}
		body, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		out = append(out, Migration{Version: uint32(v), Name: rest, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("two migrations with version %d", out[i].Version)
		}
	}
	return out, nil
}

const (
	createDatabaseSQL   = `CREATE DATABASE IF NOT EXISTS {db}`
	dropDatabaseSQL     = `DROP DATABASE IF EXISTS {db}`
	createMigrationsSQL = `CREATE TABLE IF NOT EXISTS {db}.schema_migrations
(version UInt32, name String, applied_at DateTime('Asia/Ho_Chi_Minh'))
ENGINE = ReplacingMergeTree(applied_at) ORDER BY version`
	appliedMigrationsSQL = `SELECT version FROM {db}.schema_migrations FINAL`
	recordMigrationSQL   = `INSERT INTO {db}.schema_migrations (version, name, applied_at)`
)

// Migrate creates the database if needed and applies every migration not yet
// recorded in schema_migrations, in order, recording each after all its
// statements succeeded. Statements are idempotent, so a migration interrupted
// half-way is simply applied again. On a cluster every statement is run ON
// CLUSTER (chsql's Schema) and schema_migrations is replicated to every node,
// so a second node never applies a migration again. It returns the migrations it applied
// (none when the schema is current).
func (s *Store) Migrate(ctx context.Context) ([]Migration, error) {
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	return s.migrate(ctx, all)
}

func (s *Store) migrate(ctx context.Context, all []Migration) ([]Migration, error) {
	for _, stmt := range []string{createDatabaseSQL, createMigrationsSQL} {
		if err := s.ddl(ctx, stmt, 0); err != nil {
			return nil, fmt.Errorf("migrate: prepare %s: %w", s.opts.Database, err)
		}
	}
	done, err := s.appliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	var applied []Migration
	for _, m := range all {
		if done[m.Version] {
			continue
		}
		for i, stmt := range m.Statements() {
			if err := s.ddl(ctx, stmt, m.Version); err != nil {
				return applied, fmt.Errorf("migration %04d_%s statement %d: %w", m.Version, m.Name, i+1, err)
			}
		}
		err := s.insertRows(ctx, s.opts.Logger, recordMigrationSQL, 1, func(int) []any {
			return []any{m.Version, m.Name, time.Now()}
		})
		if err != nil {
			return applied, fmt.Errorf("record migration %04d_%s: %w", m.Version, m.Name, err)
		}
		applied = append(applied, m)
		s.opts.Logger.Info().Uint32("version", m.Version).Str("migration", m.Name).Msg("migration applied")
	}
	return applied, nil
}

// DropDatabase drops the database and every table in it (on every node of
// a cluster): for tests and the self-test, which work in databases of their
// own.
func (s *Store) DropDatabase(ctx context.Context) error {
	if err := s.ddl(ctx, dropDatabaseSQL, 0); err != nil {
		return fmt.Errorf("drop database %s: %w", s.opts.Database, err)
	}
	return nil
}

// PendingMigrations lists migrations not yet applied (for doctor and readyz).
func (s *Store) PendingMigrations(ctx context.Context) ([]Migration, error) {
	done, err := s.appliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	var pending []Migration
	for _, m := range all {
		if !done[m.Version] {
			pending = append(pending, m)
		}
	}
	return pending, nil
}

func (s *Store) appliedMigrations(ctx context.Context) (map[uint32]bool, error) {
	rows, err := s.conn.Query(ctx, s.SQL(appliedMigrationsSQL))
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	done := map[uint32]bool{}
	for rows.Next() {
		var v uint32
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		done[v] = true
	}
	return done, rows.Err()
}
