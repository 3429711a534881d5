-- metric: ORIGINAL_RESULT_AVAILABLE
-- indicator: digitization
-- max: 6
-- spec: finished dossiers with an electronic result link / finished dossiers of procedures whose result is a document (finished: processed or returned, end status 9 or 10). (indicators-766.md §5)
SELECT
    unit_code,
    toFloat64(countIf(end_status IN (9, 10) AND result_is_document = 1 AND result_links > 0)) AS numerator,
    toFloat64(countIf(end_status IN (9, 10) AND result_is_document = 1)) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
