-- metric: ELECTRONIC_CERTIFIED_COPY
-- indicator: digitization
-- max: 2
-- official: ELECTRONIC_CERTIFIED_COPY
-- spec: item MX 13 (indicators-766-official.md §2.5): the portal publishes a constant 100% → 2 on every unit; stored as 1 ÷ 1.
SELECT unit_code, toFloat64(1) AS numerator, toFloat64(1) AS denominator
FROM {db}.compute_units
WHERE compute_id = @compute_id
