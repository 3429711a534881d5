-- metric: DOSSIER_RECEIVING_SATISFACTION
-- indicator: satisfaction
-- max: 6
-- target: 0.9
-- on_empty: zero
-- spec: item 5.4 (indicators-766-official.md §2.6): ratio = (dossiers received − those late or with a petition or a dissatisfied rating, each once) ÷ dossiers received; score LEAST(6, 6r/0.9); 0/0 scores 0.
SELECT
    unit_code,
    toFloat64(count() - countIf(late = 1 OR has_petition = 1 OR rating = 3)) AS numerator,
    toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
