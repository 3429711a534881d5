package daemon

import (
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/dvcindex/dvcindex/load"
)

// metrics are serve's Prometheus collectors, registered on a registry of
// their own (one per serve instance, never the global default).
type metrics struct {
	reg *prometheus.Registry

	fetched, normalized, rejected, loaded, retries *prometheus.CounterVec
	duration                                       *prometheus.HistogramVec
	lastSuccess                                    *prometheus.GaugeVec
	jobRuns, jobSkips, jobFailures                 *prometheus.CounterVec
	ready                                          *prometheus.GaugeVec // per readyChecks(), set by setReadiness
	watch                                          *watchMetrics        // the latest watch, set by runWatch
	webhooks                                       *prometheus.CounterVec

	now func() time.Time
	mu  sync.Mutex
	wm  map[string]time.Time // latest known watermark per source, for the lag gauge
}

func newMetrics(now func() time.Time, sources, jobs []string) *metrics {
	counter := func(name, help string, label string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "dvcindex", Name: name, Help: help}, []string{label})
	}
	m := &metrics{
		reg:        prometheus.NewRegistry(),
		fetched:    counter("sync_records_fetched_total", "Records read from the portal, per source.", "source"),
		normalized: counter("sync_records_normalized_total", "Records that passed normalization, per source.", "source"),
		rejected:   counter("sync_records_rejected_total", "Records rejected (see v_rejects), per source.", "source"),
		loaded:     counter("sync_records_loaded_total", "Rows acknowledged by ClickHouse, per source.", "source"),
		retries:    counter("portal_retries_total", "Retried portal requests, per source (auth = the token endpoint).", "source"),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "dvcindex", Name: "sync_run_duration_seconds",
			Help:    "Duration of sync runs, per source and final status.",
			Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200}}, []string{"source", "status"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "dvcindex", Name: "sync_last_success_timestamp_seconds",
			Help: "Unix time at which the last successful sync run of the source finished."}, []string{"source"}),
		jobRuns:     counter("job_runs_total", "Scheduled job runs started, per job.", "job"),
		jobSkips:    counter("job_skips_total", "Scheduled job runs skipped because the previous run was still running, per job.", "job"),
		jobFailures: counter("job_failures_total", "Scheduled job runs that failed or panicked, per job.", "job"),
		ready:       prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "dvcindex", Name: "ready", Help: readyHelp}, []string{"check"}),
		watch:       newWatchMetrics(),
		webhooks:    counter("watch_webhooks_total", webhooksTotalHelp, "result"),
		now:         now,
		wm:          map[string]time.Time{},
	}
	lag := prometheus.NewDesc("dvcindex_sync_watermark_lag_seconds",
		"Seconds between now and the source's incremental watermark (sources with a watermark only).", []string{"source"}, nil)
	m.reg.MustRegister(m.fetched, m.normalized, m.rejected, m.loaded, m.retries, m.duration, m.lastSuccess,
		m.jobRuns, m.jobSkips, m.jobFailures, m.ready, lagCollector{m: m, desc: lag}, m.watch, m.webhooks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every series exists from the start, at zero, so rates and absences
	// are meaningful before the first run.
	for _, s := range sources {
		for _, c := range []*prometheus.CounterVec{m.fetched, m.normalized, m.rejected, m.loaded, m.retries} {
			c.WithLabelValues(s)
		}
	}
	m.retries.WithLabelValues("auth")
	for _, r := range []string{"sent", "failed", "no_digest"} {
		m.webhooks.WithLabelValues(r)
	}
	for _, j := range jobs {
		m.jobRuns.WithLabelValues(j)
		m.jobSkips.WithLabelValues(j)
		m.jobFailures.WithLabelValues(j)
	}
	return m
}

// RunFinished counts a finished run (pipeline.Observer).
func (m *metrics) RunFinished(r load.Run, normalized uint64) {
	s := r.Source
	m.fetched.WithLabelValues(s).Add(float64(r.Fetched))
	m.normalized.WithLabelValues(s).Add(float64(normalized))
	m.rejected.WithLabelValues(s).Add(float64(r.Rejected))
	m.loaded.WithLabelValues(s).Add(float64(r.Loaded))
	if r.FinishedAt != nil {
		m.duration.WithLabelValues(s, r.Status).Observe(r.FinishedAt.Sub(r.StartedAt).Seconds())
		if r.Status == load.RunSuccess && r.Command == "sync" { // as v_runs freshness: sync runs only
			m.lastSuccess.WithLabelValues(s).Set(float64(r.FinishedAt.Unix()))
		}
	}
}

// readyHelp is dvcindex_ready's help text.
const readyHelp = "1 if the check of /readyz passed at the last readiness probe, 0 if it failed; no sample if it could not run (ClickHouse unreachable, shutting down)."

// readyChecks are the values of dvcindex_ready's check label: the checks
// of /readyz, "freshness <source>" counted under "freshness".
func readyChecks() []string { return []string{"clickhouse", "migrations", "freshness"} }

// setReadiness sets dvcindex_ready from a readiness report: per check, 1 if
// every entry of the report under that name passed, 0 if one failed, and no
// sample if the report has none (the check could not run).
func (m *metrics) setReadiness(rep readyReport) {
	for _, name := range readyChecks() {
		seen, ok := false, true
		for _, c := range rep.Checks {
			if c.Name == name || strings.HasPrefix(c.Name, name+" ") {
				seen, ok = true, ok && c.OK
			}
		}
		switch {
		case !seen:
			m.ready.DeleteLabelValues(name)
		case ok:
			m.ready.WithLabelValues(name).Set(1)
		default:
			m.ready.WithLabelValues(name).Set(0)
		}
	}
}

// Retried counts a retried portal request (pipeline.Observer).
func (m *metrics) Retried(source string) { m.retries.WithLabelValues(source).Inc() }

// setWatermark records the source's current watermark for the lag gauge.
func (m *metrics) setWatermark(source string, wm time.Time) {
	m.mu.Lock()
	m.wm[source] = wm
	m.mu.Unlock()
}

// lagCollector computes the watermark lag at scrape time, so the gauge
// grows between runs as the data ages.
type lagCollector struct {
	m    *metrics
	desc *prometheus.Desc
}

func (c lagCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c lagCollector) Collect(ch chan<- prometheus.Metric) {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	now := c.m.now()
	for s, wm := range c.m.wm {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, now.Sub(wm).Seconds(), s)
	}
}
