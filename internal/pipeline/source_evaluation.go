package pipeline

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/official"
)

// The evaluation source reads the national portal's reporting API
// (docs/spec/national-766-api.md): per period, the six families for the
// province evaluation.root_department_id, every page. What it read lands in
// official_metrics (every row as published), official_formula_check
// (transform/official.Check over the period's six families) and
// official_responses (the bodies), and — for the departments that resolve
// to a dvcindex unit — official_scores, which compute reconciles against.
const (
	evaluationName  = "evaluation"
	evaluationTable = "official_scores"
)

// maxOfficialPages bounds one family's read (163 departments fit one page).
const maxOfficialPages = 1000

func init() {
	Register(Source{Name: evaluationName, Rank: 40, Kind: Keyed, Host: NationalHost,
		Paths:   []string{"/api/v1/reporting/evaluation", "/api/v1/evaluation"},
		Summary: "per period: the six families the national reporting API publishes for the province",
		Enabled: func(c config.Config) bool { return c.Evaluation.RootDepartmentID != "" },
		Check:   checkEvaluationConfigured,
		runner:  keyed{open: openOfficial}})
}

// checkEvaluationConfigured fails before a run starts when the province is
// not set.
func checkEvaluationConfigured(c config.Config) error {
	if c.Evaluation.RootDepartmentID == "" {
		return Usagef("the evaluation source needs evaluation.root_department_id (DVC_EVALUATION_ROOT_DEPARTMENT_ID): the province's departmentId on the national portal")
	}
	return nil
}

// officialReader reads the national reporting API for one run.
type officialReader struct {
	run    *run
	units  *transform.Units
	client *extract.NationalClient
	cfg    config.Evaluation
}

func openOfficial(e *Engine, r *run, units *transform.Units) periodReader {
	o := officialReader{run: r, units: units, client: e.nationalClient(r.log), cfg: e.cfg.Evaluation}
	return o.period
}

// nationalClient is the client of the evaluation source: sources.evaluation
// host, rate limit and retries, evaluation.* pacing; no credentials.
func (e *Engine) nationalClient(log zerolog.Logger) *extract.NationalClient {
	p, ev := e.cfg.Source(evaluationName), e.cfg.Evaluation
	return extract.NewNational(extract.NationalOptions{
		BaseURL: p.BaseURL, Timeout: p.Timeout.D(), RateLimit: p.RateLimit, Jitter: ev.Jitter.D(),
		MaxRetries: p.MaxRetries, RetryWait: p.RetryWait.D(), RetryMaxWait: p.RetryMaxWait.D(),
		MaxBodyBytes: p.MaxBodyBytes, MaxThrottled: ev.MaxThrottled, Logger: log, OnRetry: e.onPortalRetry,
	})
}

// OfficialPeriod is p as the reporting API takes it.
func OfficialPeriod(p transform.Period) official.Period {
	y := p.Start.Year()
	switch p.Kind {
	case transform.Month:
		return official.Period{Kind: official.Month, Year: y, Month: int(p.Start.Month())}
	case transform.Quarter:
		return official.Period{Kind: official.Quarter, Year: y, Quarter: (int(p.Start.Month())-1)/3 + 1}
	}
	return official.Period{Kind: official.Year, Year: y}
}

// familyRead is one family's complete read of a period.
type familyRead struct {
	family string
	rows   []official.Row
	bodies [][]byte
}

// period reads the six families of p and writes them; with onlyMissing, a
// period that has official scores already is skipped.
func (o officialReader) period(ctx context.Context, p transform.Period, onlyMissing bool) (keyedCounts, []transform.Reject, error) {
	var n keyedCounts
	if onlyMissing {
		present, err := o.run.store.KeyedPresent(ctx, evaluationTable, p.Code)
		if err != nil || len(present) > 0 {
			return n, nil, err
		}
	}
	op := OfficialPeriod(p)
	var reads []familyRead
	var all []official.Row
	for _, fam := range official.Families() {
		fr, err := o.readFamily(ctx, fam, op)
		n.fetched += uint64(len(fr.bodies))
		if err != nil {
			return n, nil, fmt.Errorf("family %s: %w", fam, err)
		}
		reads = append(reads, fr)
		all = append(all, fr.rows...)
	}
	checks := official.Check(all)
	depts := mapDepartments(o.units, all, p.LastDay())
	n.loaded = uint64(len(all))
	if o.run.dryRun {
		return n, nil, nil
	}
	return n, nil, o.write(ctx, p, reads, all, checks, depts)
}

// write stores what the period's read found: every family's rows, checks
// and bodies, then the scores of the mapped departments.
func (o officialReader) write(ctx context.Context, p transform.Period, reads []familyRead, all []official.Row,
	checks []official.CheckRow, depts map[string]string) error {
	store, runID := o.run.store, o.run.row.ID
	fetched := o.run.e.now()
	at := 0
	for _, fr := range reads {
		err := store.WriteOfficialRead(ctx, runID, load.OfficialRead{Period: p.Code, Family: fr.family, Rows: fr.rows,
			Checks: checks[at : at+len(fr.rows)], Units: depts, Bodies: fr.bodies, FetchedAt: fetched, Mapping: dvcMapping})
		if err != nil {
			return err
		}
		at += len(fr.rows)
	}
	if scores := officialScores(p.Code, all, depts); len(scores) > 0 {
		return store.WriteOfficialScores(ctx, runID, scores)
	}
	return nil
}

func dvcMapping(family, kind, metric string) (string, string, bool) {
	m, ok := transform.OfficialMetric(family, kind, metric)
	return transform.OfficialIndicator(family), m, ok
}

// readFamily reads every page of one family. The tree families are not
// paginated (they return every child); a flat family is complete when the
// pages, up to the last one, held as many departments as its
// pagination.total, under one unchanging total.
func (o officialReader) readFamily(ctx context.Context, family string, op official.Period) (familyRead, error) {
	fr := familyRead{family: family}
	total, depts := -1, 0
	for page := 1; page <= maxOfficialPages; page++ {
		body, err := official.Payload(family, official.Request{RootDepartmentID: o.cfg.RootDepartmentID, Period: op,
			Page: page, PageSize: o.cfg.PageSize})
		if err != nil {
			return fr, err
		}
		raw, err := o.client.Post(ctx, official.EvaluationPath+family, body)
		if err != nil {
			return fr, err
		}
		fr.bodies = append(fr.bodies, raw)
		resp, err := official.Parse(family, raw)
		if err != nil {
			return fr, fmt.Errorf("page %d: %w", page, err)
		}
		for _, r := range resp.WithPeriod(op).Rows {
			if !r.Root || page == 1 { // the overview repeats on every page
				fr.rows = append(fr.rows, r)
			}
		}
		depts += resp.Departments
		pg := resp.Pagination
		if pg == nil {
			return fr, nil
		}
		switch {
		case pg.CurrentPage != page:
			return fr, fmt.Errorf("%w: asked for page %d, the answer is page %d", ErrOfficialIncomplete, page, pg.CurrentPage)
		case total >= 0 && pg.Total != total:
			return fr, fmt.Errorf("%w: the total changed from %d to %d between pages", ErrOfficialIncomplete, total, pg.Total)
		}
		total = pg.Total
		if pg.Last() {
			if depts != total {
				return fr, fmt.Errorf("%w: read %d departments in %d pages, the portal reported %d", ErrOfficialIncomplete, depts, page, total)
			}
			return fr, nil
		}
		if resp.Departments == 0 {
			return fr, fmt.Errorf("%w: page %d of %d is empty", ErrOfficialIncomplete, page, pg.TotalPages)
		}
	}
	return fr, fmt.Errorf("%w: more than %d pages", ErrOfficialIncomplete, maxOfficialPages)
}

// mapDepartments resolves each department to a dvcindex unit of the
// period by its name (without the " - Tỉnh …" suffix) or, failing that, its
// code as an agency code; a department neither resolves is left out of the
// map (kept unmapped).
func mapDepartments(units *transform.Units, rows []official.Row, lastDay time.Time) map[string]string {
	scope, _ := units.Scopes(lastDay)
	inScope := map[string]bool{}
	for _, u := range scope {
		inScope[u.Code] = true
	}
	out := map[string]string{}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.DepartmentID] {
			continue
		}
		seen[r.DepartmentID] = true
		name, _, _ := strings.Cut(r.DepartmentName, " - ")
		u, err := units.Resolve("", "", name, lastDay)
		if err != nil && r.DepartmentCode != "" {
			u, err = units.Resolve("", r.DepartmentCode, "", lastDay)
		}
		if err == nil && inScope[u.Code] {
			out[r.DepartmentID] = u.Code
		}
	}
	return out
}

// officialScores are the published scores of the mapped departments in the
// shape compute reconciles against (ratio 0–1); null scores are left out.
func officialScores(period string, rows []official.Row, depts map[string]string) []transform.OfficialScore {
	var out []transform.OfficialScore
	for _, r := range rows {
		unit, mapped := depts[r.DepartmentID]
		metric, ok := transform.OfficialMetric(r.Family, string(r.Kind), r.Metric)
		if !mapped || !ok || r.Score == nil {
			continue
		}
		s := transform.OfficialScore{Period: period, UnitCode: unit, Indicator: transform.OfficialIndicator(r.Family), Metric: metric, Score: *r.Score}
		if r.MaxScore != nil {
			s.Max = *r.MaxScore
		}
		if r.Ratio != nil {
			v := *r.Ratio / 100
			s.Ratio = &v
		}
		out = append(out, s)
	}
	return out
}
