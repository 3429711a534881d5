-- metric: REUSED_DIGITIZED_DATA
-- indicator: digitization
-- max: 2
-- target: 0.8
-- gap: the portal's reuse flag is unknown (reference item 4.3); we count TaiLieuNop reuse flags.
-- spec: item 4.3 (indicators-766-official.md §2.5): dossiers with a component reusing data (TaiLieuNop.DuocTaiSuDung = 1, DuocLayTuKhoDMQG = 1 or MaKetQuaThayThe set) ÷ dossiers received; score LEAST(2, 2r/0.8); null when none. The reference's flags (HoSoCoThanhPhanSoHoa / DuocSoHoa) are doubtful and the real one unknown: our reading keeps the reuse flags.
SELECT unit_code, toFloat64(countIf(reused = 1)) AS numerator, toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
