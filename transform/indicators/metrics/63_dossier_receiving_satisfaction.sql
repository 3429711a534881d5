-- metric: DOSSIER_RECEIVING_SATISFACTION
-- indicator: satisfaction
-- max: 6
-- score: least(6, 6 * ratio / 0.90)
-- on_empty: zero
-- spec: ratio = 1 − (late share + share of dossiers with a petition or a dissatisfied rating), score = min(6, 6·ratio/0.90); 0 when no dossiers. (indicators-766.md §6) The ratio is floored at 0.
SELECT
    unit_code,
    toFloat64(greatest(0, toInt64(count()) - toInt64(countIf(late = 1)) - toInt64(countIf(has_petition = 1 OR rating = 3)))) AS numerator,
    toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
