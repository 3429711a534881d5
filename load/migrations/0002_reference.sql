-- 0002_reference: reference data analysts and indicators join against.
--
-- units: every administrative unit with its validity (GSO codes are reused:
-- 21664 is Hoài Thanh Tây until 2025-06-30 and Hoài Nhơn from 2025-07-01, so
-- the key is (code, valid_from)). unit_successors: old unit → the unit it was
-- merged into, from the date the merger took effect, so old units roll up
-- into their successors. procedures and procedure_time_limits: the portal's
-- procedure catalogue and the history of each procedure's legal time limit.
-- All are replaced wholesale on refresh; versions make re-loading harmless.

CREATE TABLE IF NOT EXISTS {db}.units
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
ENGINE = ReplacingMergeTree(version)
ORDER BY (code, valid_from);

CREATE TABLE IF NOT EXISTS {db}.unit_successors
(
    from_code      String,
    to_code        String,
    effective_from Date,
    version        UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (from_code, effective_from);

CREATE TABLE IF NOT EXISTS {db}.procedures
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
ENGINE = ReplacingMergeTree(version)
ORDER BY national_code;

CREATE TABLE IF NOT EXISTS {db}.procedure_time_limits
(
    national_code String,
    valid_from    Date,
    days          Float64,
    decision      String,
    version       UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (national_code, valid_from);

-- v_units: type is phuong, xa, thi_xa, tinh, ...; valid_to NULL = still valid
-- merged_into: the code the unit became in the 2025 merger ('' = none)
CREATE VIEW IF NOT EXISTS {db}.v_units AS
SELECT code, valid_from, valid_to, name, type, district_code, district_name, province_code, province_name, merged_into
FROM {db}.units FINAL;

-- v_unit_successors: from_code became to_code on effective_from (a unit may succeed itself)
CREATE VIEW IF NOT EXISTS {db}.v_unit_successors AS
SELECT from_code, to_code, effective_from
FROM {db}.unit_successors FINAL;

-- v_procedures: levels are CapThucHien (xa, huyen, tinh); online_level is MucDoDVC
-- (toan_trinh, mot_phan or ''); time_limit_days in working days; decision_no and
-- decision_date: the publishing decision (QuyetDinhCongBo); legal_basis_date:
-- NgayHieuLucCanCu; public_date: NgayCongKhai; content_full: all seven parts public
-- group_code: the interconnected group (khai_sinh, khai_tu) or ''
CREATE VIEW IF NOT EXISTS {db}.v_procedures AS
SELECT national_code, name, field_code, levels, time_limit_days, has_fees, online_level, result_is_document,
       decision_no, decision_date, legal_basis_date, public_date, content_full, group_code, e_certified_copy, synced_at
FROM {db}.procedures FINAL;

-- Rows of the latest catalogue snapshot only: a limit that a later snapshot
-- no longer lists is not in force.
CREATE VIEW IF NOT EXISTS {db}.v_procedure_time_limits AS
SELECT national_code, valid_from, days, decision
FROM {db}.procedure_time_limits FINAL
WHERE (national_code, version) IN (SELECT national_code, max(version) FROM {db}.procedure_time_limits GROUP BY national_code);
