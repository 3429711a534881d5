-- 0004_files: the file-drop source (portal-api.md §6).
-- One row per processed file content: the SHA-256 of the bytes makes a
-- re-dropped file a no-op. A file is recorded 'done' only after every row it
-- loaded was acknowledged, so a crash before that re-processes it (its rows
-- are idempotent); 'failed' files are recorded with the reason and are tried
-- again if dropped again.

CREATE TABLE IF NOT EXISTS {db}.files
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
ENGINE = ReplacingMergeTree(version)
ORDER BY content_hash;

-- v_files: rows is the file's data rows, loaded and rejected how many of them went where
CREATE VIEW IF NOT EXISTS {db}.v_files AS
SELECT content_hash, file_name, status, rows, loaded, rejected, reason, processed_at, run_id
FROM {db}.files FINAL;
