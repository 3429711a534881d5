-- metric: DOSSIER_SYNC
-- (18.16: greatest and least take two arguments)
-- indicator: transparency
-- max: 6
-- scope: unit
-- gap: the portal's denominator is a temporary BCQG figure (TEMP_NATIONAL_REPORT_DENOMINATOR) and its sync statistics are not in the export.
-- spec: item 1.4 (indicators-766-official.md §2.1): dossiers synced to the national portal (DongBoDVCQG.DaDongBo = 1, no timeliness condition) with NgayTiepNhan in the period ÷ max(dossiers received per BCQG, per the portal); both 0: last year's BCQG total ÷ 12 (month), ÷ 4 (quarter), or whole (year); still 0: null. With indicators.sync_scoring: deadline the numerator is the dossiers whose every step reached the portal within indicators.sync_deadline.
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
            SELECT unit_code, countIf(if(@sync_scoring = 'deadline', synced_on_time, dossier_synced) = 1) AS n_synced, count() AS portal
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
