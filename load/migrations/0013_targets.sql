-- 0013_targets: each unit's targets per indicator (refdata.targets_file,
-- docs/refdata.md): Hoài Nhơn assigns its units seven targets tied to the
-- index ("07 chỉ tiêu giao", Quyết định 1341/QĐ-UBND, 2024). period is a
-- year ("2024": every quarter and month of it) or one period. Each load
-- replaces the previous one: rows carry the load's version, and the view
-- shows only the latest load (its marker row, unit_code '', stands for a
-- load without targets).

CREATE TABLE IF NOT EXISTS {db}.unit_targets
(
    unit_code String,
    period    String,
    indicator String,
    target    Float64,
    source    String,
    version   UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (version, unit_code, period, indicator);

-- v_unit_targets: the targets of the latest load. target is in points of
-- the indicator's maximum (transparency 18 … total 100); source names the
-- file it was read from.
CREATE VIEW IF NOT EXISTS {db}.v_unit_targets AS
SELECT unit_code, period, indicator, target, source
FROM {db}.unit_targets
WHERE version = (SELECT max(version) FROM {db}.unit_targets) AND unit_code != '';
