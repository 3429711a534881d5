package pipeline

import (
	"context"
	"errors"
	"testing"
)

func TestSourceLocks(t *testing.T) {
	ctx := context.Background()
	l := NewLocks()
	unlock, err := l.Lock(ctx, "bcqg")
	if err != nil {
		t.Fatal(err)
	}
	// Another source is independent.
	other, err := l.Lock(ctx, "evaluation")
	if err != nil {
		t.Fatalf("evaluation blocked by bcqg: %v", err)
	}
	other()
	// A second run of bcqg waits; with its context ended it gives up.
	var waited []string
	l.SetOnWait(func(src string) { waited = append(waited, src) })
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.Lock(cctx, "bcqg"); !errors.Is(err, context.Canceled) {
		t.Fatalf("lock of a held source with a cancelled context: %v", err)
	}
	if len(waited) != 1 || waited[0] != "bcqg" {
		t.Fatalf("waits %v", waited)
	}
	unlock()
	unlock() // releasing twice is harmless
	again, err := l.Lock(cctx, "bcqg")
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again()
	// Commands run once have no locks.
	var none *Locks
	if u, err := none.Lock(cctx, "bcqg"); err != nil {
		t.Fatal(err)
	} else {
		u()
	}
}
