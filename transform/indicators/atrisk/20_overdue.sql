-- rule: overdue
-- metric: ON_TIME
-- moves: ON_TIME, DOSSIER_RECEIVING_SATISFACTION
-- spec: item 2.1 (indicators-766-official.md §2.2): an open dossier received in the period that already counts late — past its deadline, asked for a supplement twice, or with no due date at all (no NgayHenTra and no catalogue limit) — and is not counted yet because the period has not ended. Its points are lost whatever is done now (kind lost); it is listed so that it is finished, and apart from what can still be won.
INSERT INTO {db}.at_risk_candidates (watch_id, unit_code, item_kind, item_id, rule, metric, indicator, kind, flip, procedure_code, deadline, detail)
SELECT @watch_id, unit_code, 'dossier', dossier_id, 'overdue', 'ON_TIME', 'progress', 'lost', 'on_time', procedure_code, deadline,
       multiIf(supp_count > 1, concat('Đã yêu cầu bổ sung ', toString(supp_count), ' lần: hồ sơ bị tính trễ hạn dù giải quyết lúc nào'),
               due_source = 'none', 'Không có ngày hẹn trả và thủ tục không có thời hạn trong danh mục: hồ sơ bị tính trễ hạn',
               concat('Đã quá hạn trả kết quả (', formatDateTime(assumeNotNull(deadline), '%d/%m/%Y %R', 'Asia/Ho_Chi_Minh'),
                      ') mà chưa giải quyết xong: bị tính trễ hạn khi kỳ kết thúc; vẫn cần giải quyết ngay'))
FROM
(
    SELECT unit_code, dossier_id, procedure_code, supp_count, due_source,
           if(due_at IS NULL, toDateTime(0), assumeNotNull(due_at) + supp_seconds) AS due_plus,
           nullIf(due_plus, toDateTime(0)) AS deadline
    FROM {db}.period_dossiers
    WHERE compute_id = @compute_id AND has(@units, unit_code) AND received_at <= toDateTime(@as_of_ts) AND end_at IS NULL AND late = 1
)
WHERE supp_count > 1 OR due_source = 'none' OR due_plus < toDateTime(@as_of_ts)
