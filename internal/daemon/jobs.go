package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// jobChain is the wrapper chain of every scheduled job: SkipIfStillRunning
// outside, Recover innermost, so that a panic is recovered inside the skip
// wrapper, which then releases its slot. In the other order one panic leaves
// the slot taken and the job skipped for ever (robfig/cron issue 366). It is
// the chain cron.WithChain would apply, built per job so that its logger
// can count that job's skips and panics.
func jobChain(l cron.Logger) cron.Chain {
	return cron.NewChain(cron.SkipIfStillRunning(l), cron.Recover(l))
}

// schedule lists the configured jobs: a sync of every enabled source on
// schedule.sync (those of dossiers and petitions feed the watch, watch.go),
// compute on schedule.compute, the report on schedule.report ("" disables
// a job), then the extra ones.
func (s *Server) schedule(extra []Job) ([]Job, error) {
	sch := s.cfg.Schedule
	var out []Job
	if sch.Sync != "" {
		for _, src := range pipeline.EnabledNames(s.cfg) {
			j := Job{Name: "sync " + src, Spec: sch.Sync, Run: func(ctx context.Context) error {
				return s.runSync(ctx, src)
			}}
			if s.rounds != nil && feedsWatch(src) {
				j = s.feedWatch(j)
			}
			out = append(out, j)
		}
	}
	if sch.Compute != "" {
		out = append(out, Job{Name: "compute", Spec: sch.Compute, Run: s.runCompute})
	}
	if sch.Report != "" {
		out = append(out, Job{Name: "report", Spec: sch.Report, Run: s.runReport})
	}
	out = append(out, extra...)
	seen := map[string]bool{}
	for _, j := range out {
		if seen[j.Name] {
			return nil, fmt.Errorf("serve: two jobs named %q", j.Name)
		}
		seen[j.Name] = true
	}
	return out, nil
}

// wrap runs one job with the per-job timeout and logs its start, finish
// or failure. Panics propagate to cron.Recover, which logs and counts them.
func (s *Server) wrap(j Job) cron.Job {
	return cron.FuncJob(func() {
		log := s.log.With().Str("job", j.Name).Logger()
		if s.jobCtx.Err() != nil {
			log.Info().Msg("job not started: shutting down")
			return
		}
		s.m.jobRuns.WithLabelValues(j.Name).Inc()
		ctx, cancel := context.WithTimeout(s.jobCtx, s.timeout)
		defer cancel()
		start := time.Now()
		log.Info().Dur("timeout", s.timeout).Msg("job started")
		err := j.Run(ctx)
		took := time.Since(start)
		if err != nil {
			s.m.jobFailures.WithLabelValues(j.Name).Inc()
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

func (s *Server) runSync(ctx context.Context, source string) error {
	store, err := s.openStore(ctx)
	if err != nil {
		return err
	}
	unlock, err := s.opts.Pipeline.Locks.Lock(ctx, source)
	if err != nil {
		return err
	}
	err = s.engine.Sync(ctx, store, source, false)
	unlock()
	s.refreshWatermarks(context.WithoutCancel(ctx), store, source)
	return err
}

// refreshWatermarks reads the watermarks of sources (default: all) for the
// lag gauge.
func (s *Server) refreshWatermarks(ctx context.Context, store *load.Store, sources ...string) {
	if len(sources) == 0 {
		sources = pipeline.EnabledNames(s.cfg)
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

func (s *Server) runCompute(ctx context.Context) error {
	store, err := s.openStore(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range computePeriods(s.opts.Now()) {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		if err := s.opts.Compute(ctx, s.engine, store, p); err != nil {
			errs = append(errs, fmt.Errorf("compute %s: %w", p.Code, err))
		}
	}
	return errors.Join(errs...)
}

// runReport writes the report of the previous month, in every format, into
// serve.report_dir.
func (s *Server) runReport(ctx context.Context) error {
	p := transform.PeriodOf(transform.Month, s.opts.Now()).Previous()
	store, err := s.openStore(ctx)
	if err != nil {
		return err
	}
	files, err := s.opts.Report(ctx, store, p, s.cfg.Serve.ReportDir)
	if err != nil {
		return fmt.Errorf("report %s: %w", p.Code, err)
	}
	s.log.Info().Str("job", "report").Str("period", p.Code).Strs("files", files).Msg("report written")
	return nil
}

// cronLogger adapts zerolog to cron.Logger. A job's logger also counts that
// job's skips (SkipIfStillRunning logs "skip") and panics (Recover logs
// "panic").
type cronLogger struct {
	log   zerolog.Logger
	level zerolog.Level // of cron's informational messages
	job   string
	m     *metrics
	// onSkip, if set, is told of each skip (Job.onSkip).
	onSkip func()
}

func (l cronLogger) Info(msg string, kv ...any) {
	if l.job != "" && msg == "skip" {
		l.m.jobSkips.WithLabelValues(l.job).Inc()
		if l.onSkip != nil {
			l.onSkip()
		}
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

// openStore returns the shared store, connecting on first use (and again
// after a failed attempt).
func (s *Server) openStore(ctx context.Context) (*load.Store, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store != nil {
		return s.store, nil
	}
	st, err := s.opts.OpenStore(ctx)
	if err != nil {
		return nil, err
	}
	s.store = st
	return st, nil
}
