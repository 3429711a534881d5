-- metric: ONLINE_SERVICE_PROVIDED
-- indicator: online
-- max: 2
-- target: 0.8
-- official: 3.1
-- on_empty: zero
-- gap: the catalogue does not name the unit that applies each online service, so a ward is credited with every online procedure of its level.
-- spec: item 3.1 (indicators-766-official.md §2.3): A = procedures offering a partial-online or full-process online service ÷ procedures of the unit's authority; score LEAST(2, 2A/0.8). Our reading: the unit's authority is the catalogue procedures of its level (province: every catalogued procedure; district: levels has huyen; ward: levels has xa); the catalogue does not name an online service's applying unit.
SELECT unit_code, toFloat64(countIf(online_level IN ('toan_trinh', 'mot_phan'))) AS numerator, toFloat64(count()) AS denominator
FROM
(
    SELECT unit_code, level, levels, online_level
    FROM (SELECT unit_code, level FROM {db}.compute_units WHERE compute_id = @compute_id)
    CROSS JOIN (SELECT levels, online_level FROM {db}.v_procedures)
)
WHERE multiIf(level = 'province', 1, level = 'district', has(levels, 'huyen'), has(levels, 'xa')) = 1
GROUP BY unit_code
