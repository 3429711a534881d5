-- metric: SO_HOA_GIAY_TO_GIAI_QUYET
-- indicator: digitization
-- max: 4
-- spec: item 4.2 (indicators-766-official.md §2.5): dossiers with a digitized component (HoSoCoThanhPhanSoHoa = 1 or a TaiLieuNop with DuocSoHoa = 1: the export keeps no component file link) and, when the result is a document, a result file (DuongDanTepTinKetQua) ÷ dossiers received; linear (the portal ignores the sheet's 80% target); null when none.
SELECT unit_code, toFloat64(countIf(digitized = 1 AND (result_is_document = 0 OR result_links > 0))) AS numerator, toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
