package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// abortWait bounds how long serve waits, after the grace period, for the
// aborted jobs to record their outcome (a run records its failure with a
// fresh 15 s context) before it exits anyway.
const abortWait = 30 * time.Second

// scheduledJob is one entry of the daemon's schedule.
type scheduledJob struct {
	name string // "sync dossiers", "compute", "report"
	spec string // robfig/cron spec (config.ParseSchedule)
	run  func(ctx context.Context) error
}

// serveHooks let tests observe and extend serve; the command line passes
// the zero value. They are not reachable from the CLI.
type serveHooks struct {
	extraJobs []scheduledJob    // added to the configured schedule
	listening func(addr string) // told the HTTP address once it listens
}

// server is one running `dvcindex serve`.
type server struct {
	a       *app // the daemon's copy of the app, with metrics as observer
	log     zerolog.Logger
	m       *metrics
	jobCtx  context.Context // parent of every job; cancelled when the grace period is over
	timeout time.Duration

	mu    sync.Mutex
	store *load.Store // opened on first use, so serve starts while ClickHouse is down

	stopping chan struct{} // closed when shutdown begins (readyz turns not-ready)
}

// lockedWriter serializes writes of concurrent jobs to one stream.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// serve runs the scheduler and the HTTP endpoint until ctx is cancelled
// (SIGTERM, SIGINT), then stops scheduling, gives running jobs
// serve.grace_period to finish, aborts the rest and returns nil.
func (a *app) serve(ctx context.Context, hooks serveHooks) error {
	// Refuse to start a daemon whose every dossier sync would fail.
	if err := a.engine(false).CheckDossierKey(); err != nil {
		return err
	}
	sa := *a
	sa.stdout = &lockedWriter{w: a.stdout}
	if sa.locks == nil {
		sa.locks = pipeline.NewLocks()
	}
	s := &server{a: &sa, log: a.log.With().Str("component", "serve").Logger(), timeout: a.cfg.Serve.JobTimeout.D(),
		stopping: make(chan struct{})}
	jobs, err := s.jobs(hooks.extraJobs)
	if err != nil {
		return err
	}
	names := make([]string, len(jobs))
	for i, j := range jobs {
		names[i] = j.name
	}
	s.m = newMetrics(a.now, pipeline.Names(), names)
	sa.obs = s.m

	jobCtx, abort := context.WithCancel(context.WithoutCancel(ctx))
	defer abort()
	s.jobCtx = jobCtx

	c := cron.New(cron.WithLogger(cronLogger{log: s.log, level: zerolog.DebugLevel}))
	for _, j := range jobs {
		sched, err := config.ParseSchedule(j.spec)
		if err != nil {
			return usagef("schedule of job %q: %q is not a cron spec: %v", j.name, j.spec, err)
		}
		jl := cronLogger{log: s.log.With().Str("job", j.name).Logger(), level: zerolog.InfoLevel, job: j.name, m: s.m}
		c.Schedule(sched, jobChain(jl).Then(s.wrap(j)))
		s.log.Info().Str("job", j.name).Str("schedule", j.spec).Time("next", sched.Next(a.now())).Msg("job scheduled")
	}

	ln, err := net.Listen("tcp", a.cfg.Serve.Addr)
	if err != nil {
		return fmt.Errorf("serve: listen on serve.addr %s: %w", a.cfg.Serve.Addr, err)
	}
	httpSrv := newHTTPServer(s.handler())
	httpDone := make(chan error, 1)
	go func() { httpDone <- httpSrv.Serve(ln) }()
	s.log.Info().Str("addr", ln.Addr().String()).Msg("serving /metrics, /healthz, /readyz")
	if hooks.listening != nil {
		hooks.listening(ln.Addr().String())
	}
	if st, err := s.openStore(ctx); err == nil {
		s.refreshWatermarks(ctx, st)
		// Seed the last-success gauges from the run history, so a restart
		// does not hide how old the data is.
		if last, err := st.LastSuccessfulSyncs(ctx); err == nil {
			for src, t := range last {
				s.m.lastSuccess.WithLabelValues(src).Set(float64(t.Unix()))
			}
		}
	} else {
		s.log.Warn().Err(err).Msg("ClickHouse is not reachable yet; jobs will retry at their next run")
	}

	c.Start()
	select {
	case <-ctx.Done():
	case err := <-httpDone:
		c.Stop()
		abort()
		return fmt.Errorf("serve: HTTP server on %s: %w", ln.Addr(), err)
	}

	close(s.stopping)
	grace := a.cfg.Serve.GracePeriod.D()
	s.log.Info().Dur("grace_period", grace).Msg("shutdown requested: no new runs; waiting for running jobs")
	stopped := c.Stop()
	select {
	case <-stopped.Done():
		s.log.Info().Msg("no job running")
	case <-time.After(grace):
		s.log.Warn().Dur("grace_period", grace).Msg("grace period over: aborting running jobs (their watermarks stay at the last committed window)")
		abort()
		select {
		case <-stopped.Done():
			s.log.Info().Msg("running jobs aborted")
		case <-time.After(abortWait):
			s.log.Error().Dur("waited", abortWait).Msg("running jobs did not stop after being aborted; exiting anyway")
		}
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutCtx); err != nil {
		s.log.Warn().Err(err).Msg("HTTP server shutdown")
	}
	s.mu.Lock()
	if s.store != nil {
		_ = s.store.Close()
	}
	s.mu.Unlock()
	s.log.Info().Msg("serve stopped")
	return nil
}

// scheduledSources are the sources serve syncs (and whose freshness readyz
// and doctor check): every source the configuration enables.
func (a *app) scheduledSources() []string { return pipeline.EnabledNames(a.cfg) }

// jobChain is the wrapper chain of every scheduled job: SkipIfStillRunning
// outside, Recover innermost, so that a panic is recovered inside the skip
// wrapper, which then releases its slot. In the other order one panic leaves
// the slot taken and the job skipped for ever (robfig/cron issue 366). It is
// the chain cron.WithChain would apply, built per job so that its logger
// can count that job's skips and panics.
func jobChain(l cron.Logger) cron.Chain {
	return cron.NewChain(cron.SkipIfStillRunning(l), cron.Recover(l))
}

// jobs lists the configured jobs: a sync of every implemented source on
// schedule.sync, compute on schedule.compute, the report on
// schedule.report ("" disables a job), then the extra ones.
func (s *server) jobs(extra []scheduledJob) ([]scheduledJob, error) {
	sch := s.a.cfg.Schedule
	var out []scheduledJob
	if sch.Sync != "" {
		for _, src := range s.a.scheduledSources() {
			out = append(out, scheduledJob{name: "sync " + src, spec: sch.Sync, run: func(ctx context.Context) error {
				return s.runSync(ctx, src)
			}})
		}
	}
	if sch.Compute != "" {
		out = append(out, scheduledJob{name: "compute", spec: sch.Compute, run: s.runCompute})
	}
	if sch.Report != "" {
		out = append(out, scheduledJob{name: "report", spec: sch.Report, run: s.runReport})
	}
	out = append(out, extra...)
	seen := map[string]bool{}
	for _, j := range out {
		if seen[j.name] {
			return nil, fmt.Errorf("serve: two jobs named %q", j.name)
		}
		seen[j.name] = true
	}
	return out, nil
}

// wrap runs one job with the per-job timeout and logs its start, finish
// or failure. Panics propagate to cron.Recover, which logs and counts them.
func (s *server) wrap(j scheduledJob) cron.Job {
	return cron.FuncJob(func() {
		log := s.log.With().Str("job", j.name).Logger()
		if s.jobCtx.Err() != nil {
			log.Info().Msg("job not started: shutting down")
			return
		}
		s.m.jobRuns.WithLabelValues(j.name).Inc()
		ctx, cancel := context.WithTimeout(s.jobCtx, s.timeout)
		defer cancel()
		start := time.Now()
		log.Info().Dur("timeout", s.timeout).Msg("job started")
		err := j.run(ctx)
		took := time.Since(start)
		if err != nil {
			s.m.jobFailures.WithLabelValues(j.name).Inc()
			ev := log.Error().Err(err).Dur("took", took)
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				ev = ev.Dur("job_timeout", s.timeout)
			}
			ev.Msg("job failed")
			return
		}
		log.Info().Dur("took", took).Msg("job finished")
	})
}

// openStore returns the shared store, connecting on first use (and again
// after a failed attempt).
func (s *server) openStore(ctx context.Context) (*load.Store, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store != nil {
		return s.store, nil
	}
	st, err := s.a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	s.store = st
	return st, nil
}

func (s *server) runSync(ctx context.Context, source string) error {
	store, err := s.openStore(ctx)
	if err != nil {
		return err
	}
	unlock, err := s.a.locks.Lock(ctx, source)
	if err != nil {
		return err
	}
	err = s.a.engine(false).Sync(ctx, store, source, false)
	unlock()
	s.refreshWatermarks(context.WithoutCancel(ctx), store, source)
	return err
}

// refreshWatermarks reads the watermarks of sources (default: all) for the
// lag gauge.
func (s *server) refreshWatermarks(ctx context.Context, store *load.Store, sources ...string) {
	if len(sources) == 0 {
		sources = s.a.scheduledSources()
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, src := range sources {
		wm, ok, err := store.Watermark(ctx, src)
		if err != nil {
			s.log.Debug().Err(err).Str("source", src).Msg("could not read the watermark for the lag gauge")
			continue
		}
		if ok {
			s.m.setWatermark(src, wm)
		}
	}
}

// computePeriods are the periods the scheduled compute refreshes: the
// current and the previous month and quarter.
func computePeriods(now time.Time) []transform.Period {
	var out []transform.Period
	for _, k := range []transform.PeriodKind{transform.Month, transform.Quarter} {
		cur := transform.PeriodOf(k, now)
		out = append(out, cur.Previous(), cur)
	}
	return out
}

func (s *server) runCompute(ctx context.Context) error {
	store, err := s.openStore(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range computePeriods(s.a.now()) {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		if err := s.a.compute(ctx, store, p, nil, false); err != nil {
			errs = append(errs, fmt.Errorf("compute %s: %w", p.Code, err))
		}
	}
	return errors.Join(errs...)
}

// runReport writes the report of the previous month, in every format, into
// serve.report_dir.
func (s *server) runReport(ctx context.Context) error {
	p := transform.PeriodOf(transform.Month, s.a.now()).Previous()
	store, err := s.openStore(ctx)
	if err != nil {
		return err
	}
	files, err := s.a.writeReports(ctx, store, p, s.a.cfg.Serve.ReportDir)
	if err != nil {
		return fmt.Errorf("report %s: %w", p.Code, err)
	}
	s.log.Info().Str("job", "report").Str("period", p.Code).Strs("files", files).Msg("report written")
	return nil
}

// HTTP limits of serve.addr: a client that sends its headers or body slowly,
// or keeps idle connections open, cannot hold the daemon's sockets.
const (
	httpReadHeaderTimeout = 10 * time.Second
	httpReadTimeout       = 30 * time.Second
	httpWriteTimeout      = 60 * time.Second
	httpIdleTimeout       = 2 * time.Minute
)

// newHTTPServer is serve's HTTP server for /metrics, /healthz and /readyz.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: httpReadHeaderTimeout, ReadTimeout: httpReadTimeout,
		WriteTimeout: httpWriteTimeout, IdleTimeout: httpIdleTimeout, MaxHeaderBytes: 64 << 10}
}

// handler serves /metrics, /healthz and /readyz.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(s.m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		rep := s.readiness(ctx)
		w.Header().Set("Content-Type", "application/json")
		if !rep.Ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(rep)
	})
	return mux
}

// readyReport is the body of /readyz.
type readyReport struct {
	Ready  bool         `json:"ready"`
	Checks []readyCheck `json:"checks"`
}

type readyCheck struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// readiness checks ClickHouse, the schema and the freshness of every
// source (from v_runs).
func (s *server) readiness(ctx context.Context) readyReport {
	rep := readyReport{Ready: true}
	add := func(name string, err error, detail string) {
		c := readyCheck{Name: name, OK: err == nil, Detail: detail}
		if err != nil {
			c.Detail = err.Error()
			rep.Ready = false
		}
		rep.Checks = append(rep.Checks, c)
	}
	select {
	case <-s.stopping:
		add("serve", errors.New("shutting down"), "")
		return rep
	default:
	}
	store, err := s.openStore(ctx)
	if err == nil {
		err = store.Ping(ctx)
	}
	if err != nil {
		add("clickhouse", err, "")
		return rep
	}
	add("clickhouse", nil, "reachable")
	pending, err := store.PendingMigrations(ctx)
	if err == nil && len(pending) > 0 {
		err = fmt.Errorf("%d schema migrations pending (first %04d_%s): run 'dvcindex migrate'", len(pending), pending[0].Version, pending[0].Name)
	}
	add("migrations", err, "current")
	last, err := store.LastSuccessfulSyncs(ctx)
	if err != nil {
		add("freshness", err, "")
		return rep
	}
	for _, st := range staleSources(s.a.scheduledSources(), last, s.a.cfg.Freshness, s.a.now()) {
		add("freshness "+st.source, errors.New(st.String()), "")
	}
	if rep.Ready {
		rep.Checks = append(rep.Checks, readyCheck{Name: "freshness", OK: true, Detail: "every source within its freshness limit"})
	}
	return rep
}

// staleness is one source older than its freshness limit.
type staleness struct {
	source string
	last   time.Time // zero: never synced successfully
	limit  time.Duration
	age    time.Duration
}

func (s staleness) String() string {
	key := "freshness." + s.source
	if s.last.IsZero() {
		return fmt.Sprintf("source %s has no successful sync in v_runs (limit %s = %s)", s.source, key, s.limit)
	}
	return fmt.Sprintf("source %s last synced successfully %s ago at %s, older than %s = %s", s.source,
		s.age.Round(time.Second), s.last.Local().Format(time.RFC3339), key, s.limit)
}

// staleSources returns the sources whose last successful sync (last) is
// older than their freshness limit at now, in the order of sources. A limit
// of 0 is not checked.
func staleSources(sources []string, last map[string]time.Time, f config.Freshness, now time.Time) []staleness {
	var out []staleness
	for _, src := range sources {
		limit := f.Of(src)
		if limit <= 0 {
			continue
		}
		t, ok := last[src]
		if !ok {
			out = append(out, staleness{source: src, limit: limit})
			continue
		}
		if age := now.Sub(t); age > limit {
			out = append(out, staleness{source: src, last: t, limit: limit, age: age})
		}
	}
	return out
}

// cronLogger adapts zerolog to cron.Logger. A job's logger also counts that
// job's skips (SkipIfStillRunning logs "skip") and panics (Recover logs
// "panic").
type cronLogger struct {
	log   zerolog.Logger
	level zerolog.Level // of cron's informational messages
	job   string
	m     *metrics
}

func (l cronLogger) Info(msg string, kv ...any) {
	if l.job != "" && msg == "skip" {
		l.m.jobSkips.WithLabelValues(l.job).Inc()
		l.log.Warn().Msg("job skipped: its previous run is still running")
		return
	}
	l.log.WithLevel(l.level).Fields(kv).Msg("cron: " + msg)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	if l.job != "" && msg == "panic" {
		l.m.jobFailures.WithLabelValues(l.job).Inc()
		l.log.Error().Err(err).Fields(kv).Msg("job panicked; recovered, the next run will happen as scheduled")
		return
	}
	l.log.Error().Err(err).Fields(kv).Msg("cron: " + msg)
}
