-- metric: ONLINE_PROCEDURES_USED
-- indicator: online
-- max: 0
-- score: 0
-- on_empty: zero
-- spec: B = online procedures that received ≥ 1 online dossier over online procedures (the fit min(2, 2·A/0.80) + 4·B + min(6, 6·C/0.50), online_formula: fit). (indicators-766.md §3)
SELECT
    unit_code,
    toFloat64(uniqExactIf(national_code, online_level = 'toan_trinh' AND channel = 'online')) AS numerator,
    toFloat64(uniqExactIf(national_code, online_level = 'toan_trinh')) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
