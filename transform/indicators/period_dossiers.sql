-- period_dossiers: one row per dossier received in the period and per unit it
-- counts for (its ward, the district, the province), with every per-dossier
-- fact the metrics need (docs/indicators.md, "Per-dossier facts").
-- Parameters: @compute_id, @period, @from_ts and @to_ts (Unix seconds,
-- [from, to) on received_at), @end_ts (the last moment of the period),
-- @sync_deadline_s.
--
-- Working days come from work_calendar: work_index = the number of working
-- days strictly before the day, so "N working days after D" is the working
-- day whose work_index is work_index(D) + N (D is position 0 when it is a
-- working day). Both lookups are joins on the small calendar: ClickHouse
-- 18.16 would copy a constant calendar array into every row.
INSERT INTO {db}.period_dossiers (compute_id, period, unit_code, level, own, dossier_id, src_unit, procedure_code,
    national_code, channel, channel_missing, status, received_at, submitted_at, due_at, due_source, end_at, end_status,
    finished, supp_count, supp_seconds, late, late_unfinished, second_supplement, step_lag, dossier_synced, sync_error,
    steps_timed, steps_unsynced, steps_late, synced_on_time, catalogued, has_fees, fee_count, fee_total, paid_online,
    online_level, result_is_document, result_links, digitized, reused, from_store, vneid, e_certified, rating,
    account_hash, owner_hash, has_petition)
SELECT
    @compute_id, @period, scope_unit, scope_level, own, dossier_id, src_code, procedure_code,
    national_code, channel_text, channel_missing, status, received_at, submitted_at, due_eff, due_source, end_at, end_status,
    finished, supp_count, supp_seconds, late, late_unfinished, second_supplement, step_lag, synced, sync_error,
    steps_timed, steps_unsynced, steps_late, synced_on_time, catalogued, has_fees, fee_count, fee_total, paid_online,
    online_level, result_is_document, result_links, digitized, reused, from_store, vneid, e_certified, rating,
    account_hash, owner_hash, has_petition
FROM
(
    SELECT
        *,
        toUInt8(supp_count > 1) AS second_supplement,
        toUInt8(supp_count > 1 OR due_source = 'none'
                OR toUnixTimestamp(ifNull(end_at, toDateTime(@end_ts))) - supp_seconds > toUnixTimestamp(assumeNotNull(due_eff))) AS late,
        toUInt8(end_at IS NULL AND late = 1) AS late_unfinished,
        toUInt8(late = 1 AND end_at IS NOT NULL AND due_eff IS NOT NULL AND supp_count <= 1
                AND ((returned_at IS NOT NULL AND toUnixTimestamp(assumeNotNull(returned_at)) - supp_seconds <= toUnixTimestamp(assumeNotNull(due_eff)))
                     OR (first_result_at IS NOT NULL AND toUnixTimestamp(assumeNotNull(first_result_at)) - supp_seconds <= toUnixTimestamp(assumeNotNull(due_eff))))) AS step_lag,
        toUInt8(end_at IS NOT NULL) AS finished,
        toUInt8(synced = 1 AND steps_unsynced = 0 AND steps_late = 0) AS synced_on_time
    FROM
    (
        SELECT
            *,
            multiIf(due_at IS NOT NULL, 'portal', limit_days IS NOT NULL, 'catalogue', 'none') AS due_source,
            if(due_at IS NOT NULL, due_at,
               if(limit_days IS NOT NULL AND due_day != toDate(0),
                  -- the end of that working day, local time whatever the server's zone
                  toNullable(toDateTime(concat(toString(due_day), ' 23:59:59'), 'Asia/Ho_Chi_Minh')),
                  NULL)) AS due_eff
        FROM
        (
            SELECT *, toUInt32(recv_wi + ifNull(limit_days, 0)) AS target_wi
            FROM
            (
                SELECT
                    *,
                    -- End time: 9 processed, 10 returned, 8 stopped / 3 refused, 7 withdrawn after reception;
                    -- a single supplement request never answered stops the clock at the request.
                    if(supp_count = 1 AND supp_received_at[1] IS NULL, supp_requested_at[1],
                       coalesce(finished_at, returned_at, first_stop_at, refused_at, first_refuse_at,
                                if(received_at IS NOT NULL, first_withdraw_at, NULL))) AS end_at,
                    multiIf(supp_count = 1 AND supp_received_at[1] IS NULL, 5, finished_at IS NOT NULL, 9, returned_at IS NOT NULL, 10,
                            first_stop_at IS NOT NULL, 8, refused_at IS NOT NULL OR first_refuse_at IS NOT NULL, 3,
                            received_at IS NOT NULL AND first_withdraw_at IS NOT NULL, 7, 0) AS end_status,
                    arraySum((rq, rc) -> if(rq IS NOT NULL AND rc IS NOT NULL AND assumeNotNull(rc) > assumeNotNull(rq),
                                            toInt64(toUnixTimestamp(assumeNotNull(rc))) - toInt64(toUnixTimestamp(assumeNotNull(rq))), 0),
                             supp_requested_at, supp_received_at) AS supp_seconds,
                    -- The catalogue limit in force on the received day.
                    arrayFilter((d, f) -> f <= toDate(assumeNotNull(received_at)), lim_days, lim_from) AS lims,
                    if(length(lims) > 0, toNullable(toUInt32(lims[-1])), NULL) AS limit_days,
                    toDate(assumeNotNull(received_at)) AS day
                FROM
                (
                    SELECT *
                    FROM
                    (
                        SELECT
                            dossier_id, unit_code AS src_code, procedure_code, procedure_national_code AS national_code,
                            toString(channel) AS channel_text, channel_missing, status, received_at, submitted_at, due_at,
                            finished_at, returned_at, refused_at, supp_requested_at, supp_received_at,
                            length(supp_requested_at) AS supp_count, synced, sync_error, fee_count, fee_total, paid_online,
                            result_links, toUInt8(has_digitized = 1 OR doc_digitized > 0) AS digitized,
                            toUInt8(doc_reused > 0) AS reused, toUInt8(doc_from_store > 0) AS from_store, vneid, rating,
                            account_hash, owner_hash,
                            toUInt8(dossier_id IN (SELECT dossier_id FROM {db}.v_petitions WHERE dossier_id != '')) AS has_petition
                        FROM {db}.v_dossiers
                        WHERE received_at >= toDateTime(@from_ts) AND received_at < toDateTime(@to_ts)
                    )
                    ANY LEFT JOIN
                    (
                        SELECT
                            dossier_id,
                            toUInt16(countIf(step_at IS NOT NULL)) AS steps_timed,
                            toUInt16(countIf(step_at IS NOT NULL AND synced_at IS NULL)) AS steps_unsynced,
                            toUInt16(countIf(step_at IS NOT NULL AND synced_at IS NOT NULL
                                             AND toUnixTimestamp(assumeNotNull(synced_at)) - toUnixTimestamp(assumeNotNull(step_at)) > @sync_deadline_s)) AS steps_late,
                            if(countIf(status_code = 8 AND step_at IS NOT NULL) > 0, toNullable(minIf(assumeNotNull(step_at), status_code = 8 AND step_at IS NOT NULL)), NULL) AS first_stop_at,
                            if(countIf(status_code = 3 AND step_at IS NOT NULL) > 0, toNullable(minIf(assumeNotNull(step_at), status_code = 3 AND step_at IS NOT NULL)), NULL) AS first_refuse_at,
                            if(countIf(status_code = 7 AND step_at IS NOT NULL) > 0, toNullable(minIf(assumeNotNull(step_at), status_code = 7 AND step_at IS NOT NULL)), NULL) AS first_withdraw_at,
                            if(countIf(status_code IN (9, 10) AND step_at IS NOT NULL) > 0, toNullable(minIf(assumeNotNull(step_at), status_code IN (9, 10) AND step_at IS NOT NULL)), NULL) AS first_result_at
                        FROM {db}.v_dossier_steps
                        WHERE dossier_id IN (SELECT dossier_id FROM {db}.v_dossiers WHERE received_at >= toDateTime(@from_ts) AND received_at < toDateTime(@to_ts))
                        GROUP BY dossier_id
                    ) USING dossier_id
                )
                ANY LEFT JOIN
                (
                    SELECT
                        national_code, toUInt8(1) AS catalogued, has_fees, online_level, result_is_document,
                        e_certified_copy AS e_certified, lim_from, lim_days
                    FROM
                    (
                        SELECT national_code, has_fees, online_level, result_is_document, e_certified_copy
                        FROM {db}.v_procedures
                    )
                    ANY LEFT JOIN
                    (
                        SELECT national_code,
                               arraySort(groupArray(valid_from)) AS lim_from,
                               arraySort((d, f) -> f, groupArray(days), groupArray(valid_from)) AS lim_days
                        FROM {db}.v_procedure_time_limits
                        GROUP BY national_code
                    ) USING national_code
                ) USING national_code
            )
            ANY LEFT JOIN (SELECT day, work_index AS recv_wi FROM {db}.work_calendar FINAL) USING day
        )
        ANY LEFT JOIN (SELECT work_index AS target_wi, day AS due_day FROM {db}.work_calendar FINAL WHERE is_working = 1) USING target_wi
    )
)
ALL INNER JOIN
(
    SELECT src_code, unit_code AS scope_unit, level AS scope_level, own
    FROM {db}.unit_map
    WHERE compute_id = @compute_id
) USING src_code
