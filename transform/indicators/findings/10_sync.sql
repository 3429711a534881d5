-- spec: Why a ward loses DOSSIER_SYNC points (item 1.4, indicators-766-official.md §2.1) — not_synced (the dossier never reached the portal), no_received_date, bcqg_exceeds_portal, sync_error (with MaLoi) — and the sync risks the portal does not score (indicators.sync_scoring: official): step_not_synced, synced_late (which step, how late against indicators.sync_deadline). With sync_scoring: deadline those cost points too.
-- Dossiers never synced (not_synced), or synced with a step that never
-- reached the national portal (step_not_synced).
INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'DOSSIER_SYNC', if(dossier_synced = 0, 'not_synced', 'step_not_synced'), unit_code, procedure_code, 'transparency',
       if(dossier_synced = 0,
          'the dossier was never synced to the national portal (DongBoDVCQG.DaDongBo = 0)',
          concat(toString(steps_unsynced), ' of ', toString(steps_timed), ' processing steps never reached the national portal', step_detail)),
       if(dossier_synced = 0, 1000., toFloat64(steps_unsynced)), @compute_id, @version
FROM
(
    SELECT dossier_id, unit_code, procedure_code, dossier_synced, steps_unsynced, steps_timed
    FROM {db}.period_dossiers
    WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND (dossier_synced = 0 OR steps_unsynced > 0)
)
ANY LEFT JOIN
(
    SELECT dossier_id,
           concat(': first step "', argMin(status, assumeNotNull(step_at)), '" at ',
                  formatDateTime(min(assumeNotNull(step_at)), '%Y-%m-%d %R', 'Asia/Ho_Chi_Minh')) AS step_detail
    FROM {db}.v_dossier_steps
    WHERE step_at IS NOT NULL AND synced_at IS NULL
      AND dossier_id IN (SELECT dossier_id FROM {db}.period_dossiers WHERE compute_id = @compute_id AND own = 1 AND steps_unsynced > 0)
    GROUP BY dossier_id
) USING dossier_id;

-- Steps synced later than the deadline: the latest one is the evidence.
INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'DOSSIER_SYNC', 'synced_late', unit_code, procedure_code, 'transparency',
       concat('step "', worst_status, '" at ', formatDateTime(worst_at, '%Y-%m-%d %R', 'Asia/Ho_Chi_Minh'),
              ' synced ', formatDateTime(worst_synced, '%Y-%m-%d %R', 'Asia/Ho_Chi_Minh'), ', ',
              toString(toUInt64(floor(worst_seconds / 3600))), ' h after it happened, limit ',
              toString(toUInt64(@sync_deadline_s / 3600)), ' h',
              if(late_steps > 1, concat(' (', toString(late_steps), ' steps late)'), '')),
       worst_seconds / 3600, @compute_id, @version
FROM
(
    SELECT dossier_id, unit_code, procedure_code
    FROM {db}.period_dossiers
    WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND steps_late > 0
)
ALL INNER JOIN
(
    SELECT dossier_id,
           argMax(status, lag) AS worst_status,
           argMax(assumeNotNull(step_at), lag) AS worst_at,
           argMax(assumeNotNull(synced_at), lag) AS worst_synced,
           max(lag) AS worst_seconds,
           count() AS late_steps
    FROM
    (
        SELECT dossier_id, status, step_at, synced_at,
               toInt64(toUnixTimestamp(assumeNotNull(synced_at))) - toInt64(toUnixTimestamp(assumeNotNull(step_at))) AS lag
        FROM {db}.v_dossier_steps
        WHERE step_at IS NOT NULL AND synced_at IS NOT NULL
          AND dossier_id IN (SELECT dossier_id FROM {db}.period_dossiers WHERE compute_id = @compute_id AND own = 1 AND steps_late > 0)
    )
    WHERE lag > @sync_deadline_s
    GROUP BY dossier_id
) USING dossier_id;

-- The national portal answered the sync with an error code.
INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'DOSSIER_SYNC', 'sync_error', unit_code, procedure_code, 'transparency',
       concat('the national portal rejected the sync with error code ', sync_error), 1., @compute_id, @version
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND sync_error != '';

-- Dossiers without a received date count in no period's numerator; they are
-- listed under the period of their submission (else last update) date.
INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'DOSSIER_SYNC', 'no_received_date', scope_unit, procedure_code, 'transparency',
       concat('NgayTiepNhan is missing (submitted ', if(submitted_at IS NULL, 'unknown', formatDateTime(assumeNotNull(submitted_at), '%Y-%m-%d %R', 'Asia/Ho_Chi_Minh')),
              '): the dossier cannot be counted as received and synced in any period'),
       1., @compute_id, @version
FROM
(
    SELECT dossier_id, unit_code AS src_code, procedure_code, submitted_at
    FROM {db}.v_dossiers
    WHERE received_at IS NULL
      AND ifNull(submitted_at, updated_at) >= toDateTime(@from_ts) AND ifNull(submitted_at, updated_at) < toDateTime(@to_ts)
)
ALL INNER JOIN
(
    SELECT src_code, unit_code AS scope_unit FROM {db}.unit_map WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code)
) USING src_code;

-- A unit that reported more dossiers to BCQG than the portal holds: the
-- missing ones cannot be listed, only counted.
INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, '', 'DOSSIER_SYNC', 'bcqg_exceeds_portal', unit_code, '', 'transparency',
       concat('BCQG reports ', toString(bcqg), ' dossiers received, the portal holds ', toString(portal), ': ',
              toString(bcqg - portal), ' reported dossiers are not on the portal and count as not synced'),
       toFloat64(bcqg - portal), @compute_id, @version
FROM
(
    SELECT unit_code, portal
    FROM (SELECT unit_code FROM {db}.compute_units WHERE compute_id = @compute_id AND has(@units, unit_code))
    ANY LEFT JOIN (SELECT unit_code, count() AS portal FROM {db}.period_dossiers WHERE compute_id = @compute_id GROUP BY unit_code) USING unit_code
)
ALL INNER JOIN (SELECT unit_code, received AS bcqg FROM {db}.v_bcqg_counts WHERE period = @period) USING unit_code
WHERE bcqg > portal;
