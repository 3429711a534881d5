-- metric: REUSED_DIGITIZED_DATA
-- indicator: digitization
-- max: 2
-- score: least(2, 2 * ratio / 0.80)
-- spec: dossiers with a component replaced by data (DuocTaiSuDung = 1, DuocLayTuKhoDMQG = 1 or MaKetQuaThayThe set) / dossiers received; score min(2, 2·ratio/0.80). (indicators-766.md §5)
SELECT unit_code, toFloat64(countIf(reused = 1)) AS numerator, toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
