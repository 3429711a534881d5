// Package daemon is `dvcindex serve`: it owns the schedule of the nightly
// jobs (a sync of every enabled source, compute, the report, and the early
// warning after the syncs of dossiers and petitions), the HTTP
// endpoint (/metrics, /healthz, /readyz, and the units' page on every
// other path when Options.Web is set) and the shutdown. The work of
// every job is the run engine's (internal/pipeline); the daemon only
// decides when it runs and tells what it did.
//
// Invariants:
//   - A job never overlaps itself: a run due while the previous one is
//     still running is skipped, logged and counted. A job that panics is
//     recovered, logged and counted, and runs again at its next time.
//   - Each run is limited to serve.job_timeout. On shutdown no new run
//     starts; running ones get serve.grace_period, then are aborted (a sync
//     keeps its watermark at the last window whose batches were all
//     acknowledged), and Run returns nil.
//   - ClickHouse may be down when the daemon starts: it connects on first
//     use and again after a failed attempt.
//   - After each sync round (the runs one tick of schedule.sync starts) in
//     which a sync of dossiers or petitions succeeded, once the round's
//     last such run is over, the job "watch" runs the early warning of the
//     watch.period holding now for every unit, then replaces its metrics,
//     rewrites serve.report_dir/watch/<period>/ and posts the webhooks
//     (docs/watch-nightly.md). It never overlaps itself, and its failure
//     is logged and counted but fails no sync.
//   - The metrics live on a registry of the server's own, never the global
//     default. dvcindex_ready is the result of the last readiness probe
//     (every readyProbeEvery, and every /readyz request): a scrape of
//     /metrics never waits on ClickHouse.
package daemon

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/internal/watch"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// abortWait bounds how long the daemon waits, after the grace period, for
// the aborted jobs to record their outcome (a run records its failure with
// a fresh 15 s context) before it returns anyway.
const abortWait = 30 * time.Second

// Job is one entry of the schedule.
type Job struct {
	Name string // "sync dossiers", "compute", "report"
	Spec string // robfig/cron spec (config.ParseSchedule)
	Run  func(ctx context.Context) error
	// onSkip, if set, is called when cron skips a run because the previous
	// one is still running.
	onSkip func()
}

// Options configure a Server.
type Options struct {
	Config config.Config
	Log    zerolog.Logger
	Now    func() time.Time // default time.Now
	// OpenStore connects to ClickHouse.
	OpenStore func(ctx context.Context) (*load.Store, error)
	// Pipeline are the engine's options; the daemon sets its Observer
	// (the metrics) and Locks.
	Pipeline pipeline.Options
	// Compute computes one period with the daemon's engine (and may print
	// its scores).
	Compute func(ctx context.Context, e *pipeline.Engine, store *load.Store, p transform.Period) error
	// Report writes the report of a period, in every format, into dir and
	// returns the files written.
	Report func(ctx context.Context, store *load.Store, p transform.Period, dir string) ([]string, error)
	// ExtraJobs are added to the configured schedule (tests).
	ExtraJobs []Job
	// Listening, if set, is told the HTTP address once it listens.
	Listening func(addr string)
	// Web, if set, serves every path of serve.addr other than /metrics,
	// /healthz and /readyz (the units' page, internal/web); nil = none.
	Web http.Handler
	// Watched, if set, is told each watch serve published, after its
	// metrics, files and webhooks (tests).
	Watched func(res load.WatchResult)
	// NoWatch turns the early warning off (tests whose subject is another
	// job: a watch after every 1s round would only load ClickHouse).
	NoWatch bool
}

func (o *Options) setDefaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Pipeline.Locks == nil {
		o.Pipeline.Locks = pipeline.NewLocks()
	}
}

// Server is one running `dvcindex serve`.
type Server struct {
	opts    Options
	cfg     config.Config
	log     zerolog.Logger
	m       *metrics
	engine  *pipeline.Engine
	jobs    []Job
	jobCtx  context.Context // parent of every job; cancelled when the grace period is over
	timeout time.Duration

	mu    sync.Mutex
	store *load.Store // opened on first use, so serve starts while ClickHouse is down

	stopping chan struct{} // closed when shutdown begins (readyz turns not-ready)

	// The early warning (watch.go): nil rounds when no sync feeds it.
	rounds    *syncRounds
	watchNow  chan struct{} // a watch is due (capacity 1: requests coalesce)
	watchDone chan struct{} // closed when watchLoop returns
	webhooks  []watch.Webhook
	poster    *watch.Poster
}

// New builds the server: its jobs, metrics and engine, and reads
// watch.webhooks_file. It fails on a schedule that is not a cron spec, two
// jobs of one name or a bad webhooks file (a usage error naming the key,
// the file, the line and the column).
func New(opts Options) (*Server, error) {
	opts.setDefaults()
	s := &Server{opts: opts, cfg: opts.Config, log: opts.Log.With().Str("component", "serve").Logger(),
		timeout: opts.Config.Serve.JobTimeout.D(), stopping: make(chan struct{}),
		watchNow: make(chan struct{}, 1)}
	if !opts.NoWatch {
		s.rounds = newSyncRounds(opts.Config)
	}
	jobs, err := s.schedule(opts.ExtraJobs)
	if err != nil {
		return nil, err
	}
	s.jobs = jobs
	names := make([]string, 0, len(jobs)+1)
	for _, j := range jobs {
		names = append(names, j.Name)
	}
	if s.rounds != nil {
		names = append(names, watchJobName)
	}
	s.m = newMetrics(opts.Now, pipeline.Names(), names)
	po := opts.Pipeline
	po.Observer = s.m
	s.engine = pipeline.New(po)
	if err := s.loadWebhooks(); err != nil {
		return nil, err
	}
	return s, nil
}

// Run schedules the jobs and serves HTTP until ctx is cancelled (SIGTERM,
// SIGINT), then stops scheduling, gives running jobs serve.grace_period to
// finish, aborts the rest and returns nil.
func (s *Server) Run(ctx context.Context) error {
	jobCtx, abort := context.WithCancel(context.WithoutCancel(ctx))
	defer abort()
	s.jobCtx = jobCtx
	c, err := s.cron()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.cfg.Serve.Addr)
	if err != nil {
		return fmt.Errorf("serve: listen on serve.addr %s: %w", s.cfg.Serve.Addr, err)
	}
	httpSrv := newHTTPServer(s.handler())
	httpDone := make(chan error, 1)
	go func() { httpDone <- httpSrv.Serve(ln) }()
	s.log.Info().Str("addr", ln.Addr().String()).Bool("units_page", s.opts.Web != nil).Msg("serving /metrics, /healthz, /readyz")
	if s.opts.Listening != nil {
		s.opts.Listening(ln.Addr().String())
	}
	s.seedGauges(ctx)
	probeCtx, stopProbe := context.WithCancel(ctx)
	probeDone := make(chan struct{})
	go func() { defer close(probeDone); s.probeReadiness(probeCtx) }()
	defer func() { stopProbe(); <-probeDone }() // before the store closes
	if s.rounds != nil {
		s.watchDone = make(chan struct{})
		go s.watchLoop()
	}
	c.Start()
	select {
	case <-ctx.Done():
	case err := <-httpDone:
		c.Stop()
		abort()
		return fmt.Errorf("serve: HTTP server on %s: %w", ln.Addr(), err)
	}
	stopProbe()
	<-probeDone
	s.shutdown(ctx, c, abort, httpSrv)
	return nil
}

// cron schedules every job behind jobChain.
func (s *Server) cron() (*cron.Cron, error) {
	c := cron.New(cron.WithLogger(cronLogger{log: s.log, level: zerolog.DebugLevel}))
	for _, j := range s.jobs {
		sched, err := config.ParseSchedule(j.Spec)
		if err != nil {
			return nil, pipeline.Usagef("schedule of job %q: %q is not a cron spec: %v", j.Name, j.Spec, err)
		}
		jl := cronLogger{log: s.log.With().Str("job", j.Name).Logger(), level: zerolog.InfoLevel, job: j.Name, m: s.m, onSkip: j.onSkip}
		c.Schedule(sched, jobChain(jl).Then(s.wrap(j)))
		s.log.Info().Str("job", j.Name).Str("schedule", j.Spec).Time("next", sched.Next(s.opts.Now())).Msg("job scheduled")
	}
	return c, nil
}

// seedGauges reads the watermarks and the last successful syncs, so a
// restart does not hide how old the data is.
func (s *Server) seedGauges(ctx context.Context) {
	st, err := s.openStore(ctx)
	if err != nil {
		s.log.Warn().Err(err).Msg("ClickHouse is not reachable yet; jobs will retry at their next run")
		return
	}
	s.refreshWatermarks(ctx, st)
	if last, err := st.LastSuccessfulSyncs(ctx); err == nil {
		for src, t := range last {
			s.m.lastSuccess.WithLabelValues(src).Set(float64(t.Unix()))
		}
	}
}

// idle is closed when the scheduled jobs (cronDone) and the watch loop
// have returned.
func (s *Server) idle(cronDone <-chan struct{}) <-chan struct{} {
	out := make(chan struct{})
	go func() {
		<-cronDone
		if s.watchDone != nil {
			<-s.watchDone
		}
		close(out)
	}()
	return out
}

// shutdown stops the schedule, waits serve.grace_period for running jobs,
// aborts the rest, then closes HTTP and ClickHouse.
func (s *Server) shutdown(ctx context.Context, c *cron.Cron, abort context.CancelFunc, httpSrv *http.Server) {
	close(s.stopping)
	grace := s.cfg.Serve.GracePeriod.D()
	s.log.Info().Dur("grace_period", grace).Msg("shutdown requested: no new runs; waiting for running jobs")
	idle := s.idle(c.Stop().Done())
	select {
	case <-idle:
		s.log.Info().Msg("no job running")
	case <-time.After(grace):
		s.log.Warn().Dur("grace_period", grace).Msg("grace period over: aborting running jobs (their watermarks stay at the last committed window)")
		abort()
		select {
		case <-idle:
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
}
