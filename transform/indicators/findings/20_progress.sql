-- spec: Findings: late, late_unfinished, second_supplement, no_due_date, and step_lag — rule: the result was issued on time but the end status was set after the due date. (indicators-766.md §2)
INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'ON_TIME', finding, unit_code, procedure_code, 'progress', detail, severity, @compute_id, @version
FROM
(
    SELECT
        dossier_id, unit_code, procedure_code,
        multiIf(second_supplement = 1, 'second_supplement',
                due_source = 'none', 'no_due_date',
                end_at IS NULL, 'late_unfinished',
                'late') AS finding,
        multiIf(second_supplement = 1, concat(toString(supp_count), ' supplement requests: more than one counts late'),
                due_source = 'none', 'no NgayHenTra and no time limit for this procedure in the catalogue: counted late',
                end_at IS NULL, concat('not finished by the end of the period; due ', formatDateTime(assumeNotNull(due_at), '%Y-%m-%d %R', 'Asia/Ho_Chi_Minh'),
                                      if(due_source = 'catalogue', ' (from the catalogue time limit)', '')),
                concat('finished ', formatDateTime(assumeNotNull(end_at), '%Y-%m-%d %R', 'Asia/Ho_Chi_Minh'), ', due ', formatDateTime(assumeNotNull(due_at), '%Y-%m-%d %R', 'Asia/Ho_Chi_Minh'),
                       if(due_source = 'catalogue', ' (from the catalogue time limit)', ''),
                       if(supp_seconds > 0, concat(', supplement time ', toString(toUInt64(floor(supp_seconds / 3600))), ' h not counted'), ''),
                       ': ', toString(toUInt64(ceil((toUnixTimestamp(assumeNotNull(end_at)) - supp_seconds - toUnixTimestamp(assumeNotNull(due_at))) / 3600))), ' h late')) AS detail,
        -- hours past due, the measure of how much a dossier is late
        if(due_at IS NULL, 0., greatest(0., (toFloat64(toUnixTimestamp(ifNull(end_at, toDateTime(@end_ts)))) - supp_seconds
                                           - toFloat64(toUnixTimestamp(assumeNotNull(due_at)))) / 3600)) AS severity
    FROM {db}.period_dossiers
    WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND late = 1
);

INSERT INTO {db}.dossier_findings (period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity, compute_id, version)
SELECT @period, dossier_id, 'ON_TIME', 'step_lag', unit_code, procedure_code, 'progress',
       concat('late in the software only: the end status was set ', formatDateTime(assumeNotNull(end_at), '%Y-%m-%d %R', 'Asia/Ho_Chi_Minh'),
              ' after the due date ', formatDateTime(assumeNotNull(due_at), '%Y-%m-%d %R', 'Asia/Ho_Chi_Minh'),
              ', but the result was issued on time'),
       (toFloat64(toUnixTimestamp(assumeNotNull(end_at))) - toFloat64(toUnixTimestamp(assumeNotNull(due_at)))) / 3600,
       @compute_id, @version
FROM {db}.period_dossiers
WHERE compute_id = @compute_id AND own = 1 AND has(@units, unit_code) AND step_lag = 1;
