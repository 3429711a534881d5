-- 0003_indicators: inputs and outputs of the 766 indicator engine.
--
-- Inputs: petitions (windowed like dossiers), BCQG received counts and the
-- official scores (both keyed by unit and period), and the working-day
-- calendar the SQL reads (rebuilt from the holidays file by compute).
-- Outputs: one row per key in the views after any number of recomputations:
-- every compute writes a new version, and the views keep, for each
-- (period, unit_code), only the rows of its latest compute. Scratch tables
-- (compute_units, unit_map, period_dossiers) are partitioned by compute_id so
-- that a finished compute drops the previous one's partitions.

CREATE TABLE IF NOT EXISTS {db}.petitions
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
ENGINE = ReplacingMergeTree(version)
ORDER BY petition_id;

CREATE TABLE IF NOT EXISTS {db}.bcqg_counts
(
    unit_code String,
    period    String,
    received  UInt64,
    synced_at DateTime('Asia/Ho_Chi_Minh'),
    run_id    String,
    version   UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (unit_code, period);

CREATE TABLE IF NOT EXISTS {db}.official_scores
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
ENGINE = ReplacingMergeTree(version)
ORDER BY (period, unit_code, indicator, metric);

CREATE TABLE IF NOT EXISTS {db}.work_calendar
(
    day        Date,
    is_working UInt8,
    work_index UInt32,
    holiday    String,
    version    UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY day;

CREATE TABLE IF NOT EXISTS {db}.compute_units
(
    compute_id  String,
    period      String,
    unit_code   String,
    unit_name     String,
    level         String,
    parent_code   String,
    province_code String
)
ENGINE = MergeTree
PARTITION BY compute_id
ORDER BY unit_code;

CREATE TABLE IF NOT EXISTS {db}.unit_map
(
    compute_id String,
    src_code   String,
    unit_code  String,
    level      String,
    own        UInt8
)
ENGINE = MergeTree
PARTITION BY compute_id
ORDER BY src_code;

CREATE TABLE IF NOT EXISTS {db}.period_dossiers
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
ENGINE = MergeTree
PARTITION BY compute_id
ORDER BY (unit_code, dossier_id);

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
ORDER BY (period, unit_code, dossier_id, metric, finding);

CREATE VIEW IF NOT EXISTS {db}.v_petitions AS
SELECT petition_id, version, dossier_id, unit_code, unit_name, received_at, deadline_at, handled_at, rating, updated_at, source, run_id, loaded_at
FROM {db}.petitions FINAL;

-- v_bcqg_counts: received is the BCQG report's dossiers received for the unit and period
-- (DOSSIER_SYNC's denominator when it is larger than the portal's)
CREATE VIEW IF NOT EXISTS {db}.v_bcqg_counts AS
SELECT unit_code, period, received, synced_at FROM {db}.bcqg_counts FINAL;

-- v_official_scores: the published scores of mapped units; metric '' is the group
-- (indicator) score; ratio 0-1
CREATE VIEW IF NOT EXISTS {db}.v_official_scores AS
SELECT period, unit_code, indicator, metric, score, max_score, ratio, synced_at
FROM {db}.official_scores FINAL;

CREATE VIEW IF NOT EXISTS {db}.v_indicator_metrics AS
SELECT period, unit_code, indicator, metric, numerator, denominator, ratio, score, max_score, points_lost, scope,
       no_data, formula_version, computed_at
FROM {db}.indicator_metrics FINAL
WHERE (period, unit_code, version) IN
      (SELECT period, unit_code, max(version) FROM {db}.indicator_metrics GROUP BY period, unit_code);

CREATE VIEW IF NOT EXISTS {db}.v_indicator_scores AS
SELECT period, unit_code, indicator, score, max_score, formula_version, computed_at
FROM {db}.indicator_scores FINAL
WHERE (period, unit_code, version) IN
      (SELECT period, unit_code, max(version) FROM {db}.indicator_scores GROUP BY period, unit_code);

CREATE VIEW IF NOT EXISTS {db}.v_dossier_findings AS
SELECT period, dossier_id, metric, finding, unit_code, procedure_code, indicator, detail, severity
FROM {db}.dossier_findings FINAL
WHERE (period, unit_code, version) IN
      (SELECT period, unit_code, max(version) FROM {db}.indicator_metrics GROUP BY period, unit_code);

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
    FROM {db}.indicator_metrics FINAL
    WHERE (period, unit_code, version) IN
          (SELECT period, unit_code, max(version) FROM {db}.indicator_metrics GROUP BY period, unit_code)
    UNION ALL
    SELECT period, unit_code, indicator, '' AS metric, score AS recomputed
    FROM {db}.indicator_scores FINAL
    WHERE (period, unit_code, version) IN
          (SELECT period, unit_code, max(version) FROM {db}.indicator_scores GROUP BY period, unit_code)
) USING (period, unit_code, indicator, metric);
