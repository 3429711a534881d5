-- metric: CHANNEL_DIRECT
-- indicator: online
-- max: 0
-- score: 0
-- on_empty: zero
-- spec: Informational metrics (max 0, shown in the breakdown): share of dossiers received submitted directly (includes a missing channel). (indicators-766-official.md §2.3: the portal publishes the channel sums for information)
SELECT unit_code, toFloat64(countIf(channel = 'direct')) AS numerator, toFloat64(count()) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
