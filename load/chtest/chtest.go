// Package chtest gives integration tests a fresh database on the real
// ClickHouse server named by DVC_TEST_CLICKHOUSE (host:port of the native
// protocol, e.g. 127.0.0.1:19000 as started by scripts/clickhouse-test-server.sh).
//
// When the variable is unset a test that needs ClickHouse is skipped; when it
// is set and the server cannot be reached, the test fails — CI always sets it.
//
// DVC_TEST_CLICKHOUSE_CLUSTER names a cluster (scripts/clickhouse-cluster.sh:
// "127.0.0.1:19401/dvc", the first node's address and the cluster's name)
// for the cluster's own tests (Cluster). With DVC_TEST_ON_CLUSTER=1 as well,
// every integration test runs on that cluster instead of the single server:
// Options gives the cluster's nodes and name.
package chtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/load"
)

// EnvVar names the server for integration tests.
const EnvVar = "DVC_TEST_CLICKHOUSE"

// ClusterEnvVar names the test cluster; OnClusterEnvVar runs every
// integration test on it.
const (
	ClusterEnvVar   = "DVC_TEST_CLICKHOUSE_CLUSTER"
	OnClusterEnvVar = "DVC_TEST_ON_CLUSTER"
)

// TestCluster is the test cluster: its nodes (node 1 first) and its name.
type TestCluster struct {
	Addrs []string
	Name  string
}

// Cluster returns the test cluster, skipping the test when none is
// configured. The nodes are node 1's address and the three after it on
// consecutive ports (scripts/clickhouse-cluster.sh's layout).
func Cluster(t testing.TB) TestCluster {
	t.Helper()
	v := os.Getenv(ClusterEnvVar)
	if v == "" {
		t.Skipf("%s is not set: skipping a test that needs the ClickHouse cluster (make test sets it)", ClusterEnvVar)
	}
	c, err := parseCluster(v)
	if err != nil {
		t.Fatalf("%s=%s: %v", ClusterEnvVar, v, err)
	}
	return c
}

// parseCluster reads "host:port/name" (node 1 of four on consecutive ports).
func parseCluster(v string) (TestCluster, error) {
	addr, name, ok := strings.Cut(v, "/")
	host, port, err := net.SplitHostPort(addr)
	if !ok || name == "" || err != nil {
		return TestCluster{}, fmt.Errorf("want host:port/cluster")
	}
	first, err := strconv.Atoi(port)
	if err != nil {
		return TestCluster{}, fmt.Errorf("port %q: %w", port, err)
	}
	c := TestCluster{Name: name}
	for i := 0; i < 4; i++ {
		c.Addrs = append(c.Addrs, net.JoinHostPort(host, strconv.Itoa(first+i)))
	}
	return c, nil
}

// OnCluster reports whether every integration test runs on the cluster.
func OnCluster() bool { return os.Getenv(OnClusterEnvVar) == "1" }

// Env is the configuration environment (DVC_CLICKHOUSE_…) of opts, for tests
// that run the command.
func Env(opts load.Options) []string {
	env := []string{"DVC_CLICKHOUSE_ADDR=" + opts.Addr, "DVC_CLICKHOUSE_DATABASE=" + opts.Database}
	if opts.Cluster != "" {
		env = append(env, "DVC_CLICKHOUSE_CLUSTER="+opts.Cluster)
	}
	return env
}

// Addr returns the server address, skipping the test when none is configured.
// With DVC_TEST_ON_CLUSTER=1 it is the cluster's node list (comma-separated).
func Addr(t testing.TB) string {
	t.Helper()
	if OnCluster() {
		return strings.Join(Cluster(t).Addrs, ",")
	}
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

// Options returns store options for a fresh database on the test server
// (on the test cluster with DVC_TEST_ON_CLUSTER=1).
func Options(t testing.TB) load.Options {
	opts := load.Options{Addr: Addr(t), Database: NewDatabaseName(), DialTimeout: 5 * time.Second, RetryWait: 100 * time.Millisecond}
	if OnCluster() {
		c := Cluster(t)
		opts.Addr, opts.Addrs, opts.Cluster = strings.Join(c.Addrs, ","), c.Addrs, c.Name
	}
	return opts
}

// ClusterOptions returns store options for a fresh database on the test
// cluster.
func ClusterOptions(t testing.TB) load.Options {
	c := Cluster(t)
	return load.Options{Addr: strings.Join(c.Addrs, ","), Addrs: c.Addrs, Cluster: c.Name, Database: NewDatabaseName(), DialTimeout: 5 * time.Second,
		RetryWait: 100 * time.Millisecond, Retries: 3, DDLTimeout: time.Minute}
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
	// A hang guard: a migrate on the cluster is about 100 ON CLUSTER
	// statements, queued behind every other test database's.
	guard := time.Minute
	if opts.Cluster != "" {
		guard = 10 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), guard)
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
			_ = s.DropDatabase(ctx)
		}
		_ = s.Close()
	})
	return s
}
