package official

import "math"

// Tolerance is the largest |formula − published| a check accepts.
const Tolerance = 0.01

// CheckStatus is the outcome of checking one published row.
type CheckStatus string

const (
	// StatusMatch: within Tolerance, or null where the portal publishes null.
	StatusMatch CheckStatus = "match"
	// StatusMismatch: outside Tolerance, null on one side only, or a
	// different maximum.
	StatusMismatch CheckStatus = "mismatch"
	// StatusNotPublished: the portal publishes no score for this row (a
	// tree component other than progress); only the formula score is shown.
	StatusNotPublished CheckStatus = "not-published"
	// StatusUnverifiable: the portal publishes the score but not the counts
	// it comes from (provide-online-tree children).
	StatusUnverifiable CheckStatus = "unverifiable"
	// StatusNoFormula: a metric code this rule set does not know.
	StatusNoFormula CheckStatus = "no-formula"
)

// CheckRow sets a published score beside the one FormulaVersion gives from
// the published numerator and denominator.
type CheckRow struct {
	Family         string
	Kind           RowKind
	Period         Period
	DepartmentID   string
	DepartmentCode string
	Metric         string
	Item           string
	// Numerator and Denominator are the counts the formula used (the
	// province's for a province-scope metric).
	Numerator      *float64
	Denominator    *float64
	Published      *float64
	Formula        *float64
	Diff           *float64 // Formula − Published, rounded to 2 decimals
	PublishedRatio *float64
	FormulaRatio   *float64
	PublishedMax   *float64
	FormulaMax     *float64
	Status         CheckStatus
	Note           string
}

// deptKey identifies one department's rows of one family and period.
type deptKey struct {
	family, dept string
	period       Period
}

// Check recomputes every metric, component and group row with the
// official formulas. Rows of several families and periods may be mixed:
// province-scope metrics use the province row of their family and period,
// and 3.3 uses the department's DOSSIER_SYNC ratio when its transparency
// row is among them. Output is in input order.
func Check(rows []Row) []CheckRow {
	ctx := newCheckContext(rows)
	out := make([]CheckRow, len(rows))
	for i, r := range rows {
		if r.Kind != KindGroup {
			out[i] = ctx.checkScored(r)
		}
	}
	for i, r := range rows {
		if r.Kind == KindGroup {
			out[i] = ctx.checkGroup(r)
		}
	}
	return out
}

// metricKey identifies the province's row of one metric and period.
type metricKey struct {
	family, metric string
	period         Period
}

type checkContext struct {
	roots  map[metricKey]Row    // the province's metric rows, for province-scope metrics
	sync   map[deptKey]*float64 // DOSSIER_SYNC ratio by department and period (family left empty)
	scores map[deptKey][]*float64
	ratios map[deptKey]*float64 // the progress component's ratio, which is also its group's
	broken map[deptKey]bool     // a scored row of the department could not be computed
	seen   map[deptKey]bool
}

func newCheckContext(rows []Row) *checkContext {
	c := &checkContext{roots: map[metricKey]Row{}, sync: map[deptKey]*float64{},
		scores: map[deptKey][]*float64{}, ratios: map[deptKey]*float64{}, broken: map[deptKey]bool{}, seen: map[deptKey]bool{}}
	for _, r := range rows {
		if r.Root && r.Kind == KindMetric {
			c.roots[metricKey{r.Family, r.Metric, r.Period}] = r
		}
		if r.Family == Transparency && r.Metric == "DOSSIER_SYNC" {
			c.sync[deptKey{"", r.DepartmentID, r.Period}] = r.Ratio
		}
	}
	return c
}

func baseCheck(r Row) CheckRow {
	return CheckRow{Family: r.Family, Kind: r.Kind, Period: r.Period, DepartmentID: r.DepartmentID, DepartmentCode: r.DepartmentCode,
		Metric: r.Metric, Published: r.Score, PublishedRatio: r.Ratio, PublishedMax: r.MaxScore, Numerator: r.Numerator, Denominator: r.Denominator}
}

// checkScored checks a metric or component row and remembers its formula
// score for the group total.
func (c *checkContext) checkScored(r Row) CheckRow {
	cr := baseCheck(r)
	key := deptKey{r.Family, r.DepartmentID, r.Period}
	c.seen[key] = true
	f, ok := Lookup(r.Metric)
	if !ok || f.Family != r.Family {
		c.broken[key] = true
		cr.Status, cr.Note = StatusNoFormula, "no formula for this code in "+FormulaVersion
		return cr
	}
	cr.Item, cr.FormulaMax = f.Item, ptr(f.Max)
	if f.Scope == ScopeProvince {
		if root, ok := c.roots[metricKey{r.Family, r.Metric, r.Period}]; ok {
			cr.Numerator, cr.Denominator = root.Numerator, root.Denominator
			cr.Note = "province figures, inherited"
		}
	}
	score, ratio, note, ok := c.formulaScore(f, r, cr.Numerator, cr.Denominator)
	if !ok {
		c.broken[key] = true
		cr.Status, cr.Note = StatusUnverifiable, note
		return cr
	}
	cr.Formula, cr.FormulaRatio = score, ratio
	cr.Note = joinNote(cr.Note, note)
	c.scores[key] = append(c.scores[key], score)
	if r.Family == Progress {
		c.ratios[key] = ratio
	}
	cr.Status = compare(&cr)
	if r.Kind == KindComponent && r.Score == nil && r.Family != Progress {
		cr.Status = StatusNotPublished
	}
	return cr
}

// formulaScore applies f to the counts; ok is false when a needed count is
// null.
func (c *checkContext) formulaScore(f Formula, r Row, num, den *float64) (score, ratio *float64, note string, ok bool) {
	if f.Kind == Constant || f.Kind == Info {
		s, _ := f.Score(0, 0)
		rt, _ := f.Ratio(0, 0)
		if f.Kind == Info && num != nil && den != nil {
			rt, _ = f.Ratio(*num, *den)
		}
		return s, rt, "", true
	}
	if num == nil || den == nil {
		return nil, nil, "numerator or denominator not published", false
	}
	s := 1.0
	if f.SyncCoefficient {
		sr, found := c.sync[deptKey{"", r.DepartmentID, r.Period}]
		s = SyncCoefficient(sr)
		note = syncNote(found, sr)
	}
	score, err := f.ScoreScaled(*num, *den, s)
	if err != nil {
		return nil, nil, err.Error(), false
	}
	ratio, _ = f.Ratio(*num, *den)
	return score, ratio, note, true
}

func syncNote(found bool, ratio *float64) string {
	switch {
	case !found:
		return "sync coefficient taken as 1 (no DOSSIER_SYNC row at hand)"
	case ratio == nil:
		return "sync coefficient taken as 1 (DOSSIER_SYNC ratio null)"
	}
	return ""
}

// checkGroup sums the department's formula scores.
func (c *checkContext) checkGroup(r Row) CheckRow {
	cr := baseCheck(r)
	key := deptKey{r.Family, r.DepartmentID, r.Period}
	max, _ := GroupMax(r.Family)
	cr.FormulaMax = ptr(max)
	if !c.seen[key] || c.broken[key] {
		cr.Status, cr.Note = StatusUnverifiable, "the counts behind this total are not published"
		return cr
	}
	total := GroupTotal(c.scores[key])
	cr.Formula, cr.FormulaRatio = ptr(total), GroupRatio(total, max)
	if r.Family == Progress {
		// The progress group publishes its item's ratio (onTime/received),
		// not total/max: 15.68/20 would be 78.40, the portal says 78.38.
		cr.FormulaRatio = c.ratios[key]
	}
	cr.Status = compare(&cr)
	return cr
}

// compare sets Diff and says whether the row matches: the score within
// Tolerance (or null on both sides), the same maximum, and the published
// ratio, where there is one, within Tolerance too.
func compare(cr *CheckRow) CheckStatus {
	status := StatusMatch
	if cr.PublishedMax != nil && cr.FormulaMax != nil && *cr.PublishedMax != *cr.FormulaMax {
		cr.Note, status = joinNote(cr.Note, "maximum differs"), StatusMismatch
	}
	if (cr.Kind == KindMetric || cr.PublishedRatio != nil) && !near(cr.PublishedRatio, cr.FormulaRatio) {
		cr.Note, status = joinNote(cr.Note, "ratio differs"), StatusMismatch
	}
	if cr.Published != nil && cr.Formula != nil {
		d := math.Round((*cr.Formula-*cr.Published)*100) / 100
		cr.Diff = &d
	}
	if !near(cr.Published, cr.Formula) {
		status = StatusMismatch
	}
	return status
}

// near: both nil, or both set and within Tolerance.
func near(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) <= Tolerance+1e-9
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
