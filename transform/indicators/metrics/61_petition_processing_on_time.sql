-- metric: PETITION_PROCESSING_ON_TIME
-- indicator: satisfaction
-- max: 6
-- on_empty: max
-- spec: petitions handled by HanXuLy (default 15 working days from NgayTiepNhan), over petitions received. No petitions: 6. (indicators-766.md §6) An unhandled petition not yet due at the end of the period counts as on time.
SELECT
    unit_code,
    toFloat64(countIf((handled_at IS NOT NULL AND assumeNotNull(handled_at) <= deadline) OR deadline >= toDateTime(@end_ts))) AS numerator,
    toFloat64(count()) AS denominator
FROM
(
    -- HanXuLy, else the end of the working day petition_deadline_days after the received day.
    SELECT src_code, handled_at,
           if(deadline_at IS NOT NULL, assumeNotNull(deadline_at),
              toDateTime(concat(toString(deadline_day), ' 23:59:59'), 'Asia/Ho_Chi_Minh')) AS deadline
    FROM
    (
        SELECT src_code, handled_at, deadline_at, toUInt32(recv_wi + @petition_deadline_days) AS target_wi
        FROM
        (
            SELECT unit_code AS src_code, received_at, deadline_at, handled_at, toDate(assumeNotNull(received_at)) AS day
            FROM {db}.v_petitions
            WHERE received_at >= toDateTime(@from_ts) AND received_at < toDateTime(@to_ts)
        )
        ANY LEFT JOIN (SELECT day, work_index AS recv_wi FROM {db}.work_calendar FINAL) USING day
    )
    ANY LEFT JOIN (SELECT work_index AS target_wi, day AS deadline_day FROM {db}.work_calendar FINAL WHERE is_working = 1) USING target_wi
)
ALL INNER JOIN (SELECT src_code, unit_code FROM {db}.unit_map WHERE compute_id = @compute_id) USING src_code
GROUP BY unit_code
