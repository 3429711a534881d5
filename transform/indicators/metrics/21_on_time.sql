-- metric: ON_TIME
-- indicator: progress
-- max: 20
-- official: 2.1
-- on_empty: zero
-- spec: item 2.1 (indicators-766-official.md §2.2): dossiers finished on time plus unfinished ones not yet past due at the end of the period ÷ dossiers received in the period; 0/0 scores 0.
SELECT unit_code, toFloat64(countIf(late = 0)) AS numerator, toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
