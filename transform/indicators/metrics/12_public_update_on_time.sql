-- metric: PUBLIC_UPDATE_ON_TIME
-- indicator: transparency
-- max: 4
-- scope: province
-- spec: procedures made public on the national database ≤ decision date + 5 working days, over those published in the period. Province level. (indicators-766.md §1)
-- P ≤ the 5th working day after D: the working day whose work_index is work_index(D) + 5.
SELECT
    @province_code AS unit_code,
    toFloat64(countIf(public_date IS NOT NULL AND deadline_day != toDate(0) AND assumeNotNull(public_date) <= deadline_day)) AS numerator,
    toFloat64(count()) AS denominator
FROM
(
    SELECT public_date, toUInt32(decision_wi + 5) AS target_wi
    FROM
    (
        SELECT assumeNotNull(decision_date) AS day, public_date
        FROM {db}.v_procedures
        WHERE decision_date IS NOT NULL AND decision_date >= toDate(@from_day) AND decision_date < toDate(@to_day)
    )
    ANY LEFT JOIN (SELECT day, work_index AS decision_wi FROM {db}.work_calendar FINAL) USING day
)
ANY LEFT JOIN (SELECT work_index AS target_wi, day AS deadline_day FROM {db}.work_calendar FINAL WHERE is_working = 1) USING target_wi
