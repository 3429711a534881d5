-- metric: PETITION_PROCESSING_ON_TIME
-- indicator: satisfaction
-- max: 6
-- on_empty: max
-- gap: the export has no transfer, refusal, supplement or publication times: one deadline (HanXuLy, else 15 working days) stands for the reference's 2/5/15/2-day steps.
-- spec: item 5.2 (indicators-766-official.md §2.6): petitions received in the period handled by their deadline, or still open and not past it at the end of the period (today for a running period) ÷ petitions received; no petitions: 6. Our reading: the deadline is HanXuLy, else received + indicators.petition_deadline_days (15) working days; the export carries no transfer, refusal, supplement or publication times, so the reference's 2/5/15/2-day steps cannot be told apart.
SELECT unit_code, toFloat64(countIf(on_time = 1)) AS numerator, toFloat64(count()) AS denominator
FROM
(
    -- HanXuLy, else the end of the working day petition_deadline_days after the received day.
    SELECT src_code, handled_at, rating,
           if(deadline_at IS NOT NULL, assumeNotNull(deadline_at),
              toDateTime(concat(toString(deadline_day), ' 23:59:59'), 'Asia/Ho_Chi_Minh')) AS deadline,
           toUInt8((handled_at IS NOT NULL AND assumeNotNull(handled_at) <= deadline)
                   OR ((handled_at IS NULL OR assumeNotNull(handled_at) > toDateTime(@end_ts)) AND deadline >= least(toDateTime(@end_ts), now()))) AS on_time
    FROM
    (
        SELECT src_code, handled_at, rating, deadline_at, toUInt32(recv_wi + @petition_deadline_days) AS target_wi
        FROM
        (
            SELECT unit_code AS src_code, received_at, deadline_at, handled_at, rating, toDate(assumeNotNull(received_at)) AS day
            FROM {db}.v_petitions
            WHERE received_at >= toDateTime(@from_ts) AND received_at < toDateTime(@to_ts)
        )
        ANY LEFT JOIN (SELECT day, work_index AS recv_wi FROM {db}.work_calendar FINAL) USING day
    )
    ANY LEFT JOIN (SELECT work_index AS target_wi, day AS deadline_day FROM {db}.work_calendar FINAL WHERE is_working = 1) USING target_wi
)
ALL INNER JOIN (SELECT src_code, unit_code FROM {db}.unit_map WHERE compute_id = @compute_id) USING src_code
GROUP BY unit_code
