-- 0005_explicit_views: every view lists its columns.
-- Current ClickHouse releases expand `SELECT *` when a view is created, so a
-- column added to a table later would stay invisible through a view written
-- with `*` (18.16 expands it at each read). 0001 and 0003 now list their
-- columns for new databases; this migration re-creates the three views that
-- were created with `*` in databases migrated before it. The rule from here
-- on (tested by TestViewsShowEveryColumn): a migration that adds a column
-- re-creates, with an explicit column list, every view that shows it.

DROP TABLE IF EXISTS {db}.v_dossiers;
DROP TABLE IF EXISTS {db}.v_dossier_steps;
DROP TABLE IF EXISTS {db}.v_petitions;

-- v_dossiers, one row per dossier (its current version):
--   version: source precedence << 40 | NgayCapNhat (0008): read updated_at for the date
--   procedure_code: MaTTHC normalized; procedure_national_code: its N.NNNNNN part
--   agency_code: MaCoQuan; channel_missing: 1 = KenhThucHien absent, counted direct
--   applicant_type: LoaiDoiTuong 1 citizen, 2 enterprise, 3 state agency, 4 other, 0 invalid
--   *_hash: keyed HMAC-SHA256 of the personal value, '' = absent (account_hash: MaDoiTuong)
--   status: TrangThaiHoSo 1-10 (docs/spec/portal-api.md)
--   vneid: account verified with VNeID; paid_online: 0 no, 1 national portal, 2 provincial
--   rating: DanhGiaHaiLong 1 very satisfied, 2 satisfied, 3 dissatisfied, 0 none
--   doc_count: documents submitted; doc_digitized, doc_reused (reused or replaced by a
--   result), doc_from_store (from the national data store): how many of them
--   fee_total: the fees' Gia summed; result_links: results with a file link
--   supp_*: one element per supplement request, in order
--   synced, synced_at, sync_error: DongBoDVCQG's DaDongBo, ThoiDiemDongBo, MaLoi
--   flags: data-quality flags (docs/normalization.md); step_count: steps read
--   source: dossiers (portal API) or files (a file drop); loaded_at: when the row was written
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

-- v_dossier_steps, the steps (QuaTrinhXuLy) of each dossier's current version:
--   status: the step's status text; status_code: its TrangThaiHoSo code (0 = not recognised)
--   department: PhongBanXuLy; handler, content: keyed hashes (personal data)
--   synced_at: when the step reached the national portal, NULL = never
CREATE VIEW IF NOT EXISTS {db}.v_dossier_steps AS
SELECT dossier_id, step_index, version, step_at, status, status_code, department, handler, content, synced_at, run_id
FROM {db}.dossier_steps FINAL
WHERE (dossier_id, version) IN (SELECT dossier_id, version FROM {db}.dossiers FINAL);

-- v_petitions: deadline_at is HanXuLy (NULL: the default deadline applies), handled_at
-- NgayXuLyXong, dossier_id the related dossier (MaHoSo), rating as in v_dossiers
CREATE VIEW IF NOT EXISTS {db}.v_petitions AS
SELECT petition_id, version, dossier_id, unit_code, unit_name, received_at, deadline_at, handled_at, rating, updated_at, source, run_id, loaded_at
FROM {db}.petitions FINAL;
