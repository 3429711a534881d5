-- metric: ELECTRONIC_CERTIFIED_COPY
-- indicator: digitization
-- max: 2
-- spec: a ward scores 1 if it handled ≥ 1 dossier of a procedure the catalogue marks as electronic certified copy, else 0; a district or province: share of its wards. (indicators-766.md §5)
SELECT unit_code, numerator, denominator
FROM
(
    SELECT unit_code, toFloat64(max(certified)) AS numerator, toFloat64(count() > 0) AS denominator
    FROM
    (
        SELECT unit_code FROM {db}.compute_units WHERE compute_id = @compute_id AND level = 'ward'
    )
    ANY LEFT JOIN
    (
        SELECT unit_code, max(e_certified) AS certified
        FROM {db}.period_dossiers
        WHERE compute_id = @compute_id AND level = 'ward'
        GROUP BY unit_code
    ) USING unit_code
    GROUP BY unit_code
    UNION ALL
    SELECT parent AS unit_code, toFloat64(sum(flag)) AS numerator, toFloat64(count()) AS denominator
    FROM
    (
        SELECT arrayJoin(arrayFilter(x -> x != '', [parent_code, province_code])) AS parent, flag
        FROM
        (
            SELECT unit_code, parent_code, province_code
            FROM {db}.compute_units WHERE compute_id = @compute_id AND level = 'ward'
        )
        ANY LEFT JOIN
        (
            SELECT unit_code, max(e_certified) AS flag
            FROM {db}.period_dossiers
            WHERE compute_id = @compute_id AND level = 'ward'
            GROUP BY unit_code
        ) USING unit_code
    )
    GROUP BY parent
)
