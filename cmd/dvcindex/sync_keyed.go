package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// keyedSource is a source read per period: bcqg per unit (portal-api.md
// §5), evaluation per family from the national reporting API
// (sync_official.go).
type keyedSource struct {
	name  string // "bcqg" or "evaluation"
	path  string
	table string // where its rows land
}

var (
	bcqgSource       = keyedSource{name: "bcqg", path: "/api/v1/bcqg/received", table: "bcqg_counts"}
	evaluationSource = keyedSource{name: "evaluation", path: "/api/v1/reporting/evaluation/", table: "official_scores"}
)

// keyedPeriods are the periods a sync of a keyed source reads: every period
// from sync.since to now on the first run, then those that can still change
// (the current and the previous one of each length).
func (a *app) keyedPeriods(ctx context.Context, store *load.Store, src keyedSource) ([]transform.Period, error) {
	now := a.now()
	_, seen, err := store.Watermark(ctx, src.name)
	if err != nil {
		return nil, err
	}
	if !seen {
		return transform.Periods(a.cfg.Sync.Since.T(), now), nil
	}
	var out []transform.Period
	for _, k := range []transform.PeriodKind{transform.Year, transform.Quarter, transform.Month} {
		cur := transform.PeriodOf(k, now)
		out = append(out, cur.Previous(), cur)
	}
	return out, nil
}

// syncKeyed reads src for every unit of each period (or only the units that
// have no rows yet, when onlyMissing) and writes what it read. A run that
// fails leaves what it had written: keyed rows are replaced on re-read.
func (a *app) syncKeyed(ctx context.Context, store *load.Store, src keyedSource, periods []transform.Period,
	onlyMissing, dryRun bool, command string) error {
	if src.name == evaluationSource.name {
		if err := a.checkEvaluationConfigured(); err != nil {
			return err
		}
	}
	runID := newRunID(a.now())
	log := a.log.With().Str("run_id", runID).Str("source", src.name).Logger()
	units, err := transform.DefaultUnits()
	if err != nil {
		return err
	}
	start := a.now()
	run := load.Run{ID: runID, Source: src.name, Command: command, StartedAt: start, Status: load.RunRunning}
	if !dryRun {
		if err := store.RecordRun(ctx, run); err != nil {
			return err
		}
	}
	var client *extract.Client
	var national *extract.NationalClient
	if src.name == evaluationSource.name {
		national = a.nationalClient(log)
	} else {
		client = a.sourceClient(src.name, log)
	}
	var rejects []transform.Reject
	var fetched, loaded uint64
	var syncErr error
	for _, p := range periods {
		var n keyedCounts
		var rj []transform.Reject
		if national != nil {
			n, err = a.syncOfficialPeriod(ctx, store, national, units, p, onlyMissing, dryRun, runID)
		} else {
			n, rj, err = a.syncKeyedPeriod(ctx, store, client, units, src, p, onlyMissing, dryRun, runID, log)
		}
		fetched += n.fetched
		loaded += n.loaded
		rejects = append(rejects, rj...)
		if err != nil {
			syncErr = fmt.Errorf("sync %s period %s: %w", src.name, p.Code, err)
			break
		}
	}
	if syncErr == nil && !dryRun && len(rejects) > 0 {
		w := store.NewWriter(runID, log)
		for _, r := range rejects {
			if syncErr = w.AddReject(ctx, r); syncErr != nil {
				break
			}
		}
		if syncErr == nil {
			syncErr = w.Flush(ctx)
		}
	}
	if syncErr == nil && !dryRun && command != "backfill" {
		// The watermark of a keyed source only says "initialised at": later
		// runs re-read the periods that can still change. A backfill of some
		// periods initialises nothing.
		syncErr = store.AdvanceWatermark(ctx, src.name, a.now(), runID)
	}
	run.Fetched, run.Loaded, run.Rejected = fetched, loaded, uint64(len(rejects))
	syncErr = a.finishRun(ctx, store, &run, syncErr, dryRun, loaded, log, func(e *zerolog.Event) *zerolog.Event {
		return e.Int("periods", len(periods))
	})
	res := syncResult{run: run}
	if dryRun {
		res.rejects = rejects
	}
	if command == "sync" {
		a.printRun(res)
	}
	return syncErr
}

type keyedCounts struct{ fetched, loaded uint64 }

func (a *app) syncKeyedPeriod(ctx context.Context, store *load.Store, client *extract.Client, units *transform.Units,
	src keyedSource, p transform.Period, onlyMissing, dryRun bool, runID string, log zerolog.Logger) (keyedCounts, []transform.Reject, error) {
	var n keyedCounts
	scope, _ := units.Scopes(p.LastDay())
	present := map[string]bool{}
	if onlyMissing {
		var err error
		if present, err = store.KeyedPresent(ctx, src.table, p.Code); err != nil {
			return n, nil, err
		}
	}
	scrub := a.scrubber()
	var counts []transform.BCQGCount
	var rejects []transform.Reject
	for _, u := range scope {
		if present[u.Code] {
			continue
		}
		q := url.Values{"unit": {transform.PortalUnit(u.Code, u.Level)}, "period": {p.Code}}
		var raw json.RawMessage
		if err := client.Get(ctx, src.path, q, &raw); err != nil {
			return n, rejects, fmt.Errorf("unit %s: %w", u.Code, err)
		}
		n.fetched++
		c, perr := transform.ParseBCQG(raw, u.Code, p.Code)
		if perr == nil {
			counts = append(counts, c)
		}
		if perr != nil {
			log.Warn().Err(perr).Str("unit", u.Code).Str("period", p.Code).Msg("record rejected")
			rejects = append(rejects, transform.Reject{Source: src.name, Stage: "normalize", RecordKey: u.Code + "/" + p.Code,
				Field: fieldOf(perr), Reason: perr.Error(), Raw: string(scrub.ScrubRecord(src.name, raw))})
			continue
		}
		n.loaded++
	}
	if dryRun {
		return n, rejects, nil
	}
	if len(counts) == 0 {
		return n, rejects, nil
	}
	return n, rejects, store.WriteBCQG(ctx, runID, counts)
}

func fieldOf(err error) string {
	var re *transform.RecordError
	if errors.As(err, &re) {
		return re.Field
	}
	return ""
}
