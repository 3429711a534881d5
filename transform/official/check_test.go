package official

import (
	"testing"
)

// TestFormulaCheckReproducesPublished: every metric, component and group
// score published in the six real responses is reproduced within 0.01.
// The only rows not checked are the provide-online-tree children, whose
// counts the portal does not publish (their group total is all it sends);
// the test names them so a change in that set fails it.
func TestFormulaCheckReproducesPublished(t *testing.T) {
	rows := allFixtureRows(t)
	checks := Check(rows)
	if len(checks) != len(rows) {
		t.Fatalf("%d check rows for %d rows", len(checks), len(rows))
	}
	matched, unverifiable := 0, map[string]bool{}
	for _, c := range checks {
		switch c.Status {
		case StatusMatch:
			matched++
		case StatusNotPublished:
			if c.Published != nil || c.Formula == nil {
				t.Errorf("%s %s %s: not-published with published %s formula %s", c.Family, c.DepartmentCode, c.Metric, fnum(c.Published), fnum(c.Formula))
			}
		case StatusUnverifiable:
			unverifiable[c.Family+" "+string(c.Kind)+" "+c.DepartmentCode] = true
		default:
			t.Errorf("%s %s %s %s: %s (published %s, formula %s, diff %s; ratio %s vs %s) %s", c.Family, c.Kind, c.DepartmentCode, c.Metric,
				c.Status, fnum(c.Published), fnum(c.Formula), fnum(c.Diff), fnum(c.PublishedRatio), fnum(c.FormulaRatio), c.Note)
		}
	}
	want := map[string]bool{}
	for _, code := range []string{"H44.01", "H44.03", "H44.07", "H44.08", "H44.100", "H44.101"} {
		want[Online+" group "+code] = true
	}
	if len(unverifiable) != len(want) {
		t.Errorf("unverifiable rows %v, want %v", unverifiable, want)
	}
	for k := range want {
		if !unverifiable[k] {
			t.Errorf("%s should be unverifiable (no counts published)", k)
		}
	}
	// 7 departments: transparency 7×5, progress 7×2, online parent 1,
	// payment 7 groups, digitization 7×8, satisfaction 7×6.
	if wantMatched := 35 + 14 + 1 + 7 + 56 + 42; matched != wantMatched {
		t.Errorf("%d rows match, want %d", matched, wantMatched)
	}
}

// TestCheckDetectsDifferences: the check fails a score 0.02 off, a null
// published where the rule gives a number, a wrong maximum and a wrong
// ratio; it accepts 0.01.
func TestCheckDetectsDifferences(t *testing.T) {
	base := Row{Family: Digitization, Kind: KindMetric, DepartmentID: "d", Metric: "ORIGINAL_RESULT_AVAILABLE",
		Numerator: ptr(2474), Denominator: ptr(2972), Ratio: ptr(83.24), Score: ptr(4.99), MaxScore: ptr(6)}
	cases := []struct {
		name   string
		edit   func(*Row)
		status CheckStatus
	}{
		{"as published", func(*Row) {}, StatusMatch},
		{"0.01 off", func(r *Row) { r.Score = ptr(5.00) }, StatusMatch},
		{"0.02 off", func(r *Row) { r.Score = ptr(5.01) }, StatusMismatch},
		{"null published", func(r *Row) { r.Score = nil }, StatusMismatch},
		{"zero where null is due", func(r *Row) { r.Numerator, r.Denominator, r.Ratio, r.Score = ptr(0), ptr(0), nil, ptr(0) }, StatusMismatch},
		{"null where null is due", func(r *Row) { r.Numerator, r.Denominator, r.Ratio, r.Score = ptr(0), ptr(0), nil, nil }, StatusMatch},
		{"wrong maximum", func(r *Row) { r.MaxScore = ptr(4) }, StatusMismatch},
		{"wrong ratio", func(r *Row) { r.Ratio = ptr(83.3) }, StatusMismatch},
		{"unknown code", func(r *Row) { r.Metric = "NEW_METRIC" }, StatusNoFormula},
		{"counts missing", func(r *Row) { r.Numerator = nil }, StatusUnverifiable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := base
			c.edit(&r)
			got := Check([]Row{r})[0]
			if got.Status != c.status {
				t.Errorf("status %s, want %s (formula %s, published %s, note %q)", got.Status, c.status, fnum(got.Formula), fnum(got.Published), got.Note)
			}
		})
	}
}

// TestCheckGroupUsesFormulaScores: a group total is checked against the
// sum of the formula's scores, not the published ones, so a metric off
// by 0.5 makes its group fail too; a group with an unknown metric cannot
// be verified.
func TestCheckGroupUsesFormulaScores(t *testing.T) {
	rows := parseFixture(t, Digitization).Rows
	for i := range rows {
		if rows[i].DepartmentCode == "H44.100" && rows[i].Metric == "ORIGINAL_RESULT_AVAILABLE" {
			rows[i].Numerator = ptr(2000) // 4.04 instead of 4.99
		}
	}
	for _, c := range Check(rows) {
		if c.DepartmentCode == "H44.100" && c.Kind == KindGroup && (c.Status != StatusMismatch || fnum(c.Diff) != "-0.95") {
			t.Errorf("group with a changed count: %s diff %s, want mismatch -0.95", c.Status, fnum(c.Diff))
		}
	}
}

// TestCheckProvinceInherited: province-scope metrics are recomputed from
// the province's counts when the province row is present, so a department
// row carrying other counts with the province's score still matches (the
// portal copies the province figure), and one carrying its own score does
// not.
func TestCheckProvinceInherited(t *testing.T) {
	root := Row{Family: Transparency, Kind: KindMetric, Root: true, DepartmentID: "p", Metric: "PUBLIC_CONTENT_FULL",
		Numerator: ptr(87), Denominator: ptr(89), Ratio: ptr(97.75), Score: ptr(1.96), MaxScore: ptr(2)}
	own := Row{Family: Transparency, Kind: KindMetric, DepartmentID: "c", Metric: "PUBLIC_CONTENT_FULL",
		Numerator: ptr(5), Denominator: ptr(10), Ratio: ptr(97.75), Score: ptr(1.96), MaxScore: ptr(2)}
	own2 := own
	own2.Ratio, own2.Score = ptr(50), ptr(1)
	got := Check([]Row{root, own, own2})
	if got[1].Status != StatusMatch || fnum(got[1].Numerator) != "87" || got[1].Note != "province figures, inherited" {
		t.Errorf("inherited row: %s num %s note %q", got[1].Status, fnum(got[1].Numerator), got[1].Note)
	}
	if got[2].Status != StatusMismatch {
		t.Errorf("a department scored on its own counts must not match: %s", got[2].Status)
	}
	// Without the province row, the row's own counts are used.
	if alone := Check([]Row{own2})[0]; alone.Status != StatusMatch {
		t.Errorf("own counts without a province row: %s", alone.Status)
	}
}

// TestCheckSyncCoefficient: 3.3 takes S from the department's DOSSIER_SYNC
// ratio in the same period.
func TestCheckSyncCoefficient(t *testing.T) {
	p := Period{Kind: Month, Year: 2026, Month: 8}
	sync := Row{Family: Transparency, Kind: KindMetric, DepartmentID: "d", Period: p, Metric: "DOSSIER_SYNC", Numerator: ptr(1), Denominator: ptr(2), Ratio: ptr(50), Score: ptr(3), MaxScore: ptr(6)}
	comp := Row{Family: Online, Kind: KindComponent, DepartmentID: "d", Period: p, Metric: "3.3", Numerator: ptr(9), Denominator: ptr(10)}
	if got := Check([]Row{sync, comp})[1]; fnum(got.Formula) != "5.4" || got.Note != "" {
		t.Errorf("3.3 with S 0.5: %s (%q), want 5.4", fnum(got.Formula), got.Note)
	}
	other := comp
	other.Period = Period{Kind: Year, Year: 2026}
	if got := Check([]Row{sync, other})[1]; fnum(got.Formula) != "6" || got.Note == "" {
		t.Errorf("3.3 without a sync row of its period: %s (%q), want 6 with a note", fnum(got.Formula), got.Note)
	}
}
