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

// keyedSource is a source read per unit and period (portal-api.md §4, §5).
type keyedSource struct {
	name  string // "bcqg" or "evaluation"
	path  string
	table string // where its rows land
}

var (
	bcqgSource       = keyedSource{name: "bcqg", path: "/api/v1/bcqg/received", table: "bcqg_counts"}
	evaluationSource = keyedSource{name: "evaluation", path: "/api/v1/evaluation", table: "official_scores"}
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
	client := a.sourceClient(src.name, log)
	var rejects []transform.Reject
	var fetched, loaded uint64
	var syncErr error
	for _, p := range periods {
		n, rj, err := a.syncKeyedPeriod(ctx, store, client, units, src, p, onlyMissing, dryRun, runID, log)
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
	var scores []transform.OfficialScore
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
		var perr error
		switch src.name {
		case "bcqg":
			var c transform.BCQGCount
			if c, perr = transform.ParseBCQG(raw, u.Code, p.Code); perr == nil {
				counts = append(counts, c)
			}
		default:
			var os []transform.OfficialScore
			if os, perr = transform.ParseEvaluation(raw, u.Code, p.Code); perr == nil {
				scores = append(scores, os...)
			}
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
	var err error
	switch {
	case len(counts) > 0:
		err = store.WriteBCQG(ctx, runID, counts)
	case len(scores) > 0:
		err = store.WriteOfficialScores(ctx, runID, scores)
	}
	return n, rejects, err
}

func fieldOf(err error) string {
	var re *transform.RecordError
	if errors.As(err, &re) {
		return re.Field
	}
	return ""
}
