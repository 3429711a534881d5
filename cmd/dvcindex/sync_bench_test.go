package main

import (
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
	n := 200000
	if v, err := strconv.Atoi(os.Getenv("BENCH_DOSSIERS")); err == nil && v > 0 {
		n = v
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		opts := simulator.DefaultOptions()
		opts.Dossiers = n
		h := newBenchHarness(b, opts)
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
	}
}
