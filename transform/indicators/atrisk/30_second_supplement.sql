-- rule: second_supplement
-- metric: ON_TIME
-- moves: ON_TIME, DOSSIER_RECEIVING_SATISFACTION
-- spec: item 2.1 (indicators-766-official.md §2.2): an open dossier with one supplement request — waiting on it (its clock stopped), or answered (its clock runs again) and not already listed as due soon or overdue: a second request would count it late whatever its due date. recoverable when it would count late anyway if nothing changes (its deadline is before the period ends: finish it in time, with no second request); threat when it is on time if nothing changes (only a second request can lose it).
INSERT INTO {db}.at_risk_candidates (watch_id, unit_code, item_kind, item_id, rule, metric, indicator, kind, flip, procedure_code, deadline, detail)
SELECT @watch_id, unit_code, 'dossier', dossier_id, 'second_supplement', 'ON_TIME', 'progress', if(late = 1, 'recoverable', 'threat'),
       'on_time', procedure_code, deadline,
       concat(if(end_status = 5, 'Đang chờ công dân bổ sung hồ sơ (lần 1): khi nhận đủ, không yêu cầu bổ sung lần hai',
                 'Đã yêu cầu bổ sung một lần: yêu cầu bổ sung lần thứ hai'),
              ' sẽ làm hồ sơ bị tính trễ hạn; hạn trả kết quả ', formatDateTime(deadline, '%d/%m/%Y %R', 'Asia/Ho_Chi_Minh'))
FROM
(
    SELECT unit_code, dossier_id, procedure_code, late, end_at, end_status, assumeNotNull(due_at) + supp_seconds AS deadline
    FROM {db}.period_dossiers
    WHERE compute_id = @compute_id AND has(@units, unit_code) AND received_at <= toDateTime(@as_of_ts)
      AND supp_count = 1 AND due_source != 'none' AND (end_at IS NULL OR end_status = 5)
)
WHERE end_status = 5 OR deadline > toDateTime(@due_until_ts)
