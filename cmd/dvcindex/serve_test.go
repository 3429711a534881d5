package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writers of serve.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestJobChainSurvivesPanics: with SkipIfStillRunning outside and Recover
// innermost, a job that panics runs again next time; in the other order
// (robfig/cron issue 366) it would be skipped for ever. The job's logger
// counts the panic as a failure, and a run due while one is running is
// skipped and counted.
func TestJobChainSurvivesPanics(t *testing.T) {
	m := newMetrics(time.Now, nil, []string{"j"})
	var logs syncBuffer
	jl := cronLogger{log: zerolog.New(&logs), level: zerolog.InfoLevel, job: "j", m: m}
	var mu sync.Mutex
	calls := 0
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	job := jobChain(jl).Then(jobFunc(func() {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		switch n {
		case 1:
			panic("boom")
		case 3:
			started <- struct{}{}
			<-release
		}
	}))
	job.Run() // panics inside, recovered
	job.Run() // must run: the slot was released
	done := make(chan struct{})
	go func() { job.Run(); close(done) }() // blocks in call 3
	<-started
	job.Run() // overlaps call 3: skipped
	close(release)
	<-done
	job.Run() // call 4
	if calls != 4 {
		t.Fatalf("job body ran %d times, want 4 (panic, run, blocking run, run after the skip)", calls)
	}
	if got := testutil.ToFloat64(m.jobFailures.WithLabelValues("j")); got != 1 {
		t.Errorf("failures %v, want 1 (the panic)", got)
	}
	if got := testutil.ToFloat64(m.jobSkips.WithLabelValues("j")); got != 1 {
		t.Errorf("skips %v, want 1", got)
	}
	for _, want := range []string{"job panicked", "boom", "job skipped"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.String())
		}
	}
}

type jobFunc func()

func (f jobFunc) Run() { f() }

func TestStaleSources(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	f := config.Freshness{Dossiers: config.Duration(36 * time.Hour), Procedures: config.Duration(8 * 24 * time.Hour)}
	tests := []struct {
		name string
		last map[string]time.Time
		want []string
	}{
		{"never synced is stale; limit 0 is not checked", map[string]time.Time{}, []string{"dossiers", "procedures"}},
		{"fresh", map[string]time.Time{"dossiers": now.Add(-35 * time.Hour), "procedures": now.Add(-7 * 24 * time.Hour)}, nil},
		{"one stale", map[string]time.Time{"dossiers": now.Add(-37 * time.Hour), "procedures": now.Add(-time.Hour)}, []string{"dossiers"}},
		{"exactly at the limit is fresh", map[string]time.Time{"dossiers": now.Add(-36 * time.Hour), "procedures": now}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := staleSources([]string{"dossiers", "petitions", "procedures"}, tt.last, f, now)
			var names []string
			for _, s := range got {
				names = append(names, s.source)
				if !strings.Contains(s.String(), "freshness."+s.source) {
					t.Errorf("message %q does not name the setting", s.String())
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("stale %v, want %v", names, tt.want)
			}
		})
	}
}

func TestComputePeriods(t *testing.T) {
	tests := []struct {
		now  time.Time
		want string
	}{
		{time.Date(2025, 4, 2, 3, 30, 0, 0, transform.HoChiMinh()), "2025-03,2025-04,2025-Q1,2025-Q2"},
		{time.Date(2025, 1, 15, 3, 30, 0, 0, transform.HoChiMinh()), "2024-12,2025-01,2024-Q4,2025-Q1"},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range computePeriods(tt.now) {
			got = append(got, p.Code)
		}
		if strings.Join(got, ",") != tt.want {
			t.Errorf("computePeriods(%s) = %v, want %s", tt.now, got, tt.want)
		}
	}
}

// TestMetricsCountRuns: the observer adds each run's counts once, observes
// its duration and sets the last-success time only for successes.
func TestMetricsCountRuns(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	m := newMetrics(func() time.Time { return now }, []string{"dossiers"}, nil)
	end := now.Add(-time.Minute)
	m.RunFinished(load.Run{Source: "dossiers", Command: "sync", Status: load.RunSuccess, StartedAt: end.Add(-10 * time.Second), FinishedAt: &end,
		Fetched: 100, Loaded: 98, Rejected: 2}, 98)
	failedEnd := now
	m.RunFinished(load.Run{Source: "dossiers", Status: load.RunFailed, StartedAt: now.Add(-time.Second), FinishedAt: &failedEnd,
		Fetched: 10, Loaded: 0, Rejected: 0}, 10)
	m.Retried("dossiers")
	m.setWatermark("dossiers", now.Add(-90*time.Minute))
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"fetched", testutil.ToFloat64(m.fetched.WithLabelValues("dossiers")), 110},
		{"normalized", testutil.ToFloat64(m.normalized.WithLabelValues("dossiers")), 108},
		{"loaded", testutil.ToFloat64(m.loaded.WithLabelValues("dossiers")), 98},
		{"rejected", testutil.ToFloat64(m.rejected.WithLabelValues("dossiers")), 2},
		{"retries", testutil.ToFloat64(m.retries.WithLabelValues("dossiers")), 1},
		{"last success", testutil.ToFloat64(m.lastSuccess.WithLabelValues("dossiers")), float64(end.Unix())},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if n := testutil.CollectAndCount(m.duration); n != 2 {
		t.Errorf("%d duration series, want 2 (success and failed)", n)
	}
	lag := `
# HELP dvcindex_sync_watermark_lag_seconds Seconds between now and the source's incremental watermark (sources with a watermark only).
# TYPE dvcindex_sync_watermark_lag_seconds gauge
dvcindex_sync_watermark_lag_seconds{source="dossiers"} 5400
`
	if err := testutil.GatherAndCompare(m.reg, strings.NewReader(lag), "dvcindex_sync_watermark_lag_seconds"); err != nil {
		t.Error(err)
	}
}
