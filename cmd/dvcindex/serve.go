package main

import (
	"context"

	"github.com/dvcindex/dvcindex/internal/daemon"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/internal/syncio"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// serveHooks let tests observe and extend serve; the command line passes
// the zero value. They are not reachable from the CLI.
type serveHooks struct {
	extraJobs []daemon.Job           // added to the configured schedule
	listening func(addr string)      // told the HTTP address once it listens
	watched   func(load.WatchResult) // told each watch serve published
	noWatch   bool                   // no early warning after the syncs
}

// serve runs the daemon (internal/daemon) until ctx is cancelled. Its jobs
// print to stdout through one lock, as the commands run once do.
func (a *app) serve(ctx context.Context, hooks serveHooks) error {
	// Refuse to start a daemon whose every dossier sync would fail.
	if err := a.engine(false).CheckDossierKey(); err != nil {
		return err
	}
	sa := *a
	sa.stdout = &syncio.Writer{W: a.stdout}
	page, err := a.webHandler(a.openStore)
	if err != nil {
		return err
	}
	d, err := daemon.New(daemon.Options{
		Config: a.cfg, Log: a.log, Now: a.now, OpenStore: a.openStore, Pipeline: sa.pipelineOptions(false),
		Compute: func(ctx context.Context, e *pipeline.Engine, store *load.Store, p transform.Period) error {
			if _, err := e.Compute(ctx, store, pipeline.ComputeRequest{Period: p}); err != nil {
				return err
			}
			return sa.printScores(ctx, store, p.Code, nil)
		},
		Report: sa.writeReports, ExtraJobs: hooks.extraJobs, Listening: hooks.listening, Web: page, Watched: hooks.watched,
		NoWatch: hooks.noWatch,
	})
	if err != nil {
		return err
	}
	return d.Run(ctx)
}
