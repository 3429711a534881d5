-- metric: PUBLIC_UPDATE_ON_TIME
-- indicator: transparency
-- max: 4
-- scope: province
-- gap: "due in the period" is ambiguous in the reference (no lower bound); our reading takes deadlines falling in the period.
-- spec: item 1.2 (indicators-766-official.md §2.1): procedures made public (NgayCongKhai) ≤ their decision date + 5 working days ÷ procedures made public in the period plus those due in the period; null when none. Province only, inherited. Our reading of "due" (ref: no lower bound, ambiguous): the deadline (decision + 5 working days) falls in the period — the published month 0/0 excludes the unbounded reading.
-- P ≤ the 5th working day after D: the working day whose work_index is work_index(D) + 5.
SELECT
    @province_code AS unit_code,
    toFloat64(countIf(public_date IS NOT NULL AND deadline_day != toDate(0) AND assumeNotNull(public_date) <= deadline_day)) AS numerator,
    toFloat64(count()) AS denominator
FROM
(
    SELECT public_date, deadline_day
    FROM
    (
        SELECT public_date, toUInt32(decision_wi + 5) AS target_wi
        FROM
        (
            SELECT assumeNotNull(decision_date) AS day, public_date
            FROM {db}.v_procedures
            WHERE decision_date IS NOT NULL
        )
        ANY LEFT JOIN (SELECT day, work_index AS decision_wi FROM {db}.work_calendar FINAL) USING day
    )
    ANY LEFT JOIN (SELECT work_index AS target_wi, day AS deadline_day FROM {db}.work_calendar FINAL WHERE is_working = 1) USING target_wi
)
WHERE (public_date IS NOT NULL AND assumeNotNull(public_date) >= toDate(@from_day) AND assumeNotNull(public_date) < toDate(@to_day))
   OR (deadline_day >= toDate(@from_day) AND deadline_day < toDate(@to_day))
