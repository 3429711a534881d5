package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/internal/watch"
	"github.com/dvcindex/dvcindex/transform"
)

func newWatchCmd(a *app) *cobra.Command {
	var unit, period, asOf, format string
	cmd := &cobra.Command{
		Use:   "watch --unit CODE [--period P] [--as-of TIME] [--format table|json]",
		Short: "List today's dossiers and petitions that will cost a unit points unless someone acts",
		Long: `The early warning (docs/watch.md). For the period holding today (watch.period,
quarterly by default) it lists the unit's open dossiers and petitions that will
cost it points unless someone acts — due within watch.due_within_days working
days, received but not synced to the national portal, a step not synced after
watch.step_unsynced_after, one supplement away from counting late, a result
without its electronic file, a petition near its deadline — each with the
points it would cost (computed with the index's own formulas) and the hours
left, most points per hour first, in plain Vietnamese. Then the overdue items
(points already lost) and the unit's projected scores: if nothing changes, and
if every listed item is done. It reads what ClickHouse holds: run sync first.
--as-of sets "now" (default: the current time), to replay a past day on data
synced as it stood then.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := watchRequest(unit, period, asOf, format)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			res, err := a.engine(false).Watch(ctx, store, req)
			if err != nil {
				return err
			}
			ds := watch.Digests(res, []string{unit})
			if len(ds) == 0 {
				return fmt.Errorf("watch %s: unit %s has no projection in %s", res.Period, unit, res.Period)
			}
			if format == "json" {
				return watch.WriteJSON(a.stdout, ds)
			}
			return watch.WriteTable(a.stdout, ds[0])
		},
	}
	cmd.Flags().StringVar(&unit, "unit", "", "GSO code of the unit (required)")
	cmd.Flags().StringVar(&period, "period", "", "period watched: 2024, 2024-Q2 or 2024-07 (default: the watch.period holding --as-of)")
	cmd.Flags().StringVar(&asOf, "as-of", "", "the moment taken as now, RFC 3339 or 2006-01-02T15:04 (Asia/Ho_Chi_Minh); default: now")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	_ = cmd.MarkFlagRequired("unit")
	return cmd
}

// watchRequest checks the watch command's flags.
func watchRequest(unit, period, asOf, format string) (pipeline.WatchRequest, error) {
	req := pipeline.WatchRequest{Only: []string{unit}}
	if unit == "" {
		return req, usagef("--unit is required")
	}
	if format != "table" && format != "json" {
		return req, usagef("--format must be table or json")
	}
	if period != "" {
		p, err := transform.ParsePeriod(period)
		if err != nil {
			return req, usageError{err}
		}
		req.Period = p
	}
	if asOf != "" {
		t, err := parseAsOf(asOf)
		if err != nil {
			return req, usagef("--as-of %q: want RFC 3339 (2024-05-10T17:00:00+07:00) or 2024-05-10T17:00", asOf)
		}
		req.AsOf = t
	}
	return req, nil
}

func parseAsOf(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02T15:04", s, transform.HoChiMinh())
}
