-- metric: ONLINE_DOSSIERS
-- indicator: online
-- max: 6
-- target: 0.5
-- official: 3.3
-- coefficient: sync
-- on_empty: zero
-- spec: item 3.3 (indicators-766-official.md §2.3): C = dossiers received with KenhThucHien = 2 and, when the result is a document (KetQuaLaGiayTo), an electronic result (a DanhSachGiayToKetQua entry with DuongDanTepTinKetQua) ÷ dossiers received; score LEAST(6, 6·C·S/0.5) with S = the unit's DOSSIER_SYNC ratio (1 when it has no data).
SELECT unit_code,
       toFloat64(countIf(channel = 'online' AND (result_is_document = 0 OR result_links > 0))) AS numerator,
       toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
