//go:build !race

package main

// The tests over a year of data, built without -race: under the race
// detector the 100k-dossier sync alone takes minutes, and the code paths
// it runs are race-tested by the smaller tests. scripts/test.sh runs them
// on their own, without -race, with TestReprocessMatchesAFreshSyncAt200k.

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/dvcindex/dvcindex/cmd/portalsim/simulator"
	"github.com/dvcindex/dvcindex/transform"
)

// TestComputeAgreesWithOfficialScores: a year of portalsim data (100k
// dossiers) reconciled with what the simulator's national API publishes
// (computed independently from its own truth), over a month, a quarter
// and the year on the same synced data: for every unit, every metric's
// numerator, denominator, ratio and score and every group's score agree
// within tolerances relative to the published count and to the metric's
// maximum (the constants below), and a NULL score on one side is a NULL on
// the other. The tree components publish counts only: their expected score
// is the rule applied here to the published counts.
func TestComputeAgreesWithOfficialScores(t *testing.T) {
	if testing.Short() {
		t.Skip("100k dossiers: not in -short")
	}
	o := simOptions(100000)
	o.From = time.Date(2024, 1, 1, 0, 0, 0, 0, simulator.Location)
	o.To = time.Date(2025, 1, 1, 0, 0, 0, 0, simulator.Location)
	h := newHarness(t, o)
	if code, _, errs := h.run(nil, "migrate"); code != 0 {
		t.Fatal(errs)
	}
	h.syncAll()
	for _, period := range []string{"2024", "2024-Q2", "2024-06"} {
		code, out, errs := h.run(nil, "compute", "--period", period)
		if code != 0 {
			t.Fatalf("compute %s exit %d: %s %s", period, code, out, errs)
		}
		if !strings.Contains(errs, "agree with the official ones") {
			t.Errorf("compute %s did not log the reconciliation result:\n%.3000s", period, errs)
		}
		// 17 wards + district + province, 15 published metric scores + 6
		// groups each: the national reporting API publishes no score for
		// the online and payment parts, and the two petition
		// classifications score nothing (national-766-api.md). (A month
		// without publishing decisions has NULL scores, not listed.)
		if got := h.count("SELECT count() FROM {db}.v_score_reconciliation WHERE period = ?", period); period == "2024" && got != 19*(15+6) {
			t.Errorf("%s: reconciliation has %d rows, want %d", period, got, 19*(15+6))
		}
		gaps := reconcile(t, h, period)
		for m, g := range gaps {
			t.Logf("%s %-34s largest gap: counts %.4f (relative), ratio %.4f, score %.4f of the maximum", period, m, g.count, g.ratio, g.score)
		}
		// Every one of our 24 metrics and 6 groups was compared
		// (PETITION_CLASSIFICATION_* are the portal's, not ours).
		if len(gaps) != 24+6 {
			t.Errorf("%s: %d metrics and groups compared, want 30", period, len(gaps))
		}
	}
}

// published is one row the simulator's national API published for a unit,
// or our row for the same unit and metric; nil is NULL. ratio is 0–1.
type published struct {
	num, den, ratio, score *float64
	max                    float64
}

// treeItems maps the tree components (published by item number, counts
// only) to our metrics, with the score rule written here from
// docs/indicators.md: max and target (0: linear).
var treeItems = map[string]struct {
	metric      string
	max, target float64
}{
	"2.1": {"ON_TIME", 20, 0}, "3.1": {"ONLINE_SERVICE_PROVIDED", 2, 0.8}, "3.2": {"ONLINE_PROCEDURES_USED", 4, 0},
	"3.3": {"ONLINE_DOSSIERS", 6, 0.5}, "3.6": {"PAID_ONLINE", 6, 0}, "3.5b": {"FEE_PROCEDURES_PAID_ONLINE", 2, 0.8},
	"3.5": {"FEE_PROCEDURES_SYNCED", 2, 0.8},
}

// officialRows reads the period's published metrics and groups (group rows
// keyed by indicator) per unit, in our metric codes.

func officialRows(t *testing.T, h *harness, period string) map[[2]string]published {
	t.Helper()
	rows, err := h.store.Conn().Query(context.Background(), h.store.SQL(`SELECT assumeNotNull(unit_code), family, kind, metric,
numerator, denominator, ratio, score, ifNull(max_score, 0.) FROM {db}.v_official_metrics WHERE period = ? AND unit_code IS NOT NULL`), period)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[[2]string]published{}
	for rows.Next() {
		var unit, family, kind, metric string
		var p published
		if err := rows.Scan(&unit, &family, &kind, &metric, &p.num, &p.den, &p.ratio, &p.score, &p.max); err != nil {
			t.Fatal(err)
		}
		if p.ratio != nil {
			r := *p.ratio / 100
			p.ratio = &r
		}
		switch item, ok := treeItems[metric]; {
		case kind == "group":
			metric = transform.OfficialIndicator(family)
		case ok:
			metric, p.max = item.metric, item.max
		}
		out[[2]string{unit, metric}] = p
		if metric == "ONLINE_DOSSIERS" {
			// The informational channel shares (max 0, score 0) are not
			// published; what they carry that is: their denominator, the
			// dossiers received (channelTotalSum).
			zero := 0.
			for _, c := range []string{"CHANNEL_ONLINE", "CHANNEL_DIRECT", "CHANNEL_POSTAL"} {
				out[[2]string{unit, c}] = published{den: p.den, score: &zero}
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// ourRows reads the period's metrics and groups as official rows do.
func ourRows(t *testing.T, h *harness, period string) map[[2]string]published {
	t.Helper()
	rows, err := h.store.Conn().Query(context.Background(), h.store.SQL(`SELECT unit_code, metric, toNullable(numerator), toNullable(denominator),
ratio, score, max_score FROM {db}.v_indicator_metrics WHERE period = @p
UNION ALL SELECT unit_code, indicator, CAST(NULL AS Nullable(Float64)), CAST(NULL AS Nullable(Float64)), CAST(NULL AS Nullable(Float64)),
toNullable(score), max_score FROM {db}.v_indicator_scores WHERE period = @p`), clickhouse.Named("p", period))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[[2]string]published{}
	for rows.Next() {
		var unit, metric string
		var p published
		if err := rows.Scan(&unit, &metric, &p.num, &p.den, &p.ratio, &p.score, &p.max); err != nil {
			t.Fatal(err)
		}
		out[[2]string{unit, metric}] = p
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// gap is the largest difference seen for one metric over every unit:
// counts relative to the published count, ratio in 0–1 units, score as a
// share of the metric's maximum.
type gap struct{ count, ratio, score float64 }

// The tolerances of the reconciliation, measured on this seed (100k
// dossiers of 2024) over the month 2024-06, the quarter 2024-Q2 and the
// year: the simulator's deliberately messy records (duplicates, bad dates,
// unknown codes) make the counts differ by up to 4.3% (a month of a small
// ward), the ratios by up to 0.022 and the scores by up to 2.3% of the
// maximum (DOSSIER_SYNC, whose published denominator is the BCQG figure);
// the others within one rounding step.
const (
	countTolerance = 0.05 // relative to the published count, plus 2 dossiers
	ratioTolerance = 0.03 // on the 0–1 scale, whose maximum is 1
	scoreTolerance = 0.03 // relative to the metric's (or group's) maximum, plus one rounding step
)

func withinTolerance(u, o published) bool {
	countOK := func(a, b *float64) bool {
		return a == nil || b == nil || math.Abs(*a-*b) <= countTolerance*math.Abs(*b)+2
	}
	return countOK(u.num, o.num) && countOK(u.den, o.den) && absDiff(u.ratio, o.ratio) <= ratioTolerance &&
		absDiff(u.score, o.score) <= scoreTolerance*o.max+0.01+1e-9
}

func relCount(a, b *float64) float64 {
	if a == nil || b == nil {
		return 0
	}
	return math.Abs(*a-*b) / math.Max(*b, 1)
}

func absDiff(a, b *float64) float64 {
	if a == nil || b == nil {
		return 0
	}
	return math.Abs(*a - *b)
}

// expectedScore is the score the rule gives to a published component's
// counts (components publish no score): max × min(1, r × s / target),
// rounded to 2 decimals; s is the sync coefficient (1 but for item 3.3).
func expectedScore(max, target, r, s float64) float64 {
	if target == 0 {
		target = 1
	}
	return math.Round(max*math.Min(1, r*s/target)*100) / 100
}

// reconcile compares every published (unit, metric or group) of a period
// with ours and returns the largest gaps per metric; a NULL on one side only
// is an error.
func reconcile(t *testing.T, h *harness, period string) map[string]gap {
	t.Helper()
	off, ours := officialRows(t, h, period), ourRows(t, h, period)
	gaps := map[string]gap{}
	for k, o := range off {
		unit, metric := k[0], k[1]
		if strings.HasPrefix(metric, "PETITION_CLASSIFICATION_") {
			continue // informational counts dvcindex does not compute (max 0)
		}
		u, ok := ours[k]
		if !ok {
			t.Errorf("%s %s %s: published, not computed", period, unit, metric)
			continue
		}
		if o.ratio == nil && o.num != nil && o.den != nil && *o.den > 0 {
			r := *o.num / *o.den
			o.ratio = &r
		}
		if item, tree := treeComponent(metric); tree && o.ratio != nil && o.score == nil {
			s := 1.0
			if metric == "ONLINE_DOSSIERS" {
				if sync := off[[2]string{unit, "DOSSIER_SYNC"}]; sync.num != nil && sync.den != nil && *sync.den > 0 {
					s = *sync.num / *sync.den
				}
			}
			e := expectedScore(item.max, item.target, *o.ratio, s)
			o.score = &e
		}
		if (o.score == nil) != (u.score == nil) {
			t.Errorf("%s %s %s: published score %v, ours %v (NULL on one side only)", period, unit, metric, ptr(o.score), ptr(u.score))
			continue
		}
		if !withinTolerance(u, o) {
			t.Errorf("%s %s %s: ours %v/%v ratio %v score %v; published %v/%v ratio %v score %v (max %v)", period, unit, metric,
				ptr(u.num), ptr(u.den), ptr(u.ratio), ptr(u.score), ptr(o.num), ptr(o.den), ptr(o.ratio), ptr(o.score), o.max)
		}
		g := gaps[metric]
		g.count = math.Max(g.count, math.Max(relCount(u.num, o.num), relCount(u.den, o.den)))
		g.ratio = math.Max(g.ratio, absDiff(u.ratio, o.ratio))
		if o.max > 0 {
			g.score = math.Max(g.score, absDiff(u.score, o.score)/o.max)
		}
		gaps[metric] = g
	}
	return gaps
}

func treeComponent(metric string) (struct {
	metric      string
	max, target float64
}, bool) {
	for _, it := range treeItems {
		if it.metric == metric && metric != "ON_TIME" {
			return it, true
		}
	}
	return treeItems["2.1"], false
}

func ptr(p *float64) any {
	if p == nil {
		return "NULL"
	}
	return *p
}
