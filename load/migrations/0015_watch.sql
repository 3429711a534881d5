-- 0015_watch: the early warning (docs/watch.md). A watch lists, for a
-- period that has not ended, the open dossiers and petitions that will cost
-- a unit points unless someone acts, and projects the unit's scores if
-- nothing changes and if every listed item is done. Its scratch rows
-- (at_risk_candidates) are partitioned by watch id and dropped when the
-- watch ends; its results (at_risk_items, at_risk_scores), partitioned by
-- watch id too, are published by a 'committed' marker row in watches, like
-- a compute's, and dropped once a later watch supersedes them.

CREATE TABLE IF NOT EXISTS {db}.watches
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
ENGINE = ReplacingMergeTree(row_version)
ORDER BY watch_id;

CREATE TABLE IF NOT EXISTS {db}.at_risk_candidates
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
ENGINE = MergeTree
PARTITION BY watch_id
ORDER BY (unit_code, item_id, rule);

CREATE TABLE IF NOT EXISTS {db}.at_risk_items
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
ENGINE = MergeTree
PARTITION BY watch_id
ORDER BY (unit_code, rule, item_id);

CREATE TABLE IF NOT EXISTS {db}.at_risk_scores
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
ENGINE = MergeTree
PARTITION BY watch_id
ORDER BY (unit_code, indicator);

-- The published watch of each (period, unit_code): the latest committed one
-- whose unit set holds the unit.
CREATE VIEW IF NOT EXISTS {db}.v_published_watches AS
SELECT period, unit_code, max(version) AS published_version
FROM
(
    SELECT period, units, version FROM {db}.watches FINAL
    WHERE status = 'committed'
)
ARRAY JOIN units AS unit_code
GROUP BY period, unit_code;

-- v_at_risk: today's early warning, one row per unit, item and rule (the
-- latest watch of the period); item_kind is dossier or petition, item_id its
-- MaHoSo or MaPAKN; rule the at-risk rule (due_soon, overdue,
-- second_supplement, not_synced, step_unsynced, no_result_file,
-- petition_due_soon, petition_overdue); kind recoverable (acting in time
-- wins the points), lost (already lost, counted when the period ends),
-- threat (secured unless someone makes it worse) or risk (costs no points
-- under the rules in force); deadline the moment the points are lost;
-- hours_left from as_of to it; points what the item costs the unit if lost,
-- computed with the index's own formulas; detail in plain Vietnamese
CREATE VIEW IF NOT EXISTS {db}.v_at_risk AS
SELECT period, unit_code, item_kind, item_id, rule, metric, indicator, kind, procedure_code, deadline,
       hours_left, points, detail, as_of, watch_id
FROM {db}.at_risk_items
WHERE (period, unit_code, version) IN (SELECT period, unit_code, published_version FROM {db}.v_published_watches);

-- v_at_risk_scores: the unit's projected scores for the period of its latest
-- watch, per indicator (the six groups and total): secured is the score if
-- nothing changes (every open item that can still fail fails), if_done the
-- score if every recoverable item listed is done in time, lost the points
-- the overdue items listed have already cost, max_score the maximum
CREATE VIEW IF NOT EXISTS {db}.v_at_risk_scores AS
SELECT period, unit_code, indicator, secured, if_done, lost, max_score, as_of, watch_id
FROM {db}.at_risk_scores
WHERE (period, unit_code, version) IN (SELECT period, unit_code, published_version FROM {db}.v_published_watches);
