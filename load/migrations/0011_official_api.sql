-- 0011_official_api: the national portal's reporting API
-- (docs/spec/national-766-api.md) as the evaluation source.
--
-- official_metrics holds every published figure as sent: one row per
-- department (the province itself is root = 1) × family × metric (flat
-- families), component (tree families, metric = the reference's item) or
-- group (kind = 'group', metric = ''). Published nulls stay NULL. unit_code
-- is the dvcindex unit the department resolves to (reference data, by
-- name), NULL when none does: the row is kept either way.
-- official_formula_check is transform/official.Check at sync time: the
-- score the dvcqg-2026 formulas give from the published numerator and
-- denominator, beside the published one. official_responses keeps each
-- response body as received (aggregates about public bodies: nothing
-- personal, stored as is). A re-read of a period and family replaces the
-- earlier read: the views show the newest version of each (period, family).

CREATE TABLE IF NOT EXISTS {db}.official_metrics
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
ENGINE = ReplacingMergeTree(version)
ORDER BY (period, family, department_id, kind, metric);

CREATE TABLE IF NOT EXISTS {db}.official_formula_check
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
ENGINE = ReplacingMergeTree(version)
ORDER BY (period, family, department_id, kind, metric);

CREATE TABLE IF NOT EXISTS {db}.official_responses
(
    period     String,
    family     String,
    page       UInt32,
    body       String,
    fetched_at DateTime('Asia/Ho_Chi_Minh'),
    run_id     String,
    version    UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (period, family, page);

DROP TABLE IF EXISTS {db}.v_official_metrics;
DROP TABLE IF EXISTS {db}.v_official_formula_check;
DROP TABLE IF EXISTS {db}.v_official_responses;
DROP TABLE IF EXISTS {db}.v_score_reconciliation;

-- v_official_metrics: kind is metric, component (tree families: metric = the item, 2.1)
-- or group (metric ''); root = 1 for the province itself; numerator_field and
-- denominator_field name a tree component's count fields; ratio in percent, as published
CREATE VIEW IF NOT EXISTS {db}.v_official_metrics AS
SELECT period, family, department_id, kind, metric, root, department_code, department_name, department_type, level,
       agency_level, unit_code, metric_name, numerator_field, denominator_field, numerator, denominator, ratio, score,
       max_score, data_quality_status, data_quality_message, fetched_at, run_id
FROM {db}.official_metrics FINAL
WHERE (period, family, version) IN (SELECT period, family, max(version) FROM {db}.official_metrics GROUP BY period, family);

-- v_official_formula_check: indicator and dvc_metric are the dvcindex group and metric
-- (dvc_metric '' for a group or a component without one); difference = formula_score -
-- published_score
CREATE VIEW IF NOT EXISTS {db}.v_official_formula_check AS
SELECT period, family, department_id, kind, metric, item, department_code, unit_code, indicator, dvc_metric, numerator,
       denominator, published_score, formula_score, difference, published_max, formula_max, status, note,
       formula_version, checked_at, run_id
FROM {db}.official_formula_check FINAL
WHERE (period, family, version) IN (SELECT period, family, max(version) FROM {db}.official_formula_check GROUP BY period, family);

CREATE VIEW IF NOT EXISTS {db}.v_official_responses AS
SELECT period, family, page, body, fetched_at, run_id
FROM {db}.official_responses FINAL
WHERE (period, family, version) IN (SELECT period, family, max(version) FROM {db}.official_responses GROUP BY period, family);

-- The reconciliation of 0010 (a NULL metric score counts as 0, as in the
-- portal's group totals) plus the split of each gap: formula_gap is
-- what the official formula gives from the portal's own counts minus what
-- the portal published (the part due to the formula); counting_gap is our
-- recomputed score minus that formula score (the part due to counting, our
-- numerator and denominator against theirs). counting_gap + formula_gap =
-- difference; both are NULL where the formula check has no score (a tree
-- component whose counts are not published).
CREATE VIEW IF NOT EXISTS {db}.v_score_reconciliation AS
SELECT period, unit_code, indicator, metric, official, recomputed, difference,
       recomputed - formula_score AS counting_gap,
       formula_score - official AS formula_gap
FROM
(
    SELECT period, unit_code, indicator, metric, official, recomputed, recomputed - official AS difference,
           unit_code AS check_unit, indicator AS check_indicator, metric AS check_metric
    FROM
    (
        SELECT period, unit_code, indicator, metric, score AS official
        FROM {db}.official_scores FINAL
    )
    ALL INNER JOIN
    (
        SELECT period, unit_code, indicator, metric, ifNull(score, 0.) AS recomputed
        FROM {db}.v_indicator_metrics
        UNION ALL
        SELECT period, unit_code, indicator, '' AS metric, score AS recomputed
        FROM {db}.v_indicator_scores
    ) USING (period, unit_code, indicator, metric)
)
ANY LEFT JOIN
(
    SELECT period, assumeNotNull(unit_code) AS check_unit, indicator AS check_indicator, dvc_metric AS check_metric, formula_score
    FROM {db}.v_official_formula_check
    WHERE unit_code IS NOT NULL AND formula_score IS NOT NULL
) USING (period, check_unit, check_indicator, check_metric);
