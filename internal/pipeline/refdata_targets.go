package pipeline

import (
	"context"
	"fmt"
	"os"

	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// TargetsFileKey names the targets file (config.RefData.TargetsFile).
const TargetsFileKey = "refdata.targets_file"

// Targets reads refdata.targets_file against the reference units: no file
// configured, no targets. It returns the file's name with them.
func (e *Engine) Targets() (string, []transform.Target, error) {
	path := e.cfg.RefData.TargetsFile
	if path == "" {
		return "", nil, nil
	}
	units, err := e.Units()
	if err != nil {
		return "", nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil, &RefDataError{Key: TargetsFileKey, File: path, Err: err}
	}
	targets, err := transform.LoadTargets(path, data, units)
	if err != nil {
		return "", nil, &RefDataError{Key: TargetsFileKey, File: path, Err: err}
	}
	return path, targets, nil
}

// RefreshReference writes the reference data migrate keeps current: the
// units, their successors and the units' targets. It returns a one-line
// summary.
func (e *Engine) RefreshReference(ctx context.Context, store *load.Store) (string, error) {
	units, err := e.Units()
	if err != nil {
		return "", fmt.Errorf("reference units: %w", err)
	}
	source, targets, err := e.Targets()
	if err != nil {
		return "", err
	}
	if err := store.RefreshUnits(ctx, units.All(), units.Successors()); err != nil {
		return "", err
	}
	if err := store.RefreshTargets(ctx, source, targets); err != nil {
		return "", err
	}
	return fmt.Sprintf("reference data: %d units, %d successor links, %d targets", len(units.All()), len(units.Successors()), len(targets)), nil
}
