package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

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
	FileDuplicate = "duplicate" // same content already loaded: moved to done/
	FileUnsettled = "unsettled" // still being written: left for the next run
)

// FileOutcome is what became of one dropped file.
type FileOutcome struct {
	Name                   string
	Status                 string // load.FileDone, load.FileFailed, FileDuplicate or FileUnsettled
	Rows, Loaded, Rejected uint64
	Reason                 string
	DuplicateOf            string // FileDuplicate: the name it was loaded as

	rejects        []transform.Reject // dry run: the first ones, to print
	hash           string
	ignoredColumns []string
	stuck          error // a file-system error that left the file in the inbox
}

func (o *FileOutcome) fail(format string, args ...any) {
	o.Status, o.Reason = load.FileFailed, fmt.Sprintf(format, args...)
}

// fileSync is one run of the file-drop source.
type fileSync struct {
	e      *Engine
	store  *load.Store // nil in a dry run
	norm   *transform.Normalizer
	inbox  string
	runID  string
	dryRun bool
	log    zerolog.Logger
	open   TableOpener
	arch   *archiver
	shape  *shape // the run's
}

// ErrNoInbox is the usage error of the file-drop source without files.inbox.
func ErrNoInbox() error {
	return Usagef("files.inbox is not set: set it (DVC_FILES_INBOX) to the folder where exported .xlsx/.csv dossier lists are dropped")
}

// files is the kind of the file-drop source. A run processes every .csv
// and .xlsx in files.inbox: a file already loaded (same content hash in
// v_files) moves to done/ without loading anything; a bad file moves to
// failed/ with NAME.reason.txt beside it; the rest load (rows that fail
// normalization go to v_rejects) and move to done/. A file is recorded done
// only after its rows were acknowledged, and moved only after that: a crash
// in between leaves it in the inbox, and the next run loads the same rows
// again (harmless) or finds it done.
type files struct{}

func (files) sync(ctx context.Context, e *Engine, store *load.Store, src Source, dryRun bool) error {
	inbox := e.cfg.Files.Inbox
	if inbox == "" {
		return ErrNoInbox()
	}
	norm, err := e.normalizer(src.Name, false)
	if err != nil {
		return err
	}
	names, err := inboxFiles(inbox)
	if err != nil {
		return err
	}
	r, err := e.startRun(ctx, store, src.Name, "sync", dryRun, nil)
	if err != nil {
		return err
	}
	fs := &fileSync{e: e, norm: norm, inbox: inbox, runID: r.row.ID, dryRun: dryRun, open: e.opts.OpenTable, log: r.log,
		arch: e.newArchiver(src.Name), shape: r.shape}
	if !dryRun {
		fs.store = store
	}
	fs.log.Info().Str("inbox", inbox).Int("files", len(names)).Bool("dry_run", dryRun).Msg("sync started")
	outcomes, runErr := fs.all(ctx, names)
	return e.finishFiles(ctx, r, outcomes, runErr)
}

// all processes the files in turn; it stops only when ClickHouse fails.
func (fs *fileSync) all(ctx context.Context, names []string) ([]FileOutcome, error) {
	var outcomes []FileOutcome
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

// finishFiles records the run and reports it with one outcome per file.
func (e *Engine) finishFiles(ctx context.Context, r *run, outcomes []FileOutcome, runErr error) error {
	var failed []string
	var rejects []transform.Reject
	for _, o := range outcomes {
		r.row.Fetched += o.Rows
		r.row.Loaded += o.Loaded
		r.row.Rejected += o.Rejected
		rejects = append(rejects, o.rejects...)
		if o.Status == load.FileFailed {
			failed = append(failed, o.Name)
		}
	}
	r.normalized = r.row.Loaded
	runErr = r.finish(ctx, runErr, func(ev *zerolog.Event) *zerolog.Event {
		return ev.Int("files", len(outcomes)).Strs("failed_files", failed)
	})
	e.report(Result{Run: r.row, Files: outcomes, Rejects: dryRejects(r.dryRun, rejects)})
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
func (fs *fileSync) file(ctx context.Context, name string) (FileOutcome, error) {
	o := FileOutcome{Name: name}
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
			o.Status, o.DuplicateOf = FileDuplicate, prev
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
func (fs *fileSync) openSettled(name string, o *FileOutcome, flog zerolog.Logger) (f *os.File, size int64, ok bool) {
	cfg := fs.e.cfg.Files
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
	if age := fs.e.now().Sub(fi.ModTime()); age < cfg.Settle.D() {
		o.Status = FileUnsettled
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
		o.Status = FileUnsettled
		return f, 0, false
	}
	return f, fi.Size(), true
}

// settle records and moves a file according to its outcome. Its error is a
// ClickHouse failure; a file-system error moving the file is kept in
// o.stuck (the file stays in the inbox, the run goes on).
func (fs *fileSync) settle(ctx context.Context, o *FileOutcome, flog zerolog.Logger) error {
	var dir string
	switch o.Status {
	case FileUnsettled:
		return nil
	case load.FileFailed:
		flog.Error().Str("reason", o.Reason).Msg("file failed; moving it to failed/")
		dir = filesFailedDir
	case load.FileDone:
		flog.Info().Uint64("rows", o.Rows).Uint64("loaded", o.Loaded).Uint64("rejected", o.Rejected).Msg("file loaded")
		dir = filesDoneDir
	default: // duplicate
		dir = filesDoneDir
	}
	if fs.dryRun {
		return nil
	}
	if o.Status != FileDuplicate {
		hash := o.hash
		if hash == "" { // never read: keyed by name, so v_files still lists it
			sum := sha256.Sum256([]byte("unread\x00" + o.Name))
			hash = hex.EncodeToString(sum[:])
		}
		if err := fs.store.RecordFile(ctx, load.FileRecord{Hash: hash, Name: o.Name, Status: o.Status, Rows: o.Rows,
			Loaded: o.Loaded, Rejected: o.Rejected, Reason: o.Reason, RunID: fs.runID}); err != nil {
			return err
		}
	}
	if err := moveAside(fs.inbox, dir, o.Name, o.Reason, fs.e.now()); err != nil {
		o.stuck = err
		flog.Error().Err(err).Msg("could not move the file out of the inbox")
	}
	return nil
}
