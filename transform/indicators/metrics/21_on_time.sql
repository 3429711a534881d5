-- metric: ON_TIME
-- indicator: progress
-- max: 20
-- spec: dossiers handled on or before time, over dossiers received in the period (finished and unfinished); no end status yet: the last moment of the period is the end time. (indicators-766.md §2)
SELECT unit_code, toFloat64(countIf(late = 0)) AS numerator, toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
