package load

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"

	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/report"
)

// ReportRequest says what report data to gather.
type ReportRequest struct {
	Period         transform.Period
	TrendPeriods   []transform.Period // oldest first, ending with Period
	Units          *transform.Units
	Settings       IndicatorSettings
	ProxyMinOwners int
	StaffAccounts  map[string]bool // keyed hashes of configured staff accounts
	Bands          report.Bands
}

const (
	latestComputeSQL = latestCommittedComputeSQL

	reportTransparencySQL = `SELECT unit_code, metric, ifNull(score, 0.), max_score, points_lost, scope
FROM {db}.v_indicator_metrics
WHERE period = @period AND indicator = 'transparency'
ORDER BY unit_code, metric`

	reportCausesSQL = `SELECT unit_code, finding, count() AS n
FROM {db}.v_dossier_findings
WHERE period = @period AND indicator = 'transparency'
GROUP BY unit_code, finding
ORDER BY unit_code, n DESC, finding`

	// The procedures whose latest time-limit entry cut the limit.
	reportCutsSQL = `SELECT national_code, name, decisions[-1], froms[-1], limits[-2], limits[-1]
FROM
(
    SELECT national_code,
           arraySort(groupArray(valid_from)) AS froms,
           arraySort((d, f) -> f, groupArray(days), groupArray(valid_from)) AS limits,
           arraySort((q, f) -> f, groupArray(decision), groupArray(valid_from)) AS decisions
    FROM {db}.v_procedure_time_limits
    GROUP BY national_code
    HAVING length(froms) > 1
)
ANY LEFT JOIN (SELECT national_code, name FROM {db}.v_procedures) USING national_code
WHERE limits[-1] < limits[-2] AND froms[-1] < toDate(@to_day)
ORDER BY froms[-1], national_code`

	reportResolvedSinceSQL = `SELECT countIf(late = 0), countIf(late = 1)
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND national_code = @code
  AND end_status IN (9, 10) AND end_at < toDateTime(@to_ts)
  AND received_at >= toDateTime(@since_ts)`

	reportGroupsSQL = `SELECT group_code, count(), countIf(end_status IN (9, 10)), countIf(end_at IS NULL)
FROM
(
    SELECT national_code, end_status, end_at FROM {db}.period_dossiers WHERE compute_id = @compute_id AND own = 1
)
ALL INNER JOIN (SELECT national_code, group_code FROM {db}.v_procedures WHERE group_code != '') USING national_code
GROUP BY group_code
ORDER BY group_code`

	reportAccountsSQL = `SELECT account_hash, uniqExact(owner_hash)
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND channel = 'online' AND account_hash != ''
GROUP BY account_hash`

	reportOnlineSQL = `SELECT unit_code, account_hash, count()
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND channel = 'online'
GROUP BY unit_code, account_hash`

	reportReceivedSQL = `SELECT unit_code, count(), countIf(late = 1), countIf(step_lag = 1)
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code`

	reportAsOfSQL = `SELECT max(updated_at) FROM {db}.v_dossiers`
)

// HasScores reports whether a period has computed scores.
func (s *Store) HasScores(ctx context.Context, period string) (bool, error) {
	n, err := s.countNamed(ctx, `SELECT count() FROM {db}.v_indicator_scores WHERE period = @period`, []any{clickhouse.Named("period", period)})
	return n > 0, err
}

// ReportData gathers the report of a computed period. The period (and the
// trend periods, when they should appear) must have been computed.
func (s *Store) ReportData(ctx context.Context, req ReportRequest) (report.Data, error) {
	p := req.Period
	d := report.Data{Period: p.Code, PreviousPeriod: p.Previous().Code, Bands: req.Bands, ProxyMinOwners: req.ProxyMinOwners}
	pp := []any{clickhouse.Named("period", p.Code), clickhouse.Named("to_day", p.End.Format("2006-01-02")),
		clickhouse.Named("to_ts", p.End.Unix())}
	var computeID string
	if err := s.conn.QueryRow(ctx, s.SQL(latestComputeSQL), pp...).Scan(&computeID); err != nil || computeID == "" {
		return d, fmt.Errorf("report %s: the period has not been computed (run 'dvcindex compute --period %s'): %v", p.Code, p.Code, err)
	}
	pp = append(pp, clickhouse.Named("compute_id", computeID))
	if err := s.conn.QueryRow(ctx, s.SQL(reportAsOfSQL)).Scan(&d.AsOf); err != nil {
		return d, fmt.Errorf("report %s: data date: %w", p.Code, err)
	}
	d.AsOf = d.AsOf.In(transform.HoChiMinh())

	// 1. The seven indicators: the aggregate unit (district, else the
	// province) and the wards, with the previous period.
	cur, err := s.Scores(ctx, p.Code)
	if err != nil {
		return d, err
	}
	prev, err := s.Scores(ctx, p.Previous().Code)
	if err != nil {
		return d, err
	}
	prevBy := map[string][7]float64{}
	for _, u := range prev {
		prevBy[u.UnitCode] = u.Scores
	}
	hasDistrict := false
	for _, u := range cur {
		hasDistrict = hasDistrict || u.Level == transform.LevelDistrict
	}
	for _, u := range cur {
		if u.Level == transform.LevelProvince && hasDistrict {
			continue
		}
		us := report.UnitScores{Code: u.UnitCode, Name: u.UnitName, Level: u.Level, Scores: u.Scores, Max: u.Max}
		if ps, ok := prevBy[u.UnitCode]; ok {
			ps := ps
			us.Previous = &ps
		}
		d.Units = append(d.Units, us)
	}
	names := map[string]string{}
	levels := map[string]string{}
	for _, u := range d.Units {
		names[u.Code], levels[u.Code] = u.Name, u.Level
	}

	// 2. The transparency breakdown per ward.
	if err := s.reportTransparency(ctx, &d, pp, names, levels, req.Settings); err != nil {
		return d, err
	}
	// 3. Simplified procedures.
	if err := s.reportSimplified(ctx, &d, req, pp); err != nil {
		return d, err
	}
	// 4. Interconnected groups.
	rows, err := s.conn.Query(ctx, s.SQL(reportGroupsSQL), pp...)
	if err != nil {
		return d, fmt.Errorf("report %s: interconnected groups: %w", p.Code, err)
	}
	for rows.Next() {
		var g report.GroupRow
		if err := rows.Scan(&g.Group, &g.Received, &g.Resolved, &g.InProgress); err != nil {
			rows.Close()
			return d, err
		}
		d.Groups = append(d.Groups, g)
	}
	rows.Close()
	// 5 and 6. Genuine online submissions and step lag.
	if err := s.reportOnlineAndLag(ctx, &d, req, pp, names); err != nil {
		return d, err
	}
	// Trend.
	if err := s.reportTrend(ctx, &d, req); err != nil {
		return d, err
	}
	return d, nil
}

func (s *Store) reportTransparency(ctx context.Context, d *report.Data, pp []any, names, levels map[string]string, set IndicatorSettings) error {
	risks := map[string]bool{}
	for _, f := range RiskFindings(set) {
		risks[f] = true
	}
	byUnit := map[string]*report.TransparencyRow{}
	var order []string
	rows, err := s.conn.Query(ctx, s.SQL(reportTransparencySQL), pp...)
	if err != nil {
		return fmt.Errorf("report %s: transparency: %w", d.Period, err)
	}
	for rows.Next() {
		var unit, metric, scope string
		var score, max, lost float64
		if err := rows.Scan(&unit, &metric, &score, &max, &lost, &scope); err != nil {
			rows.Close()
			return err
		}
		if levels[unit] != transform.LevelWard {
			continue
		}
		r, ok := byUnit[unit]
		if !ok {
			r = &report.TransparencyRow{Code: unit, Name: names[unit]}
			byUnit[unit] = r
			order = append(order, unit)
		}
		prov := scope == "province"
		r.Metrics = append(r.Metrics, report.MetricLoss{Metric: metric, Score: score, Max: max, Lost: lost, Province: prov})
		if prov {
			r.LostByProvince += lost
		} else {
			r.LostByWard += lost
		}
	}
	rows.Close()
	rows, err = s.conn.Query(ctx, s.SQL(reportCausesSQL), pp...)
	if err != nil {
		return fmt.Errorf("report %s: transparency causes: %w", d.Period, err)
	}
	for rows.Next() {
		var unit, finding string
		var n uint64
		if err := rows.Scan(&unit, &finding, &n); err != nil {
			rows.Close()
			return err
		}
		r, ok := byUnit[unit]
		switch {
		case !ok:
		case risks[finding]:
			r.Risks = append(r.Risks, report.Cause{Finding: finding, Count: n})
		default:
			r.Causes = append(r.Causes, report.Cause{Finding: finding, Count: n})
		}
	}
	rows.Close()
	for _, u := range d.Units { // ward order of the indicator table
		if r, ok := byUnit[u.Code]; ok {
			d.Transparency = append(d.Transparency, *r)
		}
	}
	return nil
}

func (s *Store) reportSimplified(ctx context.Context, d *report.Data, req ReportRequest, pp []any) error {
	rows, err := s.conn.Query(ctx, s.SQL(reportCutsSQL), pp...)
	if err != nil {
		return fmt.Errorf("report %s: simplified procedures: %w", d.Period, err)
	}
	var cuts []report.SimplifiedRow
	for rows.Next() {
		var r report.SimplifiedRow
		if err := rows.Scan(&r.Code, &r.Name, &r.Decision, &r.DecisionDate, &r.DaysBefore, &r.DaysAfter); err != nil {
			rows.Close()
			return err
		}
		y, m, day := r.DecisionDate.Date()
		r.DecisionDate = time.Date(y, m, day, 0, 0, 0, 0, transform.HoChiMinh())
		cuts = append(cuts, r)
	}
	rows.Close()
	if len(cuts) == 0 {
		return nil
	}
	// Count over one span from the earliest decision to the end of the
	// period, then per procedure from its own decision date.
	earliest := cuts[0].DecisionDate
	for _, c := range cuts {
		if c.DecisionDate.Before(earliest) {
			earliest = c.DecisionDate
		}
	}
	rangeID, drop, err := s.RangeDossiers(ctx, req.Units, earliest, req.Period.End, req.Settings)
	if err != nil {
		return fmt.Errorf("report %s: %w", d.Period, err)
	}
	defer drop()
	for i := range cuts {
		args := []any{clickhouse.Named("compute_id", rangeID), clickhouse.Named("code", cuts[i].Code),
			clickhouse.Named("to_ts", req.Period.End.Unix()), clickhouse.Named("since_ts", cuts[i].DecisionDate.Unix())}
		if err := s.conn.QueryRow(ctx, s.SQL(reportResolvedSinceSQL), args...).Scan(&cuts[i].OnTime, &cuts[i].Late); err != nil {
			return fmt.Errorf("report %s: dossiers of %s since %s: %w", d.Period, cuts[i].Code, cuts[i].DecisionDate.Format("2006-01-02"), err)
		}
	}
	d.Simplified = cuts
	return nil
}

func (s *Store) reportOnlineAndLag(ctx context.Context, d *report.Data, req ReportRequest, pp []any, names map[string]string) error {
	// The proxy rule is applied in Go (report.IsProxy) to per-account
	// counts; ClickHouse does the counting.
	proxy := map[string]bool{}
	rows, err := s.conn.Query(ctx, s.SQL(reportAccountsSQL), pp...)
	if err != nil {
		return fmt.Errorf("report %s: accounts: %w", d.Period, err)
	}
	for rows.Next() {
		var acc string
		var owners uint64
		if err := rows.Scan(&acc, &owners); err != nil {
			rows.Close()
			return err
		}
		if report.IsProxy(report.Account{Owners: owners, Staff: req.StaffAccounts[acc]}, req.ProxyMinOwners) {
			proxy[acc] = true
		}
	}
	rows.Close()
	for acc := range req.StaffAccounts { // staff accounts that filed nothing are proxies all the same
		proxy[acc] = true
	}
	online := map[string]*report.OnlineRow{}
	rows, err = s.conn.Query(ctx, s.SQL(reportOnlineSQL), pp...)
	if err != nil {
		return fmt.Errorf("report %s: online dossiers: %w", d.Period, err)
	}
	for rows.Next() {
		var unit, acc string
		var n uint64
		if err := rows.Scan(&unit, &acc, &n); err != nil {
			rows.Close()
			return err
		}
		r, ok := online[unit]
		if !ok {
			r = &report.OnlineRow{Code: unit, Name: names[unit]}
			online[unit] = r
		}
		r.Online += n
		if proxy[acc] {
			r.Proxy += n
		}
	}
	rows.Close()
	lag := map[string]*report.StepLagRow{}
	rows, err = s.conn.Query(ctx, s.SQL(reportReceivedSQL), pp...)
	if err != nil {
		return fmt.Errorf("report %s: received dossiers: %w", d.Period, err)
	}
	for rows.Next() {
		r := &report.StepLagRow{}
		if err := rows.Scan(&r.Code, &r.Received, &r.Late, &r.StepLag); err != nil {
			rows.Close()
			return err
		}
		r.Name = names[r.Code]
		lag[r.Code] = r
	}
	rows.Close()
	for _, u := range d.Units {
		l := lag[u.Code]
		if l == nil {
			l = &report.StepLagRow{Code: u.Code, Name: u.Name}
		}
		d.StepLag = append(d.StepLag, *l)
		o := online[u.Code]
		if o == nil {
			o = &report.OnlineRow{Code: u.Code, Name: u.Name}
		}
		o.Received = l.Received
		o.OfficialShare, o.GenuineShare, o.GenuineOfReceived = report.Shares(o.Received, o.Online, o.Proxy)
		d.Online = append(d.Online, *o)
	}
	return nil
}

func (s *Store) reportTrend(ctx context.Context, d *report.Data, req ReportRequest) error {
	idx := map[string]int{}
	for i, u := range d.Units {
		idx[u.Code] = i
		d.Trend.Units = append(d.Trend.Units, u.Name)
		d.Trend.Totals = append(d.Trend.Totals, nil)
	}
	periods := append([]transform.Period(nil), req.TrendPeriods...)
	sort.Slice(periods, func(i, j int) bool { return periods[i].Start.Before(periods[j].Start) })
	for _, p := range periods {
		d.Trend.Periods = append(d.Trend.Periods, p.Code)
		// A period without a single dossier has only its default scores
		// (province-level metrics, "no petitions: 6"): leave it blank.
		n, err := s.countNamed(ctx, `SELECT count() FROM {db}.period_dossiers WHERE own = 1 AND compute_id =
			(`+latestCommittedComputeSQL+`)`, []any{clickhouse.Named("period", p.Code)})
		if err != nil {
			return err
		}
		scores, err := s.Scores(ctx, p.Code)
		if err != nil {
			return err
		}
		if n == 0 {
			scores = nil
		}
		got := map[string]float64{}
		for _, u := range scores {
			got[u.UnitCode] = u.Scores[6]
		}
		for code, i := range idx {
			v, ok := got[code]
			if !ok {
				v = math.NaN()
			}
			d.Trend.Totals[i] = append(d.Trend.Totals[i], v)
		}
	}
	return nil
}
