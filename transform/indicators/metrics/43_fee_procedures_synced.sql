-- metric: FEE_PROCEDURES_SYNCED
-- indicator: payment
-- max: 2
-- target: 0.8
-- official: 3.5
-- on_empty: zero
-- spec: item 3.5, C (indicators-766-official.md §2.4, §5): fee procedures with ≥ 1 dossier carrying fee data (DanhSachLePhi with a total above 0) ÷ distinct fee procedures with dossiers in the period (the published denominator depends on the period: not the catalogue); score round(LEAST(2, 2.5C), 2); 0/0 scores 0.
SELECT
    unit_code,
    toFloat64(uniqExactIf(national_code, has_fees = 1 AND fee_count > 0 AND fee_total > 0)) AS numerator,
    toFloat64(uniqExactIf(national_code, has_fees = 1)) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
