package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// syncProcedures loads one snapshot of the procedure catalogue. The
// catalogue is small (portal-api.md §3: a full snapshot each time), so the
// normalized entries are gathered and written as one snapshot version; a
// failed read writes nothing, and the previous snapshot stays current.
func (a *app) syncProcedures(ctx context.Context, store *load.Store, dryRun bool) error {
	const source = "procedures"
	runID := newRunID(a.now())
	log := a.log.With().Str("run_id", runID).Str("source", source).Logger()
	start := a.now()
	run := load.Run{ID: runID, Source: source, Command: "sync", StartedAt: start, Status: load.RunRunning}
	if !dryRun {
		if err := store.RecordRun(ctx, run); err != nil {
			return err
		}
	}
	log.Info().Bool("dry_run", dryRun).Msg("sync started")
	entries, rejects, fetched, err := a.readCatalogue(ctx, log)
	if err == nil && !dryRun {
		err = store.WriteCatalogue(ctx, runID, entries)
		if err == nil && len(rejects) > 0 {
			w := store.NewWriter(runID, log)
			for _, r := range rejects {
				if err = w.AddReject(ctx, r); err != nil {
					break
				}
			}
			if err == nil {
				err = w.Flush(ctx)
			}
		}
	}
	run.Fetched, run.Loaded, run.Rejected = fetched, uint64(len(entries)), uint64(len(rejects))
	if err != nil {
		err = fmt.Errorf("sync %s: %w", source, err)
	}
	err = a.finishRun(ctx, store, &run, err, dryRun, uint64(len(entries)), log, nil)
	res := syncResult{run: run}
	if dryRun {
		res.rejects = rejects
	}
	a.printRun(res)
	return err
}

func (a *app) readCatalogue(ctx context.Context, log zerolog.Logger) (entries []load.CatalogueEntry, rejects []transform.Reject, fetched uint64, err error) {
	src := &extract.Snapshot{Client: a.sourceClient("procedures", log), Source: "procedures", Path: "/api/v1/procedures",
		PageSize: a.cfg.Source("procedures").PageSize}
	parser := transform.NewProcedureParser(transform.HoChiMinh()).WithPII(a.scrubber())
	pages := make(chan extract.Page, pagesInFlight)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(guard(log, "fetch", func() error {
		defer close(pages)
		return src.Stream(gctx, pages)
	}))
	g.Go(guard(log, "normalize", func() error {
		for p := range pages {
			for _, raw := range p.Records {
				fetched++
				proc, err := parser.Procedure(raw)
				if err != nil {
					r := parser.Reject("normalize", raw, err)
					log.Warn().Str("record_key", r.RecordKey).Str("field", r.Field).Str("reason", r.Reason).Msg("record rejected")
					rejects = append(rejects, r)
					continue
				}
				entries = append(entries, load.CatalogueEntry{Procedure: proc, Raw: parser.Scrub(raw)})
			}
		}
		return nil
	}))
	err = g.Wait()
	return entries, rejects, fetched, err
}
