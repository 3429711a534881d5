-- metric: PETITION_HANDLING_SATISFACTION
-- indicator: satisfaction
-- max: 6
-- on_empty: max
-- spec: petitions rated satisfied, over rated ones. None: 6. (indicators-766.md §6)
SELECT unit_code, toFloat64(countIf(rating = 1)) AS numerator, toFloat64(countIf(rating IN (1, 2))) AS denominator
FROM (SELECT unit_code AS src_code, rating FROM {db}.v_petitions
      WHERE received_at >= toDateTime(@from_ts) AND received_at < toDateTime(@to_ts))
ALL INNER JOIN (SELECT src_code, unit_code FROM {db}.unit_map WHERE compute_id = @compute_id) USING src_code
GROUP BY unit_code
