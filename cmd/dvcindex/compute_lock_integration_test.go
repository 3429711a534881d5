package main

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/transform"
)

// TestComputeWaitsForTheRunningKeyedSync: inside serve, a compute that needs
// BCQG counts while the scheduled sync of bcqg is fetching them waits for
// it, then fetches nothing that sync loaded.
func TestComputeWaitsForTheRunningKeyedSync(t *testing.T) {
	h := newHarness(t, simOptions(100))
	if code, _, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatal(errs)
	}
	cfg, err := config.Load("", h.env)
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: cfg, log: zerolog.Nop(), stdout: io.Discard, stderr: io.Discard, environ: h.env, now: time.Now, locks: pipeline.NewLocks()}
	waiting := make(chan string, 8)
	a.locks.SetOnWait(func(src string) { waiting <- src })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, err := transform.ParsePeriod("2025-07")
	if err != nil {
		t.Fatal(err)
	}
	// The scheduled sync of bcqg is running: it holds the lock.
	unlock, err := a.locks.Lock(ctx, "bcqg")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.compute(ctx, h.store, p, nil, false) }()
	select {
	case src := <-waiting:
		if src != "bcqg" {
			t.Fatalf("compute waited for %s", src)
		}
	case err := <-done:
		unlock()
		t.Fatalf("compute finished (%v) without waiting for the running sync of bcqg", err)
	}
	// The sync fetches what compute would have fetched, then ends.
	if err := a.engine(false).FetchKeyed(ctx, h.store, "bcqg", []transform.Period{p, p.PreviousYear()}, true, "sync"); err != nil {
		t.Fatal(err)
	}
	unlock()
	if err := <-done; err != nil {
		t.Fatalf("compute: %v", err)
	}
	if n := h.count("SELECT sum(fetched) FROM {db}.v_runs WHERE source = 'bcqg' AND command = 'sync'"); n == 0 {
		t.Fatal("the sync fetched nothing: the test proves nothing")
	}
	if n := h.count("SELECT count() FROM {db}.v_runs WHERE source = 'compute' AND status = 'success'"); n != 1 {
		t.Fatalf("%d successful computes", n)
	}
	if n := h.count("SELECT sum(fetched) FROM {db}.v_runs WHERE source = 'bcqg' AND command LIKE 'compute%'"); n != 0 {
		t.Errorf("compute fetched %d BCQG records the running sync had fetched", n)
	}
}
