-- 0010_official_scores_nullable: the indicators follow the national portal's
-- rules (formula version dvcqg-2026, docs/indicators.md). Where the portal
-- publishes null for a zero denominator (transparency, digitization), a
-- metric's ratio and score are NULL, not 0: the group total counts them as
-- 0 and keeps the maximum. MODIFY COLUMN to the type a column already has
-- is a no-op, so this migration can run again. The views over
-- indicator_metrics are re-created with their full column lists.

ALTER TABLE {db}.indicator_metrics MODIFY COLUMN ratio Nullable(Float64);
ALTER TABLE {db}.indicator_metrics MODIFY COLUMN score Nullable(Float64);

DROP TABLE IF EXISTS {db}.v_score_reconciliation;
DROP TABLE IF EXISTS {db}.v_indicator_metrics;

-- v_indicator_metrics: ratio = numerator / denominator, 0-1, unrounded (NULL, with
-- no_data = 1, where the portal publishes null for 0/0); score is rounded to 2
-- decimals; points_lost = max_score - score (a NULL score loses its maximum); scope
-- province: a metric computed for the province that every unit inherits
CREATE VIEW IF NOT EXISTS {db}.v_indicator_metrics AS
SELECT period, unit_code, indicator, metric, numerator, denominator, ratio, score, max_score, points_lost, scope,
       no_data, formula_version, computed_at
FROM {db}.indicator_metrics FINAL
WHERE (period, unit_code, version) IN (SELECT period, unit_code, published_version FROM {db}.v_published_computes);

CREATE VIEW IF NOT EXISTS {db}.v_score_reconciliation AS
SELECT period, unit_code, indicator, metric, official, recomputed, recomputed - official AS difference
FROM
(
    SELECT period, unit_code, indicator, metric, score AS official
    FROM {db}.official_scores FINAL
)
ALL INNER JOIN
(
    SELECT period, unit_code, indicator, metric, ifNull(score, 0.) AS recomputed
    FROM {db}.v_indicator_metrics
    UNION ALL
    SELECT period, unit_code, indicator, '' AS metric, score AS recomputed
    FROM {db}.v_indicator_scores
) USING (period, unit_code, indicator, metric);
