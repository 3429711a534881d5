-- rule: not_synced
-- metric: DOSSIER_SYNC
-- moves: DOSSIER_SYNC, ONLINE_DOSSIERS
-- spec: item 1.4 (indicators-766-official.md §2.1): a dossier received in the period that has not reached the national portal (DongBoDVCQG.DaDongBo ≠ 1): not synced when the period ends, it is missing from the numerator of DOSSIER_SYNC, whose ratio also scales ONLINE_DOSSIERS (item 3.3). Acting: sync it before the period ends. With indicators.sync_scoring: deadline a dossier with a step already synced late is lost.
INSERT INTO {db}.at_risk_candidates (watch_id, unit_code, item_kind, item_id, rule, metric, indicator, kind, flip, procedure_code, deadline, detail)
SELECT @watch_id, unit_code, 'dossier', dossier_id, 'not_synced', 'DOSSIER_SYNC', 'transparency',
       if(@sync_scoring = 'deadline' AND steps_late > 0, 'lost', 'recoverable'), 'synced', procedure_code,
       toNullable(toDateTime(@end_ts)),
       concat('Đã tiếp nhận nhưng chưa đồng bộ lên Cổng Dịch vụ công quốc gia',
              if(sync_error != '', concat(' (lỗi đồng bộ ', sync_error, ')'), ''),
              ': đồng bộ trước khi kỳ kết thúc')
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND has(@units, unit_code) AND received_at <= toDateTime(@as_of_ts) AND dossier_synced = 0
