-- metric: CITIZEN_DATA_CONNECTED_FORMALITY
-- indicator: digitization
-- max: 2
-- scope: province
-- spec: procedures with ≥ 1 such dossier / procedures handled. Province level. (indicators-766.md §5)
SELECT unit_code, toFloat64(uniqExactIf(national_code, vneid = 1)) AS numerator, toFloat64(uniqExact(national_code)) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND level = 'province'
GROUP BY unit_code
