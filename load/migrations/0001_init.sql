-- 0001_init: the spine of the warehouse.
-- Every statement is idempotent, and the whole file is recorded in
-- schema_migrations once it has applied. {db} is replaced by the validated,
-- quoted database name before execution.
--
-- Tables whose rows can be written more than once (a dossier re-read in the
-- lookback, a retried batch, a run's start and finish rows) are
-- ReplacingMergeTree with a version column, and analysts read them through
-- views that use FINAL, so a view returns one current row per key whether or
-- not ClickHouse has merged the parts yet. The dossier tables have no
-- PARTITION BY: ReplacingMergeTree only collapses versions inside one
-- partition, and no column of a dossier that is known at every version is a
-- good month key (received dates can be missing or corrected).

CREATE TABLE IF NOT EXISTS {db}.dossiers
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
ENGINE = ReplacingMergeTree(version)
ORDER BY dossier_id;

CREATE TABLE IF NOT EXISTS {db}.dossier_steps
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
ENGINE = ReplacingMergeTree(version)
ORDER BY (dossier_id, step_index);

CREATE TABLE IF NOT EXISTS {db}.rejects
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
ENGINE = ReplacingMergeTree(rejected_at)
ORDER BY (source, stage, record_key, raw_hash);

CREATE TABLE IF NOT EXISTS {db}.sync_state
(
    source     String,
    watermark  DateTime('Asia/Ho_Chi_Minh'),
    run_id     String,
    updated_at DateTime('Asia/Ho_Chi_Minh'),
    version    UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY source;

CREATE TABLE IF NOT EXISTS {db}.runs
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
ENGINE = ReplacingMergeTree(version)
ORDER BY run_id;

CREATE VIEW IF NOT EXISTS {db}.v_dossiers AS
SELECT dossier_id, version, procedure_code, procedure_national_code, procedure_name, field_code,
       unit_code, unit_name, agency_code, channel, channel_missing, applicant_type,
       owner_hash, id_hash, phone_hash, email_hash, account_hash, status,
       submitted_at, received_at, due_at, finished_at, returned_at, refused_at,
       has_digitized, vneid, paid_online, rating,
       doc_count, doc_digitized, doc_reused, doc_from_store, fee_count, fee_total, result_count, result_links,
       supp_requested_at, supp_received_at, supp_new_due_at,
       synced, synced_at, sync_error, flags, step_count, updated_at, source, run_id, loaded_at
FROM {db}.dossiers FINAL;

CREATE VIEW IF NOT EXISTS {db}.v_dossier_steps AS
SELECT dossier_id, step_index, version, step_at, status, status_code, department, handler, content, synced_at, run_id
FROM {db}.dossier_steps FINAL
WHERE (dossier_id, version) IN (SELECT dossier_id, version FROM {db}.dossiers FINAL);

-- v_rejects: stage is the step that rejected the record (normalize); record_key its
-- id as read; field the field at fault; raw the record, every field outside its
-- source's allow-list hashed
CREATE VIEW IF NOT EXISTS {db}.v_rejects AS
SELECT source, stage, reason, record_key, field, raw, rejected_at, run_id
FROM {db}.rejects FINAL;

-- v_runs: command is what started the run (sync, backfill, compute 2024-Q2, ...), fetched
-- the records read, loaded the rows acknowledged, rejected the records rejected,
-- window_from and window_to the range a windowed run read
CREATE VIEW IF NOT EXISTS {db}.v_runs AS
SELECT run_id, source, command, started_at, finished_at, status, fetched, loaded, rejected,
       window_from, window_to, error
FROM {db}.runs FINAL;

-- v_watermarks: watermark is how far the source is known complete (the NgayCapNhat
-- reached, for dossiers and petitions); rows backfill:... and reprocess:... hold
-- those commands' progress
CREATE VIEW IF NOT EXISTS {db}.v_watermarks AS
SELECT source, watermark, run_id, updated_at
FROM {db}.sync_state FINAL;
