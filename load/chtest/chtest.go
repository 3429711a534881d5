// Package chtest gives integration tests a fresh database on the real
// ClickHouse server named by DVC_TEST_CLICKHOUSE (host:port of the native
// protocol, e.g. 127.0.0.1:19000 as started by scripts/clickhouse-test-server.sh).
//
// When the variable is unset a test that needs ClickHouse is skipped; when it
// is set and the server cannot be reached, the test fails — CI always sets it.
package chtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/load"
)

// EnvVar names the server for integration tests.
const EnvVar = "DVC_TEST_CLICKHOUSE"

// Addr returns the server address, skipping the test when none is configured.
func Addr(t testing.TB) string {
	t.Helper()
	addr := os.Getenv(EnvVar)
	if addr == "" {
		t.Skipf("%s is not set: skipping a test that needs ClickHouse (make test sets it)", EnvVar)
	}
	return addr
}

// NewDatabaseName returns a unique database name for one test.
func NewDatabaseName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "dvc_test_" + hex.EncodeToString(b)
}

// Options returns store options for a fresh database on the test server.
func Options(t testing.TB) load.Options {
	return load.Options{Addr: Addr(t), Database: NewDatabaseName(), DialTimeout: 5 * time.Second, RetryWait: 100 * time.Millisecond}
}

// Store opens a store on a fresh, migrated database that is dropped when the
// test ends.
func Store(t testing.TB) *load.Store {
	t.Helper()
	return StoreWith(t, Options(t))
}

// StoreWith is Store with explicit options (Database must be fresh).
func StoreWith(t testing.TB, opts load.Options) *load.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := load.Open(ctx, opts)
	if err != nil {
		t.Fatalf("%s=%s is set but ClickHouse is unreachable: %v", EnvVar, opts.Addr, err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", opts.Database, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if os.Getenv("DVC_TEST_KEEP_DB") == "" {
			_ = s.Exec(ctx, "DROP DATABASE IF EXISTS {db}")
		}
		_ = s.Close()
	})
	return s
}
