package pipeline

import (
	"context"
	"fmt"
	"net/url"

	"golang.org/x/sync/errgroup"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// The procedures source (portal-api.md §3): the procedure catalogue, a full
// snapshot each time.
const (
	proceduresName = "procedures"
	proceduresPath = "/api/v1/procedures"
)

func init() {
	Register(Source{Name: proceduresName, Rank: 30, Kind: Snapshot, Host: PortalHost, Paths: []string{proceduresPath},
		Summary:    "the procedure catalogue, a full snapshot each time",
		NoBackfill: "procedures has no history to backfill: every sync reads the whole catalogue",
		Probe:      func(ProbeRequest) (string, url.Values) { return proceduresPath, url.Values{} },
		runner:     snapshot{}})
}

// snapshot is the kind of source read whole on every run. The catalogue is
// small, so the normalized entries are gathered and written as one snapshot
// version; a failed read writes nothing, and the previous snapshot stays
// current.
type snapshot struct{}

func (snapshot) sync(ctx context.Context, e *Engine, store *load.Store, src Source, dryRun bool) error {
	r, err := e.startRun(ctx, store, src.Name, "sync", dryRun, nil)
	if err != nil {
		return err
	}
	r.log.Info().Bool("dry_run", dryRun).Msg("sync started")
	cat, err := e.readCatalogue(ctx, r)
	entries, rejects, fetched := cat.entries, cat.rejects, cat.fetched
	if err == nil {
		err = r.writeArchive(ctx, cat.archive)
	}
	if err == nil && !dryRun {
		err = store.WriteCatalogue(ctx, r.row.ID, entries)
		if err == nil {
			err = r.writeRejects(ctx, rejects)
		}
	}
	r.row.Fetched, r.row.Loaded, r.row.Rejected = fetched, uint64(len(entries)), uint64(len(rejects))
	r.normalized = uint64(len(entries))
	if err != nil {
		err = fmt.Errorf("sync %s: %w", src.Name, err)
	}
	err = r.finish(ctx, err, nil)
	e.report(Result{Run: r.row, Rejects: dryRejects(dryRun, rejects)})
	return err
}

// catalogue is what a read of the catalogue gathered.
type catalogue struct {
	entries []load.CatalogueEntry
	rejects []transform.Reject
	fetched uint64
	archive []load.RawPage
}

// readCatalogue streams every page of the catalogue through its parser,
// archiving each page.
func (e *Engine) readCatalogue(ctx context.Context, r *run) (cat catalogue, err error) {
	log := r.log
	arch := e.newArchiver(proceduresName)
	src := &extract.Snapshot{Client: e.portalClient(proceduresName, log), Source: proceduresName, Path: proceduresPath,
		PageSize: e.cfg.Source(proceduresName).PageSize}
	parser := transform.NewProcedureParser(transform.HoChiMinh()).WithPII(e.scrubber())
	pages := make(chan extract.Page, pagesInFlight)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(guard(log, "fetch", func() error {
		defer close(pages)
		return src.Stream(gctx, pages)
	}))
	g.Go(guard(log, "normalize", func() error {
		for p := range pages {
			cat.archive = append(cat.archive, arch.page("catalogue", extract.Window{}, p.Number, p.Total, rawRecords(p.Records), r.shape))
			for _, raw := range p.Records {
				cat.fetched++
				proc, err := parser.Procedure(raw)
				if err != nil {
					r := parser.Reject("normalize", raw, err)
					log.Warn().Str("record_key", r.RecordKey).Str("field", r.Field).Str("reason", r.Reason).Msg("record rejected")
					cat.rejects = append(cat.rejects, r)
					continue
				}
				cat.entries = append(cat.entries, load.CatalogueEntry{Procedure: proc, Raw: parser.Scrub(raw)})
			}
		}
		return nil
	}))
	err = g.Wait()
	return cat, err
}
