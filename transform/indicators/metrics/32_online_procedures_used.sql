-- metric: ONLINE_PROCEDURES_USED
-- indicator: online
-- max: 4
-- official: 3.2
-- on_empty: zero
-- gap: the catalogue lists one online service per procedure; the portal counts each service (DVC) of a procedure.
-- spec: item 3.2 (indicators-766-official.md §2.3): B = online services of the unit's procedures that received ≥ 1 online dossier in the period ÷ all online services of those procedures; score 4B. Our reading: one online service per catalogue procedure with a MucDoDVC (toan_trinh or mot_phan) of the unit's level (as 3.1); a dossier counts in the period of its received date (the NgayNopHoSo fallback needs dossiers never received, which period_dossiers does not hold).
SELECT unit_code, toFloat64(countIf(used = 1)) AS numerator, toFloat64(count()) AS denominator
FROM
(
    SELECT unit_code, national_code
    FROM
    (
        SELECT unit_code, level, national_code, levels
        FROM (SELECT unit_code, level FROM {db}.compute_units WHERE compute_id = @compute_id)
        CROSS JOIN (SELECT national_code, levels FROM {db}.v_procedures WHERE online_level IN ('toan_trinh', 'mot_phan'))
    )
    WHERE multiIf(level = 'province', 1, level = 'district', has(levels, 'huyen'), has(levels, 'xa')) = 1
)
ANY LEFT JOIN
(
    SELECT unit_code, national_code, toUInt8(1) AS used
    FROM {db}.period_dossiers
    WHERE compute_id = @compute_id AND channel = 'online'
    GROUP BY unit_code, national_code
) USING (unit_code, national_code)
GROUP BY unit_code
