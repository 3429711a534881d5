-- 0012_archive: raw pages as the record of truth (issue 13).
--
-- raw_pages holds every page a sync read, for every source: its records as
-- received but scrubbed (transform.Pseudonymizer.ScrubRecord: personal
-- fields replaced by their keyed hashes, unknown fields hashed; no clear
-- personal value), one JSON object per line of body, with the request
-- (source, window or key, page), the response's total, the run and the
-- time. The sync's writer sends a page's archive row before the page's
-- normalized rows, in the batch the watermark waits for. `dvcindex
-- reprocess` re-normalizes it without fetching. Partitioned by month of
-- fetch, so archive.keep drops whole months. Compressed by the MergeTree
-- (LZ4; the size per million dossiers is in the README).
CREATE TABLE IF NOT EXISTS {db}.raw_pages
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(fetched_at)
ORDER BY (source, fetched_at, run_id, request, page);

-- v_raw_pages: request names the window, key or file read; total is the portal's total
-- for it; records the records on the page
CREATE VIEW IF NOT EXISTS {db}.v_raw_pages AS
SELECT fetched_at, source, run_id, request, window_from, window_to, page, total, records, body
FROM {db}.raw_pages;

-- schema_fields: every top-level key seen per source and JSON type, with
-- how many records had it (field '' counts the records). Rewritten by
-- every run with its counts added (the latest version wins).
CREATE TABLE IF NOT EXISTS {db}.schema_fields
(
    source     String,
    field      String,
    json_type  String,
    first_seen DateTime('Asia/Ho_Chi_Minh'),
    last_seen  DateTime('Asia/Ho_Chi_Minh'),
    records    UInt64,
    version    UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (source, field, json_type);

CREATE VIEW IF NOT EXISTS {db}.v_schema_fields AS
SELECT source, field, json_type, first_seen, last_seen, records
FROM {db}.schema_fields FINAL;

-- schema_drift: a key seen for the first time that the contract does not
-- name (added), a key most records had that a run's records no longer have
-- (removed), a key whose usual JSON type changed (retyped). example is a
-- value as archived (scrubbed). A drift is resolved when the binary's
-- contract learns the key, the key comes back or its type returns
-- (resolved_at, set by the run that sees it).
CREATE TABLE IF NOT EXISTS {db}.schema_drift
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
ENGINE = ReplacingMergeTree(version)
ORDER BY (source, field, change);

CREATE VIEW IF NOT EXISTS {db}.v_schema_drift AS
SELECT source, field, change, detail, first_seen, last_seen, records, example, run_id, resolved_at
FROM {db}.schema_drift FINAL;
