package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// parse reads the file in two passes (header and row count, then rows)
// into the writer. A panic of the parser fails the file. Its error is a
// ClickHouse failure.
func (fs *fileSync) parse(ctx context.Context, f *os.File, size int64, o *FileOutcome, flog zerolog.Logger) (err error) {
	defer func() {
		if p := recover(); p != nil {
			// The panic's value is not logged: it may quote a cell.
			flog.Error().Str("panic_type", fmt.Sprintf("%T", p)).Str("stack", string(debug.Stack())).Msg("file parser panicked")
			o.fail("the file's parser crashed on it (a malformed file, or a bug): not loaded")
			err = nil
		}
	}()
	layout, ok := fs.scan(f, size, o)
	if !ok {
		return nil
	}
	o.ignoredColumns = layout.Ignored
	if len(layout.Ignored) > 0 {
		flog.Warn().Strs("columns", layout.Ignored).Msg("columns not in portal-api.md §6 were dropped")
	}
	return fs.load(ctx, f, size, layout, o, flog)
}

// limits are the file limits handed to the table reader.
func (fs *fileSync) limits() extract.TableLimits {
	return extract.TableLimits{MaxUnzippedBytes: fs.e.cfg.Files.MaxUnzippedBytes}
}

// scan is the first pass: it finds the header and counts the data rows
// against files.max_rows, keeping no row past the title rows.
func (fs *fileSync) scan(f *os.File, size int64, o *FileOutcome) (transform.FileLayout, bool) {
	rr, err := fs.open(o.Name, f, size, fs.limits())
	if err != nil {
		o.fail("%v", err)
		return transform.FileLayout{}, false
	}
	defer rr.Close()
	var head [][]string
	for len(head) < transform.MaxTitleRows {
		row, err := rr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			o.fail("%v", err)
			return transform.FileLayout{}, false
		}
		head = append(head, row)
	}
	layout, err := transform.DetectFileLayout(head)
	if err != nil {
		o.fail("%v", err)
		return transform.FileLayout{}, false
	}
	layout.Positional = rr.Positional()
	var rows int
	for _, row := range head[layout.HeaderRow+1:] {
		if !transform.Blank(row) {
			rows++
		}
	}
	max := fs.e.cfg.Files.MaxRows
	for rows <= max {
		row, err := rr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			o.fail("%v", err)
			return transform.FileLayout{}, false
		}
		if !transform.Blank(row) {
			rows++
		}
	}
	switch {
	case rows > max:
		o.fail("more than files.max_rows (%d) data rows: refused before loading any", max)
		return transform.FileLayout{}, false
	case rows == 0:
		o.fail("no data rows below the header (row %d)", layout.HeaderRow+1)
		return transform.FileLayout{}, false
	}
	return layout, true
}

// load is the second pass: each row is normalized and handed to the
// writer, which sends batches of clickhouse.batch_rows as they fill.
func (fs *fileSync) load(ctx context.Context, f *os.File, size int64, layout transform.FileLayout, o *FileOutcome, flog zerolog.Logger) error {
	rr, err := fs.open(o.Name, f, size, fs.limits())
	if err != nil {
		o.fail("%v", err)
		return nil
	}
	defer rr.Close()
	var w *load.Writer
	if !fs.dryRun {
		w = fs.store.NewWriter(fs.runID, flog)
	}
	pg := &filePage{fs: fs, w: w, layout: layout, o: o, log: flog}
	for i := 0; ; i++ {
		row, err := rr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			o.fail("%v (after %d rows were read)", err, i)
			break
		}
		if i <= layout.HeaderRow || transform.Blank(row) {
			continue
		}
		if err := pg.add(ctx, i+1, row); err != nil {
			return err
		}
	}
	if err := pg.flush(ctx); err != nil {
		return err
	}
	if w != nil {
		if err := w.Flush(ctx); err != nil {
			return err
		}
	}
	if o.Status == "" {
		o.Status = load.FileDone
		if o.Loaded == 0 {
			o.fail("every one of its %d rows was rejected (see v_rejects)", o.Rows)
		}
	}
	return nil
}

// filePageRows is how many rows of a file make one archive page.
const filePageRows = 500

// filePage gathers a file's rows into archive pages: a page is archived
// (sent to the writer) before its rows are normalized into it, so no row
// is loaded without its page.
type filePage struct {
	fs     *fileSync
	w      *load.Writer // nil in a dry run
	layout transform.FileLayout
	o      *FileOutcome
	log    zerolog.Logger
	number int
	rows   []fileRow
}

type fileRow struct {
	n   int      // 1-based row number in the file
	raw []byte   // the row as a dossier record; nil for a ragged row
	row []string // cells
}

func (pg *filePage) add(ctx context.Context, n int, row []string) error {
	fr := fileRow{n: n, row: row}
	if !pg.layout.Positional || len(row) == pg.layout.Width {
		fr.raw, _ = pg.layout.Record(row)
	}
	pg.rows = append(pg.rows, fr)
	if len(pg.rows) >= filePageRows {
		return pg.flush(ctx)
	}
	return nil
}

// flush archives the gathered rows as one page, then normalizes them.
func (pg *filePage) flush(ctx context.Context) error {
	if len(pg.rows) == 0 {
		return nil
	}
	pg.number++
	var records [][]byte
	for _, r := range pg.rows {
		if r.raw != nil {
			records = append(records, r.raw)
		}
	}
	fs := pg.fs
	page := fs.arch.page(fmt.Sprintf("%s sha256:%s", pg.o.Name, pg.o.hash), extract.Window{}, pg.number, -1, records, fs.shape)
	if pg.w != nil {
		if err := pg.w.AddRawPage(ctx, page); err != nil {
			return err
		}
	}
	for _, r := range pg.rows {
		if err := fs.row(ctx, pg.w, pg.layout, r, pg.o, pg.log); err != nil {
			return err
		}
	}
	pg.rows = pg.rows[:0]
	return nil
}

// row normalizes one data row into w.
func (fs *fileSync) row(ctx context.Context, w *load.Writer, layout transform.FileLayout, fr fileRow, o *FileOutcome, flog zerolog.Logger) error {
	o.Rows++
	n, row, raw := fr.n, fr.row, fr.raw
	var rj transform.Reject
	if raw == nil {
		rj = transform.RaggedRowReject(o.Name, n, len(row), layout)
	} else {
		d, err := fs.norm.Dossier(raw)
		if err == nil {
			o.Loaded++
			if w == nil {
				return nil
			}
			return w.AddDossier(ctx, d)
		}
		rj = fs.norm.Reject("normalize", raw, err)
		rj.Reason = fmt.Sprintf("%q row %d: %s", o.Name, n, rj.Reason)
	}
	o.Rejected++
	flog.Warn().Str("record_key", rj.RecordKey).Str("field", rj.Field).Str("reason", rj.Reason).Msg("record rejected")
	if w == nil {
		if len(o.rejects) < maxDryRunRejects {
			o.rejects = append(o.rejects, rj)
		}
		return nil
	}
	return w.AddReject(ctx, rj)
}
