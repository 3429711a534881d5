package load

import (
	"context"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// MetricResult is one metric of one unit and period (v_indicator_metrics).
type MetricResult struct {
	Indicator, Metric, Scope      string
	Numerator, Denominator, Ratio float64
	Score, Max, PointsLost        float64 // a NULL score reads 0
	NoData                        bool
	// Null: the portal publishes no ratio and no score for this metric's
	// zero denominator; the group counts it as 0 and keeps its maximum.
	Null bool
}

// RiskFindings are the findings that cost no points under set but explain
// a risk: under the portal's rules (sync_scoring: official) a dossier that
// reached the national portal counts as synced, however late its steps
// did, so synced_late and step_not_synced are risks (the deadline rule of
// the Decision's wording, should the portal apply it), not lost points.
func RiskFindings(set IndicatorSettings) []string {
	set.setDefaults()
	if set.SyncScoring == "deadline" {
		return nil
	}
	return []string{"synced_late", "step_not_synced"}
}

// FindingCount is how many dossiers of a unit carry a finding.
type FindingCount struct {
	Metric, Finding string
	Count           uint64
}

// ProcedureCost is how many findings of a metric fall on one procedure.
type ProcedureCost struct {
	Metric        string `json:"-"`
	ProcedureCode string `json:"procedure_code"` // national code N.NNNNNN
	Name          string `json:"name"`
	Count         uint64 `json:"count"`
}

// DossierFinding is one finding with its evidence.
type DossierFinding struct {
	Metric, Finding, DossierID, ProcedureCode, UnitCode, Detail, Owner string
	Severity                                                           float64
}

// UnitInfo names a unit of a computed period.
type UnitInfo struct {
	Code, Name, Level string
}

const (
	explainUnitSQL = `SELECT unit_code, unit_name, level FROM {db}.compute_units
WHERE compute_id = (` + latestCommittedComputeSQL + `) AND unit_code = @unit`

	explainMetricsSQL = `SELECT indicator, metric, scope, numerator, denominator, ifNull(ratio, 0.), ifNull(score, 0.), max_score, points_lost,
       no_data, toUInt8(score IS NULL)
FROM {db}.v_indicator_metrics
WHERE period = @period AND unit_code = @unit AND (@indicator = '' OR indicator = @indicator)
ORDER BY points_lost DESC, indicator, metric`

	// The units whose findings belong to a unit: itself and, for a district
	// or the province, the units below it in the latest compute.
	explainScopeSQL = `SELECT unit_code FROM {db}.compute_units
WHERE compute_id = (` + latestCommittedComputeSQL + `)
  AND (unit_code = @unit OR parent_code = @unit OR (province_code = @unit AND level != 'province'))`

	explainFindingCountsSQL = `SELECT metric, finding, count() AS n
FROM {db}.v_dossier_findings
WHERE period = @period AND has(@units, unit_code)
GROUP BY metric, finding
ORDER BY metric, n DESC`

	// Procedures are grouped by national code: exports print the same
	// procedure with and without its agency suffix.
	explainProceduresSQL = `SELECT metric, national_code, name, n
FROM
(
    SELECT metric, substring(procedure_code, 1, 8) AS national_code, count() AS n
    FROM {db}.v_dossier_findings
    WHERE period = @period AND has(@units, unit_code) AND dossier_id != ''
    GROUP BY metric, national_code
    ORDER BY metric, n DESC
    LIMIT @per_metric BY metric
)
ANY LEFT JOIN (SELECT national_code, name FROM {db}.v_procedures) USING national_code
ORDER BY metric, n DESC`

	// Dossiers of findings that lose points first (risks after them), then
	// of the most frequent cause first, the worst of each first: the
	// evidence follows the ranking of causes.
	explainDossiersSQL = `SELECT metric, finding, dossier_id, procedure_code, unit_code, detail, severity, owner
FROM
(
    SELECT metric, finding, dossier_id, procedure_code, unit_code, detail, severity, finding_count
    FROM
    (
        SELECT metric, finding, dossier_id, procedure_code, unit_code, detail, severity
        FROM {db}.v_dossier_findings
        WHERE period = @period AND has(@units, unit_code)
    )
    ANY LEFT JOIN
    (
        SELECT metric, finding, count() AS finding_count
        FROM {db}.v_dossier_findings
        WHERE period = @period AND has(@units, unit_code)
        GROUP BY metric, finding
    ) USING (metric, finding)
    ORDER BY metric, has(@risks, finding), finding_count DESC, finding, severity DESC, dossier_id
    LIMIT @per_metric BY metric
)
ANY LEFT JOIN
(
    SELECT dossier_id, if(owner_hash = '', '', concat('owner:', substring(owner_hash, 1, 12))) AS owner
    FROM {db}.v_dossiers
    WHERE dossier_id IN (SELECT dossier_id FROM {db}.v_dossier_findings WHERE period = @period AND has(@units, unit_code))
) USING dossier_id
ORDER BY metric, has(@risks, finding), finding_count DESC, finding, severity DESC, dossier_id`
)

// Explanation is everything explain shows for one unit and period.
type Explanation struct {
	Unit       UnitInfo
	Metrics    []MetricResult
	Counts     []FindingCount
	Procedures []ProcedureCost
	Dossiers   []DossierFinding
}

// Explain reads what a unit lost in a period: its metrics ranked by points
// lost, and for each the finding counts, the procedures and the dossiers
// that cost the most (perMetric of each), the dossiers of findings that
// lose points before those of risks (findings named in risks). Owners
// appear only as a prefix of their keyed hash.
func (s *Store) Explain(ctx context.Context, unit, period, indicator string, perMetric int, risks []string) (Explanation, error) {
	var ex Explanation
	if len(risks) == 0 {
		// 18.16 types an empty array Array(Nothing), which has() refuses
		// against a String; no finding is named "".
		risks = []string{""}
	}
	args := []any{clickhouse.Named("period", period), clickhouse.Named("unit", unit), clickhouse.Named("indicator", indicator),
		clickhouse.Named("per_metric", perMetric), clickhouse.Named("risks", risks)}
	if err := s.conn.QueryRow(ctx, s.SQL(explainUnitSQL), args...).Scan(&ex.Unit.Code, &ex.Unit.Name, &ex.Unit.Level); err != nil {
		return ex, fmt.Errorf("unit %s has no computed figures for %s (run 'dvcindex compute --period %s'): %w", unit, period, period, err)
	}
	rows, err := s.conn.Query(ctx, s.SQL(explainMetricsSQL), args...)
	if err != nil {
		return ex, fmt.Errorf("read metrics: %w", err)
	}
	for rows.Next() {
		var m MetricResult
		var noData, null uint8
		if err := rows.Scan(&m.Indicator, &m.Metric, &m.Scope, &m.Numerator, &m.Denominator, &m.Ratio, &m.Score, &m.Max, &m.PointsLost, &noData, &null); err != nil {
			rows.Close()
			return ex, err
		}
		m.NoData, m.Null = noData == 1, null == 1
		ex.Metrics = append(ex.Metrics, m)
	}
	rows.Close()

	scope, err := s.ExplainScope(ctx, unit, period)
	if err != nil {
		return ex, err
	}
	args = append(args, clickhouse.Named("units", scope))

	rows, err = s.conn.Query(ctx, s.SQL(explainFindingCountsSQL), args...)
	if err != nil {
		return ex, fmt.Errorf("read finding counts: %w", err)
	}
	for rows.Next() {
		var f FindingCount
		if err := rows.Scan(&f.Metric, &f.Finding, &f.Count); err != nil {
			rows.Close()
			return ex, err
		}
		ex.Counts = append(ex.Counts, f)
	}
	rows.Close()

	rows, err = s.conn.Query(ctx, s.SQL(explainProceduresSQL), args...)
	if err != nil {
		return ex, fmt.Errorf("read procedures: %w", err)
	}
	for rows.Next() {
		var p ProcedureCost
		if err := rows.Scan(&p.Metric, &p.ProcedureCode, &p.Name, &p.Count); err != nil {
			rows.Close()
			return ex, err
		}
		ex.Procedures = append(ex.Procedures, p)
	}
	rows.Close()

	rows, err = s.conn.Query(ctx, s.SQL(explainDossiersSQL), args...)
	if err != nil {
		return ex, fmt.Errorf("read dossiers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d DossierFinding
		if err := rows.Scan(&d.Metric, &d.Finding, &d.DossierID, &d.ProcedureCode, &d.UnitCode, &d.Detail, &d.Severity, &d.Owner); err != nil {
			return ex, err
		}
		ex.Dossiers = append(ex.Dossiers, d)
	}
	return ex, rows.Err()
}
