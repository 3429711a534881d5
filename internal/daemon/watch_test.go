package daemon

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/watch"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform/vocab"
)

// TestSyncRounds: a watch is due once per round, at the report of the
// round's last job, if one of its syncs succeeded — whatever the order of
// the reports and whether a job was skipped. A job's round is that of its
// start, which cron makes a few milliseconds after the tick (a skip is
// reported at the tick).
func TestSyncRounds(t *testing.T) {
	const ms = time.Millisecond
	type report struct {
		start time.Duration // after the first tick
		ok    bool
	}
	for _, c := range []struct {
		name    string
		spec    string
		reports []report // in the order the jobs end
		want    string   // per report: "w" a watch is due, "." not
	}{
		{"both succeed", "@every 10s", []report{{1 * ms, true}, {2 * ms, true}}, ".w"},
		{"one fails", "@every 10s", []report{{1 * ms, false}, {2 * ms, true}}, ".w"},
		{"the last one fails", "@every 10s", []report{{2 * ms, true}, {1 * ms, false}}, ".w"},
		{"both fail", "@every 10s", []report{{1 * ms, false}, {2 * ms, false}}, ".."},
		{"a skip and a success", "@every 10s", []report{{0, false}, {1 * ms, true}}, ".w"},
		{"two rounds", "@every 10s", []report{{1 * ms, true}, {2 * ms, true}, {10*time.Second + 1*ms, true}, {10*time.Second + 2*ms, false}}, ".w.w"},
		// A long sync of round 1 ends after round 2's jobs (one skipped):
		// each round gets its own watch.
		{"rounds interleaved", "@every 10s", []report{{1 * ms, true}, {10 * time.Second, false}, {10*time.Second + 1*ms, true}, {2 * ms, true}}, "..ww"},
		{"a nightly cron", "CRON_TZ=Asia/Ho_Chi_Minh 30 1 * * *", []report{{2 * ms, true}, {900 * ms, true}}, ".w"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Schedule.Sync = c.spec
			r := newSyncRounds(cfg)
			if r == nil || r.expect != 2 {
				t.Fatalf("rounds %+v, want two jobs a round (dossiers, petitions)", r)
			}
			tick := r.sched.Next(time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC))
			var got strings.Builder
			for _, rep := range c.reports {
				if r.over(tick.Add(rep.start), rep.ok) {
					got.WriteString("w")
				} else {
					got.WriteString(".")
				}
			}
			if got.String() != c.want {
				t.Errorf("watches due %q, want %q", got.String(), c.want)
			}
			if len(r.open) != 0 {
				t.Errorf("%d rounds left open", len(r.open))
			}
		})
	}
}

// TestSyncRoundsNeedASyncSchedule: no rounds (no watch) without
// schedule.sync; dossiers and petitions (always enabled) make two jobs a
// round.
func TestSyncRoundsNeedASyncSchedule(t *testing.T) {
	cfg := config.Default()
	cfg.Schedule.Sync = ""
	if r := newSyncRounds(cfg); r != nil {
		t.Errorf("no sync schedule: rounds %+v, want none", r)
	}
	cfg.Schedule.Sync = "@every 1m"
	if r := newSyncRounds(cfg); r == nil || r.expect != 2 {
		t.Errorf("rounds %+v, want two jobs a round", r)
	}
}

// TestSyncRoundsForgetLostRounds: a round whose job never reported is
// dropped once no job of it can still run.
func TestSyncRoundsForgetLostRounds(t *testing.T) {
	cfg := config.Default()
	cfg.Schedule.Sync = "@every 10s"
	cfg.Serve.JobTimeout = config.Duration(time.Minute)
	r := newSyncRounds(cfg)
	t0 := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	r.over(t0, true)
	r.over(t0.Add(2*time.Hour), true)
	if len(r.open) != 1 {
		t.Errorf("%d rounds open, want 1 (the old one dropped)", len(r.open))
	}
}

// TestWatchMetricsReplaceTheSet: each watch replaces the whole set; every
// rule has a sample per unit (0 when none); points are if_done − secured.
func TestWatchMetricsReplaceTheSet(t *testing.T) {
	m := newMetrics(time.Now, nil, nil)
	item := func(unit, rule string) watch.Item {
		return watch.Item{AtRiskItem: load.AtRiskItem{Unit: unit, Rule: rule}}
	}
	first := []watch.Digest{
		{UnitCode: "21637", Act: []watch.Item{item("21637", "not_synced"), item("21637", "not_synced")}, Lost: []watch.Item{item("21637", "overdue")},
			Scores: []watch.Score{{Indicator: "online", Secured: 8.88, IfDone: 11.49}, {Indicator: "total", Secured: 68.17, IfDone: 74.51}}},
		{UnitCode: "21640", Risks: []watch.Item{item("21640", "step_unsynced")}, Scores: []watch.Score{{Indicator: "total", Secured: 70, IfDone: 70}}},
	}
	m.watch.set(first, time.Unix(1796411414, 0))
	if got := value(t, m, `dvcindex_at_risk_items{rule="not_synced",unit="21637"}`); got != 2 {
		t.Errorf("21637 not_synced = %v, want 2", got)
	}
	if got := value(t, m, `dvcindex_points_at_risk{indicator="total",unit="21637"}`); got != 6.34 {
		t.Errorf("21637 total points = %v, want 6.34", got)
	}
	if got := value(t, m, `dvcindex_points_at_risk{indicator="online",unit="21637"}`); got != 2.61 {
		t.Errorf("21637 online points = %v, want 2.61 (rounded)", got)
	}
	if n, rules := testutil.CollectAndCount(m.watch, "dvcindex_at_risk_items"), len(vocab.AtRiskRules()); n != 2*rules {
		t.Errorf("%d at-risk series, want %d (%d rules × 2 units)", n, 2*rules, rules)
	}
	m.watch.set([]watch.Digest{{UnitCode: "21640", Scores: []watch.Score{{Indicator: "total", Secured: 71, IfDone: 71}}}}, time.Unix(1796411500, 0))
	if n, rules := testutil.CollectAndCount(m.watch, "dvcindex_at_risk_items"), len(vocab.AtRiskRules()); n != rules {
		t.Errorf("%d at-risk series after a watch of one unit, want %d", n, rules)
	}
	if got := value(t, m, `dvcindex_at_risk_items{rule="step_unsynced",unit="21640"}`); got != 0 {
		t.Errorf("21640 step_unsynced = %v after a watch without it, want 0", got)
	}
	if got := value(t, m, `dvcindex_watch_last_success_timestamp_seconds`); got != 1796411500 {
		t.Errorf("last success %v, want 1796411500", got)
	}
	if v, ok := sample(t, m, `dvcindex_points_at_risk{indicator="total",unit="21637"}`); ok {
		t.Errorf("21637 still has a points sample (%v) after a watch without it", v)
	}
}

// sample reads one sample from the registry: "name{labels}" as the
// exposition format writes it, labels sorted.
func sample(t *testing.T, m *metrics, series string) (float64, bool) {
	t.Helper()
	mfs, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, mm := range mf.GetMetric() {
			var labels []string
			for _, l := range mm.GetLabel() {
				labels = append(labels, l.GetName()+`="`+l.GetValue()+`"`)
			}
			name := mf.GetName()
			if len(labels) > 0 {
				name += "{" + strings.Join(labels, ",") + "}"
			}
			if name == series {
				return mm.GetGauge().GetValue(), true
			}
		}
	}
	return 0, false
}

func value(t *testing.T, m *metrics, series string) float64 {
	t.Helper()
	v, ok := sample(t, m, series)
	if !ok {
		t.Fatalf("no sample %s", series)
	}
	return v
}
