package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

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

// pathless drops the path from a *PathError, whose message would repeat the
// inbox unquoted.
func pathless(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}
