-- 0000_schema_migrations
CREATE DATABASE IF NOT EXISTS `dvc` ON CLUSTER `dvc`;
CREATE TABLE IF NOT EXISTS `dvc`.schema_migrations ON CLUSTER `dvc`
(version UInt32, name String, applied_at DateTime('Asia/Ho_Chi_Minh'))
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/schema_migrations/0000', '{shard}-{replica}', applied_at) ORDER BY version;
-- 0001_init
CREATE TABLE IF NOT EXISTS `dvc`.dossiers_local ON CLUSTER `dvc`
(
    dossier_id              String,
    version                 UInt64,
    procedure_code          String,
    procedure_national_code String,
    procedure_name          String,
    field_code              String,
    unit_code               String,
    unit_name               String,
    agency_code             String,
    channel                 Enum8('direct' = 1, 'online' = 2, 'postal' = 3),
    channel_missing         UInt8,
    applicant_type          UInt8,
    owner_hash              String,
    id_hash                 String,
    phone_hash              String,
    email_hash              String,
    account_hash            String,
    status                  UInt8,
    submitted_at            Nullable(DateTime('Asia/Ho_Chi_Minh')),
    received_at             Nullable(DateTime('Asia/Ho_Chi_Minh')),
    due_at                  Nullable(DateTime('Asia/Ho_Chi_Minh')),
    finished_at             Nullable(DateTime('Asia/Ho_Chi_Minh')),
    returned_at             Nullable(DateTime('Asia/Ho_Chi_Minh')),
    refused_at              Nullable(DateTime('Asia/Ho_Chi_Minh')),
    has_digitized           UInt8,
    vneid                   UInt8,
    paid_online             UInt8,
    rating                  UInt8,
    doc_count               UInt16,
    doc_digitized           UInt16,
    doc_reused              UInt16,
    doc_from_store          UInt16,
    fee_count               UInt16,
    fee_total               Float64,
    result_count            UInt16,
    result_links            UInt16,
    supp_requested_at       Array(Nullable(DateTime('Asia/Ho_Chi_Minh'))),
    supp_received_at        Array(Nullable(DateTime('Asia/Ho_Chi_Minh'))),
    supp_new_due_at         Array(Nullable(DateTime('Asia/Ho_Chi_Minh'))),
    synced                  UInt8,
    synced_at               Nullable(DateTime('Asia/Ho_Chi_Minh')),
    sync_error              String,
    flags                   Array(String),
    step_count              UInt16,
    updated_at              DateTime('Asia/Ho_Chi_Minh'),
    source                  String,
    run_id                  String,
    loaded_at               DateTime('Asia/Ho_Chi_Minh')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/dvcindex/dvc/dossiers/0001', '{replica}', version)
ORDER BY dossier_id;
CREATE TABLE IF NOT EXISTS `dvc`.dossiers ON CLUSTER `dvc` AS `dvc`.dossiers_local
ENGINE = Distributed('dvc', 'dvc', 'dossiers_local', cityHash64(dossier_id));
CREATE TABLE IF NOT EXISTS `dvc`.dossier_steps_local ON CLUSTER `dvc`
(
    dossier_id  String,
    step_index  UInt16,
    version     UInt64,
    step_at     Nullable(DateTime('Asia/Ho_Chi_Minh')),
    status      String,
    status_code UInt8,
    department  String,
    handler     String,
    content     String,
    synced_at   Nullable(DateTime('Asia/Ho_Chi_Minh')),
    run_id      String
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/dvcindex/dvc/dossier_steps/0001', '{replica}', version)
ORDER BY (dossier_id, step_index);
CREATE TABLE IF NOT EXISTS `dvc`.dossier_steps ON CLUSTER `dvc` AS `dvc`.dossier_steps_local
ENGINE = Distributed('dvc', 'dvc', 'dossier_steps_local', cityHash64(dossier_id));
CREATE TABLE IF NOT EXISTS `dvc`.rejects_local ON CLUSTER `dvc`
(
    source      String,
    stage       String,
    record_key  String,
    field       String,
    reason      String,
    raw         String,
    raw_hash    UInt64,
    rejected_at DateTime('Asia/Ho_Chi_Minh'),
    run_id      String
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/dvcindex/dvc/rejects/0001', '{replica}', rejected_at)
ORDER BY (source, stage, record_key, raw_hash);
CREATE TABLE IF NOT EXISTS `dvc`.rejects ON CLUSTER `dvc` AS `dvc`.rejects_local
ENGINE = Distributed('dvc', 'dvc', 'rejects_local', cityHash64(source, stage, record_key, raw_hash));
CREATE TABLE IF NOT EXISTS `dvc`.sync_state ON CLUSTER `dvc`
(
    source     String,
    watermark  DateTime('Asia/Ho_Chi_Minh'),
    run_id     String,
    updated_at DateTime('Asia/Ho_Chi_Minh'),
    version    UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/sync_state/0001', '{shard}-{replica}', version)
ORDER BY source;
CREATE TABLE IF NOT EXISTS `dvc`.runs ON CLUSTER `dvc`
(
    run_id      String,
    source      String,
    command     String,
    started_at  DateTime('Asia/Ho_Chi_Minh'),
    finished_at Nullable(DateTime('Asia/Ho_Chi_Minh')),
    status      String,
    fetched     UInt64,
    loaded      UInt64,
    rejected    UInt64,
    window_from Nullable(DateTime('Asia/Ho_Chi_Minh')),
    window_to   Nullable(DateTime('Asia/Ho_Chi_Minh')),
    error       String,
    version     UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/runs/0001', '{shard}-{replica}', version)
ORDER BY run_id;
CREATE VIEW IF NOT EXISTS `dvc`.v_dossiers ON CLUSTER `dvc` AS SELECT dossier_id, version, procedure_code, procedure_national_code, procedure_name, field_code,
       unit_code, unit_name, agency_code, channel, channel_missing, applicant_type,
       owner_hash, id_hash, phone_hash, email_hash, account_hash, status,
       submitted_at, received_at, due_at, finished_at, returned_at, refused_at,
       has_digitized, vneid, paid_online, rating,
       doc_count, doc_digitized, doc_reused, doc_from_store, fee_count, fee_total, result_count, result_links,
       supp_requested_at, supp_received_at, supp_new_due_at,
       synced, synced_at, sync_error, flags, step_count, updated_at, source, run_id, loaded_at
FROM `dvc`.dossiers FINAL;
CREATE VIEW IF NOT EXISTS `dvc`.v_dossier_steps ON CLUSTER `dvc` AS SELECT dossier_id, step_index, version, step_at, status, status_code, department, handler, content, synced_at, run_id
FROM `dvc`.dossier_steps FINAL
WHERE (dossier_id, version) GLOBAL IN (SELECT dossier_id, version FROM `dvc`.dossiers FINAL);
CREATE VIEW IF NOT EXISTS `dvc`.v_rejects ON CLUSTER `dvc` AS SELECT source, stage, reason, record_key, field, raw, rejected_at, run_id
FROM `dvc`.rejects FINAL;
CREATE VIEW IF NOT EXISTS `dvc`.v_runs ON CLUSTER `dvc` AS SELECT run_id, source, command, started_at, finished_at, status, fetched, loaded, rejected,
       window_from, window_to, error
FROM `dvc`.runs FINAL;
CREATE VIEW IF NOT EXISTS `dvc`.v_watermarks ON CLUSTER `dvc` AS SELECT source, watermark, run_id, updated_at
FROM `dvc`.sync_state FINAL;
-- 0002_reference
CREATE TABLE IF NOT EXISTS `dvc`.units ON CLUSTER `dvc`
(
    code          String,
    valid_from    Date,
    valid_to      Nullable(Date),
    name          String,
    type          String,
    district_code String,
    district_name String,
    province_code String,
    province_name String,
    merged_into   String,
    version       UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/units/0002', '{shard}-{replica}', version)
ORDER BY (code, valid_from);
CREATE TABLE IF NOT EXISTS `dvc`.unit_successors ON CLUSTER `dvc`
(
    from_code      String,
    to_code        String,
    effective_from Date,
    version        UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/unit_successors/0002', '{shard}-{replica}', version)
ORDER BY (from_code, effective_from);
CREATE TABLE IF NOT EXISTS `dvc`.procedures ON CLUSTER `dvc`
(
    national_code        String,
    name                 String,
    field_code           String,
    levels               Array(String),
    time_limit_days      Float64,
    has_fees             UInt8,
    online_level         String,
    result_is_document   UInt8,
    decision_no          String,
    decision_date        Nullable(Date),
    legal_basis_date     Nullable(Date),
    public_date          Nullable(Date),
    content_full         UInt8,
    group_code           String,
    e_certified_copy     UInt8,
    raw                  String,
    synced_at            DateTime('Asia/Ho_Chi_Minh'),
    run_id               String,
    version              UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/procedures/0002', '{shard}-{replica}', version)
ORDER BY national_code;
CREATE TABLE IF NOT EXISTS `dvc`.procedure_time_limits ON CLUSTER `dvc`
(
    national_code String,
    valid_from    Date,
    days          Float64,
    decision      String,
    version       UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/procedure_time_limits/0002', '{shard}-{replica}', version)
ORDER BY (national_code, valid_from);
CREATE VIEW IF NOT EXISTS `dvc`.v_units ON CLUSTER `dvc` AS SELECT code, valid_from, valid_to, name, type, district_code, district_name, province_code, province_name, merged_into
FROM `dvc`.units FINAL;
CREATE VIEW IF NOT EXISTS `dvc`.v_unit_successors ON CLUSTER `dvc` AS SELECT from_code, to_code, effective_from
FROM `dvc`.unit_successors FINAL;
CREATE VIEW IF NOT EXISTS `dvc`.v_procedures ON CLUSTER `dvc` AS SELECT national_code, name, field_code, levels, time_limit_days, has_fees, online_level, result_is_document,
       decision_no, decision_date, legal_basis_date, public_date, content_full, group_code, e_certified_copy, synced_at
FROM `dvc`.procedures FINAL;
CREATE VIEW IF NOT EXISTS `dvc`.v_procedure_time_limits ON CLUSTER `dvc` AS SELECT national_code, valid_from, days, decision
FROM `dvc`.procedure_time_limits FINAL
WHERE (national_code, version) IN (SELECT national_code, max(version) FROM `dvc`.procedure_time_limits GROUP BY national_code);
-- 0003_indicators
CREATE TABLE IF NOT EXISTS `dvc`.petitions_local ON CLUSTER `dvc`
(
    petition_id  String,
    version      UInt64,
    dossier_id   String,
    unit_code    String,
    unit_name    String,
    received_at  Nullable(DateTime('Asia/Ho_Chi_Minh')),
    deadline_at  Nullable(DateTime('Asia/Ho_Chi_Minh')),
    handled_at   Nullable(DateTime('Asia/Ho_Chi_Minh')),
    rating       UInt8,
    updated_at   DateTime('Asia/Ho_Chi_Minh'),
    source       String,
    run_id       String,
    loaded_at    DateTime('Asia/Ho_Chi_Minh')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/dvcindex/dvc/petitions/0003', '{replica}', version)
ORDER BY petition_id;
CREATE TABLE IF NOT EXISTS `dvc`.petitions ON CLUSTER `dvc` AS `dvc`.petitions_local
ENGINE = Distributed('dvc', 'dvc', 'petitions_local', cityHash64(petition_id));
CREATE TABLE IF NOT EXISTS `dvc`.bcqg_counts ON CLUSTER `dvc`
(
    unit_code String,
    period    String,
    received  UInt64,
    synced_at DateTime('Asia/Ho_Chi_Minh'),
    run_id    String,
    version   UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/bcqg_counts/0003', '{shard}-{replica}', version)
ORDER BY (unit_code, period);
CREATE TABLE IF NOT EXISTS `dvc`.official_scores ON CLUSTER `dvc`
(
    period    String,
    unit_code String,
    indicator String,
    metric    String,
    score     Float64,
    max_score Float64,
    ratio     Nullable(Float64),
    synced_at DateTime('Asia/Ho_Chi_Minh'),
    run_id    String,
    version   UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/official_scores/0003', '{shard}-{replica}', version)
ORDER BY (period, unit_code, indicator, metric);
CREATE TABLE IF NOT EXISTS `dvc`.work_calendar ON CLUSTER `dvc`
(
    day        Date,
    is_working UInt8,
    work_index UInt32,
    holiday    String,
    version    UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/work_calendar/0003', '{shard}-{replica}', version)
ORDER BY day;
CREATE TABLE IF NOT EXISTS `dvc`.compute_units ON CLUSTER `dvc`
(
    compute_id  String,
    period      String,
    unit_code   String,
    unit_name     String,
    level         String,
    parent_code   String,
    province_code String
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/dvcindex/dvc/compute_units/0003', '{shard}-{replica}')
PARTITION BY compute_id
ORDER BY unit_code;
CREATE TABLE IF NOT EXISTS `dvc`.unit_map ON CLUSTER `dvc`
(
    compute_id String,
    src_code   String,
    unit_code  String,
    level      String,
    own        UInt8
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/dvcindex/dvc/unit_map/0003', '{shard}-{replica}')
PARTITION BY compute_id
ORDER BY src_code;
CREATE TABLE IF NOT EXISTS `dvc`.period_dossiers ON CLUSTER `dvc`
(
    compute_id        String,
    period            String,
    unit_code         String,
    level             String,
    own               UInt8,
    dossier_id        String,
    src_unit          String,
    procedure_code    String,
    national_code     String,
    channel           String,
    channel_missing   UInt8,
    status            UInt8,
    received_at       Nullable(DateTime('Asia/Ho_Chi_Minh')),
    submitted_at      Nullable(DateTime('Asia/Ho_Chi_Minh')),
    due_at            Nullable(DateTime('Asia/Ho_Chi_Minh')),
    due_source        String,
    end_at            Nullable(DateTime('Asia/Ho_Chi_Minh')),
    end_status        UInt8,
    finished          UInt8,
    supp_count        UInt16,
    supp_seconds      Int64,
    late              UInt8,
    late_unfinished   UInt8,
    second_supplement UInt8,
    step_lag          UInt8,
    dossier_synced    UInt8,
    sync_error        String,
    steps_timed       UInt16,
    steps_unsynced    UInt16,
    steps_late        UInt16,
    synced_on_time    UInt8,
    catalogued        UInt8,
    has_fees          UInt8,
    fee_count         UInt16,
    fee_total         Float64,
    paid_online       UInt8,
    online_level      String,
    result_is_document UInt8,
    result_links      UInt16,
    digitized         UInt8,
    reused            UInt8,
    from_store        UInt8,
    vneid             UInt8,
    e_certified       UInt8,
    rating            UInt8,
    account_hash      String,
    owner_hash        String,
    has_petition      UInt8
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/dvcindex/dvc/period_dossiers/0003', '{shard}-{replica}')
PARTITION BY compute_id
ORDER BY (unit_code, dossier_id);
CREATE TABLE IF NOT EXISTS `dvc`.indicator_metrics ON CLUSTER `dvc`
(
    period          String,
    unit_code       String,
    indicator       String,
    metric          String,
    numerator       Float64,
    denominator     Float64,
    ratio           Float64,
    score           Float64,
    max_score       Float64,
    points_lost     Float64,
    scope           String,
    no_data         UInt8,
    formula_version String,
    computed_at     DateTime('Asia/Ho_Chi_Minh'),
    compute_id      String,
    version         UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/indicator_metrics/0003', '{shard}-{replica}', version)
ORDER BY (period, unit_code, indicator, metric);
CREATE TABLE IF NOT EXISTS `dvc`.indicator_scores ON CLUSTER `dvc`
(
    period          String,
    unit_code       String,
    indicator       String,
    score           Float64,
    max_score       Float64,
    formula_version String,
    computed_at     DateTime('Asia/Ho_Chi_Minh'),
    compute_id      String,
    version         UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/indicator_scores/0003', '{shard}-{replica}', version)
ORDER BY (period, unit_code, indicator);
CREATE TABLE IF NOT EXISTS `dvc`.dossier_findings ON CLUSTER `dvc`
(
    period         String,
    dossier_id     String,
    metric         String,
    finding        String,
    unit_code      String,
    procedure_code String,
    indicator      String,
    detail         String,
    severity       Float64,
    compute_id     String,
    version        UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/dossier_findings/0003', '{shard}-{replica}', version)
ORDER BY (period, unit_code, dossier_id, metric, finding);
CREATE VIEW IF NOT EXISTS `dvc`.v_petitions ON CLUSTER `dvc` AS SELECT petition_id, version, dossier_id, unit_code, unit_name, received_at, deadline_at, handled_at, rating, updated_at, source, run_id, loaded_at
FROM `dvc`.petitions FINAL;
CREATE VIEW IF NOT EXISTS `dvc`.v_bcqg_counts ON CLUSTER `dvc` AS SELECT unit_code, period, received, synced_at FROM `dvc`.bcqg_counts FINAL;
CREATE VIEW IF NOT EXISTS `dvc`.v_official_scores ON CLUSTER `dvc` AS SELECT period, unit_code, indicator, metric, score, max_score, ratio, synced_at
FROM `dvc`.official_scores FINAL;
CREATE VIEW IF NOT EXISTS `dvc`.v_indicator_metrics ON CLUSTER `dvc` AS SELECT period, unit_code, indicator, metric, numerator, denominator, ratio, score, max_score, points_lost, scope,
       no_data, formula_version, computed_at
FROM `dvc`.indicator_metrics FINAL
WHERE (period, unit_code, version) IN
      (SELECT period, unit_code, max(version) FROM `dvc`.indicator_metrics GROUP BY period, unit_code);
CREATE VIEW IF NOT EXISTS `dvc`.v_indicator_scores ON CLUSTER `dvc` AS SELECT period, unit_code, indicator, score, max_score, formula_version, computed_at
FROM `dvc`.indicator_scores FINAL
WHERE (period, unit_code, version) IN
      (SELECT period, unit_code, max(version) FROM `dvc`.indicator_scores GROUP BY period, unit_code);
CREATE VIEW IF NOT EXISTS `dvc`.v_dossier_findings ON CLUSTER `dvc` AS SELECT period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity
FROM `dvc`.dossier_findings FINAL
WHERE (period, unit_code, version) IN
      (SELECT period, unit_code, max(version) FROM `dvc`.indicator_metrics GROUP BY period, unit_code);
CREATE VIEW IF NOT EXISTS `dvc`.v_score_reconciliation ON CLUSTER `dvc` AS SELECT period, unit_code, indicator, metric, official, recomputed, recomputed - official AS difference
FROM
(
    SELECT period, unit_code, indicator, metric, score AS official
    FROM `dvc`.official_scores FINAL
)
ALL INNER JOIN
(
    SELECT period, unit_code, indicator, metric, score AS recomputed
    FROM `dvc`.indicator_metrics FINAL
    WHERE (period, unit_code, version) IN
          (SELECT period, unit_code, max(version) FROM `dvc`.indicator_metrics GROUP BY period, unit_code)
    UNION ALL
    SELECT period, unit_code, indicator, '' AS metric, score AS recomputed
    FROM `dvc`.indicator_scores FINAL
    WHERE (period, unit_code, version) IN
          (SELECT period, unit_code, max(version) FROM `dvc`.indicator_scores GROUP BY period, unit_code)
) USING (period, unit_code, indicator, metric);
-- 0004_files
CREATE TABLE IF NOT EXISTS `dvc`.files_local ON CLUSTER `dvc`
(
    content_hash String,
    file_name    String,
    status       String,
    rows         UInt64,
    loaded       UInt64,
    rejected     UInt64,
    reason       String,
    processed_at DateTime('Asia/Ho_Chi_Minh'),
    run_id       String,
    version      UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/dvcindex/dvc/files/0004', '{replica}', version)
ORDER BY content_hash;
CREATE TABLE IF NOT EXISTS `dvc`.files ON CLUSTER `dvc` AS `dvc`.files_local
ENGINE = Distributed('dvc', 'dvc', 'files_local', cityHash64(content_hash));
CREATE VIEW IF NOT EXISTS `dvc`.v_files ON CLUSTER `dvc` AS SELECT content_hash, file_name, status, rows, loaded, rejected, reason, processed_at, run_id
FROM `dvc`.files FINAL;
-- 0005_explicit_views
DROP TABLE IF EXISTS `dvc`.v_dossiers ON CLUSTER `dvc`;
DROP TABLE IF EXISTS `dvc`.v_dossier_steps ON CLUSTER `dvc`;
DROP TABLE IF EXISTS `dvc`.v_petitions ON CLUSTER `dvc`;
CREATE VIEW IF NOT EXISTS `dvc`.v_dossiers ON CLUSTER `dvc` AS SELECT dossier_id, version, procedure_code, procedure_national_code, procedure_name, field_code,
       unit_code, unit_name, agency_code, channel, channel_missing, applicant_type,
       owner_hash, id_hash, phone_hash, email_hash, account_hash, status,
       submitted_at, received_at, due_at, finished_at, returned_at, refused_at,
       has_digitized, vneid, paid_online, rating,
       doc_count, doc_digitized, doc_reused, doc_from_store, fee_count, fee_total, result_count, result_links,
       supp_requested_at, supp_received_at, supp_new_due_at,
       synced, synced_at, sync_error, flags, step_count, updated_at, source, run_id, loaded_at
FROM `dvc`.dossiers FINAL;
CREATE VIEW IF NOT EXISTS `dvc`.v_dossier_steps ON CLUSTER `dvc` AS SELECT dossier_id, step_index, version, step_at, status, status_code, department, handler, content, synced_at, run_id
FROM `dvc`.dossier_steps FINAL
WHERE (dossier_id, version) GLOBAL IN (SELECT dossier_id, version FROM `dvc`.dossiers FINAL);
CREATE VIEW IF NOT EXISTS `dvc`.v_petitions ON CLUSTER `dvc` AS SELECT petition_id, version, dossier_id, unit_code, unit_name, received_at, deadline_at, handled_at, rating, updated_at, source, run_id, loaded_at
FROM `dvc`.petitions FINAL;
-- 0006_windows
CREATE TABLE IF NOT EXISTS `dvc`.windows ON CLUSTER `dvc`
(
    run_id           String,
    source           String,
    window_from      DateTime('Asia/Ho_Chi_Minh'),
    window_to        DateTime('Asia/Ho_Chi_Minh'),
    depth            UInt8,
    total_reported   Int64,
    records_read     UInt64,
    distinct_records UInt64,
    rereads          UInt32,
    pages            UInt32,
    page_size        UInt32,
    status           String,
    error            String,
    portal_time      Nullable(DateTime('Asia/Ho_Chi_Minh')),
    recorded_at      DateTime('Asia/Ho_Chi_Minh'),
    version          UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/windows/0006', '{shard}-{replica}', version)
ORDER BY (run_id, source, window_from, window_to);
CREATE VIEW IF NOT EXISTS `dvc`.v_windows ON CLUSTER `dvc` AS SELECT run_id, source, window_from, window_to, depth, total_reported, records_read, distinct_records,
       rereads, pages, page_size, status, error, portal_time, recorded_at
FROM `dvc`.windows FINAL;
-- 0008_precedence_and_commits
INSERT INTO `dvc`.dossier_steps (dossier_id, step_index, version, step_at, status, status_code, department, handler,
    content, synced_at, run_id)
SELECT dossier_id, step_index, 2 * 1099511627776 + version, step_at, status, status_code, department, handler,
    content, synced_at, run_id
FROM `dvc`.dossier_steps
WHERE version < 1099511627776;
INSERT INTO `dvc`.dossiers (dossier_id, version, procedure_code, procedure_national_code,
    procedure_name, field_code, unit_code, unit_name, agency_code, channel, channel_missing, applicant_type,
    owner_hash, id_hash, phone_hash, email_hash, account_hash, status, submitted_at, received_at, due_at,
    finished_at, returned_at, refused_at, has_digitized, vneid, paid_online, rating, doc_count, doc_digitized,
    doc_reused, doc_from_store, fee_count, fee_total, result_count, result_links, supp_requested_at,
    supp_received_at, supp_new_due_at, synced, synced_at, sync_error, flags, step_count, updated_at, source,
    run_id, loaded_at)
SELECT dossier_id, if(source = 'files', 1, 2) * 1099511627776 + version, procedure_code, procedure_national_code,
    procedure_name, field_code, unit_code, unit_name, agency_code, channel, channel_missing, applicant_type,
    owner_hash, id_hash, phone_hash, email_hash, account_hash, status, submitted_at, received_at, due_at,
    finished_at, returned_at, refused_at, has_digitized, vneid, paid_online, rating, doc_count, doc_digitized,
    doc_reused, doc_from_store, fee_count, fee_total, result_count, result_links, supp_requested_at,
    supp_received_at, supp_new_due_at, synced, synced_at, sync_error, flags, step_count, updated_at, source,
    run_id, loaded_at
FROM `dvc`.dossiers
WHERE version < 1099511627776;
CREATE TABLE IF NOT EXISTS `dvc`.computes ON CLUSTER `dvc`
(
    compute_id  String,
    period      String,
    units       Array(String),
    version     UInt64,
    status      String,
    started_at  DateTime('Asia/Ho_Chi_Minh'),
    finished_at Nullable(DateTime('Asia/Ho_Chi_Minh')),
    error       String,
    row_version UInt8
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/computes/0008', '{shard}-{replica}', row_version)
ORDER BY compute_id;
DROP TABLE IF EXISTS `dvc`.v_indicator_metrics ON CLUSTER `dvc`;
DROP TABLE IF EXISTS `dvc`.v_indicator_scores ON CLUSTER `dvc`;
DROP TABLE IF EXISTS `dvc`.v_dossier_findings ON CLUSTER `dvc`;
DROP TABLE IF EXISTS `dvc`.v_score_reconciliation ON CLUSTER `dvc`;
DROP TABLE IF EXISTS `dvc`.indicator_metrics ON CLUSTER `dvc`;
DROP TABLE IF EXISTS `dvc`.indicator_scores ON CLUSTER `dvc`;
DROP TABLE IF EXISTS `dvc`.dossier_findings ON CLUSTER `dvc`;
CREATE TABLE IF NOT EXISTS `dvc`.indicator_metrics ON CLUSTER `dvc`
(
    period          String,
    unit_code       String,
    indicator       String,
    metric          String,
    numerator       Float64,
    denominator     Float64,
    ratio           Float64,
    score           Float64,
    max_score       Float64,
    points_lost     Float64,
    scope           String,
    no_data         UInt8,
    formula_version String,
    computed_at     DateTime('Asia/Ho_Chi_Minh'),
    compute_id      String,
    version         UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/indicator_metrics/0008', '{shard}-{replica}', version)
PARTITION BY compute_id
ORDER BY (period, unit_code, indicator, metric);
CREATE TABLE IF NOT EXISTS `dvc`.indicator_scores ON CLUSTER `dvc`
(
    period          String,
    unit_code       String,
    indicator       String,
    score           Float64,
    max_score       Float64,
    formula_version String,
    computed_at     DateTime('Asia/Ho_Chi_Minh'),
    compute_id      String,
    version         UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/indicator_scores/0008', '{shard}-{replica}', version)
PARTITION BY compute_id
ORDER BY (period, unit_code, indicator);
CREATE TABLE IF NOT EXISTS `dvc`.dossier_findings ON CLUSTER `dvc`
(
    period         String,
    dossier_id     String,
    metric         String,
    finding        String,
    unit_code      String,
    procedure_code String,
    indicator      String,
    detail         String,
    severity       Float64,
    compute_id     String,
    version        UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/dossier_findings/0008', '{shard}-{replica}', version)
PARTITION BY compute_id
ORDER BY (period, unit_code, dossier_id, metric, finding);
CREATE VIEW IF NOT EXISTS `dvc`.v_computes ON CLUSTER `dvc` AS SELECT compute_id, period, units, version, status, started_at, finished_at, error
FROM `dvc`.computes FINAL;
CREATE VIEW IF NOT EXISTS `dvc`.v_published_computes ON CLUSTER `dvc` AS SELECT period, unit_code, max(version) AS published_version
FROM
(
    SELECT period, units, version FROM `dvc`.computes
    WHERE status = 'committed'
      AND compute_id NOT IN (SELECT compute_id FROM `dvc`.computes WHERE status = 'failed')
)
ARRAY JOIN units AS unit_code
GROUP BY period, unit_code;
CREATE VIEW IF NOT EXISTS `dvc`.v_indicator_metrics ON CLUSTER `dvc` AS SELECT period, unit_code, indicator, metric, numerator, denominator, ratio, score, max_score, points_lost, scope,
       no_data, formula_version, computed_at
FROM `dvc`.indicator_metrics FINAL
WHERE (period, unit_code, version) IN (SELECT period, unit_code, published_version FROM `dvc`.v_published_computes);
CREATE VIEW IF NOT EXISTS `dvc`.v_indicator_scores ON CLUSTER `dvc` AS SELECT period, unit_code, indicator, score, max_score, formula_version, computed_at
FROM `dvc`.indicator_scores FINAL
WHERE (period, unit_code, version) IN (SELECT period, unit_code, published_version FROM `dvc`.v_published_computes);
CREATE VIEW IF NOT EXISTS `dvc`.v_dossier_findings ON CLUSTER `dvc` AS SELECT period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity
FROM `dvc`.dossier_findings FINAL
WHERE (period, unit_code, version) IN (SELECT period, unit_code, published_version FROM `dvc`.v_published_computes);
CREATE VIEW IF NOT EXISTS `dvc`.v_score_reconciliation ON CLUSTER `dvc` AS SELECT period, unit_code, indicator, metric, official, recomputed, recomputed - official AS difference
FROM
(
    SELECT period, unit_code, indicator, metric, score AS official
    FROM `dvc`.official_scores FINAL
)
ALL INNER JOIN
(
    SELECT period, unit_code, indicator, metric, score AS recomputed
    FROM `dvc`.v_indicator_metrics
    UNION ALL
    SELECT period, unit_code, indicator, '' AS metric, score AS recomputed
    FROM `dvc`.v_indicator_scores
) USING (period, unit_code, indicator, metric);
-- 0010_official_scores_nullable
ALTER TABLE `dvc`.indicator_metrics MODIFY COLUMN ratio Nullable(Float64);
ALTER TABLE `dvc`.indicator_metrics MODIFY COLUMN score Nullable(Float64);
DROP TABLE IF EXISTS `dvc`.v_score_reconciliation ON CLUSTER `dvc`;
DROP TABLE IF EXISTS `dvc`.v_indicator_metrics ON CLUSTER `dvc`;
CREATE VIEW IF NOT EXISTS `dvc`.v_indicator_metrics ON CLUSTER `dvc` AS SELECT period, unit_code, indicator, metric, numerator, denominator, ratio, score, max_score, points_lost, scope,
       no_data, formula_version, computed_at
FROM `dvc`.indicator_metrics FINAL
WHERE (period, unit_code, version) IN (SELECT period, unit_code, published_version FROM `dvc`.v_published_computes);
CREATE VIEW IF NOT EXISTS `dvc`.v_score_reconciliation ON CLUSTER `dvc` AS SELECT period, unit_code, indicator, metric, official, recomputed, recomputed - official AS difference
FROM
(
    SELECT period, unit_code, indicator, metric, score AS official
    FROM `dvc`.official_scores FINAL
)
ALL INNER JOIN
(
    SELECT period, unit_code, indicator, metric, ifNull(score, 0.) AS recomputed
    FROM `dvc`.v_indicator_metrics
    UNION ALL
    SELECT period, unit_code, indicator, '' AS metric, score AS recomputed
    FROM `dvc`.v_indicator_scores
) USING (period, unit_code, indicator, metric);
-- 0011_official_api
CREATE TABLE IF NOT EXISTS `dvc`.official_metrics ON CLUSTER `dvc`
(
    period               String,
    family               String,
    department_id        String,
    kind                 String,
    metric               String,
    root                 UInt8,
    department_code      String,
    department_name      String,
    department_type      String,
    level                String,
    agency_level         String,
    unit_code            Nullable(String),
    metric_name          String,
    numerator_field      String,
    denominator_field    String,
    numerator            Nullable(Float64),
    denominator          Nullable(Float64),
    ratio                Nullable(Float64),
    score                Nullable(Float64),
    max_score            Nullable(Float64),
    data_quality_status  String,
    data_quality_message String,
    fetched_at           DateTime('Asia/Ho_Chi_Minh'),
    run_id               String,
    version              UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/official_metrics/0011', '{shard}-{replica}', version)
ORDER BY (period, family, department_id, kind, metric);
CREATE TABLE IF NOT EXISTS `dvc`.official_formula_check ON CLUSTER `dvc`
(
    period          String,
    family          String,
    department_id   String,
    kind            String,
    metric          String,
    item            String,
    department_code String,
    unit_code       Nullable(String),
    indicator       String,
    dvc_metric      String,
    numerator       Nullable(Float64),
    denominator     Nullable(Float64),
    published_score Nullable(Float64),
    formula_score   Nullable(Float64),
    difference      Nullable(Float64),
    published_max   Nullable(Float64),
    formula_max     Nullable(Float64),
    status          String,
    note            String,
    formula_version String,
    checked_at      DateTime('Asia/Ho_Chi_Minh'),
    run_id          String,
    version         UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/official_formula_check/0011', '{shard}-{replica}', version)
ORDER BY (period, family, department_id, kind, metric);
CREATE TABLE IF NOT EXISTS `dvc`.official_responses ON CLUSTER `dvc`
(
    period     String,
    family     String,
    page       UInt32,
    body       String,
    fetched_at DateTime('Asia/Ho_Chi_Minh'),
    run_id     String,
    version    UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/official_responses/0011', '{shard}-{replica}', version)
ORDER BY (period, family, page);
DROP TABLE IF EXISTS `dvc`.v_official_metrics ON CLUSTER `dvc`;
DROP TABLE IF EXISTS `dvc`.v_official_formula_check ON CLUSTER `dvc`;
DROP TABLE IF EXISTS `dvc`.v_official_responses ON CLUSTER `dvc`;
DROP TABLE IF EXISTS `dvc`.v_score_reconciliation ON CLUSTER `dvc`;
CREATE VIEW IF NOT EXISTS `dvc`.v_official_metrics ON CLUSTER `dvc` AS SELECT period, family, department_id, kind, metric, root, department_code, department_name, department_type, level,
       agency_level, unit_code, metric_name, numerator_field, denominator_field, numerator, denominator, ratio, score,
       max_score, data_quality_status, data_quality_message, fetched_at, run_id
FROM `dvc`.official_metrics FINAL
WHERE (period, family, version) IN (SELECT period, family, max(version) FROM `dvc`.official_metrics GROUP BY period, family);
CREATE VIEW IF NOT EXISTS `dvc`.v_official_formula_check ON CLUSTER `dvc` AS SELECT period, family, department_id, kind, metric, item, department_code, unit_code, indicator, dvc_metric, numerator,
       denominator, published_score, formula_score, difference, published_max, formula_max, status, note,
       formula_version, checked_at, run_id
FROM `dvc`.official_formula_check FINAL
WHERE (period, family, version) IN (SELECT period, family, max(version) FROM `dvc`.official_formula_check GROUP BY period, family);
CREATE VIEW IF NOT EXISTS `dvc`.v_official_responses ON CLUSTER `dvc` AS SELECT period, family, page, body, fetched_at, run_id
FROM `dvc`.official_responses FINAL
WHERE (period, family, version) IN (SELECT period, family, max(version) FROM `dvc`.official_responses GROUP BY period, family);
CREATE VIEW IF NOT EXISTS `dvc`.v_score_reconciliation ON CLUSTER `dvc` AS SELECT period, unit_code, indicator, metric, official, recomputed, difference,
       recomputed - formula_score AS counting_gap,
       formula_score - official AS formula_gap
FROM
(
    SELECT period, unit_code, indicator, metric, official, recomputed, recomputed - official AS difference,
           unit_code AS check_unit, indicator AS check_indicator, metric AS check_metric
    FROM
    (
        SELECT period, unit_code, indicator, metric, score AS official
        FROM `dvc`.official_scores FINAL
    )
    ALL INNER JOIN
    (
        SELECT period, unit_code, indicator, metric, ifNull(score, 0.) AS recomputed
        FROM `dvc`.v_indicator_metrics
        UNION ALL
        SELECT period, unit_code, indicator, '' AS metric, score AS recomputed
        FROM `dvc`.v_indicator_scores
    ) USING (period, unit_code, indicator, metric)
)
ANY LEFT JOIN
(
    SELECT period, assumeNotNull(unit_code) AS check_unit, indicator AS check_indicator, dvc_metric AS check_metric, formula_score
    FROM `dvc`.v_official_formula_check
    WHERE unit_code IS NOT NULL AND formula_score IS NOT NULL
) USING (period, check_unit, check_indicator, check_metric);
-- 0012_archive
CREATE TABLE IF NOT EXISTS `dvc`.raw_pages_local ON CLUSTER `dvc`
(
    fetched_at  DateTime('Asia/Ho_Chi_Minh'),
    source      String,
    run_id      String,
    request     String,
    window_from DateTime('Asia/Ho_Chi_Minh'),
    window_to   DateTime('Asia/Ho_Chi_Minh'),
    page        UInt32,
    total       Int64,
    records     UInt32,
    body        String
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/dvcindex/dvc/raw_pages/0012', '{replica}')
PARTITION BY toYYYYMM(fetched_at)
ORDER BY (source, fetched_at, run_id, request, page);
CREATE TABLE IF NOT EXISTS `dvc`.raw_pages ON CLUSTER `dvc` AS `dvc`.raw_pages_local
ENGINE = Distributed('dvc', 'dvc', 'raw_pages_local', cityHash64(source, run_id, request, page));
CREATE VIEW IF NOT EXISTS `dvc`.v_raw_pages ON CLUSTER `dvc` AS SELECT fetched_at, source, run_id, request, window_from, window_to, page, total, records, body
FROM `dvc`.raw_pages;
CREATE TABLE IF NOT EXISTS `dvc`.schema_fields ON CLUSTER `dvc`
(
    source     String,
    field      String,
    json_type  String,
    first_seen DateTime('Asia/Ho_Chi_Minh'),
    last_seen  DateTime('Asia/Ho_Chi_Minh'),
    records    UInt64,
    version    UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/schema_fields/0012', '{shard}-{replica}', version)
ORDER BY (source, field, json_type);
CREATE VIEW IF NOT EXISTS `dvc`.v_schema_fields ON CLUSTER `dvc` AS SELECT source, field, json_type, first_seen, last_seen, records
FROM `dvc`.schema_fields FINAL;
CREATE TABLE IF NOT EXISTS `dvc`.schema_drift ON CLUSTER `dvc`
(
    source      String,
    field       String,
    change      String,
    detail      String,
    first_seen  DateTime('Asia/Ho_Chi_Minh'),
    last_seen   DateTime('Asia/Ho_Chi_Minh'),
    records     UInt64,
    example     String,
    run_id      String,
    resolved_at Nullable(DateTime('Asia/Ho_Chi_Minh')),
    version     UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/schema_drift/0012', '{shard}-{replica}', version)
ORDER BY (source, field, change);
CREATE VIEW IF NOT EXISTS `dvc`.v_schema_drift ON CLUSTER `dvc` AS SELECT source, field, change, detail, first_seen, last_seen, records, example, run_id, resolved_at
FROM `dvc`.schema_drift FINAL;
-- 0013_targets
CREATE TABLE IF NOT EXISTS `dvc`.unit_targets ON CLUSTER `dvc`
(
    unit_code String,
    period    String,
    indicator String,
    target    Float64,
    source    String,
    version   UInt64
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/unit_targets/0013', '{shard}-{replica}', version)
ORDER BY (version, unit_code, period, indicator);
CREATE VIEW IF NOT EXISTS `dvc`.v_unit_targets ON CLUSTER `dvc` AS SELECT unit_code, period, indicator, target, source
FROM `dvc`.unit_targets
WHERE version = (SELECT max(version) FROM `dvc`.unit_targets) AND unit_code != '';
-- 0014_reconciliation_components
DROP TABLE IF EXISTS `dvc`.v_score_reconciliation ON CLUSTER `dvc`;
CREATE VIEW IF NOT EXISTS `dvc`.v_score_reconciliation ON CLUSTER `dvc` AS SELECT period, unit_code, indicator, metric, official, recomputed, difference,
       recomputed - formula_score AS counting_gap,
       formula_score - official AS formula_gap
FROM
(
    SELECT period, unit_code, indicator, metric, official, recomputed, recomputed - official AS difference,
           unit_code AS check_unit, indicator AS check_indicator, metric AS check_metric
    FROM
    (
        SELECT period, unit_code, indicator, metric, score AS official
        FROM `dvc`.official_scores FINAL
    )
    ALL INNER JOIN
    (
        SELECT period, unit_code, indicator, metric, ifNull(score, 0.) AS recomputed
        FROM `dvc`.v_indicator_metrics
        UNION ALL
        SELECT period, unit_code, indicator, '' AS metric, score AS recomputed
        FROM `dvc`.v_indicator_scores
    ) USING (period, unit_code, indicator, metric)
)
ANY LEFT JOIN
(
    SELECT period, assumeNotNull(unit_code) AS check_unit, indicator AS check_indicator, dvc_metric AS check_metric, formula_score
    FROM `dvc`.v_official_formula_check
    WHERE unit_code IS NOT NULL AND formula_score IS NOT NULL AND NOT (kind = 'component' AND dvc_metric = '')
) USING (period, check_unit, check_indicator, check_metric);
-- 0015_watch
CREATE TABLE IF NOT EXISTS `dvc`.watches ON CLUSTER `dvc`
(
    watch_id    String,
    period      String,
    as_of       DateTime('Asia/Ho_Chi_Minh'),
    units       Array(String),
    version     UInt64,
    status      String,
    started_at  DateTime('Asia/Ho_Chi_Minh'),
    finished_at Nullable(DateTime('Asia/Ho_Chi_Minh')),
    error       String,
    row_version UInt8
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/dvcindex/dvc/watches/0015', '{shard}-{replica}', row_version)
ORDER BY watch_id;
CREATE TABLE IF NOT EXISTS `dvc`.at_risk_candidates ON CLUSTER `dvc`
(
    watch_id       String,
    unit_code      String,
    item_kind      String,
    item_id        String,
    rule           String,
    metric         String,
    indicator      String,
    kind           String,
    flip           String,
    procedure_code String,
    deadline       Nullable(DateTime('Asia/Ho_Chi_Minh')),
    detail         String
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/dvcindex/dvc/at_risk_candidates/0015', '{shard}-{replica}')
PARTITION BY watch_id
ORDER BY (unit_code, item_id, rule);
CREATE TABLE IF NOT EXISTS `dvc`.at_risk_items ON CLUSTER `dvc`
(
    watch_id       String,
    period         String,
    as_of          DateTime('Asia/Ho_Chi_Minh'),
    unit_code      String,
    item_kind      String,
    item_id        String,
    rule           String,
    metric         String,
    indicator      String,
    kind           String,
    procedure_code String,
    deadline       Nullable(DateTime('Asia/Ho_Chi_Minh')),
    hours_left     Float64,
    points         Float64,
    detail         String,
    version        UInt64
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/dvcindex/dvc/at_risk_items/0015', '{shard}-{replica}')
PARTITION BY watch_id
ORDER BY (unit_code, rule, item_id);
CREATE TABLE IF NOT EXISTS `dvc`.at_risk_scores ON CLUSTER `dvc`
(
    watch_id   String,
    period     String,
    as_of      DateTime('Asia/Ho_Chi_Minh'),
    unit_code  String,
    indicator  String,
    secured    Float64,
    if_done    Float64,
    lost       Float64,
    max_score  Float64,
    version    UInt64
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/dvcindex/dvc/at_risk_scores/0015', '{shard}-{replica}')
PARTITION BY watch_id
ORDER BY (unit_code, indicator);
CREATE VIEW IF NOT EXISTS `dvc`.v_published_watches ON CLUSTER `dvc` AS SELECT period, unit_code, max(version) AS published_version
FROM
(
    SELECT period, units, version FROM `dvc`.watches FINAL
    WHERE status = 'committed'
)
ARRAY JOIN units AS unit_code
GROUP BY period, unit_code;
CREATE VIEW IF NOT EXISTS `dvc`.v_at_risk ON CLUSTER `dvc` AS SELECT period, unit_code, item_kind, item_id, rule, metric, indicator, kind, procedure_code, deadline,
       hours_left, points, detail, as_of, watch_id
FROM `dvc`.at_risk_items
WHERE (period, unit_code, version) IN (SELECT period, unit_code, published_version FROM `dvc`.v_published_watches);
CREATE VIEW IF NOT EXISTS `dvc`.v_at_risk_scores ON CLUSTER `dvc` AS SELECT period, unit_code, indicator, secured, if_done, lost, max_score, as_of, watch_id
FROM `dvc`.at_risk_scores
WHERE (period, unit_code, version) IN (SELECT period, unit_code, published_version FROM `dvc`.v_published_watches);
