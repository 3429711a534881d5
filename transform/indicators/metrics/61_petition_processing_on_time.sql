-- metric: PETITION_PROCESSING_ON_TIME
-- indicator: satisfaction
-- max: 6
-- on_empty: max
-- gap: the export has no transfer, refusal, supplement or publication times: one deadline (HanXuLy, else 15 working days) stands for the reference's 2/5/15/2-day steps.
-- spec: item 5.2 (indicators-766-official.md §2.6): petitions received in the period handled by their deadline, or still open and not past it at the end of the period (today for a running period) ÷ petitions received; no petitions: 6. Our reading: the deadline is HanXuLy, else received + indicators.petition_deadline_days (15) working days; the export carries no transfer, refusal, supplement or publication times, so the reference's 2/5/15/2-day steps cannot be told apart.
SELECT unit_code, toFloat64(countIf(on_time = 1)) AS numerator, toFloat64(count()) AS denominator
FROM
(
    {fragment:petitions_judged}
)
ALL INNER JOIN (SELECT src_code, unit_code FROM {db}.unit_map WHERE compute_id = @compute_id) USING src_code
GROUP BY unit_code
