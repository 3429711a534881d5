-- 0008_precedence_and_commits: sources cannot overwrite each other, and
-- computes publish atomically.
--
-- 1. A dossier's version is now precedence << 40 | NgayCapNhat (Unix
--    seconds), with precedence 2 for the portal API and 1 for file drops
--    (load.Version), so a row from a file never replaces one read from the
--    API. Rows written before this migration (precedence 0) are written
--    again with their precedence; ReplacingMergeTree keeps the new copy.
--    Steps come from the API only. Re-running these inserts adds copies
--    with the same version, which FINAL collapses.
--
-- 2. Every compute records itself in computes: a 'running' row when it
--    starts, and a 'committed' (or 'failed') row when it ends. The indicator
--    views show, per (period, unit_code), only the rows of the latest
--    committed compute whose unit set holds the unit, so a compute that
--    stops at any statement publishes nothing. The result tables are
--    partitioned by compute_id, so rows of different computes never replace
--    each other in a merge and a failed or superseded compute is dropped by
--    partition. Their earlier rows are derived data without a commit
--    marker: the tables are re-created empty and the next compute (the
--    nightly job, or report for a period without figures) fills them again.

INSERT INTO {db}.dossier_steps (dossier_id, step_index, version, step_at, status, status_code, department, handler,
    content, synced_at, run_id)
SELECT dossier_id, step_index, 2 * 1099511627776 + version, step_at, status, status_code, department, handler,
    content, synced_at, run_id
FROM {db}.dossier_steps
WHERE version < 1099511627776;

INSERT INTO {db}.dossiers (dossier_id, version, procedure_code, procedure_national_code,
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
FROM {db}.dossiers
WHERE version < 1099511627776;

CREATE TABLE IF NOT EXISTS {db}.computes
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
ENGINE = ReplacingMergeTree(row_version)
ORDER BY compute_id;

DROP TABLE IF EXISTS {db}.v_indicator_metrics;
DROP TABLE IF EXISTS {db}.v_indicator_scores;
DROP TABLE IF EXISTS {db}.v_dossier_findings;
DROP TABLE IF EXISTS {db}.v_score_reconciliation;
DROP TABLE IF EXISTS {db}.indicator_metrics;
DROP TABLE IF EXISTS {db}.indicator_scores;
DROP TABLE IF EXISTS {db}.dossier_findings;

CREATE TABLE IF NOT EXISTS {db}.indicator_metrics
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
ENGINE = ReplacingMergeTree(version)
PARTITION BY compute_id
ORDER BY (period, unit_code, indicator, metric);

CREATE TABLE IF NOT EXISTS {db}.indicator_scores
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
ENGINE = ReplacingMergeTree(version)
PARTITION BY compute_id
ORDER BY (period, unit_code, indicator);

CREATE TABLE IF NOT EXISTS {db}.dossier_findings
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
ENGINE = ReplacingMergeTree(version)
PARTITION BY compute_id
ORDER BY (period, unit_code, dossier_id, metric, finding);

-- One row per compute: its latest state.
-- units: the unit codes the compute covered; version orders computes (the later wins)
CREATE VIEW IF NOT EXISTS {db}.v_computes AS
SELECT compute_id, period, units, version, status, started_at, finished_at, error
FROM {db}.computes FINAL;

-- The published compute of each (period, unit_code): the latest committed
-- one whose unit set holds the unit. A 'committed' row is written once, in
-- one insert, after every statement of its compute succeeded; a compute
-- also marked failed (its commit was not acknowledged, so it dropped its
-- rows) is not published.
CREATE VIEW IF NOT EXISTS {db}.v_published_computes AS
SELECT period, unit_code, max(version) AS published_version
FROM
(
    SELECT period, units, version FROM {db}.computes
    WHERE status = 'committed'
      AND compute_id NOT IN (SELECT compute_id FROM {db}.computes WHERE status = 'failed')
)
ARRAY JOIN units AS unit_code
GROUP BY period, unit_code;

CREATE VIEW IF NOT EXISTS {db}.v_indicator_metrics AS
SELECT period, unit_code, indicator, metric, numerator, denominator, ratio, score, max_score, points_lost, scope,
       no_data, formula_version, computed_at
FROM {db}.indicator_metrics FINAL
WHERE (period, unit_code, version) IN (SELECT period, unit_code, published_version FROM {db}.v_published_computes);

-- v_indicator_scores: indicator is one of the six groups or total; score is the sum of
-- the rounded metric scores; max_score the group's maximum
CREATE VIEW IF NOT EXISTS {db}.v_indicator_scores AS
SELECT period, unit_code, indicator, score, max_score, formula_version, computed_at
FROM {db}.indicator_scores FINAL
WHERE (period, unit_code, version) IN (SELECT period, unit_code, published_version FROM {db}.v_published_computes);

-- v_dossier_findings: finding is what the dossier cost or risks (late, not_synced,
-- step_lag, ...: transform/vocab); detail the evidence in plain words; severity orders
-- the evidence (hours late, hours of sync delay)
CREATE VIEW IF NOT EXISTS {db}.v_dossier_findings AS
SELECT period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity
FROM {db}.dossier_findings FINAL
WHERE (period, unit_code, version) IN (SELECT period, unit_code, published_version FROM {db}.v_published_computes);

CREATE VIEW IF NOT EXISTS {db}.v_score_reconciliation AS
SELECT period, unit_code, indicator, metric, official, recomputed, recomputed - official AS difference
FROM
(
    SELECT period, unit_code, indicator, metric, score AS official
    FROM {db}.official_scores FINAL
)
ALL INNER JOIN
(
    SELECT period, unit_code, indicator, metric, score AS recomputed
    FROM {db}.v_indicator_metrics
    UNION ALL
    SELECT period, unit_code, indicator, '' AS metric, score AS recomputed
    FROM {db}.v_indicator_scores
) USING (period, unit_code, indicator, metric);
