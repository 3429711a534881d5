package load_test

import (
	"context"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
)

// TestOpenFailsOverInOrder: with several addresses, a store opens on the
// first that answers (clickhouse.addr as a list); with none answering it
// fails as unavailable.
func TestOpenFailsOverInOrder(t *testing.T) {
	live := chtest.Addr(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := load.Open(ctx, load.Options{Addrs: []string{"127.0.0.1:1", live}, Database: "default", DialTimeout: time.Second})
	if err != nil {
		t.Fatalf("open with a dead first address and %s: %v", live, err)
	}
	defer s.Close()
	if _, err := s.ServerVersion(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = load.Open(ctx, load.Options{Addrs: []string{"127.0.0.1:1", "127.0.0.1:2"}, Database: "default", DialTimeout: time.Second})
	if !load.IsUnavailable(err) {
		t.Fatalf("no server answering: error %v, want one marked unavailable", err)
	}
}
