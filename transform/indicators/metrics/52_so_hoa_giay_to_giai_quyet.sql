-- metric: SO_HOA_GIAY_TO_GIAI_QUYET
-- indicator: digitization
-- max: 4
-- spec: dossiers with digitized components (HoSoCoThanhPhanSoHoa = 1 or a TaiLieuNop.DuocSoHoa = 1) / dossiers received. (indicators-766.md §5)
SELECT unit_code, toFloat64(countIf(digitized = 1)) AS numerator, toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
