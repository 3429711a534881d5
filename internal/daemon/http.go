package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dvcindex/dvcindex/internal/pipeline"
)

// HTTP limits of serve.addr: a client that sends its headers or body slowly,
// or keeps idle connections open, cannot hold the daemon's sockets.
const (
	httpReadHeaderTimeout = 10 * time.Second
	httpReadTimeout       = 30 * time.Second
	httpWriteTimeout      = 60 * time.Second
	httpIdleTimeout       = 2 * time.Minute
)

// newHTTPServer is serve's HTTP server for /metrics, /healthz, /readyz and
// the units' page.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: httpReadHeaderTimeout, ReadTimeout: httpReadTimeout,
		WriteTimeout: httpWriteTimeout, IdleTimeout: httpIdleTimeout, MaxHeaderBytes: 64 << 10}
}

// handler serves /metrics, /healthz and /readyz, and Options.Web (the
// units' page) on every other path; those three keep priority and no
// login, whatever Web does.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	if s.opts.Web != nil {
		mux.Handle("/", s.opts.Web)
	}
	mux.Handle("/metrics", promhttp.HandlerFor(s.m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		rep := s.readiness(ctx)
		s.m.setReadiness(rep)
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
// source (from v_runs). The checks after ClickHouse run only when it
// answers.
func (s *Server) readiness(ctx context.Context) readyReport {
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
	stale := pipeline.StaleSources(pipeline.EnabledNames(s.cfg), last, s.cfg.Freshness, s.opts.Now())
	for _, st := range stale {
		add("freshness "+st.Source, errors.New(st.String()), "")
	}
	if len(stale) == 0 {
		add("freshness", nil, "every source within its freshness limit")
	}
	return rep
}

// readyProbeEvery is how often serve runs its readiness checks for the
// dvcindex_ready gauge, so that a scrape of /metrics reads the last result
// and never waits on ClickHouse; a request to /readyz updates it too.
const readyProbeEvery = 15 * time.Second

// probeReadiness runs the readiness checks at once, then every
// readyProbeEvery, setting dvcindex_ready, until ctx is cancelled.
func (s *Server) probeReadiness(ctx context.Context) {
	t := time.NewTicker(readyProbeEvery)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		rep := s.readiness(pctx)
		cancel()
		if ctx.Err() != nil {
			return // a probe cut short by the shutdown says nothing about ClickHouse
		}
		s.m.setReadiness(rep)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
