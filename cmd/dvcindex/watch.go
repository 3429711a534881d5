package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dvcindex/dvcindex/internal/watch"
)

func newWatchCmd(a *app) *cobra.Command {
	var unit, period, asOf, format string
	var top int
	cmd := &cobra.Command{
		Use:   "watch --unit CODE [--period P] [--as-of TIME] [--format table|json] [--top N]",
		Short: "List today's dossiers and petitions that will cost a unit points unless someone acts",
		Long: `The early warning (docs/watch.md): for the period holding today (watch.period),
the unit's open dossiers and petitions that will cost it points unless someone
acts, each with the points it would cost (the index's own formulas) and the
hours left, most points per hour first; then the overdue
items and the projected scores if nothing changes and if every item is done.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := watch.ParseRequest(unit, period, asOf, format)
			if err != nil {
				return usageError{err}
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
			ds := watch.Digests(res, req.Only)
			if len(ds) == 0 {
				return fmt.Errorf("watch %s: unit %s has no projection in %s", res.Period, unit, res.Period)
			}
			if format == "json" {
				return watch.WriteJSON(a.stdout, ds)
			}
			return watch.WriteTable(a.stdout, ds[0], top)
		},
	}
	cmd.Flags().StringVar(&unit, "unit", "", "GSO code of the unit (required)")
	cmd.Flags().StringVar(&period, "period", "", "period watched: 2024, 2024-Q2 or 2024-07 (default: the watch.period holding --as-of)")
	cmd.Flags().StringVar(&asOf, "as-of", "", "the moment taken as now: RFC 3339 or 2024-05-10T17:00 (Asia/Ho_Chi_Minh); default now")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	cmd.Flags().IntVar(&top, "top", 15, "items shown in each list of the table (0: all; json has every item)")
	_ = cmd.MarkFlagRequired("unit")
	return cmd
}
