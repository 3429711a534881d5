-- rule: petition_due_soon
-- codes: petition_due_soon, petition_overdue
-- metric: PETITION_PROCESSING_ON_TIME
-- moves: PETITION_PROCESSING_ON_TIME, PETITION_HANDLING_SATISFACTION
-- spec: items 5.2 and 5.3 (indicators-766-official.md §2.6): an open petition received in the period whose deadline (HanXuLy, else indicators.petition_deadline_days working days) is before the period ends: still open then, it counts late in both items. petition_due_soon when the deadline falls between now and the end of the watch.petition_within_days-th working day from today (recoverable: handle it in time); petition_overdue when it has passed (lost).
INSERT INTO {db}.at_risk_candidates (watch_id, unit_code, item_kind, item_id, rule, metric, indicator, kind, flip, procedure_code, deadline, detail)
SELECT @watch_id, unit_code, 'petition', petition_id, if(overdue, 'petition_overdue', 'petition_due_soon'), 'PETITION_PROCESSING_ON_TIME',
       'satisfaction', if(overdue, 'lost', 'recoverable'), 'petition', '', toNullable(deadline),
       if(overdue, concat('Phản ánh, kiến nghị đã quá hạn xử lý (', formatDateTime(deadline, '%d/%m/%Y %R', 'Asia/Ho_Chi_Minh'), '): bị tính trễ hạn; vẫn cần xử lý ngay'),
          concat('Phản ánh, kiến nghị sắp đến hạn xử lý (', formatDateTime(deadline, '%d/%m/%Y %R', 'Asia/Ho_Chi_Minh'), '): xử lý xong trước hạn'))
FROM
(
    SELECT petition_id, src_code, deadline, deadline < toDateTime(@as_of_ts) AS overdue
    FROM ({fragment:petitions_judged})
    WHERE handled_at IS NULL AND deadline < toDateTime(@end_ts) AND received_at <= toDateTime(@as_of_ts)
      AND (deadline < toDateTime(@as_of_ts) OR deadline <= toDateTime(@petition_until_ts))
)
ALL INNER JOIN (SELECT src_code, unit_code FROM {db}.unit_map WHERE compute_id = @compute_id AND has(@units, unit_code)) USING src_code
