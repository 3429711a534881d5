package load

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/transform"
)

// Insert statements: explicit column lists always (18.16 rejects a batch
// without one), and the Go row functions below append values in exactly this
// order.
const (
	insertDossiersSQL = `INSERT INTO {db}.dossiers (dossier_id, version, procedure_code, procedure_national_code,
procedure_name, field_code, unit_code, unit_name, agency_code, channel, channel_missing, applicant_type,
owner_hash, id_hash, phone_hash, email_hash, account_hash, status, submitted_at, received_at, due_at,
finished_at, returned_at, refused_at, has_digitized, vneid, paid_online, rating, doc_count, doc_digitized,
doc_reused, doc_from_store, fee_count, fee_total, result_count, result_links, supp_requested_at,
supp_received_at, supp_new_due_at, synced, synced_at, sync_error, flags, step_count, updated_at, source,
run_id, loaded_at)`
	insertStepsSQL = `INSERT INTO {db}.dossier_steps (dossier_id, step_index, version, step_at, status,
status_code, department, handler, content, synced_at, run_id)`
	insertRejectsSQL = `INSERT INTO {db}.rejects (source, stage, record_key, field, reason, raw, raw_hash,
rejected_at, run_id)`
)

// insertRows sends n rows as one native batch, retrying the whole batch on
// failure. It is the only path by which rows reach ClickHouse.
func (s *Store) insertRows(ctx context.Context, log zerolog.Logger, stmt string, n int, row func(i int) []any) error {
	if n == 0 {
		return nil
	}
	var err error
	wait := s.opts.RetryWait
	for attempt := 0; ; attempt++ {
		err = s.sendBatch(ctx, stmt, n, row)
		if err == nil || ctx.Err() != nil || attempt >= s.opts.Retries {
			break
		}
		log.Warn().Err(err).Int("attempt", attempt+1).Int("max_attempts", s.opts.Retries+1).
			Dur("wait", wait).Msg("clickhouse batch failed; retrying")
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
	return err
}

func (s *Store) sendBatch(ctx context.Context, stmt string, n int, row func(i int) []any) error {
	batch, err := s.conn.PrepareBatch(ctx, s.SQL(stmt))
	if err != nil {
		return fmt.Errorf("prepare batch: %w", err)
	}
	for i := 0; i < n; i++ {
		if err := batch.Append(row(i)...); err != nil {
			_ = batch.Abort()
			return fmt.Errorf("append row %d: %w", i, err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("send batch: %w", err)
	}
	return nil
}

// WriterStats counts what a Writer has acknowledged.
type WriterStats struct {
	Dossiers, Steps, Petitions, Rejects uint64
	RawPages                            uint64 // archive pages (raw_pages)
	Batches                             int
}

// Loaded is the number of rows of the sources' own tables acknowledged
// (dossiers and petitions; not their steps, not rejects): what a run
// reports as loaded. A new row type adds its count here.
func (s WriterStats) Loaded() uint64 { return s.Dossiers + s.Petitions }

// Writer buffers normalized rows and writes them in batches of at most
// BatchRows rows per table. A row counts as loaded only once the batch that
// holds it was acknowledged by the server: Flush returns nil only then.
// A Writer is not safe for concurrent use; the sync pipeline gives it to one
// goroutine.
type Writer struct {
	s         *Store
	runID     string
	log       zerolog.Logger
	now       func() time.Time
	dossiers  []dossierRow
	steps     []stepRow
	petitions []transform.Petition
	rejects   []transform.Reject
	raw       []RawPage
	stats     WriterStats
}

type dossierRow struct {
	d         transform.Dossier // Steps emptied: they are buffered as stepRows
	stepCount uint16
}

type stepRow struct {
	dossierID string
	version   uint64
	step      transform.Step
}

// NewWriter returns a writer that tags rows with runID and logs retries to
// log (which carries the run's fields).
func (s *Store) NewWriter(runID string, log zerolog.Logger) *Writer {
	return &Writer{s: s, runID: runID, log: log, now: time.Now}
}

// Stats returns the acknowledged counts so far.
func (w *Writer) Stats() WriterStats { return w.stats }

// Version is the ReplacingMergeTree version of a dossier: the precedence of
// its source in the high bits, its NgayCapNhat (Unix seconds) in the low
// VersionTimeBits. A row read from the portal API therefore always replaces
// a row of a file drop, whatever their dates, and within one source the
// latest NgayCapNhat wins whatever order the rows arrive in. Steps carry
// their dossier's version, so v_dossier_steps follows the same rule.
func Version(d *transform.Dossier) uint64 {
	return SourcePrecedence(d.Source)<<VersionTimeBits | uint64(d.UpdatedAt.Unix())&versionTimeMask
}

// VersionTimeBits is the width of the NgayCapNhat part of a dossier version:
// enough for any DateTime ClickHouse stores (up to 2106, 32 bits).
const VersionTimeBits = 40

const versionTimeMask = 1<<VersionTimeBits - 1

// FileSource is the source name of dossier rows read from file drops.
const FileSource = "files"

// SourcePrecedence ranks the sources of dossier rows: the portal API (2)
// over file drops (1). 0 is left for rows loaded before precedence existed
// (migration 0008 re-versions them).
func SourcePrecedence(source string) uint64 {
	if source == FileSource {
		return 1
	}
	return 2
}

// AddDossier buffers a dossier and its steps, flushing when a buffer is full.
func (w *Writer) AddDossier(ctx context.Context, d transform.Dossier) error {
	v := Version(&d)
	for _, st := range d.Steps {
		w.steps = append(w.steps, stepRow{dossierID: d.DossierID, version: v, step: st})
	}
	n := uint16(len(d.Steps))
	d.Steps = nil // the steps live in their own buffer
	w.dossiers = append(w.dossiers, dossierRow{d: d, stepCount: n})
	switch {
	case len(w.dossiers) >= w.s.opts.BatchRows:
		return w.Flush(ctx)
	case len(w.steps) >= w.s.opts.BatchRows:
		// Steps fill up about five times faster than dossiers: send them
		// alone, so dossier batches stay full. Steps ahead of their dossier
		// are harmless (v_dossier_steps shows a version's steps only once
		// the dossier version is current); the reverse is what Flush avoids.
		return w.flushSteps(ctx)
	}
	return nil
}

// flushSteps writes the buffered steps in batches of at most BatchRows: a
// dossier's steps are buffered together, so the buffer can overshoot.
func (w *Writer) flushSteps(ctx context.Context) error {
	if err := w.flushRaw(ctx); err != nil { // the archive goes first
		return err
	}
	buf := w.steps // reused once every step is sent
	for len(w.steps) > 0 {
		n := min(len(w.steps), w.s.opts.BatchRows)
		w.stats.Batches++
		if err := w.s.insertRows(ctx, w.log, insertStepsSQL, n, func(i int) []any { return w.stepValues(&w.steps[i]) }); err != nil {
			return fmt.Errorf("load dossier_steps batch %d (%d rows): %w", w.stats.Batches, n, err)
		}
		w.stats.Steps += uint64(n)
		w.steps = w.steps[n:] // on an error, the unsent steps stay buffered
	}
	w.steps = buf[:0]
	return nil
}

// AddPetition buffers a petition, flushing when the buffer is full.
func (w *Writer) AddPetition(ctx context.Context, p transform.Petition) error {
	w.petitions = append(w.petitions, p)
	if len(w.petitions) >= w.s.opts.BatchRows {
		return w.Flush(ctx)
	}
	return nil
}

// AddReject buffers a reject.
func (w *Writer) AddReject(ctx context.Context, r transform.Reject) error {
	w.rejects = append(w.rejects, r)
	if len(w.rejects) >= w.s.opts.BatchRows {
		return w.Flush(ctx)
	}
	return nil
}

// Flush writes every buffered row. The archive pages go first (a
// normalized row is never acknowledged without its page archived), then
// steps before their dossiers, so that a dossier version never becomes
// current in v_dossier_steps without its steps.
func (w *Writer) Flush(ctx context.Context) error {
	now := w.now()
	if err := w.flushSteps(ctx); err != nil {
		return err
	}
	if n := len(w.dossiers); n > 0 {
		w.stats.Batches++
		if err := w.s.insertRows(ctx, w.log, insertDossiersSQL, n, func(i int) []any { return w.dossierValues(&w.dossiers[i], now) }); err != nil {
			return fmt.Errorf("load dossiers batch %d (%d rows): %w", w.stats.Batches, n, err)
		}
		w.stats.Dossiers += uint64(n)
		w.dossiers = w.dossiers[:0]
	}
	if n := len(w.petitions); n > 0 {
		w.stats.Batches++
		if err := w.s.WritePetitions(ctx, w.runID, w.petitions); err != nil {
			return fmt.Errorf("batch %d: %w", w.stats.Batches, err)
		}
		w.stats.Petitions += uint64(n)
		w.petitions = w.petitions[:0]
	}
	if n := len(w.rejects); n > 0 {
		w.stats.Batches++
		if err := w.s.insertRows(ctx, w.log, insertRejectsSQL, n, func(i int) []any { return w.rejectValues(&w.rejects[i], now) }); err != nil {
			return fmt.Errorf("load rejects batch %d (%d rows): %w", w.stats.Batches, n, err)
		}
		w.stats.Rejects += uint64(n)
		w.rejects = w.rejects[:0]
	}
	return nil
}

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

func (w *Writer) dossierValues(r *dossierRow, now time.Time) []any {
	d := &r.d
	req := make([]*time.Time, len(d.Supplements))
	rec := make([]*time.Time, len(d.Supplements))
	due := make([]*time.Time, len(d.Supplements))
	for i, s := range d.Supplements {
		req[i], rec[i], due[i] = s.RequestedAt, s.ReceivedAt, s.NewDueAt
	}
	flags := d.Flags
	if flags == nil {
		flags = []string{}
	}
	return []any{
		d.DossierID, Version(d), d.ProcedureCode, d.ProcedureNationalCode,
		d.ProcedureName, d.FieldCode, d.UnitCode, d.UnitName, d.AgencyCode, d.Channel.String(), b2u(d.ChannelMissing), d.ApplicantType,
		d.OwnerHash, d.IDHash, d.PhoneHash, d.EmailHash, d.AccountHash, d.Status, d.SubmittedAt, d.ReceivedAt, d.DueAt,
		d.FinishedAt, d.ReturnedAt, d.RefusedAt, b2u(d.HasDigitized), b2u(d.VNeID), d.PaidOnline, d.Rating, d.DocCount, d.DocDigitized,
		d.DocReused, d.DocFromStore, d.FeeCount, d.FeeTotal, d.ResultCount, d.ResultLinks, req,
		rec, due, b2u(d.Synced), d.SyncedAt, d.SyncError, flags, r.stepCount, d.UpdatedAt, d.Source,
		w.runID, now,
	}
}

func (w *Writer) stepValues(r *stepRow) []any {
	st := &r.step
	return []any{r.dossierID, st.Index, r.version, st.At, st.Status, st.StatusCode, st.Department, st.Handler, st.Content, st.SyncedAt, w.runID}
}

func (w *Writer) rejectValues(r *transform.Reject, now time.Time) []any {
	h := fnv.New64a()
	_, _ = h.Write([]byte(r.Stage + "\x00" + r.Reason + "\x00" + r.Raw))
	return []any{r.Source, r.Stage, r.RecordKey, r.Field, r.Reason, r.Raw, h.Sum64(), now, w.runID}
}

// IsUnavailable reports whether err means ClickHouse could not be reached.
func IsUnavailable(err error) bool { return errors.Is(err, ErrUnavailable) }
