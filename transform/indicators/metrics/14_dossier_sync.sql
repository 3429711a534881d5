-- metric: DOSSIER_SYNC
-- (18.16: greatest and least take two arguments)
-- indicator: transparency
-- max: 6
-- scope: unit
-- spec: dossiers synced on time with NgayTiepNhan in the period, over max(dossiers received per BCQG, dossiers received per the portal's own count); both 0: last year's BCQG total ÷ 12 (month), ÷ 4 (quarter), or whole (year). (indicators-766.md §1)
SELECT
    unit_code,
    toFloat64(n_synced) AS numerator,
    toFloat64(greatest(greatest(toFloat64(portal), toFloat64(bcqg)), if(portal = 0 AND bcqg = 0, toFloat64(fallback), 0.))) AS denominator
FROM
(
    SELECT unit_code, n_synced, portal, bcqg
    FROM
    (
        SELECT unit_code, n_synced, portal
        FROM (SELECT unit_code FROM {db}.compute_units WHERE compute_id = @compute_id)
        ANY LEFT JOIN
        (
            SELECT unit_code, countIf(synced_on_time = 1) AS n_synced, count() AS portal
            FROM {db}.period_dossiers
            WHERE compute_id = @compute_id
            GROUP BY unit_code
        ) USING unit_code
    )
    ANY LEFT JOIN (SELECT unit_code, received AS bcqg FROM {db}.v_bcqg_counts WHERE period = @period) USING unit_code
)
ANY LEFT JOIN
(
    SELECT unit_code, received / @fallback_divisor AS fallback FROM {db}.v_bcqg_counts WHERE period = @previous_year
) USING unit_code
