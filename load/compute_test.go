package load_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/load/chtest"
	"github.com/dvcindex/dvcindex/transform"
)

// fixture builds hand-made dossiers; every time is local (Asia/Ho_Chi_Minh).
type fixture struct {
	t    *testing.T
	s    *load.Store
	w    *load.Writer
	ctx  context.Context
	next int
}

func newFixture(t *testing.T) *fixture {
	s := chtest.Store(t)
	ctx := context.Background()
	cal, err := transform.DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RefreshCalendar(ctx, cal); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, s: s, w: s.NewWriter("fixture", zerolog.Nop()), ctx: ctx}
}

func tp(s string) *time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, hcm)
	if err != nil {
		panic(err)
	}
	return &t
}

// dossier adds a dossier of unit received at recv (nil: never received).
func (f *fixture) dossier(id, unit, national string, recv, due, finished *time.Time, mut ...func(*transform.Dossier)) {
	f.t.Helper()
	f.next++
	d := transform.Dossier{
		DossierID: id, UnitCode: unit, UnitName: unit, ProcedureNationalCode: national,
		ProcedureCode: national + ".000.00.00.H08", Channel: transform.ChannelDirect, Status: 4,
		ReceivedAt: recv, DueAt: due, FinishedAt: finished, UpdatedAt: time.Date(2025, 12, 1, 0, 0, f.next, 0, hcm), Source: "fixture",
	}
	if finished != nil {
		d.Status = 9
	}
	for _, m := range mut {
		m(&d)
	}
	if err := f.w.AddDossier(f.ctx, d); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) compute(period string, settings load.IndicatorSettings) {
	f.t.Helper()
	if err := f.w.Flush(f.ctx); err != nil {
		f.t.Fatal(err)
	}
	p, err := transform.ParsePeriod(period)
	if err != nil {
		f.t.Fatal(err)
	}
	units, err := transform.DefaultUnits()
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.s.Compute(f.ctx, load.ComputeRequest{Period: p, Units: units, Settings: settings}); err != nil {
		f.t.Fatal(err)
	}
}

type metricRow struct {
	num, den, ratio, score, max float64 // a NULL ratio or score reads 0
	noData, null                uint8   // null: the score is NULL
}

func (f *fixture) metric(period, unit, metric string) metricRow {
	f.t.Helper()
	var r metricRow
	err := f.s.Conn().QueryRow(f.ctx, f.s.SQL(`SELECT numerator, denominator, ifNull(ratio, 0.), ifNull(score, 0.), max_score, no_data,
		toUInt8(score IS NULL)
		FROM {db}.v_indicator_metrics WHERE period = @p AND unit_code = @u AND metric = @m`),
		clickhouse.Named("p", period), clickhouse.Named("u", unit), clickhouse.Named("m", metric)).
		Scan(&r.num, &r.den, &r.ratio, &r.score, &r.max, &r.noData, &r.null)
	if err != nil {
		f.t.Fatalf("metric %s of %s in %s: %v", metric, unit, period, err)
	}
	return r
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// points is what the metric counts in its group: a NULL score counts 0.
func (r metricRow) points() float64 { return r.max - r.score }

func (f *fixture) expect(period, unit, metric string, num, den, score float64) {
	f.t.Helper()
	got := f.metric(period, unit, metric)
	if !near(got.num, num) || !near(got.den, den) || !near(got.score, score) || got.null != 0 {
		f.t.Errorf("%s %s %s: numerator %v, denominator %v, score %v; want %v, %v, %v",
			period, unit, metric, got.num, got.den, got.score, num, den, score)
	}
}

func catalogue(t *testing.T, s *load.Store) {
	t.Helper()
	entries := []load.CatalogueEntry{
		{Procedure: transform.Procedure{NationalCode: "1.001193", Name: "Đăng ký khai sinh", TimeLimitDays: 1, OnlineLevel: "toan_trinh",
			Levels: []string{"xa"}, ResultIsDocument: true, TimeLimits: []transform.TimeLimit{{ValidFrom: transform.Epoch, Days: 1}}}},
		// The seed report's cut: 5 working days until decision 3039 of
		// 2023-08-16, 3 from then on.
		{Procedure: transform.Procedure{NationalCode: "1.010824", Name: "Hưởng trợ cấp", TimeLimitDays: 3, Levels: []string{"xa", "huyen"},
			TimeLimits: []transform.TimeLimit{{ValidFrom: transform.Epoch, Days: 5},
				{ValidFrom: time.Date(2023, 8, 16, 0, 0, 0, 0, hcm), Days: 3, Decision: "3039/QĐ-UBND"}}}},
		// A district procedure offered partly online (item 3.1 of the
		// district and the province).
		{Procedure: transform.Procedure{NationalCode: "1.000001", Name: "Cấp phép", TimeLimitDays: 5, OnlineLevel: "mot_phan",
			Levels: []string{"huyen"}, TimeLimits: []transform.TimeLimit{{ValidFrom: transform.Epoch, Days: 5}}}},
	}
	if err := s.WriteCatalogue(context.Background(), "fixture", entries); err != nil {
		t.Fatal(err)
	}
}

// TestProgressFixtures checks ON_TIME on hand-built dossiers of ward 21637
// (Tam Quan) in 2024-Q2 [2024-04-01, 2024-07-01).
func TestProgressFixtures(t *testing.T) {
	f := newFixture(t)
	catalogue(t, f.s)
	const unit, ks, tc = "21637", "1.001193", "1.010824"
	supp := func(req, rec string) transform.Supplement {
		return transform.Supplement{RequestedAt: tp(req), ReceivedAt: tp(rec)}
	}
	// D1 finished 2024-04-03 10:00, due 17:00 the same day: on time.
	f.dossier("D1", unit, ks, tp("2024-04-02 08:00"), tp("2024-04-03 17:00"), tp("2024-04-03 10:00"))
	// D2 finished 2024-04-05 09:00, due 2024-04-03 17:00: late.
	f.dossier("D2", unit, ks, tp("2024-04-02 08:00"), tp("2024-04-03 17:00"), tp("2024-04-05 09:00"))
	// D3 unfinished, due 2024-05-03: the end of the period is its end: late.
	f.dossier("D3", unit, ks, tp("2024-05-02 08:00"), tp("2024-05-03 17:00"), nil)
	// D4 unfinished, due 2024-07-05, after the period: on time.
	f.dossier("D4", unit, ks, tp("2024-06-28 08:00"), tp("2024-07-05 17:00"), nil)
	// D5 finished 2024-04-12 15:00, due 2024-04-10 17:00, but 72 h waited for
	// a supplement (04-09 08:00 → 04-12 08:00): 04-09 15:00 ≤ due: on time.
	f.dossier("D5", unit, ks, tp("2024-04-08 08:00"), tp("2024-04-10 17:00"), tp("2024-04-12 15:00"), func(d *transform.Dossier) {
		d.Supplements = []transform.Supplement{supp("2024-04-09 08:00", "2024-04-12 08:00")}
	})
	// D6 two supplement requests: late whatever the times.
	f.dossier("D6", unit, ks, tp("2024-04-15 08:00"), tp("2024-04-20 17:00"), tp("2024-04-16 10:00"), func(d *transform.Dossier) {
		d.Supplements = []transform.Supplement{supp("2024-04-15 09:00", "2024-04-15 10:00"), supp("2024-04-15 11:00", "2024-04-15 12:00")}
	})
	// D7 no NgayHenTra: 1.010824's limit on 2024-04-25 is 3 working days
	// (cut on 2023-08-16). From Thu 04-25: Fri 04-26 (1); 04-29, 04-30 and
	// 05-01 are holidays; Thu 05-02 (2), Fri 05-03 (3): due 2024-05-03
	// 23:59:59. Finished 05-03 10:00: on time (late if holidays were ignored).
	f.dossier("D7", unit, tc, tp("2024-04-25 08:00"), nil, tp("2024-05-03 10:00"))
	// D8 received 2024-03-30, in Q1: not counted in Q2.
	f.dossier("D8", unit, ks, tp("2024-03-30 08:00"), tp("2024-04-01 17:00"), tp("2024-04-10 10:00"))
	// D9 no NgayHenTra, received Thu 2024-04-25 with the same limit, finished
	// Mon 05-06: past due 05-03 23:59:59: late.
	f.dossier("D9", unit, tc, tp("2024-04-25 08:00"), nil, tp("2024-05-06 09:00"))
	// D10 single supplement request never answered: the clock stops at the
	// request (04-10 09:00 ≤ due 04-11 17:00): on time although unfinished.
	f.dossier("D10", unit, ks, tp("2024-04-10 08:00"), tp("2024-04-11 17:00"), nil, func(d *transform.Dossier) {
		d.Supplements = []transform.Supplement{{RequestedAt: tp("2024-04-10 09:00")}}
	})
	f.compute("2024-Q2", load.IndicatorSettings{})

	// Received in Q2: D1–D7, D9, D10 = 9. Late: D2, D3, D6, D9 = 4.
	// ON_TIME = 5/9, score round(20 × 5/9 = 11.111…, 2) = 11.11 (item 2.1,
	// rounded from the unrounded ratio).
	f.expect("2024-Q2", unit, "ON_TIME", 5, 9, 11.11)
	// Zero denominator (ward 21643 handled nothing): the portal publishes
	// ratio 0, score 0 for progress (not null), no_data.
	if r := f.metric("2024-Q2", "21643", "ON_TIME"); r.den != 0 || r.score != 0 || r.noData != 1 || r.null != 0 || r.max != 20 {
		t.Errorf("21643 ON_TIME %+v, want score 0 of 20, no data", r)
	}
	// The district covers its wards: the same 9 dossiers.
	f.expect("2024-Q2", "543", "ON_TIME", 5, 9, 11.11)
	// The progress group is ON_TIME alone: 11.11 of 20.
	if got, max := f.group("2024-Q2", unit, "progress"); !near(got, 11.11) || max != 20 {
		t.Errorf("progress %v of %v, want 11.11 of 20", got, max)
	}

	// Findings name the cause of each late dossier.
	want := map[string]string{"D2": "late", "D3": "late_unfinished", "D6": "second_supplement", "D9": "late"}
	rows, err := f.s.Conn().Query(f.ctx, f.s.SQL(`SELECT dossier_id, finding FROM {db}.v_dossier_findings
		WHERE period = '2024-Q2' AND metric = 'ON_TIME' AND finding != 'step_lag'`))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for rows.Next() {
		var id, fnd string
		if err := rows.Scan(&id, &fnd); err != nil {
			t.Fatal(err)
		}
		got[id] = fnd
	}
	rows.Close()
	if len(got) != len(want) {
		t.Errorf("findings %v, want %v", got, want)
	}
	for id, fnd := range want {
		if got[id] != fnd {
			t.Errorf("%s: finding %q, want %q", id, got[id], fnd)
		}
	}

	// Recomputing replaces the period's rows: still one row per key.
	f.compute("2024-Q2", load.IndicatorSettings{})
	if n := count(t, f.s, "SELECT count() FROM {db}.v_indicator_metrics WHERE period = '2024-Q2' AND unit_code = '21637' AND metric = 'ON_TIME'"); n != 1 {
		t.Errorf("%d ON_TIME rows after a recompute", n)
	}
	if n := count(t, f.s, "SELECT count() FROM {db}.v_indicator_scores WHERE period = '2024-Q2' AND unit_code = '21637'"); n != 7 {
		t.Errorf("%d indicator rows for 21637, want 7", n)
	}
	if n := count(t, f.s, "SELECT count() FROM {db}.v_dossier_findings WHERE period = '2024-Q2' AND metric = 'ON_TIME' AND finding != 'step_lag'"); n != 4 {
		t.Errorf("%d ON_TIME findings after a recompute, want 4", n)
	}
}

// TestDossierSyncFixtures checks DOSSIER_SYNC (item 1.4): synced dossiers
// with no timeliness condition, its BCQG denominator, the fallback to last
// year's BCQG total, NULL for a zero denominator, and the earlier 24-hour
// rule as sync_scoring: deadline.
func TestDossierSyncFixtures(t *testing.T) {
	f := newFixture(t)
	const unit, ks = "21637", "1.001193"
	synced := func(stepLag time.Duration) func(*transform.Dossier) {
		return func(d *transform.Dossier) {
			d.Synced = true
			at := *d.ReceivedAt
			s := at.Add(stepLag)
			d.Steps = []transform.Step{{Index: 0, At: &at, Status: "Tiếp nhận", SyncedAt: &s}}
		}
	}
	// S1, S2 synced, their step within 1 h: on time.
	f.dossier("S1", unit, ks, tp("2024-04-02 08:00"), nil, nil, synced(time.Hour))
	f.dossier("S2", unit, ks, tp("2024-04-03 08:00"), nil, nil, synced(time.Hour))
	// S3 synced, but its step reached the portal 73 h later: synced (a risk).
	f.dossier("S3", unit, ks, tp("2024-04-04 08:00"), nil, nil, synced(73*time.Hour))
	// S4 never synced.
	f.dossier("S4", unit, ks, tp("2024-04-05 08:00"), nil, nil)
	// S5 synced, but its step never reached the portal: synced (a risk).
	f.dossier("S5", unit, ks, tp("2024-04-08 08:00"), nil, nil, func(d *transform.Dossier) {
		d.Synced = true
		at := *d.ReceivedAt
		d.Steps = []transform.Step{{Index: 0, At: &at, Status: "Tiếp nhận"}}
	})
	bcqg := []transform.BCQGCount{
		{UnitCode: unit, Period: "2024-Q2", Received: 10},   // BCQG 10 > portal 5
		{UnitCode: "21640", Period: "2023", Received: 40},   // no Q2 data at all: fallback 40 ÷ 4
		{UnitCode: "21643", Period: "2024-Q2", Received: 0}, // both 0, no last year: null
	}
	if err := f.s.WriteBCQG(f.ctx, "fixture", bcqg); err != nil {
		t.Fatal(err)
	}
	f.compute("2024-Q2", load.IndicatorSettings{})
	// Official: S1, S2, S3, S5 synced = 4 over max(BCQG 10, portal 5) = 10:
	// score round(6 × 0.4, 2) = 2.4.
	f.expect("2024-Q2", unit, "DOSSIER_SYNC", 4, 10, 2.4)
	// Fallback: 0 over 40 ÷ 4 = 10, score 0 (but there is data).
	f.expect("2024-Q2", "21640", "DOSSIER_SYNC", 0, 10, 0)
	if r := f.metric("2024-Q2", "21640", "DOSSIER_SYNC"); r.noData != 0 {
		t.Error("the fallback denominator is data")
	}
	// Nothing anywhere: ratio and score NULL (the portal's null), max 6 kept …
	if r := f.metric("2024-Q2", "21643", "DOSSIER_SYNC"); r.den != 0 || r.null != 1 || r.noData != 1 || r.max != 6 {
		t.Errorf("21643 %+v, want a null score of max 6", r)
	}
	// … and the group counts it as 0 with its maximum 18: PUBLISH_ON_TIME and
	// PUBLIC_UPDATE_ON_TIME have no procedures (null), PUBLIC_CONTENT_FULL
	// neither: 0 of 18.
	if got, max := f.group("2024-Q2", "21643", "transparency"); got != 0 || max != 18 {
		t.Errorf("21643 transparency %v of %v, want 0 of 18", got, max)
	}
	// The earlier reading (sync_scoring: deadline): S1, S2 only: 2/10 → 1.2.
	f.compute("2024-Q2", load.IndicatorSettings{SyncScoring: "deadline"})
	f.expect("2024-Q2", unit, "DOSSIER_SYNC", 2, 10, 1.2)
	// zero_denominator replaces the null: zero, award_max, or exclude.
	for _, c := range []struct {
		rule       string
		score, max float64
	}{{"zero", 0, 6}, {"award_max", 6, 6}, {"exclude", 0, 0}} {
		f.compute("2024-Q2", load.IndicatorSettings{ZeroDenominator: c.rule})
		if r := f.metric("2024-Q2", "21643", "DOSSIER_SYNC"); r.null != 0 || r.score != c.score || r.max != c.max {
			t.Errorf("zero_denominator %s: %+v, want score %v of %v", c.rule, r, c.score, c.max)
		}
	}
	// No petitions: the petition metrics give their maximum.
	f.expect("2024-Q2", unit, "PETITION_PROCESSING_ON_TIME", 0, 0, 6)

	// The findings: S3 synced late by 73 h and S5 with a step never synced
	// (risks under the official rule), S4 not synced; BCQG exceeds the
	// portal by 5 in 21637.
	checks := []struct {
		q    string
		want uint64
	}{
		{"SELECT count() FROM {db}.v_dossier_findings WHERE dossier_id = 'S3' AND finding = 'synced_late' AND detail LIKE '%73 h after it happened, limit 24 h%'", 1},
		{"SELECT count() FROM {db}.v_dossier_findings WHERE dossier_id = 'S4' AND finding = 'not_synced'", 1},
		{"SELECT count() FROM {db}.v_dossier_findings WHERE dossier_id = 'S5' AND finding = 'step_not_synced'", 1},
		{"SELECT count() FROM {db}.v_dossier_findings WHERE unit_code = '21637' AND finding = 'bcqg_exceeds_portal' AND detail LIKE '%BCQG reports 10%holds 5%'", 1},
	}
	for _, c := range checks {
		if got := count(t, f.s, c.q); got != c.want {
			t.Errorf("%s = %d, want %d", c.q, got, c.want)
		}
	}
}

// TestMergedWardFixtures: before 2025-07-01 the 17 wards get figures; after,
// the 7 merged ones, and a dossier of an old ward counts for its successor.
func TestMergedWardFixtures(t *testing.T) {
	f := newFixture(t)
	const ks = "1.001193"
	// Hoài Thanh (21667) merged into Hoài Nhơn (21664) on 2025-07-01.
	f.dossier("M1", "21667", ks, tp("2025-06-20 08:00"), tp("2025-06-21 17:00"), tp("2025-06-20 10:00"))
	f.dossier("M2", "21664", ks, tp("2025-07-02 08:00"), tp("2025-07-03 17:00"), tp("2025-07-05 10:00")) // late
	f.compute("2025-Q2", load.IndicatorSettings{})
	f.compute("2025-Q3", load.IndicatorSettings{})
	f.compute("2025", load.IndicatorSettings{})
	// 2025-Q2 (last day 2025-06-30): the old units, M1 at 21667 and its district.
	f.expect("2025-Q2", "21667", "ON_TIME", 1, 1, 20)
	f.expect("2025-Q2", "543", "ON_TIME", 1, 1, 20)
	// 2025-Q3: only merged units; M2 late at 21664 (Hoài Nhơn).
	f.expect("2025-Q3", "21664", "ON_TIME", 0, 1, 0)
	if n := count(t, f.s, "SELECT count() FROM {db}.v_indicator_scores WHERE period = '2025-Q3' AND unit_code IN ('21667', '543')"); n != 0 {
		t.Errorf("units that no longer exist got %d Q3 scores", n)
	}
	// 2025 (last day 2025-12-31): M1 rolls up into 21664 with M2: 1 of 2 on time.
	f.expect("2025", "21664", "ON_TIME", 1, 2, 10)
	f.expect("2025", "52", "ON_TIME", 1, 2, 10)
	if n := count(t, f.s, "SELECT uniqExact(unit_code) FROM {db}.v_indicator_scores WHERE period = '2025'"); n != 8 {
		t.Errorf("2025 has %d units, want the 7 merged wards and the province", n)
	}
}

// group reads a unit's group score and maximum.
func (f *fixture) group(period, unit, indicator string) (score, max float64) {
	f.t.Helper()
	err := f.s.Conn().QueryRow(f.ctx, f.s.SQL(`SELECT score, max_score FROM {db}.v_indicator_scores
		WHERE period = @p AND unit_code = @u AND indicator = @i`),
		clickhouse.Named("p", period), clickhouse.Named("u", unit), clickhouse.Named("i", indicator)).Scan(&score, &max)
	if err != nil {
		f.t.Fatalf("group %s of %s in %s: %v", indicator, unit, period, err)
	}
	return score, max
}

// TestOnlineGroupOfficial: the online group is three parts, 2 + 4 + 6
// (item 3.1 with an 80% target, 3.2 linear, 3.3 with a 50% target and the
// sync coefficient), each rounded, summed.
func TestOnlineGroupOfficial(t *testing.T) {
	f := newFixture(t)
	catalogue(t, f.s)
	const unit = "21637"
	// Two online dossiers of 1.001193 (result a document; F0 with an
	// electronic result, F1 without) and two direct ones of 1.010824. F0–F2
	// synced, F3 not.
	for i, c := range []struct {
		code   string
		ch     transform.Channel
		link   bool
		synced bool
	}{{"1.001193", transform.ChannelOnline, true, true}, {"1.001193", transform.ChannelOnline, false, true},
		{"1.010824", transform.ChannelDirect, false, true}, {"1.010824", transform.ChannelDirect, false, false}} {
		f.dossier(fmt.Sprintf("F%d", i), unit, c.code, tp("2024-04-10 08:00"), tp("2024-04-11 17:00"), tp("2024-04-10 10:00"),
			func(d *transform.Dossier) {
				d.Channel, d.Synced = c.ch, c.synced
				if c.link {
					d.ResultCount, d.ResultLinks = 1, 1
				}
			})
	}
	f.compute("2024-Q2", load.IndicatorSettings{})
	// 3.1: the ward's level (xa) has 1.001193 (online) and 1.010824 (not):
	// A = 1/2, round(2 × min(1, 0.5/0.8), 2) = 1.25. The district (huyen):
	// 1.010824 and 1.000001 (partly online): 1/2 → 1.25. The province:
	// every procedure, 2 of 3 online: 2 × (2/3)/0.8 = 1.6666… → 1.67.
	f.expect("2024-Q2", unit, "ONLINE_SERVICE_PROVIDED", 1, 2, 1.25)
	f.expect("2024-Q2", "543", "ONLINE_SERVICE_PROVIDED", 1, 2, 1.25)
	f.expect("2024-Q2", "52", "ONLINE_SERVICE_PROVIDED", 2, 3, 1.67)
	// 3.2: the ward's one online procedure got online dossiers: 1/1 → 4.
	// The district's online procedure 1.000001 got none: 0/1 → 0.
	f.expect("2024-Q2", unit, "ONLINE_PROCEDURES_USED", 1, 1, 4)
	f.expect("2024-Q2", "543", "ONLINE_PROCEDURES_USED", 0, 1, 0)
	// 3.3: C = online with an electronic result (F0) / received = 1/4;
	// S = DOSSIER_SYNC = 3/4; round(6 × min(1, 0.25 × 0.75 / 0.5), 2) = 2.25
	// (3 without the coefficient).
	f.expect("2024-Q2", unit, "ONLINE_DOSSIERS", 1, 4, 2.25)
	// The group: 1.25 + 4 + 2.25 = 7.5 of 12 (informational channel shares
	// carry no points).
	if got, max := f.group("2024-Q2", unit, "online"); !near(got, 7.5) || max != 12 {
		t.Fatalf("online = %v of %v, want 7.5 of 12", got, max)
	}
	// A ward with no dossiers: 3.1 from the catalogue (1.25), 3.2 = 0/1 → 0,
	// 3.3 = 0/0 → 0 (the trees publish zeros, not null).
	if r := f.metric("2024-Q2", "21643", "ONLINE_DOSSIERS"); r.null != 0 || r.score != 0 || r.noData != 1 {
		t.Errorf("21643 ONLINE_DOSSIERS %+v, want 0, no data", r)
	}
	if got, _ := f.group("2024-Q2", "21643", "online"); !near(got, 1.25) {
		t.Errorf("21643 online = %v, want 1.25", got)
	}
}

// TestPaymentFixtures: payment is 6A + LEAST(2, 2.5B) + LEAST(2, 2.5C),
// each component rounded to 2 decimals before the sum (items 3.6, 3.5b,
// 3.5; reference §2.4, §3 rows 8–10).
func TestPaymentFixtures(t *testing.T) {
	f := newFixture(t)
	entries := []load.CatalogueEntry{}
	for _, c := range []string{"1.000101", "1.000102", "1.000103"} {
		entries = append(entries, load.CatalogueEntry{Procedure: transform.Procedure{NationalCode: c, Name: "Phí " + c, HasFees: true,
			TimeLimitDays: 5, Levels: []string{"xa"}, TimeLimits: []transform.TimeLimit{{ValidFrom: transform.Epoch, Days: 5}}}})
	}
	if err := f.s.WriteCatalogue(f.ctx, "fixture", entries); err != nil {
		t.Fatal(err)
	}
	fee := func(total float64, paid uint8) func(*transform.Dossier) {
		return func(d *transform.Dossier) {
			d.PaidOnline = paid
			if total >= 0 {
				d.FeeCount, d.FeeTotal = 1, total
			}
		}
	}
	day, due := tp("2024-04-10 08:00"), tp("2024-04-20 17:00")
	// Ward 21637: P1 (1.000101) 3 dossiers paid online and 3 not, fees
	// 50 000; P2 one dossier whose fees are all 0; P3 one without fee data.
	for i := 0; i < 6; i++ {
		paid := uint8(0)
		if i < 3 {
			paid = 1
		}
		f.dossier(fmt.Sprintf("P1-%d", i), "21637", "1.000101", day, due, nil, fee(50000, paid))
	}
	f.dossier("P2-0", "21637", "1.000102", day, due, nil, fee(0, 0))
	f.dossier("P3-0", "21637", "1.000103", day, due, nil, fee(-1, 0))
	// Ward 21640: one dossier of P1 paid online with fees.
	f.dossier("Q1-0", "21640", "1.000101", day, due, nil, fee(20000, 2))
	f.compute("2024-Q2", load.IndicatorSettings{})

	// 21637. A = paid / fee dossiers less all-zero ones = 3 / (6 + P3) = 3/7;
	// round(6 × 3/7 = 2.5714…, 2) = 2.57.
	f.expect("2024-Q2", "21637", "PAID_ONLINE", 3, 7, 2.57)
	// B = procedures paid online / fee procedures with dossiers = 1/3;
	// round(2 × min(1, (1/3)/0.8) = 0.8333…, 2) = 0.83.
	f.expect("2024-Q2", "21637", "FEE_PROCEDURES_PAID_ONLINE", 1, 3, 0.83)
	// C = procedures with fee data above 0 (P1; P2's fees are 0, P3 has
	// none) / 3 = 1/3 → 0.83.
	f.expect("2024-Q2", "21637", "FEE_PROCEDURES_SYNCED", 1, 3, 0.83)
	// Group: 2.57 + 0.83 + 0.83 = 4.23 (the raw sum 4.238… would round to
	// 4.24), maximum 10.
	if got, max := f.group("2024-Q2", "21637", "payment"); !near(got, 4.23) || max != 10 {
		t.Errorf("21637 payment %v of %v, want 4.23 of 10", got, max)
	}
	// 21640: A = 1/1 → 6; B = 1/1 → LEAST(2, 2.5) = 2 (cap); C = 1/1 → 2
	// (cap; the earlier 2.5·C gave 2.5). Group 10.
	f.expect("2024-Q2", "21640", "PAID_ONLINE", 1, 1, 6)
	f.expect("2024-Q2", "21640", "FEE_PROCEDURES_PAID_ONLINE", 1, 1, 2)
	f.expect("2024-Q2", "21640", "FEE_PROCEDURES_SYNCED", 1, 1, 2)
	if got, max := f.group("2024-Q2", "21640", "payment"); !near(got, 10) || max != 10 {
		t.Errorf("21640 payment %v of %v, want 10 of 10", got, max)
	}
	// No fee dossiers (21643): every component 0/0 → 0 (not null).
	if r := f.metric("2024-Q2", "21643", "PAID_ONLINE"); r.null != 0 || r.score != 0 || r.max != 6 {
		t.Errorf("21643 PAID_ONLINE %+v", r)
	}
}

// TestDigitizationFixtures: items 4.1–4.5 and MX 13 on hand-built dossiers.
func TestDigitizationFixtures(t *testing.T) {
	f := newFixture(t)
	catalogue(t, f.s)
	const unit, ks, tc = "21637", "1.001193", "1.010824"
	recv, due := tp("2024-04-10 08:00"), tp("2024-04-20 17:00")
	done := tp("2024-04-12 08:00")
	// G1 finished, 1.001193 (result a document) with an electronic result,
	// a digitized component, VNeID.
	f.dossier("G1", unit, ks, recv, due, done, func(d *transform.Dossier) {
		d.ResultCount, d.ResultLinks, d.DocCount, d.DocDigitized, d.VNeID = 1, 1, 1, 1, true
	})
	// G2 unfinished, digitized, no result yet.
	f.dossier("G2", unit, ks, recv, due, nil, func(d *transform.Dossier) { d.HasDigitized = true })
	// G3 finished, result a document without a file, nothing digitized.
	f.dossier("G3", unit, ks, recv, due, done, func(d *transform.Dossier) { d.ResultCount = 1 })
	// G4 finished, 1.010824 (result not a document), digitized, a component
	// from the citizen's store.
	f.dossier("G4", unit, tc, recv, due, done, func(d *transform.Dossier) {
		d.DocCount, d.DocDigitized, d.DocFromStore, d.DocReused = 1, 1, 1, 1
	})
	f.compute("2024-Q2", load.IndicatorSettings{})
	// 4.1: electronic results (G1) / every dossier received, the unfinished
	// G2 included = 1/4 → 6 × 0.25 = 1.5 (the earlier reading: 1 of the 2
	// finished document-result dossiers, 3).
	f.expect("2024-Q2", unit, "ORIGINAL_RESULT_AVAILABLE", 1, 4, 1.5)
	// 4.2: a digitized component and, for a document result, a result
	// file: G1, G4 (G2 has no result file) = 2/4 → 4 × 0.5 = 2.
	f.expect("2024-Q2", unit, "SO_HOA_GIAY_TO_GIAI_QUYET", 2, 4, 2)
	// 4.3: reuse (G4) = 1/4; round(2 × min(1, 0.25/0.8), 2) = 0.63 (0.625
	// rounds half up).
	f.expect("2024-Q2", unit, "REUSED_DIGITIZED_DATA", 1, 4, 0.63)
	// 4.4: from the store (G4) = 1/4 → 4 × 0.25 = 1.
	f.expect("2024-Q2", unit, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", 1, 4, 1)
	// 4.5b per unit: VNeID (G1) or DMQG (G4) = 2/4 → 2 × 0.5 = 1.
	f.expect("2024-Q2", unit, "CITIZEN_DATA_CONNECTED_DOSSIER", 2, 4, 1)
	// 4.5a per unit: procedures with such a dossier (1.001193, 1.010824)
	// / the ward level's catalogue procedures (the same two) = 2/2 → 2.
	f.expect("2024-Q2", unit, "CITIZEN_DATA_CONNECTED_FORMALITY", 2, 2, 2)
	// MX 13: a constant 2.
	f.expect("2024-Q2", unit, "ELECTRONIC_CERTIFIED_COPY", 1, 1, 2)
	// Group: 1.5 + 2 + 0.63 + 1 + 1 + 2 + 2 = 10.13 of 22.
	if got, max := f.group("2024-Q2", unit, "digitization"); !near(got, 10.13) || max != 22 {
		t.Errorf("digitization %v of %v, want 10.13 of 22", got, max)
	}
	// A ward without dossiers: every dossier metric NULL (max kept), 4.5a
	// 0/2 = 0 (its catalogue denominator is not empty), the certified copy
	// 2: the group is 2 of 22.
	for _, m := range []string{"ORIGINAL_RESULT_AVAILABLE", "SO_HOA_GIAY_TO_GIAI_QUYET", "REUSED_DIGITIZED_DATA",
		"SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "CITIZEN_DATA_CONNECTED_DOSSIER"} {
		if r := f.metric("2024-Q2", "21643", m); r.null != 1 || r.max == 0 || r.points() != r.max {
			t.Errorf("21643 %s %+v, want a null score with its maximum lost", m, r)
		}
	}
	f.expect("2024-Q2", "21643", "CITIZEN_DATA_CONNECTED_FORMALITY", 0, 2, 0)
	if got, max := f.group("2024-Q2", "21643", "digitization"); !near(got, 2) || max != 22 {
		t.Errorf("21643 digitization %v of %v, want 2 of 22", got, max)
	}
}

// TestSatisfactionFixtures: items 5.2–5.4.
func TestSatisfactionFixtures(t *testing.T) {
	f := newFixture(t)
	const unit, ks = "21637", "1.001193"
	pet := func(id string, recv, deadline, handled *time.Time, rating uint8) {
		f.t.Helper()
		err := f.w.AddPetition(f.ctx, transform.Petition{PetitionID: id, UnitCode: unit, UnitName: unit, ReceivedAt: recv,
			DeadlineAt: deadline, HandledAt: handled, Rating: rating, UpdatedAt: time.Date(2025, 12, 1, 0, 0, 0, 0, hcm), Source: "fixture"})
		if err != nil {
			t.Fatal(err)
		}
	}
	// K1 handled on time, satisfied; K2 handled on time, dissatisfied; K3
	// handled after its deadline; K4 open, due after the period; K5 open and
	// past due before the end of the period.
	pet("K1", tp("2024-04-01 08:00"), tp("2024-04-20 17:00"), tp("2024-04-10 08:00"), 1)
	pet("K2", tp("2024-04-01 08:00"), tp("2024-04-20 17:00"), tp("2024-04-10 08:00"), 2)
	pet("K3", tp("2024-04-01 08:00"), tp("2024-04-20 17:00"), tp("2024-04-25 08:00"), 0)
	pet("K4", tp("2024-06-25 08:00"), tp("2024-07-15 17:00"), nil, 0)
	pet("K5", tp("2024-05-01 08:00"), tp("2024-05-20 17:00"), nil, 0)
	// Ten dossiers: T0 late and rated dissatisfied (3), T1 rated
	// dissatisfied only, the rest on time.
	for i := 0; i < 10; i++ {
		fin := tp("2024-04-10 10:00")
		rating := uint8(1)
		switch i {
		case 0:
			fin, rating = tp("2024-04-15 10:00"), 3
		case 1:
			rating = 3
		}
		f.dossier(fmt.Sprintf("T%d", i), unit, ks, tp("2024-04-10 08:00"), tp("2024-04-11 17:00"), fin,
			func(d *transform.Dossier) { d.Rating = rating })
	}
	// Ward 21640: nine of ten dossiers satisfactory: exactly the 90% target.
	for i := 0; i < 10; i++ {
		fin := tp("2024-04-10 10:00")
		if i == 0 {
			fin = tp("2024-04-15 10:00")
		}
		f.dossier(fmt.Sprintf("U%d", i), "21640", ks, tp("2024-04-10 08:00"), tp("2024-04-11 17:00"), fin)
	}
	f.compute("2024-Q2", load.IndicatorSettings{})
	// 5.2: on time K1, K2, K4 = 3/5 → 6 × 0.6 = 3.6.
	f.expect("2024-Q2", unit, "PETITION_PROCESSING_ON_TIME", 3, 5, 3.6)
	// 5.3: (5 − {K2 dissatisfied, K3 and K5 late}) / all 5 = 2/5 → 2.4 (the
	// earlier satisfied ÷ rated gave 1/2 → 3).
	f.expect("2024-Q2", unit, "PETITION_HANDLING_SATISFACTION", 2, 5, 2.4)
	// 5.4: 10 − |late ∪ dissatisfied| = 10 − |{T0} ∪ {T0, T1}| = 8; r = 0.8;
	// round(6 × 0.8/0.9 = 5.333…, 2) = 5.33 (the earlier sum of shares
	// counted T0 twice: 0.7 → 4.67).
	f.expect("2024-Q2", unit, "DOSSIER_RECEIVING_SATISFACTION", 8, 10, 5.33)
	// At the target exactly: 9/10 → 6.
	f.expect("2024-Q2", "21640", "DOSSIER_RECEIVING_SATISFACTION", 9, 10, 6)
	// 21640 has no petitions: 6 + 6, plus 6 = 18 of 18.
	if got, max := f.group("2024-Q2", "21640", "satisfaction"); !near(got, 18) || max != 18 {
		t.Errorf("21640 satisfaction %v of %v, want 18 of 18", got, max)
	}
	// 21637: 3.6 + 2.4 + 5.33 = 11.33.
	if got, _ := f.group("2024-Q2", unit, "satisfaction"); !near(got, 11.33) {
		t.Errorf("21637 satisfaction %v, want 11.33", got)
	}
}

// TestTransparencyFixtures: items 1.1–1.3 on a hand-built catalogue, in
// 2024-Q2 [2024-04-01, 2024-07-01). June 2024 has no holiday: its working
// days are Monday–Friday. work_index(D) counts the working days strictly
// before D. Province-only metrics: every unit inherits the province's.
func TestTransparencyFixtures(t *testing.T) {
	f := newFixture(t)
	day := func(s string) *time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, hcm)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	proc := func(code string, decision, basis, public *time.Time, full bool) load.CatalogueEntry {
		return load.CatalogueEntry{Procedure: transform.Procedure{NationalCode: code, Name: "Thủ tục " + code, TimeLimitDays: 5,
			Levels: []string{"xa"}, TimeLimits: []transform.TimeLimit{{ValidFrom: transform.Epoch, Days: 5}},
			DecisionDate: decision, LegalBasisDate: basis, PublicDate: public, ContentFull: full}}
	}
	entries := []load.CatalogueEntry{
		// A1: decided Mon 06-03, basis in force Mon 06-10: 5 working days
		// before (06-03…06-07), exactly the limit: on time (1.1). Public
		// 06-10 = decision + 5 working days, the deadline itself: on time
		// (1.2). Seven parts.
		proc("1.000201", day("2024-06-03"), day("2024-06-10"), day("2024-06-10"), true),
		// A2: decided Tue 06-04, basis 06-10: 4 working days, late (1.1).
		// Deadline Tue 06-11, public Wed 06-12: late (1.2). Parts missing.
		proc("1.000202", day("2024-06-04"), day("2024-06-10"), day("2024-06-12"), false),
		// A3: decided Wed 06-05, no legal basis date: late (1.1). Never
		// made public: in 1.2 by its deadline 06-12, in the period: late.
		// Not public: outside 1.3 whatever its parts.
		proc("1.000203", day("2024-06-05"), nil, nil, true),
		// A4: decided Mon 2024-03-18 (Q1), public 03-20, deadline 03-25:
		// outside the period for 1.1 and 1.2; public with seven parts (1.3
		// is the catalogue as of now).
		proc("1.000204", day("2024-03-18"), day("2024-04-01"), day("2024-03-20"), true),
	}
	if err := f.s.WriteCatalogue(f.ctx, "fixture", entries); err != nil {
		t.Fatal(err)
	}
	f.compute("2024-Q2", load.IndicatorSettings{})
	f.compute("2024-Q3", load.IndicatorSettings{})
	for _, unit := range []string{"52", "543", "21637"} {
		// 1.1: A1 / {A1, A2, A3} = 1/3 → 6 × 1/3 = 2.
		f.expect("2024-Q2", unit, "PUBLISH_ON_TIME", 1, 3, 2)
		// 1.2: A1 / {A1, A2, A3} = 1/3 → 4/3 = 1.333… → 1.33.
		f.expect("2024-Q2", unit, "PUBLIC_UPDATE_ON_TIME", 1, 3, 1.33)
		// 1.3: {A1, A4} / public {A1, A2, A4} = 2/3 → 2 × 2/3 = 1.333… → 1.33.
		f.expect("2024-Q2", unit, "PUBLIC_CONTENT_FULL", 2, 3, 1.33)
		// Group: 2 + 1.33 + 1.33 + DOSSIER_SYNC (no dossiers, no BCQG:
		// NULL, counted 0) = 4.66 of 18; the raw sum 4.666… would round to
		// 4.67.
		if got, max := f.group("2024-Q2", unit, "transparency"); !near(got, 4.66) || max != 18 {
			t.Errorf("%s transparency %v of %v, want 4.66 of 18", unit, got, max)
		}
		// Q3: no decision in the period and no deadline in it: 1.1 and 1.2
		// are 0/0, NULL with their maximum lost; 1.3 is still 2/3.
		for _, m := range []string{"PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME"} {
			if r := f.metric("2024-Q3", unit, m); r.den != 0 || r.null != 1 || r.noData != 1 || r.points() != r.max || r.max == 0 {
				t.Errorf("%s 2024-Q3 %s %+v, want 0/0: a NULL score, its maximum lost", unit, m, r)
			}
		}
		f.expect("2024-Q3", unit, "PUBLIC_CONTENT_FULL", 2, 3, 1.33)
		if got, _ := f.group("2024-Q3", unit, "transparency"); !near(got, 1.33) {
			t.Errorf("%s 2024-Q3 transparency %v, want 1.33", unit, got)
		}
	}
}

// TestChannelFixtures: the informational channel shares (3.3, maximum 0,
// score 0) of ward 21637 in 2024-Q2: 2 online, 1 direct, 1 postal and 1
// without a channel (counted direct), over the 5 dossiers received.
func TestChannelFixtures(t *testing.T) {
	f := newFixture(t)
	catalogue(t, f.s)
	recv, due := tp("2024-04-10 08:00"), tp("2024-04-20 17:00")
	for i, c := range []struct {
		ch      transform.Channel
		missing bool
	}{{transform.ChannelOnline, false}, {transform.ChannelOnline, false}, {transform.ChannelDirect, false},
		{transform.ChannelPostal, false}, {transform.ChannelDirect, true}} {
		f.dossier(fmt.Sprintf("C%d", i), "21637", "1.001193", recv, due, nil, func(d *transform.Dossier) {
			d.Channel, d.ChannelMissing = c.ch, c.missing
		})
	}
	f.compute("2024-Q2", load.IndicatorSettings{})
	for _, c := range []struct {
		metric string
		num    float64
	}{{"CHANNEL_ONLINE", 2}, {"CHANNEL_DIRECT", 2}, {"CHANNEL_POSTAL", 1}} {
		r := f.metric("2024-Q2", "21637", c.metric)
		// ratio = num / 5; score 0 of 0.
		if !near(r.num, c.num) || r.den != 5 || !near(r.ratio, c.num/5) || r.score != 0 || r.max != 0 || r.null != 0 {
			t.Errorf("%s %+v, want %v/5, ratio %v, score 0 of 0", c.metric, r, c.num, c.num/5)
		}
		// No dossiers (21643): 0/0 → 0, not NULL.
		if r := f.metric("2024-Q2", "21643", c.metric); r.den != 0 || r.score != 0 || r.null != 0 || r.max != 0 {
			t.Errorf("21643 %s %+v, want 0/0 → 0", c.metric, r)
		}
	}
}

// TestZeroDenominators: a ward with nothing at all (no catalogue, no
// dossiers, no petitions, no BCQG figure) scores every metric by the
// portal's 0/0 rule (docs/indicators.md "Zero denominator"): transparency
// and digitization NULL (maximum lost); progress, online, payment and
// DOSSIER_RECEIVING_SATISFACTION 0; the two petition metrics 6; the
// certified copy its constant 2.
func TestZeroDenominators(t *testing.T) {
	f := newFixture(t)
	f.compute("2024-Q2", load.IndicatorSettings{})
	const unit = "21643"
	null := []string{"PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME", "PUBLIC_CONTENT_FULL", "DOSSIER_SYNC",
		"ORIGINAL_RESULT_AVAILABLE", "SO_HOA_GIAY_TO_GIAI_QUYET", "REUSED_DIGITIZED_DATA", "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
		"CITIZEN_DATA_CONNECTED_DOSSIER", "CITIZEN_DATA_CONNECTED_FORMALITY"}
	for _, m := range null {
		if r := f.metric("2024-Q2", unit, m); r.den != 0 || r.null != 1 || r.max == 0 || r.points() != r.max {
			t.Errorf("%s %+v, want 0/0: NULL, its maximum lost", m, r)
		}
	}
	for _, c := range []struct {
		metric string
		score  float64
	}{{"ON_TIME", 0}, {"ONLINE_SERVICE_PROVIDED", 0}, {"ONLINE_PROCEDURES_USED", 0}, {"ONLINE_DOSSIERS", 0},
		{"PAID_ONLINE", 0}, {"FEE_PROCEDURES_PAID_ONLINE", 0}, {"FEE_PROCEDURES_SYNCED", 0},
		{"DOSSIER_RECEIVING_SATISFACTION", 0}, {"PETITION_PROCESSING_ON_TIME", 6}, {"PETITION_HANDLING_SATISFACTION", 6}} {
		f.expect("2024-Q2", unit, c.metric, 0, 0, c.score)
	}
	f.expect("2024-Q2", unit, "ELECTRONIC_CERTIFIED_COPY", 1, 1, 2)
	// Groups: transparency 0 of 18, progress 0 of 20, online 0 of 12,
	// payment 0 of 10, digitization 2 of 22 (the certified copy),
	// satisfaction 6 + 6 + 0 = 12 of 18.
	for _, g := range []struct {
		indicator  string
		score, max float64
	}{{"transparency", 0, 18}, {"progress", 0, 20}, {"online", 0, 12}, {"payment", 0, 10}, {"digitization", 2, 22}, {"satisfaction", 12, 18},
		// The total: the sum of the six groups, 2 + 12 = 14 of 100.
		{"total", 14, 100}} {
		if got, max := f.group("2024-Q2", unit, g.indicator); !near(got, g.score) || max != g.max {
			t.Errorf("%s %v of %v, want %v of %v", g.indicator, got, max, g.score, g.max)
		}
	}
}

// TestEveryMetricHasAFixture: every metric file has a row in the table of
// hand-worked fixtures (docs/indicators.md), every row names a metric that
// exists and tests of this file, and the table has no duplicate.
func TestEveryMetricHasAFixture(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "transform", "indicators", "metrics", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("metric files: %v %v", files, err)
	}
	header := regexp.MustCompile(`(?m)^-- metric: ([A-Z0-9_]+)\s*$`)
	metrics := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := header.FindSubmatch(b)
		if m == nil {
			t.Fatalf("%s has no metric header", f)
		}
		metrics[string(m[1])] = true
	}
	doc, err := os.ReadFile(filepath.Join("..", "docs", "indicators.md"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("compute_test.go")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([A-Z0-9_]+)` \\| (Test[A-Za-z0-9_]+) \\| (Test[A-Za-z0-9_]+) \\|$")
	table := map[string]bool{}
	for _, r := range row.FindAllStringSubmatch(string(doc), -1) {
		if table[r[1]] {
			t.Errorf("%s is twice in the fixture table", r[1])
		}
		table[r[1]] = true
		if !metrics[r[1]] {
			t.Errorf("the fixture table lists %s, which has no metric file", r[1])
		}
		for _, test := range r[2:] {
			if !strings.Contains(string(src), "func "+test+"(t *testing.T)") {
				t.Errorf("%s: %s is not a test of load/compute_test.go", r[1], test)
			}
		}
	}
	for m := range metrics {
		if !table[m] {
			t.Errorf("metric %s has no hand-worked fixture in the table of docs/indicators.md", m)
		}
	}
	if len(metrics) != 24 || len(table) != len(metrics) {
		t.Errorf("%d metric files, %d table rows", len(metrics), len(table))
	}
}
