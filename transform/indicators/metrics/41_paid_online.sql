-- metric: PAID_ONLINE
-- indicator: payment
-- max: 6
-- official: 3.6
-- on_empty: zero
-- spec: item 3.6, A (indicators-766-official.md §2.4): dossiers paid online (DuocThanhToanTrucTuyen 1 or 2) ÷ dossiers of fee procedures, less those whose fees are all 0; score round(6A, 2); 0/0 scores 0.
SELECT
    unit_code,
    toFloat64(countIf(has_fees = 1 AND NOT (fee_count > 0 AND fee_total = 0) AND paid_online IN (1, 2))) AS numerator,
    toFloat64(countIf(has_fees = 1 AND NOT (fee_count > 0 AND fee_total = 0))) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
