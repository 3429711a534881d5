package load

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// TestConnectionSettingsArePortable: every setting sent on the connection is
// in the allow-list, with an integer or boolean value, and the obsolete
// LowCardinality switch is not among them.
func TestConnectionSettingsArePortable(t *testing.T) {
	if v, ok := connectionSettings(true)["insert_distributed_sync"]; v != 1 || !ok {
		t.Errorf("on a cluster insert_distributed_sync = %v (set %v); a batch must be acknowledged by every shard", v, ok)
	}
	if _, ok := connectionSettings(false)["insert_distributed_sync"]; ok {
		t.Error("insert_distributed_sync sent to a single server")
	}
	set := connectionSettings(true)
	if err := checkSettings(set); err != nil {
		t.Fatal(err)
	}
	if _, ok := set["allow_experimental_low_cardinality_type"]; ok {
		t.Error("allow_experimental_low_cardinality_type is unknown to current servers, which then refuse every query")
	}
	if v, ok := set["join_use_nulls"]; !ok || v != 0 {
		t.Errorf("join_use_nulls = %v (set %v); every query is written for 0", v, ok)
	}
}

func TestCheckSettings(t *testing.T) {
	cases := []struct {
		name    string
		set     clickhouse.Settings
		wantErr string
	}{
		{"empty", clickhouse.Settings{}, ""},
		{"allowed int", clickhouse.Settings{"max_threads": 2}, ""},
		{"allowed bool", clickhouse.Settings{"insert_distributed_sync": true}, ""},
		{"obsolete", clickhouse.Settings{"allow_experimental_low_cardinality_type": 1}, "allow_experimental_low_cardinality_type"},
		{"newer than 18.16", clickhouse.Settings{"async_insert": 1}, "async_insert"},
		{"string value", clickhouse.Settings{"max_threads": "2"}, "not an integer or boolean"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkSettings(c.set)
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("error %v; want one naming %q", err, c.wantErr)
			}
		})
	}
}

// TestPortableSettingsExistOnTheTestServer checks the allow-list against a
// real server: each setting is known to it (18.16 in CI; any current server
// with DVC_TEST_CLICKHOUSE pointing at it).
func TestPortableSettingsExistOnTheTestServer(t *testing.T) {
	addr := testAddr(t)
	ctx := context.Background()
	s, err := Open(ctx, Options{Addr: addr, Database: "default"})
	if err != nil {
		t.Fatalf("DVC_TEST_CLICKHOUSE=%s is set but ClickHouse is unreachable: %v", addr, err)
	}
	defer s.Close()
	for name := range PortableSettings() {
		n, err := s.Count(ctx, "SELECT count() FROM system.settings WHERE name = ?", name)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("setting %s is in PortableSettings but unknown to the test server", name)
		}
	}
}

// testAddr is chtest.Addr for this package's internal tests (chtest imports
// load, so they cannot import it).
func testAddr(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("DVC_TEST_CLICKHOUSE")
	if addr == "" {
		t.Skip("DVC_TEST_CLICKHOUSE is not set: skipping a test that needs ClickHouse (make test sets it)")
	}
	return addr
}
