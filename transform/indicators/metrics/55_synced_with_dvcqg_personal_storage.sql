-- metric: SYNCED_WITH_DVCQG_PERSONAL_STORAGE
-- indicator: digitization
-- max: 4
-- spec: dossiers with a component taken from the citizen's store (DuocLayTuKhoDMQG = 1) / dossiers received. (indicators-766.md §5)
SELECT unit_code, toFloat64(countIf(from_store = 1)) AS numerator, toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
