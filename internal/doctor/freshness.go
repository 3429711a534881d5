package doctor

import (
	"context"
	"fmt"

	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// checkFreshness prints, for every enabled source, its last successful
// sync from v_runs, or the problem of a source older than its limit.
func (d *Doctor) checkFreshness(ctx context.Context, r *report, store *load.Store) {
	last, err := store.LastSuccessfulSyncs(ctx)
	if err != nil {
		r.problem("freshness", err.Error(), "run 'dvcindex migrate' so that v_runs exists.")
		return
	}
	stale := map[string]pipeline.Staleness{}
	for _, s := range pipeline.StaleSources(d.sources(), last, d.cfg.Freshness, d.opts.Now()) {
		stale[s.Source] = s
	}
	for _, src := range d.sources() {
		key := "freshness." + src
		if s, bad := stale[src]; bad {
			r.problem(key, s.String(), fmt.Sprintf("read the errors of its last runs (SELECT started_at, status, error FROM v_runs WHERE source = '%s' ORDER BY started_at DESC LIMIT 5), fix the cause, then run 'dvcindex sync --source %s' or let serve's schedule.sync run it.", src, src))
			continue
		}
		if t, ok := last[src]; ok {
			r.ok("%s: last successful sync %s (limit %s)", src, t.In(transform.HoChiMinh()).Format("2006-01-02 15:04"), d.cfg.Freshness.Of(src))
		} else {
			r.ok("%s: never synced (not checked: %s = 0)", src, key)
		}
	}
}
