-- metric: PETITION_HANDLING_SATISFACTION
-- indicator: satisfaction
-- max: 6
-- on_empty: max
-- gap: repeat petitions cannot be detected from the export; a petition rated dissatisfied stands for one disliked.
-- spec: item 5.3 (indicators-766-official.md §2.6): (petitions − those rated dissatisfied (DanhGia = 2) or late under item 5.2, each once) ÷ all petitions received in the period; no petitions: 6. The repeat-petition test is not possible from the export (the reference doubts it is feasible).
SELECT unit_code, toFloat64(countIf(NOT (rating = 2 OR on_time = 0))) AS numerator, toFloat64(count()) AS denominator
FROM
(
    {fragment:petitions_judged}
)
ALL INNER JOIN (SELECT src_code, unit_code FROM {db}.unit_map WHERE compute_id = @compute_id) USING src_code
GROUP BY unit_code
