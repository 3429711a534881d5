-- 0014_reconciliation_components: v_score_reconciliation split a group's
-- gap against the wrong formula row. Its formula side is keyed on (unit,
-- indicator, dvc_metric), and the components of a tree family (payment's
-- A, B, C) carry an empty dvc_metric, the same key as the group row, so
-- ANY LEFT JOIN could take a component's formula score for the group (the
-- cookbook found Hoài Hương's payment gap of -0.08 split as counting 3.89 +
-- formula -3.97 while the group's own check matched). Components without a
-- metric of ours are left out of the formula side (a component that is one
-- of our metrics, such as progress' ON_TIME, still pairs with it); the view
-- keeps its columns.

DROP TABLE IF EXISTS {db}.v_score_reconciliation;

CREATE VIEW IF NOT EXISTS {db}.v_score_reconciliation AS
SELECT period, unit_code, indicator, metric, official, recomputed, difference,
       recomputed - formula_score AS counting_gap,
       formula_score - official AS formula_gap
FROM
(
    SELECT period, unit_code, indicator, metric, official, recomputed, recomputed - official AS difference,
           unit_code AS check_unit, indicator AS check_indicator, metric AS check_metric
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
    ) USING (period, unit_code, indicator, metric)
)
ANY LEFT JOIN
(
    SELECT period, assumeNotNull(unit_code) AS check_unit, indicator AS check_indicator, dvc_metric AS check_metric, formula_score
    FROM {db}.v_official_formula_check
    WHERE unit_code IS NOT NULL AND formula_score IS NOT NULL AND NOT (kind = 'component' AND dvc_metric = '')
) USING (period, check_unit, check_indicator, check_metric);
