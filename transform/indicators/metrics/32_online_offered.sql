-- metric: ONLINE_OFFERED
-- indicator: online
-- max: 0
-- score: 0
-- on_empty: zero
-- spec: Informational metrics (max 0, shown in the breakdown): procedures handled that are offered fully online, over procedures handled. (indicators-766.md §3)
SELECT unit_code, toFloat64(uniqExactIf(national_code, online_level = 'toan_trinh')) AS numerator, toFloat64(uniqExact(national_code)) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
