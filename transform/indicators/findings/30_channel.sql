-- spec: KenhThucHien null = direct (official rule) (portal-api.md §1); a missing channel costs ONLINE_DOSSIERS (item 3.3) points. (indicators-766-official.md §2.3)
INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'ONLINE_DOSSIERS', 'channel_missing', unit_code, procedure_code, 'online',
       if(online_level = '', 'KenhThucHien is missing: the dossier counts as filed directly',
          'KenhThucHien is missing: the dossier counts as filed directly, although the procedure is offered online'),
       1., @compute_id, @version
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND channel_missing = 1;
