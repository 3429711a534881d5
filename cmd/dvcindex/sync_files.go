package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// Folders of the file-drop source, inside files.inbox.
const (
	filesDoneDir   = "done"
	filesFailedDir = "failed"
)

// fileOutcome is what became of one dropped file.
type fileOutcome struct {
	name                    string
	status                  string // load.FileDone, load.FileFailed, or "duplicate"
	rows, loaded, rejected  uint64
	reason                  string
	rejects                 []transform.Reject
	dossiers                []transform.Dossier
	hash                    string
	duplicateOf             string
	ignoredColumns          []string
	moveTo, reasonFileWrote string
}

// syncFiles processes every .csv and .xlsx in files.inbox (portal-api.md
// §6): a file already loaded (same content hash in v_files) moves to done/
// without loading anything; a file that cannot be read as a dossier list, or
// whose every row is rejected, moves to failed/ with NAME.reason.txt beside
// it; the rest load (rows that fail normalization go to v_rejects) and move
// to done/. A file is recorded done only after its rows were acknowledged,
// and moved only after that: a crash in between leaves it in the inbox, and
// the next run loads the same rows again (harmless) or finds it done.
func (a *app) syncFiles(ctx context.Context, store *load.Store, dryRun, unsafeDevKey bool) error {
	const source = "files"
	inbox := a.cfg.Files.Inbox
	if inbox == "" {
		return usagef("files.inbox is not set: set it (DVC_FILES_INBOX) to the folder where exported .xlsx/.csv dossier lists are dropped")
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
	log := a.log.With().Str("run_id", runID).Str("source", source).Logger()
	start := a.now()
	run := load.Run{ID: runID, Source: source, Command: "sync", StartedAt: start, Status: load.RunRunning}
	if !dryRun {
		for _, d := range []string{filesDoneDir, filesFailedDir} {
			if err := os.MkdirAll(filepath.Join(inbox, d), 0o755); err != nil {
				return fmt.Errorf("files inbox: %w", err)
			}
		}
		if err := store.RecordRun(ctx, run); err != nil {
			return err
		}
	}
	log.Info().Str("inbox", inbox).Int("files", len(names)).Bool("dry_run", dryRun).Msg("sync started")
	var outcomes []fileOutcome
	var runErr error
	for _, name := range names {
		o, err := a.syncFile(ctx, store, norm, inbox, name, runID, dryRun, log)
		outcomes = append(outcomes, o)
		if err != nil {
			// ClickHouse or the file system failed, not the file: it stays
			// in the inbox for the next run.
			runErr = fmt.Errorf("sync files: %s: %w", name, err)
			break
		}
	}
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
	runErr = a.finishRun(ctx, store, &run, runErr, dryRun, run.Loaded, log, func(e *zerolog.Event) *zerolog.Event {
		return e.Int("files", len(outcomes)).Strs("failed_files", failed)
	})
	for _, o := range outcomes {
		switch o.status {
		case "duplicate":
			fmt.Fprintf(a.stdout, "file %s: already loaded (as %s), nothing to do\n", o.name, o.duplicateOf)
		case load.FileFailed:
			fmt.Fprintf(a.stdout, "file %s: FAILED — %s\n", o.name, o.reason)
		default:
			fmt.Fprintf(a.stdout, "file %s: %d rows, loaded %d, rejected %d\n", o.name, o.rows, o.loaded, o.rejected)
		}
	}
	res := syncResult{run: run}
	if dryRun {
		res.rejects = rejects
	}
	a.printRun(res)
	return runErr
}

// inboxFiles lists the inbox's .csv and .xlsx files, sorted by name.
func inboxFiles(inbox string) ([]string, error) {
	entries, err := os.ReadDir(inbox)
	if err != nil {
		return nil, fmt.Errorf("files inbox %s: %w", inbox, err)
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") {
			continue // folders (done/, failed/), hidden files, Office lock files
		}
		if slices.Contains(extract.FileExtensions, strings.ToLower(filepath.Ext(name))) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// syncFile processes one file. Its error is an infrastructure failure (the
// file stays in the inbox); a bad file is an outcome with status failed.
func (a *app) syncFile(ctx context.Context, store *load.Store, norm *transform.Normalizer, inbox, name, runID string,
	dryRun bool, log zerolog.Logger) (fileOutcome, error) {
	path := filepath.Join(inbox, name)
	o := fileOutcome{name: name}
	data, err := os.ReadFile(path)
	if err != nil {
		return o, err
	}
	sum := sha256.Sum256(data)
	o.hash = hex.EncodeToString(sum[:])
	flog := log.With().Str("file", name).Str("sha256", o.hash[:16]).Logger()
	if !dryRun {
		prev, done, err := store.FileDone(ctx, o.hash)
		if err != nil {
			return o, err
		}
		if done {
			o.status, o.duplicateOf = "duplicate", prev
			flog.Info().Str("loaded_as", prev).Msg("file already loaded; moving it to done/ without loading")
			return o, moveAside(inbox, filesDoneDir, name, "")
		}
	}
	a.readFile(norm, name, data, &o)
	if o.status == load.FileFailed {
		flog.Error().Str("reason", o.reason).Msg("file failed; moving it to failed/")
		if dryRun {
			return o, nil
		}
		if err := store.RecordFile(ctx, load.FileRecord{Hash: o.hash, Name: name, Status: load.FileFailed, Rows: o.rows,
			Rejected: o.rejected, Reason: o.reason, RunID: runID}); err != nil {
			return o, err
		}
		return o, moveAside(inbox, filesFailedDir, name, o.reason)
	}
	if len(o.ignoredColumns) > 0 {
		flog.Warn().Strs("columns", o.ignoredColumns).Msg("columns not in portal-api.md §6 were dropped")
	}
	if dryRun {
		return o, nil
	}
	w := store.NewWriter(runID, flog)
	for i := range o.dossiers {
		if err := w.AddDossier(ctx, o.dossiers[i]); err != nil {
			return o, err
		}
	}
	for _, r := range o.rejects {
		flog.Warn().Str("record_key", r.RecordKey).Str("field", r.Field).Str("reason", r.Reason).Msg("record rejected")
		if err := w.AddReject(ctx, r); err != nil {
			return o, err
		}
	}
	if err := w.Flush(ctx); err != nil {
		return o, err
	}
	o.status = load.FileDone
	if err := store.RecordFile(ctx, load.FileRecord{Hash: o.hash, Name: name, Status: load.FileDone, Rows: o.rows,
		Loaded: o.loaded, Rejected: o.rejected, RunID: runID}); err != nil {
		return o, err
	}
	flog.Info().Uint64("rows", o.rows).Uint64("loaded", o.loaded).Uint64("rejected", o.rejected).Msg("file loaded")
	return o, moveAside(inbox, filesDoneDir, name, "")
}

// readFile parses and normalizes a file into o, or marks it failed.
func (a *app) readFile(norm *transform.Normalizer, name string, data []byte, o *fileOutcome) {
	fail := func(format string, args ...any) {
		o.status, o.reason = load.FileFailed, fmt.Sprintf(format, args...)
	}
	rows, err := extract.ReadTable(name, data)
	if err != nil {
		fail("%v", err)
		return
	}
	layout, err := transform.DetectFileLayout(rows)
	if err != nil {
		fail("%v", err)
		return
	}
	o.ignoredColumns = layout.Ignored
	for i := layout.HeaderRow + 1; i < len(rows); i++ {
		raw, ok := layout.Record(rows[i])
		if !ok {
			continue
		}
		o.rows++
		d, err := norm.Dossier(raw)
		if err != nil {
			rj := norm.Reject("normalize", raw, err)
			rj.Reason = fmt.Sprintf("%s row %d: %s", name, i+1, rj.Reason)
			o.rejects = append(o.rejects, rj)
			o.rejected++
			continue
		}
		o.dossiers = append(o.dossiers, d)
		o.loaded++
	}
	switch {
	case o.rows == 0:
		fail("no data rows below the header (row %d)", layout.HeaderRow+1)
	case o.loaded == 0:
		fail("every one of its %d rows was rejected; the first: %s", o.rows, o.rejects[0].Reason)
	}
	if o.status == load.FileFailed {
		o.dossiers, o.rejects, o.loaded = nil, nil, 0
	}
}

// moveAside moves inbox/name into inbox/dir, never over an existing file,
// and writes NAME.reason.txt beside it when reason is set.
func moveAside(inbox, dir, name, reason string) error {
	target := filepath.Join(inbox, dir, name)
	if _, err := os.Stat(target); err == nil {
		ext := filepath.Ext(name)
		target = filepath.Join(inbox, dir, fmt.Sprintf("%s.%s%s", strings.TrimSuffix(name, ext), time.Now().UTC().Format("20060102T150405.000000000Z"), ext))
	}
	if reason != "" {
		note := fmt.Sprintf("%s\nfailed at %s\nfile: %s\n", reason, time.Now().Format(time.RFC3339), filepath.Base(target))
		if err := os.WriteFile(target+".reason.txt", []byte(note), 0o644); err != nil {
			return fmt.Errorf("write reason file: %w", err)
		}
	}
	if err := os.Rename(filepath.Join(inbox, name), target); err != nil {
		return fmt.Errorf("move %s to %s/: %w", name, dir, err)
	}
	return nil
}
