package daemon

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/internal/syncio"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// TestJobChainSurvivesPanics: with SkipIfStillRunning outside and Recover
// innermost, a job that panics runs again next time; in the other order
// (robfig/cron issue 366) it would be skipped for ever. The job's logger
// counts the panic as a failure, and a run due while one is running is
// skipped and counted.
func TestJobChainSurvivesPanics(t *testing.T) {
	m := newMetrics(time.Now, nil, []string{"j"})
	var logs syncio.Buffer
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

// TestServeHTTPTimeouts: serve's HTTP server bounds how long a client may
// take to send headers and body and keep an idle connection.
func TestServeHTTPTimeouts(t *testing.T) {
	srv := newHTTPServer(nil)
	for name, d := range map[string]time.Duration{"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout} {
		if d <= 0 || d > 5*time.Minute {
			t.Errorf("%s = %s, want a bound of at most 5m", name, d)
		}
	}
	if srv.ReadHeaderTimeout > srv.ReadTimeout {
		t.Errorf("ReadHeaderTimeout %s > ReadTimeout %s", srv.ReadHeaderTimeout, srv.ReadTimeout)
	}
}

// TestReadinessGauge: dvcindex_ready has, per check, 1 when every entry of
// /readyz under its name passed, 0 when one failed ("freshness <source>"
// counts as freshness), and no sample when the check could not run.
func TestReadinessGauge(t *testing.T) {
	ok := func(name string) readyCheck { return readyCheck{Name: name, OK: true} }
	bad := func(name string) readyCheck { return readyCheck{Name: name, Detail: "failed"} }
	for _, c := range []struct {
		name   string
		checks []readyCheck
		want   string // the samples, in the exposition format
	}{
		{"ready", []readyCheck{ok("clickhouse"), ok("migrations"), ok("freshness")},
			"dvcindex_ready{check=\"clickhouse\"} 1\ndvcindex_ready{check=\"freshness\"} 1\ndvcindex_ready{check=\"migrations\"} 1\n"},
		{"ClickHouse unreachable: the later checks did not run", []readyCheck{bad("clickhouse")},
			"dvcindex_ready{check=\"clickhouse\"} 0\n"},
		{"a stale source", []readyCheck{ok("clickhouse"), ok("migrations"), ok("freshness dossiers"), bad("freshness petitions")},
			"dvcindex_ready{check=\"clickhouse\"} 1\ndvcindex_ready{check=\"freshness\"} 0\ndvcindex_ready{check=\"migrations\"} 1\n"},
		{"migrations pending", []readyCheck{ok("clickhouse"), bad("migrations"), ok("freshness")},
			"dvcindex_ready{check=\"clickhouse\"} 1\ndvcindex_ready{check=\"freshness\"} 1\ndvcindex_ready{check=\"migrations\"} 0\n"},
		{"shutting down", []readyCheck{bad("serve")}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := newMetrics(time.Now, nil, nil)
			// Every check first passed, so a check that did not run must lose its old sample.
			m.setReadiness(readyReport{Checks: []readyCheck{ok("clickhouse"), ok("migrations"), ok("freshness")}})
			m.setReadiness(readyReport{Checks: c.checks})
			want := ""
			if c.want != "" {
				want = "# HELP dvcindex_ready " + readyHelp + "\n# TYPE dvcindex_ready gauge\n" + c.want
			}
			if err := testutil.GatherAndCompare(m.reg, strings.NewReader(want), "dvcindex_ready"); err != nil {
				t.Error(err)
			}
		})
	}
}
