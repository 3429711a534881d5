-- 0006_windows: what each window read of a windowed source proved
-- (extract/complete.go). A window is complete only when one read, under one
-- stable total, produced as many distinct records as the portal's total; one
-- row per window read by a run, and one per half of a window split because
-- it kept changing (depth = halvings from the planned window). Written by the
-- sync after the window's pipeline stopped, before the watermark moves.

CREATE TABLE IF NOT EXISTS {db}.windows
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
ENGINE = ReplacingMergeTree(version)
ORDER BY (run_id, source, window_from, window_to);

-- total_reported: the portal's total (-1 = none); records_read: over every read of the
-- window; distinct_records: of the last read; rereads: reads after the first; page_size:
-- as the portal answered
CREATE VIEW IF NOT EXISTS {db}.v_windows AS
SELECT run_id, source, window_from, window_to, depth, total_reported, records_read, distinct_records,
       rereads, pages, page_size, status, error, portal_time, recorded_at
FROM {db}.windows FINAL;
