-- metric: FEE_PROCEDURES_PAID_ONLINE
-- indicator: payment
-- max: 2
-- target: 0.8
-- official: 3.5b
-- on_empty: zero
-- spec: item 3.5b, B (indicators-766-official.md §2.4): fee procedures with ≥ 1 dossier paid online ÷ distinct fee procedures with dossiers in the period; score round(LEAST(2, 2.5B), 2); 0/0 scores 0.
SELECT
    unit_code,
    toFloat64(uniqExactIf(national_code, has_fees = 1 AND paid_online IN (1, 2))) AS numerator,
    toFloat64(uniqExactIf(national_code, has_fees = 1)) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
