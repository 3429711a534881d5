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

CREATE VIEW IF NOT EXISTS {db}.v_dossier_steps AS
SELECT dossier_id, step_index, version, step_at, status, status_code, department, handler, content, synced_at, run_id
FROM {db}.dossier_steps FINAL
WHERE (dossier_id, version) IN (SELECT dossier_id, version FROM {db}.dossiers FINAL);

CREATE VIEW IF NOT EXISTS {db}.v_petitions AS
SELECT petition_id, version, dossier_id, unit_code, unit_name, received_at, deadline_at, handled_at, rating, updated_at, source, run_id, loaded_at
FROM {db}.petitions FINAL;
