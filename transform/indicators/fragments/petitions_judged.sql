-- fragment: petitions_judged
-- The petitions received in the period, each judged against its deadline
-- (items 5.2 and 5.3 of indicators-766-official.md share this rule):
-- src_code, handled_at, rating, deadline, on_time. The deadline is HanXuLy,
-- else the end of the working day indicators.petition_deadline_days after
-- the received day; a petition is on time when handled by its deadline, or
-- still open (at the end of the period, or today for a running period) and
-- not past it. Included in a metric as {fragment:petitions_judged}.
-- "Today" is @now_ts (the moment of the compute; the end of the period for
-- a watch's projection). A watch's scenario also counts on time the
-- petitions it lists as done (@watch_id, @fix_kinds; none in a compute).
SELECT petition_id, src_code, received_at, handled_at, rating,
       if(deadline_at IS NOT NULL, assumeNotNull(deadline_at),
          toDateTime(concat(toString(deadline_day), ' 23:59:59'), 'Asia/Ho_Chi_Minh')) AS deadline,
       toUInt8((handled_at IS NOT NULL AND assumeNotNull(handled_at) <= deadline)
               OR ((handled_at IS NULL OR assumeNotNull(handled_at) > toDateTime(@end_ts)) AND deadline >= least(toDateTime(@end_ts), toDateTime(@now_ts)))
               OR petition_id IN (SELECT item_id FROM {db}.at_risk_candidates
                                  WHERE watch_id = @watch_id AND flip = 'petition' AND has(@fix_kinds, kind))) AS on_time
FROM
(
    SELECT petition_id, src_code, received_at, handled_at, rating, deadline_at, toUInt32(recv_wi + @petition_deadline_days) AS target_wi
    FROM
    (
        SELECT petition_id, unit_code AS src_code, received_at, deadline_at, handled_at, rating, toDate(assumeNotNull(received_at)) AS day
        FROM {db}.v_petitions
        WHERE received_at >= toDateTime(@from_ts) AND received_at < toDateTime(@to_ts)
    )
    ANY LEFT JOIN (SELECT day, work_index AS recv_wi FROM {db}.work_calendar FINAL) USING day
)
ANY LEFT JOIN (SELECT work_index AS target_wi, day AS deadline_day FROM {db}.work_calendar FINAL WHERE is_working = 1) USING target_wi
