-- metric: SYNCED_WITH_DVCQG_PERSONAL_STORAGE
-- indicator: digitization
-- max: 4
-- gap: the export does not say which e-results were synced to the citizen's list on DVCQG; only components from the store are counted.
-- spec: item 4.4 (indicators-766-official.md §2.5): dossiers with a component taken from the citizen's store (TaiLieuNop.DuocLayTuKhoDMQG = 1) ÷ dossiers received; linear; null when none. The reference also counts e-results synced to the citizen's list on DVCQG: the export does not carry that, so the numerator can be below the portal's.
SELECT unit_code, toFloat64(countIf(from_store = 1)) AS numerator, toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
