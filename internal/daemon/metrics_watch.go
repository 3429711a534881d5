package daemon

import (
	"math"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dvcindex/dvcindex/internal/watch"
	"github.com/dvcindex/dvcindex/transform/vocab"
)

// Help texts of the early warning's metrics: their contract.
const (
	atRiskItemsHelp = "Items (open dossiers and petitions) listed by serve's latest watch (the early warning of the watch.period holding now, " +
		"v_at_risk), per unit and at-risk rule, every kind (recoverable, lost, threat, risk); 0 for a rule with no item. " +
		"The whole set is replaced after each watch: a unit not in the latest watch has no sample."
	pointsAtRiskHelp = "Points the recoverable items of serve's latest watch are worth, per unit and indicator (the six groups and total): " +
		"if_done - secured of v_at_risk_scores, rounded to 0.0001. The whole set is replaced after each watch."
	watchLastHelp     = "Unix time at which serve's latest watch was published (metrics, files and webhooks done)."
	webhooksTotalHelp = "Webhook deliveries of the watch digests (watch.webhooks_file), per result: sent, failed (after its retries), " +
		"no_digest (the unit is not in the watched period, nothing posted)."
)

// watchMetrics exposes the latest watch: a snapshot replaced whole, so a
// scrape sees one watch's set, never a mix or an old unit's series.
type watchMetrics struct {
	items, points, last *prometheus.Desc
	mu                  sync.Mutex
	snap                []prometheus.Metric
}

func newWatchMetrics() *watchMetrics {
	return &watchMetrics{
		items:  prometheus.NewDesc("dvcindex_at_risk_items", atRiskItemsHelp, []string{"unit", "rule"}, nil),
		points: prometheus.NewDesc("dvcindex_points_at_risk", pointsAtRiskHelp, []string{"unit", "indicator"}, nil),
		last:   prometheus.NewDesc("dvcindex_watch_last_success_timestamp_seconds", watchLastHelp, nil, nil),
	}
}

func (c *watchMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.items
	ch <- c.points
	ch <- c.last
}

func (c *watchMetrics) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.snap {
		ch <- m
	}
}

// set replaces the snapshot by the digests of one watch published at at:
// per unit, the items of every rule of vocab.AtRiskRules (and of any other
// rule listed) and if_done - secured of every score.
func (c *watchMetrics) set(ds []watch.Digest, at time.Time) {
	snap := []prometheus.Metric{prometheus.MustNewConstMetric(c.last, prometheus.GaugeValue, float64(at.Unix()))}
	for _, d := range ds {
		counts := map[string]int{}
		for _, r := range vocab.AtRiskRules() {
			counts[r.Code] = 0
		}
		for _, items := range [][]watch.Item{d.Act, d.Threats, d.Lost, d.Risks} {
			for _, it := range items {
				counts[it.Rule]++
			}
		}
		rules := make([]string, 0, len(counts))
		for r := range counts {
			rules = append(rules, r)
		}
		sort.Strings(rules)
		for _, r := range rules {
			snap = append(snap, prometheus.MustNewConstMetric(c.items, prometheus.GaugeValue, float64(counts[r]), d.UnitCode, r))
		}
		for _, s := range d.Scores {
			snap = append(snap, prometheus.MustNewConstMetric(c.points, prometheus.GaugeValue, round4(s.IfDone-s.Secured), d.UnitCode, s.Indicator))
		}
	}
	c.mu.Lock()
	c.snap = snap
	c.mu.Unlock()
}

// round4 rounds to 0.0001: the scores have two decimals, their difference
// carries float noise (2.8900000000000006).
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }
