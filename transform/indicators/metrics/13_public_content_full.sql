-- metric: PUBLIC_CONTENT_FULL
-- indicator: transparency
-- max: 2
-- scope: province
-- spec: item 1.3 (indicators-766-official.md §2.1): public procedures (NgayCongKhai set) with all seven parts (NoiDungDayDu) ÷ public procedures, the catalogue as of now. Province only, inherited.
SELECT
    @province_code AS unit_code,
    toFloat64(countIf(content_full = 1 AND public_date IS NOT NULL)) AS numerator,
    toFloat64(countIf(public_date IS NOT NULL)) AS denominator
FROM {db}.v_procedures
