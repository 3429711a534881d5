-- metric: CITIZEN_DATA_CONNECTED_DOSSIER
-- indicator: digitization
-- max: 2
-- scope: province
-- spec: dossiers using population data (TaiKhoanDuocXacThucVoiVNeID = 1) / dossiers received. Province level. (indicators-766.md §5)
SELECT unit_code, toFloat64(countIf(vneid = 1)) AS numerator, toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND level = 'province'
GROUP BY unit_code
