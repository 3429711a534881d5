-- rule: step_unsynced
-- metric: DOSSIER_SYNC
-- moves: DOSSIER_SYNC, ONLINE_DOSSIERS
-- spec: item 1.4 (indicators-766-official.md §2.1): a dossier synced to the national portal with a processing step that has not reached it watch.step_unsynced_after (12 h) after the step. Under the rules in force (indicators.sync_scoring: official) it costs no points (kind risk: the portal may still ask); with sync_scoring: deadline it loses DOSSIER_SYNC unless every step reaches the portal within indicators.sync_deadline of the step (recoverable while the oldest unsynced step is within it, else lost).
INSERT INTO {db}.at_risk_candidates (watch_id, unit_code, item_kind, item_id, rule, metric, indicator, kind, flip, procedure_code, deadline, detail)
SELECT @watch_id, unit_code, 'dossier', dossier_id, 'step_unsynced', 'DOSSIER_SYNC', 'transparency',
       multiIf(@sync_scoring != 'deadline', 'risk', steps_late > 0 OR deadline < toDateTime(@as_of_ts), 'lost', 'recoverable'),
       if(@sync_scoring = 'deadline', 'synced', ''), procedure_code, toNullable(deadline),
       concat(toString(unsynced), ' bước xử lý chưa đồng bộ lên Cổng Dịch vụ công quốc gia, bước cũ nhất lúc ',
              formatDateTime(oldest, '%d/%m/%Y %R', 'Asia/Ho_Chi_Minh'),
              if(@sync_scoring = 'deadline', '', ' (rủi ro, không trừ điểm theo quy tắc hiện hành)'))
FROM
(
    SELECT unit_code, dossier_id, procedure_code, steps_late
    FROM {db}.period_dossiers
    WHERE compute_id = @compute_id AND has(@units, unit_code) AND received_at <= toDateTime(@as_of_ts) AND dossier_synced = 1
)
ALL INNER JOIN
(
    SELECT dossier_id, toUInt64(count()) AS unsynced, min(assumeNotNull(step_at)) AS oldest, oldest + @sync_deadline_s AS deadline
    FROM {db}.v_dossier_steps
    WHERE step_at IS NOT NULL AND synced_at IS NULL AND step_at <= toDateTime(@as_of_ts - @step_unsynced_s)
      AND dossier_id IN (SELECT dossier_id FROM {db}.period_dossiers WHERE compute_id = @compute_id)
    GROUP BY dossier_id
) USING dossier_id
