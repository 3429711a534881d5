-- rule: due_soon
-- metric: ON_TIME
-- moves: ON_TIME, DOSSIER_RECEIVING_SATISFACTION
-- spec: item 2.1 (indicators-766-official.md §2.2): an open dossier received in the period whose deadline (NgayHenTra, else the catalogue limit, plus the supplement time already counted out) falls between now and the end of the watch.due_within_days-th working day from today, and before the period ends: unfinished at the end of the period it counts late. Acting: finish it (or stop its clock with a first supplement request) by the deadline.
INSERT INTO {db}.at_risk_candidates (watch_id, unit_code, item_kind, item_id, rule, metric, indicator, kind, flip, procedure_code, deadline, detail)
SELECT @watch_id, unit_code, 'dossier', dossier_id, 'due_soon', 'ON_TIME', 'progress', 'recoverable', 'on_time', procedure_code, deadline,
       concat('Sắp đến hạn trả kết quả (', formatDateTime(deadline, '%d/%m/%Y %R', 'Asia/Ho_Chi_Minh'),
              if(supp_seconds > 0, ', đã cộng thời gian chờ bổ sung', ''),
              '): giải quyết xong trước hạn để hồ sơ không bị tính trễ hạn')
FROM
(
    SELECT unit_code, dossier_id, procedure_code, supp_seconds, assumeNotNull(due_at) + supp_seconds AS deadline
    FROM {db}.period_dossiers
    WHERE compute_id = @compute_id AND has(@units, unit_code) AND received_at <= toDateTime(@as_of_ts)
      AND end_at IS NULL AND late = 1 AND supp_count <= 1 AND due_source != 'none'
)
WHERE deadline >= toDateTime(@as_of_ts) AND deadline <= toDateTime(@due_until_ts)
