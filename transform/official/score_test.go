package official

import (
	"errors"
	"math"
	"testing"
)

// TestScoreRules: every rule of section 2 of the reference, from its
// worked numbers and the fixtures' published figures, with zero
// denominators and the boundaries of the targets.
func TestScoreRules(t *testing.T) {
	null := (*float64)(nil)
	cases := []struct {
		name     string
		metric   string
		num, den float64
		score    *float64
		ratio    *float64
	}{
		// Transparency (§2.1): linear; 0/0 is null, not 0.
		{"1.3 content full 87/89", "PUBLIC_CONTENT_FULL", 87, 89, ptr(1.96), ptr(97.75)},
		{"1.1 publish on time month 0/0 null", "PUBLISH_ON_TIME", 0, 0, null, null},
		{"1.1 publish on time year 0/89", "PUBLISH_ON_TIME", 0, 89, ptr(0), ptr(0)},
		{"1.2 update on time year 0/70", "PUBLIC_UPDATE_ON_TIME", 0, 70, ptr(0), ptr(0)},
		{"1.4 sync n/n (placeholder denominator)", "DOSSIER_SYNC", 2247, 2247, ptr(6), ptr(100)},
		{"1.4 sync 0/0 null (NO_NATIONAL_REPORT_DATA)", "DOSSIER_SYNC", 0, 0, null, null},
		{"1.4 sync no timeliness: half synced", "DOSSIER_SYNC", 1, 2, ptr(3), ptr(50)},
		// Progress (§2.2): 20 × onTime/received; 0/0 → 0.
		{"2.1 Nông Trang 1415/1780", "2.1", 1415, 1780, ptr(15.9), ptr(79.49)},
		{"2.1 province 144625/184513", "2.1", 144625, 184513, ptr(15.68), ptr(78.38)},
		{"2.1 no dossiers 0/0 → 0", "2.1", 0, 0, ptr(0), ptr(0)},
		// Online (§2.3): 2 + 4 + 6 with targets 80% and 50%.
		{"3.1 month A 52/56 capped at 2", "3.1", 52, 56, ptr(2), ptr(92.86)},
		{"3.1 quarter A 52/89 → 1.46 (linear would be 1.17)", "3.1", 52, 89, ptr(1.46), ptr(58.43)},
		{"3.1 exactly at target 80%", "3.1", 8, 10, ptr(2), ptr(80)},
		{"3.2 month 406/1968", "3.2", 406, 1968, ptr(0.83), ptr(20.63)},
		{"3.2 quarter 449/1884", "3.2", 449, 1884, ptr(0.95), ptr(23.83)},
		{"3.2 year 516/1884", "3.2", 516, 1884, ptr(1.1), ptr(27.39)},
		{"3.2 one procedure 1/1 → 4", "3.2", 1, 1, ptr(4), ptr(100)},
		{"3.3 month 150956/152595 capped (linear 5.94)", "3.3", 150956, 152595, ptr(6), ptr(98.93)},
		{"3.3 exactly at target 50%", "3.3", 1, 2, ptr(6), ptr(50)},
		{"3.3 below target 49%", "3.3", 49, 100, ptr(5.88), ptr(49)},
		{"3.3 no dossiers → 0", "3.3", 0, 0, ptr(0), ptr(0)},
		// Payment (§2.4): A 6 linear, B and C LEAST(2, 2.5x).
		{"3.6 A Việt Trì 1516/1707", "3.6", 1516, 1707, ptr(5.33), ptr(88.81)},
		{"3.6 A zero denominator → 0", "3.6", 0, 0, ptr(0), ptr(0)},
		{"3.5b B H44.07 7/8 capped at 2 (2.1875 uncapped)", "3.5b", 7, 8, ptr(2), ptr(87.5)},
		{"3.5b B Việt Trì 12/35", "3.5b", 12, 35, ptr(0.86), ptr(34.29)},
		{"3.5b B province 93/310", "3.5b", 93, 310, ptr(0.75), ptr(30)},
		{"3.5 C Việt Trì 7/35", "3.5", 7, 35, ptr(0.5), ptr(20)},
		{"3.5 C capped at 2, not 2.5", "3.5", 9, 10, ptr(2), ptr(90)},
		{"3.5 C no fee procedures → 0", "3.5", 0, 0, ptr(0), ptr(0)},
		// Digitization (§2.5): 0/0 null; 4.2 ignores its 80% target.
		{"4.1 Việt Trì 2474/2972", "ORIGINAL_RESULT_AVAILABLE", 2474, 2972, ptr(4.99), ptr(83.24)},
		{"4.1 0/0 null", "ORIGINAL_RESULT_AVAILABLE", 0, 0, null, null},
		{"4.2 H44.08 80.06% → 3.20, not 4", "SO_HOA_GIAY_TO_GIAI_QUYET", 261, 326, ptr(3.2), ptr(80.06)},
		{"4.3 Việt Trì 35/2972 target 80% (linear 0.02)", "REUSED_DIGITIZED_DATA", 35, 2972, ptr(0.03), ptr(1.18)},
		{"4.3 at 85% capped at 2", "REUSED_DIGITIZED_DATA", 85, 100, ptr(2), ptr(85)},
		{"4.4 all published ratios 0", "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", 0, 184503, ptr(0), ptr(0)},
		{"4.5b 752/1780 → 0.84 from the unrounded ratio (42.25% would give 0.845)", "CITIZEN_DATA_CONNECTED_DOSSIER", 752, 1780, ptr(0.84), ptr(42.25)},
		{"4.5b Nông Trang 750/1778", "CITIZEN_DATA_CONNECTED_DOSSIER", 750, 1778, ptr(0.84), ptr(42.18)},
		{"4.5a commune catalogue 46/385", "CITIZEN_DATA_CONNECTED_FORMALITY", 46, 385, ptr(0.24), ptr(11.95)},
		{"4.5a numerator above denominator capped", "CITIZEN_DATA_CONNECTED_FORMALITY", 11, 10, ptr(2), ptr(110)},
		{"MX 13 certified copy constant", "ELECTRONIC_CERTIFIED_COPY", 0, 0, ptr(2), ptr(100)},
		{"MX 13 certified copy ignores counts", "ELECTRONIC_CERTIFIED_COPY", 0, 5, ptr(2), ptr(100)},
		// Satisfaction (§2.6).
		{"5.4 province 144315/184503 target 90%", "DOSSIER_RECEIVING_SATISFACTION", 144315, 184503, ptr(5.21), ptr(78.22)},
		{"5.4 exactly 90%", "DOSSIER_RECEIVING_SATISFACTION", 9, 10, ptr(6), ptr(90)},
		{"5.4 89%", "DOSSIER_RECEIVING_SATISFACTION", 89, 100, ptr(5.93), ptr(89)},
		{"5.4 0/0 → 0", "DOSSIER_RECEIVING_SATISFACTION", 0, 0, ptr(0), ptr(0)},
		{"5.2 province 182/247", "PETITION_PROCESSING_ON_TIME", 182, 247, ptr(4.42), ptr(73.68)},
		{"5.2 no petitions → 6, ratio 0", "PETITION_PROCESSING_ON_TIME", 0, 0, ptr(6), ptr(0)},
		{"5.3 province 137/247", "PETITION_HANDLING_SATISFACTION", 137, 247, ptr(3.33), ptr(55.47)},
		{"5.3 no petitions → 6", "PETITION_HANDLING_SATISFACTION", 0, 0, ptr(6), ptr(0)},
		{"5.3 Lâm Thao 0/2 → 0", "PETITION_HANDLING_SATISFACTION", 0, 2, ptr(0), ptr(0)},
		{"5.1 classification: no score", "PETITION_CLASSIFICATION_TTHC", 179, 247, null, ptr(72.47)},
		{"5.1 classification 0/0: ratio 0", "PETITION_CLASSIFICATION_STAFF", 0, 0, null, ptr(0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			score, err := Score(c.metric, c.num, c.den)
			if err != nil {
				t.Fatal(err)
			}
			ratio, err := Ratio(c.metric, c.num, c.den)
			if err != nil {
				t.Fatal(err)
			}
			if fnum(score) != fnum(c.score) || fnum(ratio) != fnum(c.ratio) {
				t.Errorf("%s %v/%v: score %s ratio %s, want score %s ratio %s", c.metric, c.num, c.den, fnum(score), fnum(ratio), fnum(c.score), fnum(c.ratio))
			}
		})
	}
}

// TestRoundingTies: a score whose exact value ends in 5 at the third
// decimal rounds half away from zero, as NUMERIC's ROUND does (the
// portal's tie rule is unknown, reference §1.2 point 5); binary floating
// point would give 1.97.
func TestRoundingTies(t *testing.T) {
	cases := []struct {
		metric   string
		num, den float64
		want     float64
	}{
		{"3.5b", 79, 100, 1.98}, // 2 × 0.79 / 0.8 = 1.975 exactly
		{"2.1", 1, 8, 2.5},      // 20 × 0.125
		{"3.2", 1, 800, 0.01},   // 4 × 0.00125 = 0.005 exactly
		{"3.2", 1, 1600, 0},     // 0.0025
		{"3.6", 1, 2400, 0},     // 0.0025
		{"3.6", 1, 1200, 0.01},  // 0.005 exactly
	}
	for _, c := range cases {
		got, err := Score(c.metric, c.num, c.den)
		if err != nil || got == nil || *got != c.want {
			t.Errorf("%s %v/%v = %s, %v; want %v", c.metric, c.num, c.den, fnum(got), err, c.want)
		}
	}
}

// TestSyncCoefficient: 3.3 multiplies its ratio by S = sync ratio / 100
// before the 50% target; a null sync ratio leaves S at 1.
func TestSyncCoefficient(t *testing.T) {
	f, _ := Lookup("3.3")
	cases := []struct {
		syncRatio *float64
		num, den  float64
		want      float64
	}{
		{ptr(100), 150956, 152595, 6},
		{ptr(50), 9, 10, 5.4},    // 6 × 0.9 × 0.5 / 0.5
		{ptr(80), 30, 100, 2.88}, // 6 × 0.3 × 0.8 / 0.5
		{nil, 30, 100, 3.6},
	}
	for _, c := range cases {
		got, err := f.ScoreScaled(c.num, c.den, SyncCoefficient(c.syncRatio))
		if err != nil || got == nil || *got != c.want {
			t.Errorf("S from %s, %v/%v = %s, %v; want %v", fnum(c.syncRatio), c.num, c.den, fnum(got), err, c.want)
		}
	}
	// The coefficient does not touch formulas without one.
	a, _ := Lookup("3.6")
	if got, _ := a.ScoreScaled(1, 2, 0.5); *got != 3 {
		t.Errorf("3.6 with a coefficient = %v, want 3", *got)
	}
}

// TestGroupTotal: sums of rounded scores, nil counted 0, max kept.
func TestGroupTotal(t *testing.T) {
	null := (*float64)(nil)
	cases := []struct {
		name   string
		scores []*float64
		max    float64
		total  float64
		ratio  float64
	}{
		// Reference §1.2 point 3: 5.42 + 0.56 + 0.48 = 6.46, raw 6.467.
		{"payment H44.103", []*float64{ptr(5.42), ptr(0.56), ptr(0.48)}, 10, 6.46, 64.6},
		// Fixture: Việt Trì digitization, August, published 8.68 / 39.45.
		{"digitization H44.100", []*float64{ptr(4.99), ptr(0.65), ptr(0.03), ptr(0), ptr(0.77), ptr(0.24), ptr(2)}, 22, 8.68, 39.45},
		// Reference §1.3: H44.01 transparency 1.96/18, digitization 2/22.
		{"transparency H44.01 nulls count 0", []*float64{null, null, ptr(1.96), null}, 18, 1.96, 10.89},
		{"digitization H44.01 five nulls", []*float64{null, null, null, null, null, ptr(0), ptr(2)}, 22, 2, 9.09},
		{"transparency commune", []*float64{null, null, ptr(1.96), ptr(6)}, 18, 7.96, 44.22},
		{"satisfaction no petitions, no dossiers", []*float64{null, ptr(0), ptr(6), ptr(6), null}, 18, 12, 66.67},
		{"online province 2 + 0.83 + 6", []*float64{ptr(2), ptr(0.83), ptr(6)}, 12, 8.83, 73.58},
		{"all null", []*float64{null, null}, 18, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			total := GroupTotal(c.scores)
			ratio := GroupRatio(total, c.max)
			if total != c.total || ratio == nil || *ratio != c.ratio {
				t.Errorf("total %v ratio %s, want %v and %v", total, fnum(ratio), c.total, c.ratio)
			}
		})
	}
	if GroupRatio(5, 0) != nil {
		t.Error("a zero maximum must give a null ratio")
	}
}

// TestComponentRounding: a group is the sum of its components rounded one
// by one (reference §1.2 point 3; payment 37/37 rows against 29/37). With
// 1/7 in each payment component the rounded parts give 0.86 + 0.36 + 0.36
// = 1.58, where rounding the raw sum 1.5714 would give 1.57.
func TestComponentRounding(t *testing.T) {
	var scores []*float64
	raw := 0.0
	for _, item := range []string{"3.6", "3.5b", "3.5"} {
		s, err := Score(item, 1, 7)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := Lookup(item)
		raw += f.Max * (1.0 / 7) / map[bool]float64{true: f.Target, false: 1}[f.Target > 0]
		scores = append(scores, s)
	}
	if got := GroupTotal(scores); got != 1.58 {
		t.Errorf("payment total %v, want 1.58", got)
	}
	if r := math.Round(raw*100) / 100; r != 1.57 {
		t.Errorf("raw sum rounds to %v; the case no longer tells the rules apart", r)
	}
}

func TestScoreErrors(t *testing.T) {
	cases := []struct {
		metric   string
		num, den float64
		want     error
	}{
		{"ON_TIME", 1, 2, ErrUnknownMetric}, // our old code, not the portal's
		{"DOSSIER_SYNC", -1, 2, ErrBadCounts},
		{"3.6", 1, math.Inf(1), ErrBadCounts},
		{"2.1", math.NaN(), 2, ErrBadCounts},
	}
	for _, c := range cases {
		_, err := Score(c.metric, c.num, c.den)
		var fe *FormulaError
		if !errors.Is(err, c.want) || !errors.As(err, &fe) || fe.Metric != c.metric {
			t.Errorf("Score(%s, %v, %v) error %v, want %v naming the metric", c.metric, c.num, c.den, err, c.want)
		}
	}
}

// TestFormulaTable: the maxima of each family add up to its group maximum
// (the six to 100), and targets appear only on target rules.
func TestFormulaTable(t *testing.T) {
	total := 0.0
	for _, fam := range Families() {
		sum := 0.0
		for _, f := range FamilyFormulas(fam) {
			sum += f.Max
			if (f.Kind == Target) != (f.Target > 0 && f.Target < 1) {
				t.Errorf("%s: kind %s with target %v", f.Metric, f.Kind, f.Target)
			}
			if f.Item == "" || f.Reading == "" {
				t.Errorf("%s: no reference item or reading", f.Metric)
			}
		}
		if max, _ := GroupMax(fam); sum != max {
			t.Errorf("%s: maxima add up to %v, group maximum %v", fam, sum, max)
		}
		total += sum
	}
	if total != 100 {
		t.Errorf("all maxima add up to %v, want 100", total)
	}
	seen := map[string]bool{}
	for _, f := range Formulas() {
		if seen[f.Metric] {
			t.Errorf("metric %s twice", f.Metric)
		}
		seen[f.Metric] = true
	}
}
