package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// compute runs the indicator engine for one period and prints the scores.
func (a *app) compute(ctx context.Context, store *load.Store, p transform.Period, only []string, offline bool) error {
	_, err := a.engine(false).Compute(ctx, store, pipeline.ComputeRequest{Period: p, Only: only, Offline: offline})
	if err != nil {
		return err
	}
	return a.printScores(ctx, store, p.Code, only)
}

// printScores prints the seven indicators of each unit of the period.
func (a *app) printScores(ctx context.Context, store *load.Store, period string, only []string) error {
	rows, err := store.Scores(ctx, period)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, u := range only {
		want[u] = true
	}
	tw := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "period %s\tunit\ttransparency\tprogress\tonline\tpayment\tdigitization\tsatisfaction\ttotal\t\n", period)
	for _, r := range rows {
		if len(want) > 0 && !want[r.UnitCode] {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s", r.UnitName, r.UnitCode)
		for _, s := range r.Scores {
			fmt.Fprintf(tw, "\t%.2f", s)
		}
		fmt.Fprint(tw, "\t\n")
	}
	return tw.Flush()
}
