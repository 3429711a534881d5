-- metric: CITIZEN_DATA_CONNECTED_DOSSIER
-- indicator: digitization
-- max: 2
-- gap: the export keeps no MaCSDL (population database) code on components.
-- spec: item 4.5b (indicators-766-official.md §2.5): per unit, dossiers using population data (TaiKhoanDuocXacThucVoiVNeID = 1 or a component from DMQG, DuocLayTuKhoDMQG = 1; the export keeps no MaCSDL) ÷ dossiers received; null when none.
SELECT unit_code, toFloat64(countIf(vneid = 1 OR from_store = 1)) AS numerator, toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
