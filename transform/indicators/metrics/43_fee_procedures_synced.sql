-- metric: FEE_PROCEDURES_SYNCED
-- indicator: payment
-- max: 2.5
-- score: 2.5 * ratio
-- spec: FEE_PROCEDURES_SYNCED C: fee procedures with fee data on their dossiers, over fee procedures handled. (indicators-766.md §4)
SELECT
    unit_code,
    toFloat64(uniqExactIf(national_code, has_fees = 1 AND fee_count > 0)) AS numerator,
    toFloat64(uniqExactIf(national_code, has_fees = 1)) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
