package main

import (
	"context"
	"time"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/pipeline"
)

// backfill re-reads [from, to) of a source (pipeline.Engine.Backfill),
// with a progress bar on stderr. The request is checked before ClickHouse
// is opened.
func (a *app) backfill(ctx context.Context, source, fromS, toS string, dryRun, unsafeDevKey bool) error {
	if _, ok := pipeline.Lookup(source); !ok {
		return pipeline.UnknownSource(source)
	}
	from, to, err := parseRange(fromS, toS)
	if err != nil {
		return err
	}
	e := a.engine(unsafeDevKey)
	prog := newProgress(a.stderr, "backfill "+source, "window")
	req := pipeline.BackfillRequest{Source: source, From: from, To: to, DryRun: dryRun, Progress: prog.windowStep}
	if _, err := e.CheckBackfill(req); err != nil {
		return err
	}
	store, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	err = e.Backfill(ctx, store, req)
	prog.finish()
	return err
}

// parseRange parses --from and --to (yyyy-mm-dd, Asia/Ho_Chi_Minh).
func parseRange(fromS, toS string) (from, to time.Time, err error) {
	fd, err := config.ParseDate(fromS)
	if err != nil {
		return from, to, usagef("--from: %v", err)
	}
	td, err := config.ParseDate(toS)
	if err != nil {
		return from, to, usagef("--to: %v", err)
	}
	return fd.T(), td.T(), nil
}
