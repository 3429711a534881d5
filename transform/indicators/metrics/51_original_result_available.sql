-- metric: ORIGINAL_RESULT_AVAILABLE
-- indicator: digitization
-- max: 6
-- spec: item 4.1 (indicators-766-official.md §2.5): dossiers with an electronic result (a DanhSachGiayToKetQua entry with DuongDanTepTinKetQua) ÷ every dossier received in the period, unfinished ones included (the published denominator equals totalReceived); null when none.
SELECT unit_code, toFloat64(countIf(result_links > 0)) AS numerator, toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
