package main

import (
	"context"

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
	fd, err := config.ParseDate(fromS)
	if err != nil {
		return usagef("--from: %v", err)
	}
	td, err := config.ParseDate(toS)
	if err != nil {
		return usagef("--to: %v", err)
	}
	e := a.engine(unsafeDevKey)
	prog := newProgress(a.stderr, source)
	req := pipeline.BackfillRequest{Source: source, From: fd.T(), To: td.T(), DryRun: dryRun, Progress: prog.step}
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
