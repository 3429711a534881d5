-- rule: close_in_software
-- metric: ON_TIME
-- moves: ON_TIME, DOSSIER_RECEIVING_SATISFACTION
-- spec: item 2.1 (indicators-766-official.md §2.2): a dossier whose result was returned (NgayTra) by its deadline but whose processing is not yet closed in the software (no NgayKetThucXuLy): the portal ends a dossier at NgayKetThucXuLy first, so closing it after the deadline counts it late although the citizen had the result in time (the step_lag finding). threat: it is on time if nothing changes; close it before the deadline.
INSERT INTO {db}.at_risk_candidates (watch_id, unit_code, item_kind, item_id, rule, metric, indicator, kind, flip, procedure_code, deadline, detail)
SELECT @watch_id, unit_code, 'dossier', dossier_id, 'close_in_software', 'ON_TIME', 'progress', 'threat', 'on_time', procedure_code, deadline,
       concat('Đã trả kết quả nhưng chưa kết thúc xử lý trên phần mềm: kết thúc trước hạn ',
              formatDateTime(deadline, '%d/%m/%Y %R', 'Asia/Ho_Chi_Minh'),
              ', kết thúc sau hạn thì hồ sơ bị tính trễ hạn dù đã trả đúng hạn')
FROM
(
    SELECT unit_code, dossier_id, procedure_code, assumeNotNull(due_at) + supp_seconds AS deadline
    FROM {db}.period_dossiers
    WHERE compute_id = @compute_id AND has(@units, unit_code) AND received_at <= toDateTime(@as_of_ts)
      AND end_status = 10 AND late = 0 AND due_source != 'none' AND supp_count <= 1
)
