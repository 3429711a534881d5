package ward

import (
	"context"

	"fmt"
	"sort"
	"time"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/vocab"
)

// Store is the page's Source over the warehouse.
type Store struct {
	s     *load.Store
	risks []string // findings that cost no points under the rules in force
}

// NewStore reads the pages of s under the indicator settings set (which
// findings are risks rather than lost points).
func NewStore(s *load.Store, set load.IndicatorSettings) *Store {
	return &Store{s: s, risks: load.RiskFindings(set)}
}

// trendPeriods is how many periods the trend shows, this one included.
const trendPeriods = 6

// evidencePerMetric is how many dossiers of each metric the report part of
// the page carries (the full list is Dossiers, page by page).
const evidencePerMetric = 10

// Units lists the units with computed figures and their periods, each
// named as the reference units named it at the end of the period (a code
// that named two units, before and after the 2025 merger, is listed once
// per name).
func (st *Store) Units(ctx context.Context) ([]UnitPeriods, error) {
	rows, err := st.s.UnitsWithFigures(ctx)
	if err != nil {
		return nil, err
	}
	ref, err := st.s.ReferenceUnits(ctx)
	if err != nil {
		return nil, err
	}
	var out []UnitPeriods
	at := map[[2]string]int{}
	for _, r := range rows {
		u, parent := unitAt(ref, r.Code, r.Period)
		key := [2]string{u.Code, u.Name}
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			out = append(out, UnitPeriods{Unit: u, Parent: parent})
		}
		out[i].Periods = append(out[i].Periods, r.Period)
	}
	sortUnits(out)
	return out, nil
}

// unitAt is the unit code names on the last day of period (v_units), and
// the code of the unit above it then.
func unitAt(ref []load.ReferenceUnit, code, period string) (UnitRef, string) {
	u := UnitRef{Code: code, Name: code, Level: transform.LevelWard}
	p, err := transform.ParsePeriod(period)
	if err != nil {
		return u, ""
	}
	day := p.LastDay().Format("2006-01-02")
	for _, r := range ref {
		if r.Code != code || r.ValidFrom.Format("2006-01-02") > day || (r.ValidTo != nil && r.ValidTo.Format("2006-01-02") < day) {
			continue
		}
		u.Name, u.Level = r.Name, transform.LevelOfType(r.Type)
		return u, parentOf(u.Level, r.DistrictCode, r.ProvinceCode)
	}
	return u, ""
}

// Explain is explain's report of a unit in a period (top dossiers and
// procedures per metric), opened by the seven indicators with the unit's
// targets and the points to win back.
func (st *Store) Explain(ctx context.Context, unit, period, indicator string, top int) (Report, error) {
	return st.explain(ctx, periodScores{}, unit, period, indicator, top)
}

// explain is Explain reading scores through sc.
func (st *Store) explain(ctx context.Context, sc periodScores, unit, period, indicator string, top int) (Report, error) {
	p, err := transform.ParsePeriod(period)
	if err != nil {
		return Report{}, err
	}
	ex, err := st.s.Explain(ctx, unit, p.Code, indicator, top, st.risks)
	if err != nil {
		return Report{}, fmt.Errorf("%w: %w", ErrNoFigures, err)
	}
	rep := BuildReport(ex, p.Code, st.risks)
	rep.Winback = Winbacks(rep)
	if rep.Indicators, _, err = st.indicators(ctx, sc, unit, p); err != nil {
		return rep, err
	}
	return rep, nil
}

// Page builds a unit's page for a period: the whole explain report, the
// trend, and the links to the previous period and to the unit above.
func (st *Store) Page(ctx context.Context, unit, period string) (Page, error) {
	sc := periodScores{}
	rep, err := st.explain(ctx, sc, unit, period, "", evidencePerMetric)
	if err != nil {
		return Page{}, err
	}
	p, _ := transform.ParsePeriod(period) // parsed by Explain
	pg := Page{Report: rep, Indicators: rep.Indicators, Winback: rep.Winback}
	if _, hasPrev, err := st.scoresOf(ctx, sc, unit, p.Previous().Code); err != nil {
		return pg, err
	} else if hasPrev {
		pg.Previous = p.Previous().Code
	}
	if pg.Trend, err = st.trend(ctx, sc, unit, p); err != nil {
		return pg, err
	}
	return pg, st.parent(ctx, &pg)
}

// indicators are a unit's seven indicators in a period with the previous
// period's scores and the targets; ok is false when the unit has none.
func (st *Store) indicators(ctx context.Context, sc periodScores, unit string, p transform.Period) ([]Indicator, bool, error) {
	cur, ok, err := st.scoresOf(ctx, sc, unit, p.Code)
	if err != nil || !ok {
		return nil, false, err
	}
	prev, hasPrev, err := st.scoresOf(ctx, sc, unit, p.Previous().Code)
	if err != nil {
		return nil, false, err
	}
	targets, err := st.s.UnitTargets(ctx, unit, p.Code)
	if err != nil {
		return nil, false, err
	}
	var out []Indicator
	for i, ind := range vocab.Indicators() {
		in := Indicator{Code: ind.Code, Label: ind.Label, Score: round2(cur.Scores[i]), Max: cur.Max[i]}
		if hasPrev {
			v := round2(prev.Scores[i])
			in.Previous = &v
		}
		if t, ok := targets[ind.Code]; ok {
			in.Target = &t
			met := in.Score >= t-1e-9
			in.Met = &met
			if !met {
				in.Gap = round2(t - in.Score)
			}
		}
		out = append(out, in)
	}
	return out, true, nil
}

// trend is the total of the unit's latest periods of the same kind,
// oldest first.
func (st *Store) trend(ctx context.Context, sc periodScores, unit string, p transform.Period) ([]Point, error) {
	total := len(vocab.Indicators()) - 1
	var out []Point
	for i, q := 0, p; i < trendPeriods; i, q = i+1, q.Previous() {
		u, ok, err := st.scoresOf(ctx, sc, unit, q.Code)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		out = append([]Point{{Period: q.Code, Total: round2(u.Scores[total])}}, out...)
	}
	return out, nil
}

// periodScores holds every unit's scores of the periods one page or one
// report has read, so that each period is read once.
type periodScores map[string][]load.UnitScores

// scoresOf returns a unit's seven scores in a period, reading the period
// through sc.
func (st *Store) scoresOf(ctx context.Context, sc periodScores, unit, period string) (load.UnitScores, bool, error) {
	all, ok := sc[period]
	if !ok {
		var err error
		if all, err = st.s.Scores(ctx, period); err != nil {
			return load.UnitScores{}, false, err
		}
		sc[period] = all
	}
	for _, u := range all {
		if u.UnitCode == unit {
			return u, true, nil
		}
	}
	return load.UnitScores{}, false, nil
}

// parent names the unit above the page's unit, as it was at the end of
// the period.
func (st *Store) parent(ctx context.Context, pg *Page) error {
	ref, err := st.s.ReferenceUnits(ctx)
	if err != nil {
		return err
	}
	if _, parent := unitAt(ref, pg.Report.Unit, pg.Report.Period); parent != "" {
		pg.Parent, _ = unitAt(ref, parent, pg.Report.Period)
	}
	return nil
}

// Dossiers lists a page of the items behind a metric's findings.
func (st *Store) Dossiers(ctx context.Context, unit, period, metric string, offset, limit int) ([]Dossier, int, error) {
	scope, err := st.s.ExplainScope(ctx, unit, period)
	if err != nil {
		return nil, 0, err
	}
	if len(scope) == 0 {
		return nil, 0, fmt.Errorf("%w: unit %s in %s", ErrNoFigures, unit, period)
	}
	items, total, err := st.s.FindingItems(ctx, period, scope, metric, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Dossier, len(items))
	for i, it := range items {
		out[i] = Dossier{ID: it.ID, ProcedureCode: it.ProcedureCode, ProcedureName: it.ProcedureName,
			Received: localTime(it.Received), Due: localTime(it.Due), Finished: localTime(it.Finished),
			Finding: it.Finding, Words: findingLabel(it.Finding), Evidence: it.Detail}
	}
	return out, total, nil
}

// findingLabel is a finding's Vietnamese label, else its plain words.
func findingLabel(code string) string {
	if f, ok := vocab.FindingOf(code); ok && f.Label != "" {
		return f.Label
	}
	return FindingWords(code)
}

func localTime(t *time.Time) string {
	if t == nil || t.IsZero() || t.Unix() <= 0 {
		return ""
	}
	return t.In(transform.HoChiMinh()).Format("2006-01-02 15:04")
}

// parentOf is the code of the unit above one of level.
func parentOf(level, district, province string) string {
	switch {
	case level == transform.LevelProvince:
		return ""
	case level == transform.LevelWard && district != "":
		return district
	}
	return province
}

// sortUnits orders units: the province, the districts, then the wards, each
// by name.
func sortUnits(us []UnitPeriods) {
	rank := map[string]int{transform.LevelProvince: 0, transform.LevelDistrict: 1, transform.LevelWard: 2}
	sort.SliceStable(us, func(i, j int) bool {
		a, b := us[i].Unit, us[j].Unit
		if rank[a.Level] != rank[b.Level] {
			return rank[a.Level] < rank[b.Level]
		}
		return a.Name < b.Name
	})
}

var _ Source = (*Store)(nil)
