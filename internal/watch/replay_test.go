//go:build !race

package watch_test

import (
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/indicators"
)

// replay is a month replayed day by day: the portal simulator serves its
// export as it stood at the replay clock, the real sync loads it, and the
// watch runs as of that moment.
type replay struct {
	t      *testing.T
	clock  atomic.Int64 // Unix seconds
	engine *pipeline.Engine
	store  *load.Store
	period transform.Period
	flags  map[flagKey]flag // every item flagged on some day, by unit, item and rule family
	wards  map[string]bool  // the units that are wards
}

type flagKey struct{ unit, item, family string }

// flag is what the watch said about an item: the first day it was listed
// and, the last time it was, its kind, rule and deadline.
type flag struct {
	first, last time.Time
	kind, rule  string
	deadline    *time.Time
}

// family groups the rules whose items one oracle judges.
func family(rule string) string {
	switch rule {
	case "due_soon", "overdue", "second_supplement", "close_in_software":
		return "ON_TIME"
	case "petition_due_soon", "petition_overdue":
		return "PETITION"
	}
	return rule
}

func (r *replay) now() time.Time { return time.Unix(r.clock.Load(), 0).In(transform.HoChiMinh()) }

// newReplay starts the simulator (as of the replay clock), a fresh
// database, and an engine whose clock is the replay's.
func newReplay(t *testing.T, period transform.Period) *replay {
	r := &replay{t: t, period: period, flags: map[flagKey]flag{}, wards: map[string]bool{}}
	r.clock.Store(period.Start.Unix())
	opts := simulator.DefaultOptions()
	opts.Seed, opts.Dossiers, opts.Petitions = 5, 1500, 400
	opts.TokenTTL = 365 * 24 * time.Hour
	opts.From, opts.To = period.Start.AddDate(0, -1, 0), period.End.AddDate(0, 1, 0)
	opts.AsOf = r.now
	sim, err := simulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	chOpts := chtest.Options(t)
	env := append(chtest.Env(chOpts),
		"DVC_PORTAL_BASE_URL="+srv.URL, "DVC_PORTAL_USERNAME="+opts.Username, "DVC_PORTAL_PASSWORD="+opts.Password,
		"DVC_PORTAL_RATE_LIMIT=0", "DVC_PORTAL_RETRY_WAIT=10ms", "DVC_PORTAL_RETRY_MAX_WAIT=50ms",
		"DVC_PII_KEY=replay-test-key-0123456789abcdef0123", "DVC_SYNC_SINCE="+opts.From.Format("2006-01-02"),
		"DVC_SYNC_SAFETY_LAG=1s", "DVC_WATCH_PERIOD=month")
	cfg, err := config.Load("", env)
	if err != nil {
		t.Fatal(err)
	}
	r.engine = pipeline.New(pipeline.Options{Config: cfg, Log: zerolog.Nop(), Now: r.now})
	r.store = chtest.StoreWith(t, chOpts)
	ctx := context.Background()
	if _, err := r.store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.engine.RefreshReference(ctx, r.store); err != nil {
		t.Fatal(err)
	}
	return r
}

// step moves the clock to at, syncs dossiers and petitions and runs the
// watch of every unit, recording what it flagged at ward level.
func (r *replay) step(ctx context.Context, at time.Time) load.WatchResult {
	r.t.Helper()
	r.clock.Store(at.Unix())
	for _, src := range []string{"dossiers", "petitions"} {
		if err := r.engine.Sync(ctx, r.store, src, false); err != nil {
			r.t.Fatalf("sync %s as of %s: %v", src, at, err)
		}
	}
	res, err := r.engine.Watch(ctx, r.store, pipeline.WatchRequest{Period: r.period, AsOf: at})
	if err != nil {
		r.t.Fatalf("watch as of %s: %v", at, err)
	}
	for _, u := range res.Units {
		r.wards[u.Code] = u.Level == transform.LevelWard
	}
	for _, it := range res.Items {
		if it.Kind == indicators.KindRisk {
			continue
		}
		k := flagKey{it.Unit, it.ItemID, family(it.Rule)}
		f, seen := r.flags[k]
		if !seen {
			f.first = at
		}
		f.last, f.kind, f.rule, f.deadline = at, it.Kind, it.Rule, it.Deadline
		r.flags[k] = f
	}
	return res
}

// TestWatchReplaysAMonth replays May 2024 on the portal as it stood each
// day at 17:00 (docs/watch.md, "Proof"), then computes the month on the
// portal as it stood when the month ended, and checks the watch against
// the compute: every item flagged and not acted on in time is a finding
// with points lost, every item acted on in time is not, every finding of an
// item that was open on some replay day was flagged, and on the last day
// the projection if nothing changes is the computed score.
func TestWatchReplaysAMonth(t *testing.T) {
	period, err := transform.ParsePeriod("2024-05")
	if err != nil {
		t.Fatal(err)
	}
	r := newReplay(t, period)
	ctx := context.Background()
	days := 0
	for d := period.Start; d.Before(period.End); d = d.AddDate(0, 0, 1) {
		r.step(ctx, d.Add(17*time.Hour))
		days++
	}
	last := r.step(ctx, period.End.Add(-time.Second))
	if _, err := r.engine.Compute(ctx, r.store, pipeline.ComputeRequest{Period: period, Offline: true}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d days replayed; %d items flagged (at every level)", days+1, len(r.flags))
	r.checkProjection(ctx, last)
	facts := r.finalFacts(ctx)
	findings := r.findings(ctx)
	r.checkFlagged(facts, findings)
	r.checkComplete(facts, findings)
	r.checkPetitions(ctx)
}

// checkProjection: as of the month's last second, the projection if
// nothing changes is the computed score of every unit and indicator.
func (r *replay) checkProjection(ctx context.Context, last load.WatchResult) {
	r.t.Helper()
	computed := map[[2]string]float64{}
	r.query(ctx, "SELECT unit_code, indicator, score FROM {db}.v_indicator_scores WHERE period = @p", func(scan func(...any) error) error {
		var u, ind string
		var s float64
		err := scan(&u, &ind, &s)
		computed[[2]string{u, ind}] = s
		return err
	})
	if len(last.Scores) == 0 || len(last.Scores) != len(computed) {
		r.t.Fatalf("the last watch projects %d scores, the compute has %d", len(last.Scores), len(computed))
	}
	for _, s := range last.Scores {
		if c, ok := computed[[2]string{s.Unit, s.Indicator}]; !ok || math.Abs(c-s.Secured) > 1e-9 {
			r.t.Errorf("%s %s: projected %.2f on the last day, computed %.2f (present %v)", s.Unit, s.Indicator, s.Secured, c, ok)
		}
	}
}

// query runs q (the month bound to @p) and calls row for every row.
func (r *replay) query(ctx context.Context, q string, row func(scan func(...any) error) error) {
	r.t.Helper()
	rows, err := r.store.Conn().Query(ctx, r.store.SQL(q), clickhouse.Named("p", r.period.Code))
	if err != nil {
		r.t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			r.t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		r.t.Fatal(err)
	}
}

// fact is what finally happened to a dossier received in the month (the
// portal's state when the month ended): when its processing ended or its
// clock stopped, its deadline, its supplement requests, whether it reached
// the national portal and has an electronic result.
type fact struct {
	unit          string
	received, end *time.Time
	deadline      *time.Time // due + supplement time; nil without a due date
	supplements   uint16
	synced        bool
	resultFile    bool
}

func (f fact) String() string {
	t := func(p *time.Time) string {
		if p == nil {
			return "-"
		}
		return p.Format("01-02 15:04")
	}
	return fmt.Sprintf("unit %s received %s end %s deadline %s supplements %d synced %v result file %v",
		f.unit, t(f.received), t(f.end), t(f.deadline), f.supplements, f.synced, f.resultFile)
}

// finalFacts reads the facts of the month's dossiers at ward level from the
// committed compute's per-dossier table and v_dossiers.
func (r *replay) finalFacts(ctx context.Context) map[string]fact {
	out := map[string]fact{}
	r.query(ctx, `SELECT dossier_id, unit_code, received_at, end_at,
       if(due_at IS NULL, toDateTime(0), assumeNotNull(due_at) + supp_seconds), supp_count, dossier_synced, result_links > 0
FROM {db}.period_dossiers
WHERE own = 1 AND compute_id = (SELECT argMax(compute_id, version) FROM {db}.computes WHERE period = @p AND status = 'committed')`,
		func(scan func(...any) error) error {
			var id string
			var f fact
			var deadline time.Time
			var synced, result uint8
			if err := scan(&id, &f.unit, &f.received, &f.end, &deadline, &f.supplements, &synced, &result); err != nil {
				return err
			}
			if deadline.Unix() > 0 {
				f.deadline = &deadline
			}
			f.synced, f.resultFile = synced == 1, result == 1
			out[id] = f
			return nil
		})
	if len(out) < 100 {
		r.t.Fatalf("only %d dossiers received in %s", len(out), r.period.Code)
	}
	return out
}

// findings reads the month's published findings with points lost: by
// dossier, the metrics that found it.
func (r *replay) findings(ctx context.Context) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	r.query(ctx, `SELECT f.dossier_id, f.metric, f.finding FROM {db}.v_dossier_findings AS f
ALL INNER JOIN (SELECT unit_code, metric FROM {db}.v_indicator_metrics WHERE period = @p AND points_lost > 0) AS m
USING unit_code, metric
WHERE f.period = @p AND f.finding IN ('late', 'late_unfinished', 'second_supplement', 'no_due_date', 'not_synced', 'no_electronic_result', 'step_lag')`,
		func(scan func(...any) error) error {
			var id, metric, finding string
			if err := scan(&id, &metric, &finding); err != nil {
				return err
			}
			if out[id] == nil {
				out[id] = map[string]bool{}
			}
			out[id][metric+":"+finding] = true
			if finding != "step_lag" {
				out[id][metric] = true
			}
			return nil
		})
	return out
}

// actedInTime is the oracle: what doing the flagged thing in time means for
// each rule family, judged on what finally happened.
func actedInTime(fam string, f fact) bool {
	switch fam {
	case "ON_TIME": // ended (or its clock stopped) by its deadline, with at most one supplement request
		return f.supplements <= 1 && f.deadline != nil && f.end != nil && !f.end.After(*f.deadline)
	case "not_synced":
		return f.synced
	case "no_result_file":
		return f.resultFile
	}
	return true
}

// metricOf is the metric whose finding a rule family predicts.
var metricOf = map[string]string{"ON_TIME": "ON_TIME", "not_synced": "DOSSIER_SYNC", "no_result_file": "ORIGINAL_RESULT_AVAILABLE"}

// checkFlagged: a flagged dossier not acted on in time is a finding with
// points lost; one acted on in time is not. A threatened one (fine if
// nothing changes) is a finding only if someone made it worse.
func (r *replay) checkFlagged(facts map[string]fact, findings map[string]map[string]bool) {
	r.t.Helper()
	checked := map[string]int{}
	for k, fl := range r.flags {
		metric, ok := metricOf[k.family]
		if !ok {
			continue
		}
		f, ok := facts[k.item]
		if !ok {
			r.t.Errorf("%s flagged %s for %s, not a dossier of the month", k.item, fl.rule, k.unit)
			continue
		}
		if f.unit != k.unit {
			continue // the same item at the district's or province's level
		}
		acted, found := actedInTime(k.family, f), findings[k.item][metric]
		switch {
		case fl.kind == indicators.KindThreat && !acted && f.end == nil && f.supplements <= 1:
			acted = true // nothing changed: the threat did not happen
		case fl.kind == indicators.KindLost && acted:
			r.t.Errorf("%s: listed as lost (%s) on %s, yet ended in time: %+v", k.item, fl.rule, fl.last.Format(time.DateTime), f)
		}
		if found == acted {
			r.t.Errorf("%s (%s, %s, last flagged %s, deadline %v): acted on in time %v, finding %v; facts %+v",
				k.item, fl.rule, fl.kind, fl.last.Format(time.DateTime), fl.deadline, acted, found, f)
		}
		if k.family == "ON_TIME" && fl.deadline != nil && f.deadline != nil && fl.deadline.After(*f.deadline) {
			r.t.Errorf("%s: flagged with deadline %s, later than its final one %s", k.item, fl.deadline, f.deadline)
		}
		checked[k.family]++
	}
	r.t.Logf("flagged dossiers checked: %v", checked)
	for _, fam := range []string{"ON_TIME", "not_synced", "no_result_file"} {
		if checked[fam] == 0 {
			r.t.Errorf("no %s item was flagged in the month: the replay proves nothing about it", fam)
		}
	}
}

// checkComplete: every ON_TIME or not_synced finding of a dossier that was
// open (or unsynced) at some replay moment was flagged before the month
// ended.
func (r *replay) checkComplete(facts map[string]fact, findings map[string]map[string]bool) {
	r.t.Helper()
	missed := 0
	for id, ms := range findings {
		f := facts[id]
		for _, fam := range []string{"ON_TIME", "not_synced"} {
			if !ms[metricOf[fam]] || !r.seenOpen(fam, f) {
				continue
			}
			if _, ok := r.flags[flagKey{f.unit, id, fam}]; !ok {
				missed++
				r.t.Errorf("%s: a %s finding never flagged (findings %v; %s)", id, metricOf[fam], ms, f)
			}
		}
	}
	if missed == 0 {
		r.t.Logf("every finding of a dossier seen open was flagged")
	}
}

// seenOpen reports whether the dossier was received before the month's last
// replay moment and, for ON_TIME, still open at some replay moment after.
func (r *replay) seenOpen(fam string, f fact) bool {
	if f.received == nil {
		return false
	}
	for d := r.period.Start.Add(17 * time.Hour); ; d = d.AddDate(0, 0, 1) {
		if !d.Before(r.period.End) {
			d = r.period.End.Add(-time.Second)
		}
		if !f.received.After(d) && (fam != "ON_TIME" || f.end == nil || f.end.After(d)) {
			return true
		}
		if d.Equal(r.period.End.Add(-time.Second)) {
			return false
		}
	}
}

// checkPetitions: per ward, the petitions flagged and not handled by the
// deadline the watch showed are exactly those item 5.2 counts late.
func (r *replay) checkPetitions(ctx context.Context) {
	r.t.Helper()
	handled := map[string]*time.Time{}
	r.query(ctx, "SELECT petition_id, handled_at FROM {db}.v_petitions", func(scan func(...any) error) error {
		var id string
		var at *time.Time
		err := scan(&id, &at)
		handled[id] = at
		return err
	})
	notActed := map[string]int{}
	flagged := 0
	for k, fl := range r.flags {
		if k.family != "PETITION" || !r.wards[k.unit] {
			continue
		}
		flagged++
		h := handled[k.item]
		if h == nil || fl.deadline == nil || h.After(*fl.deadline) {
			notActed[k.unit]++
		}
	}
	late := map[string]int{}
	r.query(ctx, `SELECT unit_code, toInt64(denominator - numerator) FROM {db}.v_indicator_metrics AS m
ALL INNER JOIN (SELECT unit_code FROM {db}.compute_units WHERE level = 'ward'
    AND compute_id = (SELECT argMax(compute_id, version) FROM {db}.computes WHERE period = @p AND status = 'committed')) USING unit_code
WHERE period = @p AND metric = 'PETITION_PROCESSING_ON_TIME' AND denominator > numerator`, func(scan func(...any) error) error {
		var u string
		var n int64
		err := scan(&u, &n)
		late[u] = int(n)
		return err
	})
	if flagged == 0 {
		r.t.Error("no petition was flagged in the month: the replay proves nothing about petitions")
	}
	for u, n := range late {
		if notActed[u] != n {
			r.t.Errorf("ward %s: %d petitions flagged and not handled by their deadline, 5.2 counts %d late", u, notActed[u], n)
		}
	}
	for u, n := range notActed {
		if late[u] != n {
			r.t.Errorf("ward %s: %d petitions flagged and not handled by their deadline, 5.2 counts %d late", u, n, late[u])
		}
	}
	r.t.Logf("petitions: %d flagged; late per ward %v", flagged, late)
}
