-- metric: PUBLIC_CONTENT_FULL
-- indicator: transparency
-- max: 2
-- scope: province
-- spec: procedures with all mandatory parts public, over procedures public. Province level (snapshot). (indicators-766.md §1)
SELECT
    @province_code AS unit_code,
    toFloat64(countIf(content_full = 1 AND public_date IS NOT NULL)) AS numerator,
    toFloat64(countIf(public_date IS NOT NULL)) AS denominator
FROM {db}.v_procedures
