package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dvcindex/dvcindex/internal/pipeline"
)

func newReprocessCmd(a *app) *cobra.Command {
	var source, from, to string
	var dryRun, restart, unsafeDevKey bool
	cmd := &cobra.Command{
		Use:   "reprocess --source NAME [--from DATE --to DATE]",
		Short: "Re-normalize archived pages with today's rules and reload, without fetching",
		Long: `Reads the pages a sync archived (raw_pages: every page read, personal fields
already hashed) of a source whose window overlaps [--from, --to) (dates
yyyy-mm-dd, Asia/Ho_Chi_Minh; without them, everything archived), normalizes
them again with this binary's rules and reloads the normalized tables. Nothing
is fetched from the portal. A record's new row replaces its old one.

It goes archived run by archived run, in fetch order, with a progress bar on a
terminal, and records its progress in sync_state under
"reprocess:SOURCE:FROM:TO": run again, it continues where it stopped (and says
"already complete" once done); --restart starts it over, e.g. after another
rule change. --dry-run writes nothing and prints what would change: per field,
how many rows have it set now and after; per field at fault, the rejects now
and after. Sources: dossiers, petitions, files (the archive of bcqg,
procedures and evaluation is read again by their own syncs).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.reprocess(cmd.Context(), source, from, to, dryRun, restart, unsafeDevKey)
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "source to reprocess: dossiers, petitions or files (required)")
	cmd.Flags().StringVar(&from, "from", "", "start date (yyyy-mm-dd) of the windows, inclusive (default: everything archived)")
	cmd.Flags().StringVar(&to, "to", "", "end date (yyyy-mm-dd), exclusive (with --from)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "normalize, print what would change, write nothing")
	cmd.Flags().BoolVar(&restart, "restart", false, "ignore the progress of a previous reprocess of the same range")
	cmd.Flags().BoolVar(&unsafeDevKey, "unsafe-dev-pii-key", false, "if pii.key is unset, use the PUBLIC development key (throwaway databases only; must be the key the archive was written with)")
	_ = cmd.MarkFlagRequired("source")
	return cmd
}

// reprocess runs pipeline.Engine.Reprocess with a progress bar on stderr.
func (a *app) reprocess(ctx context.Context, source, fromS, toS string, dryRun, restart, unsafeDevKey bool) error {
	req := pipeline.ReprocessRequest{Source: source, DryRun: dryRun, Restart: restart}
	if (fromS == "") != (toS == "") {
		return usagef("--from and --to go together")
	}
	if fromS != "" {
		var err error
		if req.From, req.To, err = parseRange(fromS, toS); err != nil {
			return err
		}
	}
	e := a.engine(unsafeDevKey)
	if _, err := e.CheckReprocess(req); err != nil {
		return err
	}
	prog := newProgress(a.stderr, "reprocess "+source, "archived run")
	req.Progress = func(done, total int, runID string) { prog.step(done, total, runID+" done") }
	store, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := e.Reprocess(ctx, store, req)
	prog.finish()
	if rep.Diff != nil {
		fmt.Fprint(a.stdout, rep.Diff.String())
	}
	return err
}
