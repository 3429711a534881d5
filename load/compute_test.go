package load_test

import (
	"context"
	"fmt"
	"math"
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
	num, den, ratio, score, max float64
	noData                      uint8
}

func (f *fixture) metric(period, unit, metric string) metricRow {
	f.t.Helper()
	var r metricRow
	err := f.s.Conn().QueryRow(f.ctx, f.s.SQL(`SELECT numerator, denominator, ratio, score, max_score, no_data
		FROM {db}.v_indicator_metrics WHERE period = @p AND unit_code = @u AND metric = @m`),
		clickhouse.Named("p", period), clickhouse.Named("u", unit), clickhouse.Named("m", metric)).
		Scan(&r.num, &r.den, &r.ratio, &r.score, &r.max, &r.noData)
	if err != nil {
		f.t.Fatalf("metric %s of %s in %s: %v", metric, unit, period, err)
	}
	return r
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func (f *fixture) expect(period, unit, metric string, num, den, score float64) {
	f.t.Helper()
	got := f.metric(period, unit, metric)
	if !near(got.num, num) || !near(got.den, den) || !near(got.score, score) {
		f.t.Errorf("%s %s %s: numerator %v, denominator %v, score %v; want %v, %v, %v",
			period, unit, metric, got.num, got.den, got.score, num, den, score)
	}
}

func catalogue(t *testing.T, s *load.Store) {
	t.Helper()
	entries := []load.CatalogueEntry{
		{Procedure: transform.Procedure{NationalCode: "1.001193", Name: "Đăng ký khai sinh", TimeLimitDays: 1, OnlineLevel: "toan_trinh",
			ResultIsDocument: true, TimeLimits: []transform.TimeLimit{{ValidFrom: transform.Epoch, Days: 1}}}},
		// The seed report's cut: 5 working days until decision 3039 of
		// 2023-08-16, 3 from then on.
		{Procedure: transform.Procedure{NationalCode: "1.010824", Name: "Hưởng trợ cấp", TimeLimitDays: 3,
			TimeLimits: []transform.TimeLimit{{ValidFrom: transform.Epoch, Days: 5},
				{ValidFrom: time.Date(2023, 8, 16, 0, 0, 0, 0, hcm), Days: 3, Decision: "3039/QĐ-UBND"}}}},
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
	// ON_TIME = 5/9, score 20 × 5/9 = 11.111…
	f.expect("2024-Q2", unit, "ON_TIME", 5, 9, 20*5.0/9)
	// Zero denominator (ward 21643 handled nothing): ratio 0, score 0, no_data.
	if r := f.metric("2024-Q2", "21643", "ON_TIME"); r.den != 0 || r.score != 0 || r.noData != 1 {
		t.Errorf("21643 ON_TIME %+v, want no data", r)
	}
	// The district covers its wards: the same 9 dossiers.
	f.expect("2024-Q2", "543", "ON_TIME", 5, 9, 20*5.0/9)

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

// TestDossierSyncFixtures checks DOSSIER_SYNC, its BCQG denominator and the
// fallback to last year's BCQG total.
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
	// S3 synced, but its step reached the portal 73 h later: late.
	f.dossier("S3", unit, ks, tp("2024-04-04 08:00"), nil, nil, synced(73*time.Hour))
	// S4 never synced.
	f.dossier("S4", unit, ks, tp("2024-04-05 08:00"), nil, nil)
	bcqg := []transform.BCQGCount{
		{UnitCode: unit, Period: "2024-Q2", Received: 10},   // BCQG 10 > portal 4
		{UnitCode: "21640", Period: "2023", Received: 40},   // no Q2 data at all: fallback 40 ÷ 4
		{UnitCode: "21643", Period: "2024-Q2", Received: 0}, // both 0, no last year: ratio 0
	}
	if err := f.s.WriteBCQG(f.ctx, "fixture", bcqg); err != nil {
		t.Fatal(err)
	}
	f.compute("2024-Q2", load.IndicatorSettings{})
	// 2 on time over max(BCQG 10, portal 4) = 10: ratio 0.2, score 6 × 0.2 = 1.2.
	f.expect("2024-Q2", unit, "DOSSIER_SYNC", 2, 10, 1.2)
	// Fallback: 0 over 40 ÷ 4 = 10, score 0 (but there is data).
	f.expect("2024-Q2", "21640", "DOSSIER_SYNC", 0, 10, 0)
	if r := f.metric("2024-Q2", "21640", "DOSSIER_SYNC"); r.noData != 0 {
		t.Error("the fallback denominator is data")
	}
	// Nothing anywhere: no data, score 0 (zero_denominator: zero) …
	if r := f.metric("2024-Q2", "21643", "DOSSIER_SYNC"); r.den != 0 || r.score != 0 || r.noData != 1 || r.max != 6 {
		t.Errorf("21643 %+v", r)
	}
	// … or the maximum with zero_denominator: award_max, or left out with exclude.
	f.compute("2024-Q2", load.IndicatorSettings{ZeroDenominator: "award_max"})
	if r := f.metric("2024-Q2", "21643", "DOSSIER_SYNC"); r.score != 6 {
		t.Errorf("award_max: %+v", r)
	}
	f.compute("2024-Q2", load.IndicatorSettings{ZeroDenominator: "exclude"})
	if r := f.metric("2024-Q2", "21643", "DOSSIER_SYNC"); r.score != 0 || r.max != 0 {
		t.Errorf("exclude: %+v", r)
	}
	// No petitions: the petition metrics give their maximum.
	f.expect("2024-Q2", unit, "PETITION_PROCESSING_ON_TIME", 0, 0, 6)

	// The findings: S3 synced late by 73 h, S4 not synced; BCQG exceeds the
	// portal by 6 in 21637.
	checks := []struct {
		q    string
		want uint64
	}{
		{"SELECT count() FROM {db}.v_dossier_findings WHERE dossier_id = 'S3' AND finding = 'synced_late' AND detail LIKE '%73 h after it happened, limit 24 h%'", 1},
		{"SELECT count() FROM {db}.v_dossier_findings WHERE dossier_id = 'S4' AND finding = 'not_synced'", 1},
		{"SELECT count() FROM {db}.v_dossier_findings WHERE unit_code = '21637' AND finding = 'bcqg_exceeds_portal' AND detail LIKE '%BCQG reports 10%holds 4%'", 1},
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

// TestOnlineFormulaFit: with online_formula: fit the online group is
// min(2, 2·A/0.80) + 4·B + min(6, 6·C/0.50).
func TestOnlineFormulaFit(t *testing.T) {
	f := newFixture(t)
	catalogue(t, f.s)
	const unit = "21637"
	// 1.001193 is offered fully online, 1.010824 is not. Two online dossiers
	// of 1.001193 and two direct ones of 1.010824.
	for i, c := range []struct {
		code string
		ch   transform.Channel
	}{{"1.001193", transform.ChannelOnline}, {"1.001193", transform.ChannelOnline}, {"1.010824", transform.ChannelDirect}, {"1.010824", transform.ChannelDirect}} {
		ch := c.ch
		f.dossier(fmt.Sprintf("F%d", i), unit, c.code, tp("2024-04-10 08:00"), tp("2024-04-11 17:00"), tp("2024-04-10 10:00"),
			func(d *transform.Dossier) { d.Channel = ch })
	}
	f.compute("2024-Q2", load.IndicatorSettings{OnlineFormula: "fit"})
	// A = ONLINE_OFFERED = 1/2; B = 1/1 (the one online procedure got online
	// dossiers); C = CHANNEL_ONLINE = 2/4.
	// fit = min(2, 2·0.5/0.8) + 4·1 + min(6, 6·0.5/0.5) = 1.25 + 4 + 6 = 11.25.
	var got float64
	if err := f.s.Conn().QueryRow(f.ctx, f.s.SQL("SELECT score FROM {db}.v_indicator_scores WHERE period = '2024-Q2' AND unit_code = '21637' AND indicator = 'online'")).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if !near(got, 11.25) {
		t.Fatalf("online (fit) = %v, want 11.25", got)
	}
	f.compute("2024-Q2", load.IndicatorSettings{})
	// The sheet: ONLINE_FULL_PROCESS = 2 online of 2 dossiers of fully online
	// procedures, but the result is a document without an electronic link:
	// 0/2, score 0.
	if err := f.s.Conn().QueryRow(f.ctx, f.s.SQL("SELECT score FROM {db}.v_indicator_scores WHERE period = '2024-Q2' AND unit_code = '21637' AND indicator = 'online'")).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if !near(got, 0) {
		t.Fatalf("online (sheet) = %v, want 0", got)
	}
}
