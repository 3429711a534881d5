package main

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
)

// BenchmarkSync measures a whole `sync --source dossiers` of BENCH_DOSSIERS
// dossiers (default 200000) from an in-process portalsim into the test
// ClickHouse: throughput in dossiers/s and the largest live heap seen while
// it ran (sampled every 20 ms), which must stay flat as the export grows.
//
//	make bench                      # or:
//	BENCH_DOSSIERS=1000000 DVC_TEST_CLICKHOUSE=127.0.0.1:19000 \
//	  go test -run '^$' -bench BenchmarkSync -benchtime 1x ./cmd/dvcindex/
func BenchmarkSync(b *testing.B) {
	n := benchDossiers()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := newBenchHarness(b, benchOptions(n))
		var maxHeap atomic.Uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			var ms runtime.MemStats
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					runtime.ReadMemStats(&ms)
					if ms.HeapInuse > maxHeap.Load() {
						maxHeap.Store(ms.HeapInuse)
					}
				}
			}
		}()
		b.StartTimer()
		start := time.Now()
		code, out, errs := h.run(nil, "sync", "--source", "dossiers", "--once")
		took := time.Since(start)
		b.StopTimer()
		close(stop)
		<-done
		if code != 0 {
			b.Fatalf("sync exit %d: %s %s", code, out, errs)
		}
		b.ReportMetric(float64(n)/took.Seconds(), "dossiers/s")
		b.ReportMetric(float64(maxHeap.Load())/(1<<20), "max-heap-MiB")
		reportArchiveSize(b, h, n)
	}
}

// reportArchiveSize reports the archive's size on disk (raw_pages,
// compressed, after its parts merge) per million dossiers read.
func reportArchiveSize(b *testing.B, h *harness, n int) {
	b.Helper()
	if err := h.store.Conn().Exec(context.Background(), h.store.SQL("OPTIMIZE TABLE {db}.raw_pages FINAL")); err != nil {
		b.Fatal(err)
	}
	onDisk := h.count("SELECT sum(bytes_on_disk) FROM system.parts WHERE database = ? AND table = 'raw_pages' AND active", h.store.Database())
	raw := h.count("SELECT sum(data_uncompressed_bytes) FROM system.parts WHERE database = ? AND table = 'raw_pages' AND active", h.store.Database())
	b.ReportMetric(float64(onDisk)/float64(n)*1e6/(1<<20), "archive-MiB-per-million")
	b.ReportMetric(float64(raw)/float64(max(onDisk, 1)), "archive-compression-ratio")
}

// BenchmarkReprocess measures `reprocess --source dossiers` of the archive
// of BENCH_DOSSIERS dossiers (default 200000), synced first (not timed):
// dossiers/s re-normalized and reloaded, with no request to the portal.
//
//	DVC_TEST_CLICKHOUSE=127.0.0.1:19000 go test -run '^$' -bench 'BenchmarkSync|BenchmarkReprocess' -benchtime 1x ./cmd/dvcindex/
func BenchmarkReprocess(b *testing.B) {
	n := benchDossiers()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := newBenchHarness(b, benchOptions(n))
		if code, out, errs := h.run(nil, "sync", "--source", "dossiers", "--once"); code != 0 {
			b.Fatalf("sync exit %d: %s %s", code, out, errs)
		}
		requests := h.sim.Requests()
		b.StartTimer()
		start := time.Now()
		code, out, errs := h.run(nil, "reprocess", "--source", "dossiers", "--restart")
		took := time.Since(start)
		b.StopTimer()
		if code != 0 {
			b.Fatalf("reprocess exit %d: %s %s", code, out, errs)
		}
		if h.sim.Requests() != requests {
			b.Fatalf("reprocess made %d portal requests", h.sim.Requests()-requests)
		}
		b.ReportMetric(float64(n)/took.Seconds(), "dossiers/s")
	}
}

// benchDossiers is BENCH_DOSSIERS, default 200000.
func benchDossiers() int {
	if v, err := strconv.Atoi(os.Getenv("BENCH_DOSSIERS")); err == nil && v > 0 {
		return v
	}
	return 200000
}

// benchOptions is the simulator of a benchmark over n dossiers.
func benchOptions(n int) simulator.Options {
	opts := simulator.DefaultOptions()
	opts.Dossiers = n
	return opts
}
