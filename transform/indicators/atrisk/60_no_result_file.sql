-- rule: no_result_file
-- metric: ORIGINAL_RESULT_AVAILABLE
-- moves: ORIGINAL_RESULT_AVAILABLE, ONLINE_DOSSIERS, SO_HOA_GIAY_TO_GIAI_QUYET
-- spec: item 4.1 (indicators-766-official.md §2.5): a dossier received in the period whose result has been issued (processed or returned) with no electronic result file (no DanhSachGiayToKetQua entry with DuongDanTepTinKetQua): it is missing from the numerator of ORIGINAL_RESULT_AVAILABLE, and, filed online with a document result, of ONLINE_DOSSIERS (item 3.3). Acting: attach the electronic result before the period ends.
INSERT INTO {db}.at_risk_candidates (watch_id, unit_code, item_kind, item_id, rule, metric, indicator, kind, flip, procedure_code, deadline, detail)
SELECT @watch_id, unit_code, 'dossier', dossier_id, 'no_result_file', 'ORIGINAL_RESULT_AVAILABLE', 'digitization', 'recoverable', 'result',
       procedure_code, toNullable(toDateTime(@end_ts)),
       if(channel = 'online', 'Hồ sơ nộp trực tuyến đã có kết quả nhưng chưa đính kèm tệp kết quả điện tử: đính kèm trước khi kỳ kết thúc',
          'Đã có kết quả nhưng chưa đính kèm tệp kết quả điện tử: đính kèm trước khi kỳ kết thúc')
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND has(@units, unit_code) AND received_at <= toDateTime(@as_of_ts) AND end_status IN (9, 10) AND result_links = 0
