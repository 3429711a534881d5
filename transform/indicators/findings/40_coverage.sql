-- spec: ONLINE_FULL_PROCESS, PAID_ONLINE, ORIGINAL_RESULT_AVAILABLE and SO_HOA_GIAY_TO_GIAI_QUYET count dossiers; a dossier in a denominator but not in the numerator is what cost the points (indicators-766.md §3–5).
INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'ONLINE_FULL_PROCESS', if(channel = 'online', 'no_electronic_result', 'not_online'), unit_code, procedure_code, 'online',
       if(channel = 'online',
          'filed online, but the result is a document and no electronic result was attached',
          concat('filed ', if(channel_missing = 1, 'with no channel (counted direct)', channel), ' although the procedure is offered fully online')),
       1., @compute_id, @version
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND online_level = 'toan_trinh'
  AND NOT (channel = 'online' AND (result_is_document = 0 OR result_links > 0)) AND channel_missing = 0;

INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'PAID_ONLINE', 'not_paid_online', unit_code, procedure_code, 'payment',
       concat('fees of ', toString(fee_total), ' VND were not paid online'), 1., @compute_id, @version
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND has_fees = 1
  AND NOT (fee_count > 0 AND fee_total = 0) AND paid_online NOT IN (1, 2);

INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'ORIGINAL_RESULT_AVAILABLE', 'no_electronic_result', unit_code, procedure_code, 'digitization',
       'the result is a document but no electronic original was attached (DanhSachGiayToKetQua without a file link)', 1., @compute_id, @version
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND end_status IN (9, 10) AND result_is_document = 1 AND result_links = 0;

INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'SO_HOA_GIAY_TO_GIAI_QUYET', 'not_digitized', unit_code, procedure_code, 'digitization',
       'no component of the dossier was digitized', 1., @compute_id, @version
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND digitized = 0;
