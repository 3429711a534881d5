-- metric: ONLINE_FULL_PROCESS
-- indicator: online
-- max: 12
-- spec: dossiers submitted online (KenhThucHien = 2; when KetQuaLaGiayTo, also with an electronic result) of procedures offered fully online (MucDoDVC = toan_trinh), over dossiers received of those procedures. (indicators-766.md §3)
SELECT
    unit_code,
    toFloat64(countIf(online_level = 'toan_trinh' AND channel = 'online' AND (result_is_document = 0 OR result_links > 0))) AS numerator,
    toFloat64(countIf(online_level = 'toan_trinh')) AS denominator
FROM {db}.period_dossiers
WHERE compute_id = @compute_id
GROUP BY unit_code
