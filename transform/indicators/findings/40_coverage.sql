-- spec: ONLINE_DOSSIERS (3.3), PAID_ONLINE (3.6), ORIGINAL_RESULT_AVAILABLE (4.1) and SO_HOA_GIAY_TO_GIAI_QUYET (4.2) count dossiers; a dossier in a denominator but not in the numerator is what cost the points (indicators-766-official.md §2.3–2.5).
INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'ONLINE_DOSSIERS', if(channel = 'online', 'no_electronic_result', 'not_online'), unit_code, procedure_code, 'online',
       if(channel = 'online',
          'filed online, but the result is a document and no electronic result was attached',
          concat('filed ', channel, if(online_level = '', '', ' although the procedure is offered online'))),
       1., @compute_id, @version
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code)
  AND NOT (channel = 'online' AND (result_is_document = 0 OR result_links > 0)) AND channel_missing = 0;

INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'PAID_ONLINE', 'not_paid_online', unit_code, procedure_code, 'payment',
       concat('fees of ', toString(fee_total), ' VND were not paid online'), 1., @compute_id, @version
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND has_fees = 1
  AND NOT (fee_count > 0 AND fee_total = 0) AND paid_online NOT IN (1, 2);

INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'ORIGINAL_RESULT_AVAILABLE', 'no_electronic_result', unit_code, procedure_code, 'digitization',
       if(end_at IS NULL, 'not finished: no electronic result yet (the portal counts every dossier received)',
          'no electronic result was attached (DanhSachGiayToKetQua without a file link)'), 1., @compute_id, @version
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND result_links = 0;

INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'SO_HOA_GIAY_TO_GIAI_QUYET', 'not_digitized', unit_code, procedure_code, 'digitization',
       if(digitized = 0, 'no component of the dossier was digitized', 'components digitized, but the result is a document without a result file'),
       1., @compute_id, @version
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND NOT (digitized = 1 AND (result_is_document = 0 OR result_links > 0));
