package daemon

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/internal/watch"
)

// watchJobName is the early warning's job in the job metrics and the logs.
const watchJobName = "watch"

// feedsWatch reports whether a successful sync of source is followed by
// the early warning: the sources its items come from.
func feedsWatch(source string) bool { return source == "dossiers" || source == "petitions" }

// syncRounds groups the runs of the sync jobs that feed the watch into
// rounds: the runs one tick of schedule.sync starts. Every such job shares
// that schedule and cron starts them all within milliseconds of the tick,
// so a run's round is keyed by the schedule's next tick after its start
// (for @every, ticks fall on whole seconds and the next one is the same
// for starts within the tick's second). A round is over when each of its
// jobs reported once (finished,
// failed, panicked or was skipped because its previous run was still
// running); the watch runs then if one of them succeeded.
type syncRounds struct {
	sched  cron.Schedule
	expect int           // jobs per round
	keep   time.Duration // a round this old cannot have a job still running
	mu     sync.Mutex
	open   map[int64]*round // by the Unix time of the next tick
}

type round struct{ reported, succeeded int }

// newSyncRounds returns the rounds of cfg's schedule, nil when no sync of
// a source that feeds the watch is scheduled (or the schedule does not
// parse: the cron setup reports it).
func newSyncRounds(cfg config.Config) *syncRounds {
	if cfg.Schedule.Sync == "" {
		return nil
	}
	sched, err := config.ParseSchedule(cfg.Schedule.Sync)
	if err != nil {
		return nil
	}
	n := 0
	for _, src := range pipeline.EnabledNames(cfg) {
		if feedsWatch(src) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return &syncRounds{sched: sched, expect: n, keep: cfg.Serve.JobTimeout.D() + time.Hour, open: map[int64]*round{}}
}

// over records that a job of the round of start reported (ok: its sync
// succeeded). It returns true once per round: at the round's last report,
// when at least one of its syncs succeeded.
func (r *syncRounds) over(start time.Time, ok bool) bool {
	key := r.sched.Next(start).Unix()
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.open {
		if k < start.Add(-r.keep).Unix() {
			delete(r.open, k)
		}
	}
	rd := r.open[key]
	if rd == nil {
		rd = &round{}
		r.open[key] = rd
	}
	rd.reported++
	if ok {
		rd.succeeded++
	}
	if rd.reported < r.expect {
		return false
	}
	delete(r.open, key)
	return rd.succeeded > 0
}

// feedWatch makes j, a sync job of a source that feeds the watch, report
// to the rounds: when it returns (or panics), and when cron skips it.
func (s *Server) feedWatch(j Job) Job {
	run := j.Run
	j.Run = func(ctx context.Context) error {
		start, ok := time.Now(), false
		defer func() { s.syncOver(start, ok) }()
		err := run(ctx)
		ok = err == nil
		return err
	}
	j.onSkip = func() { s.syncOver(time.Now(), false) }
	return j
}

// syncOver queues a watch when a round is over. A watch already queued
// absorbs the request: rounds over while a watch runs get one watch after it.
func (s *Server) syncOver(start time.Time, ok bool) {
	if !s.rounds.over(start, ok) {
		return
	}
	select {
	case s.watchNow <- struct{}{}:
		s.log.Debug().Msg("sync round over: watch queued")
	default:
		s.log.Debug().Msg("sync round over: a watch is already queued")
	}
}

// watchLoop runs the queued watches, one at a time, as the job "watch"
// (counted, logged, limited to serve.job_timeout, panics recovered), until
// shutdown begins; a running watch gets the grace period like any job.
func (s *Server) watchLoop() {
	defer close(s.watchDone)
	jl := cronLogger{log: s.log.With().Str("job", watchJobName).Logger(), level: zerolog.InfoLevel, job: watchJobName, m: s.m}
	run := jobChain(jl).Then(s.wrap(Job{Name: watchJobName, Run: s.runWatch}))
	for {
		select {
		case <-s.stopping:
			return
		case <-s.jobCtx.Done():
			return
		case <-s.watchNow:
		}
		select {
		case <-s.stopping:
			return
		default:
		}
		run.Run()
	}
}

// runWatch is one early warning of the watch.period holding now, for every
// unit: committed (v_at_risk), then the metrics replaced, the digest files
// rewritten and each webhook posted. A file or webhook failure fails the
// job after every other step was done.
func (s *Server) runWatch(ctx context.Context) error {
	store, err := s.openStore(ctx)
	if err != nil {
		return err
	}
	res, err := s.engine.Watch(ctx, store, pipeline.WatchRequest{})
	if err != nil {
		return err
	}
	ds := watch.Digests(res, nil)
	s.m.watch.set(ds, s.opts.Now())
	var errs []error
	files, err := watch.WriteFiles(filepath.Join(s.cfg.Serve.ReportDir, "watch"), res.Period, ds)
	if err != nil {
		errs = append(errs, err)
	}
	sent, failed := s.deliver(ctx, ds)
	if failed > 0 {
		errs = append(errs, fmt.Errorf("watch %s: %d of %d webhooks failed (logged above)", res.Period, failed, len(s.webhooks)))
	}
	items := 0
	for _, d := range ds {
		items += len(d.Act) + len(d.Threats) + len(d.Lost) + len(d.Risks)
	}
	s.log.Info().Str("job", watchJobName).Str("period", res.Period).Str("watch_id", res.WatchID).Int("units", len(ds)).
		Int("items", items).Int("files", len(files)).Int("webhooks_sent", sent).Int("webhooks_failed", failed).Msg("watch published")
	if s.opts.Watched != nil {
		s.opts.Watched(res)
	}
	return errors.Join(errs...)
}

// deliver posts each webhook's digest and counts and logs the outcomes.
func (s *Server) deliver(ctx context.Context, ds []watch.Digest) (sent, failed int) {
	if len(s.webhooks) == 0 {
		return 0, 0
	}
	for _, d := range s.poster.Deliver(ctx, s.webhooks, ds) {
		log := s.log.With().Str("job", watchJobName).Str("unit", d.Webhook.Unit).Str("target", d.Webhook.Target()).Logger()
		switch {
		case d.NoDigest:
			s.m.webhooks.WithLabelValues("no_digest").Inc()
			log.Warn().Msg("webhook not posted: the watch has no digest for its unit (not a unit of the period)")
		case d.Err != nil:
			failed++
			s.m.webhooks.WithLabelValues("failed").Inc()
			log.Error().Err(d.Err).Int("attempts", d.Attempts).Msg("webhook failed")
		default:
			sent++
			s.m.webhooks.WithLabelValues("sent").Inc()
			log.Debug().Int("attempts", d.Attempts).Msg("webhook sent")
		}
	}
	return sent, failed
}

// loadWebhooks reads watch.webhooks_file, checking its units against the
// reference units; a bad file is a usage error naming the key.
func (s *Server) loadWebhooks() error {
	w := s.cfg.Watch
	if w.WebhooksFile == "" {
		return nil
	}
	units, err := s.engine.Units()
	if err != nil {
		return pipeline.Usagef("watch.webhooks_file: the reference units to check it against: %v", err)
	}
	known := map[string]bool{}
	for _, u := range units.All() {
		known[u.Code] = true
	}
	hooks, err := watch.LoadWebhooks(w.WebhooksFile, func(c string) bool { return known[c] })
	if err != nil {
		return pipeline.Usagef("watch.webhooks_file: %v", err)
	}
	s.webhooks = hooks
	s.poster = watch.NewPoster(watch.PosterOptions{Timeout: w.WebhookTimeout.D(), Retries: w.WebhookRetries})
	targets := make([]string, len(hooks))
	for i, h := range hooks {
		targets[i] = h.String()
	}
	ev := s.log.Info()
	if s.rounds == nil {
		ev = s.log.Warn().Str("why", "no sync of dossiers or petitions is scheduled (schedule.sync)")
	}
	ev.Int("webhooks", len(hooks)).Strs("targets", targets).Msg("watch.webhooks_file loaded: each unit's digest is posted after each watch")
	return nil
}
