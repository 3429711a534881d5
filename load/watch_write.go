package load

import (
	"context"
	"fmt"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// staleWatchAfter is how long after its start a watch still marked running
// is taken for one whose process died.
const staleWatchAfter = 6 * time.Hour

// writeWatchResult writes a watch's priced items and projected scores.
func (s *Store) writeWatchResult(ctx context.Context, w *watchRun, res *WatchResult) error {
	p, asOf := w.req.Period.Code, w.req.AsOf
	err := s.insertRows(ctx, s.opts.Logger, insertAtRiskItemsSQL, len(res.Items), func(i int) []any {
		it := res.Items[i]
		return []any{w.id, p, asOf, it.Unit, it.ItemKind, it.ItemID, it.Rule, it.Metric, it.Indicator, it.Kind,
			it.Procedure, it.Deadline, it.HoursLeft, it.Points, it.Detail, w.version}
	})
	if err != nil {
		return fmt.Errorf("write at-risk items: %w", err)
	}
	err = s.insertRows(ctx, s.opts.Logger, insertAtRiskScoresSQL, len(res.Scores), func(i int) []any {
		r := res.Scores[i]
		return []any{w.id, p, asOf, r.Unit, r.Indicator, r.Secured, r.IfDone, r.Lost, r.Max, w.version}
	})
	if err != nil {
		return fmt.Errorf("write projected scores: %w", err)
	}
	return nil
}

// writeWatchMarker records a watch's state; the 'committed' row publishes
// it (one row, one insert).
func (s *Store) writeWatchMarker(ctx context.Context, w *watchRun, units []string, status string, cause error) error {
	if status != WatchFailed {
		if err := s.hook("watches " + status); err != nil {
			return err
		}
	}
	var finished *time.Time
	rowVersion := uint8(2)
	if status == WatchRunning {
		rowVersion = 1
	} else {
		now := time.Now()
		finished = &now
	}
	msg := ""
	if cause != nil {
		msg = cause.Error()
	}
	return s.insertRows(ctx, s.opts.Logger, insertWatchMarkerSQL, 1, func(int) []any {
		return []any{w.id, w.req.Period.Code, w.req.AsOf, units, w.version, status, w.started, finished, msg, rowVersion}
	})
}

// failWatch marks a watch failed and drops its rows, even when ctx was
// cancelled.
func (s *Store) failWatch(ctx context.Context, w *watchRun, units []string, cause error) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := s.writeWatchMarker(fctx, w, units, WatchFailed, cause); err != nil {
		s.opts.Logger.Warn().Err(err).Str("watch_id", w.id).Msg("could not mark a failed watch")
	}
	if err := s.dropCompute(fctx, w.id, watchTables); err != nil {
		s.opts.Logger.Warn().Err(err).Str("watch_id", w.id).Msg("could not drop the rows of a failed watch")
	}
}

// dropScratch drops the scenarios' compute rows and the watch's candidates,
// whatever the outcome.
func (s *Store) dropScratch(ctx context.Context, w *watchRun) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	for _, id := range w.made {
		if err := s.dropCompute(dctx, id, computeTables); err != nil {
			s.opts.Logger.Warn().Err(err).Str("watch_id", w.id).Msg("could not drop a watch's scenario rows")
		}
	}
	if err := s.dropCompute(dctx, w.id, watchTables[:1]); err != nil {
		s.opts.Logger.Warn().Err(err).Str("watch_id", w.id).Msg("could not drop a watch's candidates")
	}
}

// dropObsoleteWatches drops the rows of the period's watches that no view
// shows (obsoleteWatchesSQL), with the scenario rows a dead process left.
func (s *Store) dropObsoleteWatches(ctx context.Context, w *watchRun) error {
	args := []any{clickhouse.Named("period", w.req.Period.Code), clickhouse.Named("watch_id", w.id),
		clickhouse.Named("stale_before", time.Now().Add(-staleWatchAfter).Unix())}
	var old []string
	err := s.scanRows(ctx, obsoleteWatchesSQL, args, func(scan func(...any) error) error {
		var id string
		if err := scan(&id); err != nil {
			return err
		}
		old = append(old, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("list obsolete watches: %w", err)
	}
	for _, id := range old {
		if err := s.dropCompute(ctx, id, watchTables); err != nil {
			return err
		}
		for _, sc := range []string{"a", "b", "c", "d"} {
			if err := s.dropCompute(ctx, id+"-"+sc, computeTables); err != nil {
				return err
			}
		}
	}
	return nil
}
