-- metric: FEE_PROCEDURES_PAID_ONLINE
-- indicator: payment
-- max: 2
-- score: least(2, 2.5 * ratio)
-- spec: FEE_PROCEDURES_PAID_ONLINE B: fee procedures with ≥ 1 online payment, over fee procedures handled. (indicators-766.md §4)
SELECT
    unit_code,
    toFloat64(uniqExactIf(national_code, has_fees = 1 AND paid_online IN (1, 2))) AS numerator,
    toFloat64(uniqExactIf(national_code, has_fees = 1)) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
