package watch

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// fileNameRe is what a period code or unit code must look like to become a
// path element: no separator, no leading dot.
var fileNameRe = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*$`)

// digestFileRe matches the files WriteFiles owns in a period's directory,
// and tempFileRe the temporary files it writes them through.
var (
	digestFileRe = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*\.(csv|md)$`)
	tempFileRe   = regexp.MustCompile(`^\..+\.tmp-[0-9]+$`)
)

// digestFormats are the files of one digest: extension and writer.
var digestFormats = []struct {
	ext   string
	write func(io.Writer, Digest) error
}{{".csv", WriteCSV}, {".md", WriteMarkdown}}

// WriteFiles writes each digest of one watch of period into
// dir/<period>/<unit_code>.csv (WriteCSV) and .md (WriteMarkdown) and
// returns the paths written. Each file is written to a temporary file in
// the same directory, then renamed over the old one, so a reader sees the
// previous watch's file or this one's, never a part. The directory then
// holds this watch's units only: the .csv and .md files of other units
// (and temporary files left by a crash) are removed. On an error the
// files already renamed stay; the others keep the previous watch's.
func WriteFiles(dir, period string, ds []Digest) ([]string, error) {
	if !fileNameRe.MatchString(period) {
		return nil, fmt.Errorf("watch files: period %q cannot name a directory", period)
	}
	pdir := filepath.Join(dir, period)
	if err := os.MkdirAll(pdir, 0o755); err != nil {
		return nil, fmt.Errorf("watch files: %w", err)
	}
	keep := map[string]bool{}
	var written []string
	for _, d := range ds {
		if !fileNameRe.MatchString(d.UnitCode) || d.Period != period {
			return written, fmt.Errorf("watch files: digest of unit %q, period %q, in the files of %s", d.UnitCode, d.Period, period)
		}
		for _, f := range digestFormats {
			name := d.UnitCode + f.ext
			path := filepath.Join(pdir, name)
			if err := writeAtomic(path, func(w io.Writer) error { return f.write(w, d) }); err != nil {
				return written, fmt.Errorf("watch files: unit %s: %w", d.UnitCode, err)
			}
			keep[name] = true
			written = append(written, path)
		}
	}
	return written, prune(pdir, keep)
}

// writeAtomic writes path through a temporary file of its directory,
// synced before the rename.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriter(tmp)
	if err := write(bw); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes it private
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// prune removes from dir the digest files not in keep and leftover
// temporary files.
func prune(dir string, keep map[string]bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("watch files: %w", err)
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		stale := digestFileRe.MatchString(name) && !keep[name]
		temp := tempFileRe.MatchString(name)
		if e.Type().IsRegular() && (stale || temp) {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, fmt.Errorf("watch files: remove a stale file: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}
