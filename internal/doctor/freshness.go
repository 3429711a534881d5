package doctor

import (
	"context"
	"fmt"
	"time"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// Staleness is one source older than its freshness limit.
type Staleness struct {
	Source string
	Last   time.Time // zero: never synced successfully
	Limit  time.Duration
	Age    time.Duration
}

// String says which source is stale, since when, and names the
// freshness.<source> setting.
func (s Staleness) String() string {
	key := "freshness." + s.Source
	if s.Last.IsZero() {
		return fmt.Sprintf("source %s has no successful sync in v_runs (limit %s = %s)", s.Source, key, s.Limit)
	}
	return fmt.Sprintf("source %s last synced successfully %s ago at %s, older than %s = %s", s.Source,
		s.Age.Round(time.Second), s.Last.Local().Format(time.RFC3339), key, s.Limit)
}

// StaleSources returns the sources whose last successful sync (last) is
// older than their freshness limit at now, in the order of sources. A limit
// of 0 is not checked. Doctor and serve's readiness share it.
func StaleSources(sources []string, last map[string]time.Time, f config.Freshness, now time.Time) []Staleness {
	var out []Staleness
	for _, src := range sources {
		limit := f.Of(src)
		if limit <= 0 {
			continue
		}
		t, ok := last[src]
		if !ok {
			out = append(out, Staleness{Source: src, Limit: limit})
			continue
		}
		if age := now.Sub(t); age > limit {
			out = append(out, Staleness{Source: src, Last: t, Limit: limit, Age: age})
		}
	}
	return out
}

// checkFreshness prints, for every enabled source, its last successful
// sync from v_runs, or the problem of a source older than its limit.
func (d *Doctor) checkFreshness(ctx context.Context, r *report, store *load.Store) {
	last, err := store.LastSuccessfulSyncs(ctx)
	if err != nil {
		r.problem("freshness", err.Error(), "run 'dvcindex migrate' so that v_runs exists.")
		return
	}
	stale := map[string]Staleness{}
	for _, s := range StaleSources(d.sources(), last, d.cfg.Freshness, d.opts.Now()) {
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
