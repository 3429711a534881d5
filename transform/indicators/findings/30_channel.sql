-- spec: KenhThucHien null = direct (official rule) (portal-api.md §1); a missing channel costs ONLINE_FULL_PROCESS points when the procedure is offered fully online. (indicators-766.md §3)
INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'ONLINE_FULL_PROCESS', 'channel_missing', unit_code, procedure_code, 'online',
       'KenhThucHien is missing: the dossier counts as filed directly, although the procedure is offered fully online',
       1., @compute_id, @version
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND channel_missing = 1 AND online_level = 'toan_trinh';
