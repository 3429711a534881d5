-- metric: PAID_ONLINE
-- indicator: payment
-- max: 6
-- score: 6 * ratio
-- spec: PAID_ONLINE A: dossiers with DuocThanhToanTrucTuyen 1 or 2, over dossiers of procedures with fees, minus dossiers whose fees are all 0; score = min(10, 6·A + min(2, 2.5·B) + 2.5·C). (indicators-766.md §4)
SELECT
    unit_code,
    toFloat64(countIf(has_fees = 1 AND NOT (fee_count > 0 AND fee_total = 0) AND paid_online IN (1, 2))) AS numerator,
    toFloat64(countIf(has_fees = 1 AND NOT (fee_count > 0 AND fee_total = 0))) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
