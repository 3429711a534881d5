package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// The file-drop source (portal-api.md §6). Invariants:
//   - A file is read only when it has settled (unchanged for files.settle),
//     is a regular file (a symbolic link is refused, never followed) and is
//     within files.max_bytes; an .xlsx also within files.max_unzipped_bytes,
//     checked from its zip directory before anything is inflated.
//   - Rows are streamed twice: a first pass finds the header and counts the
//     rows (files.max_rows) without keeping them, the second normalizes and
//     hands them to the batch writer; no file's rows are ever all in memory.
//   - A bad file (unreadable, over a limit, no header, every row rejected, a
//     parser that panics, a file-system error on it) moves to failed/ with
//     NAME.reason.txt and the run goes on to the next file; only ClickHouse
//     failing stops the run, leaving the file in the inbox.
//   - done/, failed/ and reason files are created without following
//     symbolic links, and never over an existing file.

// Folders of the file-drop source, inside files.inbox.
const (
	filesDoneDir   = "done"
	filesFailedDir = "failed"
)

// Outcomes of a file besides load.FileDone and load.FileFailed.
const (
	fileDuplicate = "duplicate" // same content already loaded: moved to done/
	fileUnsettled = "unsettled" // still being written: left for the next run
)

// maxDryRunRejects is how many rejects a dry run keeps to print.
const maxDryRunRejects = 50

// fileOutcome is what became of one dropped file.
type fileOutcome struct {
	name                   string
	status                 string // load.FileDone, load.FileFailed, fileDuplicate or fileUnsettled
	rows, loaded, rejected uint64
	reason                 string
	rejects                []transform.Reject // dry run: the first ones, to print
	hash                   string
	duplicateOf            string
	ignoredColumns         []string
	stuck                  error // a file-system error that left the file in the inbox
}

func (o *fileOutcome) fail(format string, args ...any) {
	o.status, o.reason = load.FileFailed, fmt.Sprintf(format, args...)
}

// tableOpener opens a file export for streaming (extract.OpenTable; tests
// substitute a parser that panics).
type tableOpener func(name string, r io.ReaderAt, size int64, lim extract.TableLimits) (extract.RowReader, error)

// fileSync is one run of the file-drop source.
type fileSync struct {
	a      *app
	store  *load.Store // nil in a dry run
	norm   *transform.Normalizer
	inbox  string
	runID  string
	dryRun bool
	log    zerolog.Logger
	open   tableOpener
}

// errNoInbox is the usage error of the file-drop source without files.inbox.
func errNoInbox() error {
	return usagef("files.inbox is not set: set it (DVC_FILES_INBOX) to the folder where exported .xlsx/.csv dossier lists are dropped")
}

// syncFiles processes every .csv and .xlsx in files.inbox: a file already
// loaded (same content hash in v_files) moves to done/ without loading
// anything; a bad file moves to failed/ with NAME.reason.txt beside it; the
// rest load (rows that fail normalization go to v_rejects) and move to done/.
// A file is recorded done only after its rows were acknowledged, and moved
// only after that: a crash in between leaves it in the inbox, and the next
// run loads the same rows again (harmless) or finds it done.
func (a *app) syncFiles(ctx context.Context, store *load.Store, dryRun, unsafeDevKey bool) error {
	const source = "files"
	inbox := a.cfg.Files.Inbox
	if inbox == "" {
		return errNoInbox()
	}
	norm, err := a.normalizer(source, unsafeDevKey)
	if err != nil {
		return err
	}
	names, err := inboxFiles(inbox)
	if err != nil {
		return err
	}
	runID := newRunID(a.now())
	fs := &fileSync{a: a, norm: norm, inbox: inbox, runID: runID, dryRun: dryRun, open: extract.OpenTable,
		log: a.log.With().Str("run_id", runID).Str("source", source).Logger()}
	run := load.Run{ID: runID, Source: source, Command: "sync", StartedAt: a.now(), Status: load.RunRunning}
	if !dryRun {
		fs.store = store
		if err := store.RecordRun(ctx, run); err != nil {
			return err
		}
	}
	fs.log.Info().Str("inbox", inbox).Int("files", len(names)).Bool("dry_run", dryRun).Msg("sync started")
	outcomes, runErr := fs.all(ctx, names)
	return a.finishFiles(ctx, store, &run, outcomes, runErr, dryRun, fs.log)
}

// all processes the files in turn; it stops only when ClickHouse fails.
func (fs *fileSync) all(ctx context.Context, names []string) ([]fileOutcome, error) {
	var outcomes []fileOutcome
	var stuck []error
	for _, name := range names {
		o, err := fs.file(ctx, name)
		outcomes = append(outcomes, o)
		if err != nil {
			// ClickHouse failed, not the file: it stays in the inbox.
			return outcomes, fmt.Errorf("sync files: %q: %w", name, err)
		}
		if o.stuck != nil {
			stuck = append(stuck, fmt.Errorf("file %q left in the inbox: %w", name, o.stuck))
		}
	}
	return outcomes, errors.Join(stuck...)
}

// finishFiles records the run and prints one line per file.
func (a *app) finishFiles(ctx context.Context, store *load.Store, run *load.Run, outcomes []fileOutcome, runErr error,
	dryRun bool, log zerolog.Logger) error {
	var failed []string
	var rejects []transform.Reject
	for _, o := range outcomes {
		run.Fetched += o.rows
		run.Loaded += o.loaded
		run.Rejected += o.rejected
		rejects = append(rejects, o.rejects...)
		if o.status == load.FileFailed {
			failed = append(failed, o.name)
		}
	}
	runErr = a.finishRun(ctx, store, run, runErr, dryRun, run.Loaded, log, func(e *zerolog.Event) *zerolog.Event {
		return e.Int("files", len(outcomes)).Strs("failed_files", failed)
	})
	for _, o := range outcomes {
		switch o.status {
		case fileDuplicate:
			fmt.Fprintf(a.stdout, "file %q: already loaded (as %q), nothing to do\n", o.name, o.duplicateOf)
		case fileUnsettled:
			fmt.Fprintf(a.stdout, "file %q: still being written, left for the next run\n", o.name)
		case load.FileFailed:
			fmt.Fprintf(a.stdout, "file %q: FAILED — %s\n", o.name, o.reason)
		default:
			fmt.Fprintf(a.stdout, "file %q: %d rows, loaded %d, rejected %d\n", o.name, o.rows, o.loaded, o.rejected)
		}
	}
	res := syncResult{run: *run}
	if dryRun {
		res.rejects = rejects
	}
	a.printRun(res)
	return runErr
}

// inboxFiles lists the inbox's .csv and .xlsx entries, sorted by name:
// regular files and also symbolic links and other non-regular entries with
// those extensions, which are refused by name rather than silently skipped.
func inboxFiles(inbox string) ([]string, error) {
	entries, err := os.ReadDir(inbox)
	if err != nil {
		return nil, fmt.Errorf("files inbox %q: %w", inbox, err)
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") {
			continue // folders (done/, failed/), hidden files, Office lock files
		}
		if slices.Contains(extract.FileExtensions, strings.ToLower(filepath.Ext(name))) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// file processes one file. Its error is a ClickHouse failure (the file
// stays in the inbox); everything wrong with the file itself is an outcome.
func (fs *fileSync) file(ctx context.Context, name string) (fileOutcome, error) {
	o := fileOutcome{name: name}
	flog := fs.log.With().Str("file", name).Logger()
	f, size, ok := fs.openSettled(name, &o, flog)
	if f != nil {
		defer f.Close()
	}
	if !ok {
		return o, fs.settle(ctx, &o, flog)
	}
	sum := sha256.New()
	if n, err := io.Copy(sum, io.NewSectionReader(f, 0, size)); err != nil || n != size {
		o.fail("cannot read the file (%d of %d bytes read): %v", n, size, err)
		return o, fs.settle(ctx, &o, flog)
	}
	o.hash = hex.EncodeToString(sum.Sum(nil))
	flog = flog.With().Str("sha256", o.hash[:16]).Logger()
	if !fs.dryRun {
		prev, done, err := fs.store.FileDone(ctx, o.hash)
		if err != nil {
			return o, err
		}
		if done {
			o.status, o.duplicateOf = fileDuplicate, prev
			flog.Info().Str("loaded_as", prev).Msg("file already loaded; moving it to done/ without loading")
			return o, fs.settle(ctx, &o, flog)
		}
	}
	if err := fs.parse(ctx, f, size, &o, flog); err != nil {
		return o, err
	}
	return o, fs.settle(ctx, &o, flog)
}

// openSettled checks the entry (regular, settled, within files.max_bytes)
// and opens it without following a symbolic link. ok false: o says why
// (failed, or unsettled).
func (fs *fileSync) openSettled(name string, o *fileOutcome, flog zerolog.Logger) (f *os.File, size int64, ok bool) {
	cfg := fs.a.cfg.Files
	path := filepath.Join(fs.inbox, name)
	fi, err := os.Lstat(path)
	switch {
	case err != nil:
		o.fail("cannot read the file's attributes: %v", pathless(err))
		return nil, 0, false
	case fi.Mode()&os.ModeSymlink != 0:
		o.fail("is a symbolic link: refused, never followed; drop the file itself")
		return nil, 0, false
	case !fi.Mode().IsRegular():
		o.fail("is not a regular file (%s): refused", fi.Mode().Type())
		return nil, 0, false
	}
	if age := fs.a.now().Sub(fi.ModTime()); age < cfg.Settle.D() {
		o.status = fileUnsettled
		flog.Info().Time("modified", fi.ModTime()).Dur("settle", cfg.Settle.D()).Msg("file modified within files.settle; it may still be being written; left for the next run")
		return nil, 0, false
	}
	if fi.Size() > cfg.MaxBytes {
		o.fail("%d bytes, more than files.max_bytes (%d): refused unread", fi.Size(), cfg.MaxBytes)
		return nil, 0, false
	}
	f, err = os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		o.fail("cannot open the file: %v", pathless(err))
		return nil, 0, false
	}
	now, err := f.Stat()
	if err != nil || !os.SameFile(fi, now) || now.Size() != fi.Size() || !now.ModTime().Equal(fi.ModTime()) {
		// Replaced or still growing between the check and the open.
		o.status = fileUnsettled
		return f, 0, false
	}
	return f, fi.Size(), true
}

// pathless drops the path from a *PathError, whose message would repeat the
// inbox unquoted.
func pathless(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// settle records and moves a file according to its outcome. Its error is a
// ClickHouse failure; a file-system error moving the file is kept in
// o.stuck (the file stays in the inbox, the run goes on).
func (fs *fileSync) settle(ctx context.Context, o *fileOutcome, flog zerolog.Logger) error {
	var dir string
	switch o.status {
	case fileUnsettled:
		return nil
	case load.FileFailed:
		flog.Error().Str("reason", o.reason).Msg("file failed; moving it to failed/")
		dir = filesFailedDir
	case load.FileDone:
		flog.Info().Uint64("rows", o.rows).Uint64("loaded", o.loaded).Uint64("rejected", o.rejected).Msg("file loaded")
		dir = filesDoneDir
	default: // duplicate
		dir = filesDoneDir
	}
	if fs.dryRun {
		return nil
	}
	if o.status != fileDuplicate {
		hash := o.hash
		if hash == "" { // never read: keyed by name, so v_files still lists it
			sum := sha256.Sum256([]byte("unread\x00" + o.name))
			hash = hex.EncodeToString(sum[:])
		}
		if err := fs.store.RecordFile(ctx, load.FileRecord{Hash: hash, Name: o.name, Status: o.status, Rows: o.rows,
			Loaded: o.loaded, Rejected: o.rejected, Reason: o.reason, RunID: fs.runID}); err != nil {
			return err
		}
	}
	if err := moveAside(fs.inbox, dir, o.name, o.reason, fs.a.now()); err != nil {
		o.stuck = err
		flog.Error().Err(err).Msg("could not move the file out of the inbox")
	}
	return nil
}

// parse reads the file in two passes (header and row count, then rows)
// into the writer. A panic of the parser fails the file. Its error is a
// ClickHouse failure.
func (fs *fileSync) parse(ctx context.Context, f *os.File, size int64, o *fileOutcome, flog zerolog.Logger) (err error) {
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
	return extract.TableLimits{MaxUnzippedBytes: fs.a.cfg.Files.MaxUnzippedBytes}
}

// scan is the first pass: it finds the header and counts the data rows
// against files.max_rows, keeping no row past the title rows.
func (fs *fileSync) scan(f *os.File, size int64, o *fileOutcome) (transform.FileLayout, bool) {
	rr, err := fs.open(o.name, f, size, fs.limits())
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
	max := fs.a.cfg.Files.MaxRows
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
func (fs *fileSync) load(ctx context.Context, f *os.File, size int64, layout transform.FileLayout, o *fileOutcome, flog zerolog.Logger) error {
	rr, err := fs.open(o.name, f, size, fs.limits())
	if err != nil {
		o.fail("%v", err)
		return nil
	}
	defer rr.Close()
	var w *load.Writer
	if !fs.dryRun {
		w = fs.store.NewWriter(fs.runID, flog)
	}
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
		if err := fs.row(ctx, w, layout, i+1, row, o, flog); err != nil {
			return err
		}
	}
	if w != nil {
		if err := w.Flush(ctx); err != nil {
			return err
		}
	}
	if o.status == "" {
		o.status = load.FileDone
		if o.loaded == 0 {
			o.fail("every one of its %d rows was rejected (see v_rejects)", o.rows)
		}
	}
	return nil
}

// row normalizes one data row (n is 1-based) into w.
func (fs *fileSync) row(ctx context.Context, w *load.Writer, layout transform.FileLayout, n int, row []string, o *fileOutcome, flog zerolog.Logger) error {
	o.rows++
	var rj transform.Reject
	if layout.Positional && len(row) != layout.Width {
		rj = transform.RaggedRowReject(o.name, n, len(row), layout)
	} else {
		raw, _ := layout.Record(row)
		d, err := fs.norm.Dossier(raw)
		if err == nil {
			o.loaded++
			if w == nil {
				return nil
			}
			return w.AddDossier(ctx, d)
		}
		rj = fs.norm.Reject("normalize", raw, err)
		rj.Reason = fmt.Sprintf("%q row %d: %s", o.name, n, rj.Reason)
	}
	o.rejected++
	flog.Warn().Str("record_key", rj.RecordKey).Str("field", rj.Field).Str("reason", rj.Reason).Msg("record rejected")
	if w == nil {
		if len(o.rejects) < maxDryRunRejects {
			o.rejects = append(o.rejects, rj)
		}
		return nil
	}
	return w.AddReject(ctx, rj)
}

// moveAside moves inbox/name into inbox/dir, never over an existing entry
// and without following symbolic links (dir must be a real folder; a link
// in the inbox is moved as a link), then writes NAME.reason.txt beside it
// when reason is set.
func moveAside(inbox, dir, name, reason string, now time.Time) error {
	dirPath := filepath.Join(inbox, dir)
	if err := os.Mkdir(dirPath, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create %s/: %w", dir, pathless(err))
	}
	if fi, err := os.Lstat(dirPath); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s/ in the inbox is not a folder (a symbolic link?): refusing to move files into it", dir)
	}
	src := filepath.Join(inbox, name)
	target, err := linkUnique(src, dirPath, name, now)
	if err != nil {
		return fmt.Errorf("move %q to %s/: %w", name, dir, err)
	}
	if err := os.Remove(src); err != nil {
		return fmt.Errorf("move %q to %s/: %w", name, dir, pathless(err))
	}
	if reason == "" {
		return nil
	}
	note := fmt.Sprintf("%s\nfailed at %s\nfile: %q\n", reason, now.Format(time.RFC3339), filepath.Base(target))
	rf, err := os.OpenFile(target+".reason.txt", os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return fmt.Errorf("write the reason file of %q: %w", name, pathless(err))
	}
	_, err = rf.WriteString(note)
	return errors.Join(err, rf.Close())
}

// linkUnique hard-links src into dirPath as name, or as name with a
// timestamp when that name (or its reason file) is taken: a link is never
// made over an existing entry, and linking a symbolic link links the link
// itself.
func linkUnique(src, dirPath, name string, now time.Time) (string, error) {
	ext := filepath.Ext(name)
	for i := 0; i < 100; i++ {
		target := filepath.Join(dirPath, name)
		if i > 0 {
			target = filepath.Join(dirPath, fmt.Sprintf("%s.%s-%d%s", strings.TrimSuffix(name, ext), now.UTC().Format("20060102T150405Z"), i, ext))
		}
		if _, err := os.Lstat(target + ".reason.txt"); err == nil {
			continue
		}
		err := os.Link(src, target)
		if err == nil {
			return target, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", pathless(err)
		}
	}
	return "", errors.New("no free name")
}
