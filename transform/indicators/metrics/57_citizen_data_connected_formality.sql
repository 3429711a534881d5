-- metric: CITIZEN_DATA_CONNECTED_FORMALITY
-- indicator: digitization
-- max: 2
-- gap: the catalogue has no applicant type, so the denominator holds every procedure of the level, not only those for citizens (the portal: 385 per commune).
-- spec: item 4.5a (indicators-766-official.md §2.5): per unit, procedures with ≥ 1 dossier using population data in the period ÷ the catalogue procedures of the unit's level (as item 3.1); null when none. The catalogue does not carry the applicant type (đối tượng thực hiện), so the denominator is not limited to citizen applicants and can exceed the portal's.
SELECT unit_code, toFloat64(used) AS numerator, toFloat64(catalogued) AS denominator
FROM
(
    SELECT unit_code, count() AS catalogued
    FROM
    (
        SELECT unit_code, level, levels
        FROM (SELECT unit_code, level FROM {db}.compute_units WHERE compute_id = @compute_id)
        CROSS JOIN (SELECT levels FROM {db}.v_procedures)
    )
    WHERE multiIf(level = 'province', 1, level = 'district', has(levels, 'huyen'), has(levels, 'xa')) = 1
    GROUP BY unit_code
)
ANY LEFT JOIN
(
    SELECT unit_code, uniqExactIf(national_code, vneid = 1 OR from_store = 1) AS used
    FROM {db}.period_dossiers
    WHERE compute_id = @compute_id
    GROUP BY unit_code
) USING unit_code
