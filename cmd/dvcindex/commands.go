package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// Sources of interfaces.md, and which of them this build can sync.
var (
	allSources       = []string{"dossiers", "petitions", "procedures", "evaluation", "bcqg", "files"}
	supportedSources = map[string]bool{"dossiers": true, "petitions": true, "procedures": true, "bcqg": true, "evaluation": true, "files": true}
)

// errNotImplemented is returned by commands that exist in the interface but
// are not built yet; they exit 1 with a message saying so.
var errNotImplemented = errors.New("not implemented yet")

func notImplemented(name, issue string) error {
	return fmt.Errorf("dvcindex %s: %w (tracked in issue %s)", name, errNotImplemented, issue)
}

func newMigrateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the ClickHouse schema (idempotent)",
		Long: `Creates the database (clickhouse.database) if needed and applies every schema
migration not yet recorded in its schema_migrations table, in order. Running it
again on a current schema applies nothing. It then refreshes the reference
units (units, unit_successors) from the data built into this binary.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			applied, err := store.Migrate(ctx)
			if err != nil {
				return err
			}
			if len(applied) == 0 {
				fmt.Fprintf(a.stdout, "schema of %s is current\n", store.Database())
			}
			for _, m := range applied {
				fmt.Fprintf(a.stdout, "applied %04d_%s\n", m.Version, m.Name)
			}
			units, err := transform.DefaultUnits()
			if err != nil {
				return fmt.Errorf("reference units: %w", err)
			}
			if err := store.RefreshUnits(ctx, units.All(), units.Successors()); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "reference data: %d units, %d successor links\n", len(units.All()), len(units.Successors()))
			return nil
		},
	}
}

func newSyncCmd(a *app) *cobra.Command {
	var source string
	var once, dryRun, unsafeDevKey bool
	cmd := &cobra.Command{
		Use:   "sync [--source NAME] [--once]",
		Short: "Incremental pull of a source: extract, normalize, load, advance the watermark",
		Long: `Reads the source's records updated in the closed window
[watermark − sync.lookback, now − sync.safety_lag), normalizes them, loads
ClickHouse and advances the watermark only after every batch of a window was
acknowledged. A new source starts at sync.since. Records that cannot be
normalized go to the rejects table (v_rejects) with the reason; the rest load.

Sources: dossiers and petitions (windows on NgayCapNhat); procedures (the
catalogue, a full snapshot each time); bcqg and evaluation (per unit and
period: every period since sync.since on the first run, then the current and
previous period of each length); files (the .xlsx/.csv exports dropped in
files.inbox: loaded once per content, then moved to done/ or, with a reason
file, to failed/). Without --source, every source (files only when
files.inbox is set). Without --once, sync runs once as well: the repeating
scheduler is 'dvcindex serve'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sources := []string{source}
			if source == "" {
				sources = implementedSources()
				if a.cfg.Files.Inbox == "" {
					sources = slices.DeleteFunc(sources, func(s string) bool { return s == "files" })
				}
			} else if !contains(allSources, source) {
				return usagef("unknown source %q; sources are %s", source, strings.Join(allSources, ", "))
			} else if !supportedSources[source] {
				return notImplemented("sync --source "+source, "#4/#5")
			}
			if source == "files" && a.cfg.Files.Inbox == "" {
				return errNoInbox() // before any connection
			}
			_ = once // one pass is the only mode of sync; serve repeats it.
			if err := checkPIIKeyLength(a.cfg.PII.Key.Reveal()); err != nil {
				return err
			}
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			var errs []error
			for _, src := range sources {
				errs = append(errs, a.syncOnce(ctx, store, src, dryRun, unsafeDevKey))
			}
			return errors.Join(errs...)
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "source to sync: "+strings.Join(allSources, ", ")+" (default: every implemented source)")
	cmd.Flags().BoolVar(&once, "once", false, "run one pass and exit (the only mode of sync; 'serve' schedules repeated passes)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "extract and normalize, print the counts and the rejects, write nothing")
	cmd.Flags().BoolVar(&unsafeDevKey, "unsafe-dev-pii-key", false, "if pii.key is unset, hash personal data with a PUBLIC development key (reversible by guessing; throwaway databases only)")
	return cmd
}

// abandonStaleRuns marks runs of source left "running" by a process that
// died as abandoned. A run older than twice serve.job_timeout cannot still be
// alive: serve cancels its jobs at the timeout.
func (a *app) abandonStaleRuns(ctx context.Context, store *load.Store, source string) {
	before := a.now().Add(-2 * a.cfg.Serve.JobTimeout.D())
	n, err := store.AbandonStaleRuns(ctx, source, before)
	if err != nil {
		a.log.Warn().Err(err).Str("source", source).Msg("could not mark stale runs as abandoned")
		return
	}
	if n > 0 {
		a.log.Warn().Int("runs", n).Str("source", source).Msg("runs left running by a process that ended were marked abandoned")
	}
}

// implementedSources lists the sources sync can read, in interface order.
func implementedSources() []string {
	var out []string
	for _, s := range allSources {
		if supportedSources[s] {
			out = append(out, s)
		}
	}
	return out
}

// syncOnce runs one incremental pass of source.
func (a *app) syncOnce(ctx context.Context, store *load.Store, source string, dryRun, unsafeDevKey bool) error {
	if !dryRun {
		a.abandonStaleRuns(ctx, store, source)
	}
	switch source {
	case "files":
		return a.syncFiles(ctx, store, dryRun, unsafeDevKey)
	case "procedures":
		return a.syncProcedures(ctx, store, dryRun)
	case "bcqg", "evaluation":
		src := bcqgSource
		if source == "evaluation" {
			src = evaluationSource
		}
		periods, err := a.keyedPeriods(ctx, store, src)
		if err != nil {
			return err
		}
		return a.syncKeyed(ctx, store, src, periods, false, dryRun, "sync")
	}
	src, err := a.windowedSource(source, unsafeDevKey)
	if err != nil {
		return err
	}
	wm, ok, err := store.Watermark(ctx, source)
	if err != nil {
		return fmt.Errorf("%w (has 'dvcindex migrate' run?)", err)
	}
	lookback := a.cfg.Sync.Lookback.D()
	if !ok {
		// A new source starts at sync.since: there is nothing behind it to re-read.
		wm, lookback = a.cfg.Sync.Since.T(), 0
	}
	w, ok := extract.IncrementalWindow(wm, lookback, a.cfg.Sync.SafetyLag.D(), a.now())
	if !ok {
		fmt.Fprintf(a.stdout, "sync %s: nothing to read yet (watermark %s)\n", source, wm.In(transform.HoChiMinh()).Format("2006-01-02 15:04:05 Asia/Ho_Chi_Minh"))
		return nil
	}
	runID := newRunID(a.now())
	log := a.log.With().Str("run_id", runID).Str("source", source).Logger()
	res, err := a.runWindowedSync(ctx, store, a.sourceClient(source, log),
		syncRequest{runID: runID, source: src, command: "sync", window: w, advance: true, dryRun: dryRun}, log)
	a.printRun(res)
	return err
}

func (a *app) printRun(res syncResult) {
	r := res.run
	if r.ID == "" {
		return
	}
	fmt.Fprintf(a.stdout, "%s %s: %s — fetched %d, loaded %d, rejected %d", r.Command, r.Source, r.Status, r.Fetched, r.Loaded, r.Rejected)
	if r.WindowFrom != nil && r.WindowTo != nil {
		loc := transform.HoChiMinh() // one zone for both ends, whatever the machine's
		fmt.Fprintf(a.stdout, ", window [%s, %s) %s", r.WindowFrom.In(loc).Format("2006-01-02 15:04:05"),
			r.WindowTo.In(loc).Format("2006-01-02 15:04:05"), "Asia/Ho_Chi_Minh")
	}
	fmt.Fprintf(a.stdout, ", run %s\n", r.ID)
	if len(res.rejects) > 0 {
		tw := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REJECTED RECORD\tFIELD\tREASON")
		for _, rj := range res.rejects {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", rj.RecordKey, rj.Field, rj.Reason)
		}
		_ = tw.Flush()
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func newBackfillCmd(a *app) *cobra.Command {
	var source, from, to string
	var dryRun, unsafeDevKey bool
	cmd := &cobra.Command{
		Use:   "backfill --source NAME --from DATE --to DATE",
		Short: "Re-read a closed window of a source in steps, resumably",
		Long: `Re-reads [--from, --to) (dates yyyy-mm-dd, Asia/Ho_Chi_Minh) of a source in
windows of sync.window, with a progress bar on a terminal (plain progress lines
otherwise). dossiers and petitions record their progress after each window in
sync_state under "backfill:SOURCE:FROM:TO", so running the same backfill again
continues where it stopped (and says "already complete" once done). The
incremental watermark of the source is never read or moved. bcqg and
evaluation re-read every period (month, quarter, year) in the range.
--to must be a closed window: at most now − sync.safety_lag.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.backfill(cmd.Context(), source, from, to, dryRun, unsafeDevKey)
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "source to re-read: dossiers, petitions, evaluation, bcqg (required)")
	cmd.Flags().StringVar(&from, "from", "", "start date (yyyy-mm-dd), inclusive (required)")
	cmd.Flags().StringVar(&to, "to", "", "end date (yyyy-mm-dd), exclusive (required)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "extract and normalize, print the counts and the rejects, write nothing")
	cmd.Flags().BoolVar(&unsafeDevKey, "unsafe-dev-pii-key", false, "if pii.key is unset, hash personal data with a PUBLIC development key (throwaway databases only)")
	for _, f := range []string{"source", "from", "to"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

func newComputeCmd(a *app) *cobra.Command {
	var period, unit string
	var offline bool
	cmd := &cobra.Command{
		Use:   "compute --period P [--unit CODE] [--offline]",
		Short: "Compute the seven indicators, their metrics and the per-dossier findings for a period",
		Long: `Computes every metric of the six groups and the total for period P (2024,
2024-Q2 or 2024-07) inside ClickHouse, for every ward, the district and the
province valid on the period's last day (or only --unit and the province it
inherits from), with the findings that say which dossiers cost the points.
Results: v_indicator_scores, v_indicator_metrics, v_dossier_findings;
recomputing replaces a period's rows. Rules: docs/indicators.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := transform.ParsePeriod(period)
			if err != nil {
				return usageError{err}
			}
			var only []string
			if unit != "" {
				only = []string{unit}
			}
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			return a.compute(ctx, store, p, only, offline)
		},
	}
	cmd.Flags().StringVar(&period, "period", "", "period: 2024, 2024-Q2 or 2024-07 (required)")
	cmd.Flags().StringVar(&unit, "unit", "", "GSO code of one unit (default: every unit)")
	cmd.Flags().BoolVar(&offline, "offline", false, "do not read missing BCQG counts and official scores from the portal")
	_ = cmd.MarkFlagRequired("period")
	return cmd
}

func newServeCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the scheduler daemon with /metrics, /healthz, /readyz",
		Long: `Runs the scheduled jobs until SIGTERM or SIGINT: a sync of every implemented
source on schedule.sync, compute of the current and previous month and quarter
on schedule.compute, and the report on schedule.report (robfig/cron specs with
an optional CRON_TZ=Zone prefix, or @every 30s; "" disables a job). A job never
overlaps itself: a run due while the previous one is still running is skipped
and logged. A job that panics is logged and runs again at its next time. Each
run is limited to serve.job_timeout.

On serve.addr: /metrics (Prometheus), /healthz (the process is alive) and
/readyz (ClickHouse reachable, migrations current, no source older than its
freshness.<source> limit, read from v_runs).

On SIGTERM or SIGINT it starts no new run, lets running jobs finish within
serve.grace_period, then aborts them (a sync keeps its watermark at the last
window whose batches were all acknowledged) and exits 0.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.serve(cmd.Context(), serveHooks{}) },
	}
}

func newDoctorCmd(a *app) *cobra.Command {
	var selfTest bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check config, ClickHouse and sources, and say how to fix problems",
		Long: `Checks the configuration (every key, with the file or variable it came from),
ClickHouse (reachable, version, rights to create, insert and select, schema
current), the portal (credentials accepted, one page of each source reads),
the personal-data key, every schedule (with its next three run times in local
time) and the freshness of every source (from v_runs). Prints each problem with
its fix in one sentence, and exits 1 if there is any.

--selftest checks the ClickHouse server instead: it creates a scratch database
(dvc_selftest_<random>), migrates it, loads a small built-in fixture, computes
one period, compares every metric, group and finding with the values CI's
server computed, and drops the database. Run it once on every new server or
after a ClickHouse upgrade.`,
		Args: cobra.NoArgs,
		// doctor must run on a configuration that does not validate, to
		// explain what is wrong with it: it loads the configuration itself.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE:              func(cmd *cobra.Command, _ []string) error { return a.doctor(cmd.Context(), selfTest) },
	}
	cmd.Flags().BoolVar(&selfTest, "selftest", false, "prove the ClickHouse server computes the index as CI's does (scratch database, dropped)")
	return cmd
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print version and build info",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			version, rev, dirty := "(devel)", "", ""
			goVersion := ""
			if bi, ok := debug.ReadBuildInfo(); ok {
				goVersion = bi.GoVersion
				if bi.Main.Version != "" {
					version = bi.Main.Version
				}
				for _, s := range bi.Settings {
					switch s.Key {
					case "vcs.revision":
						rev = s.Value
					case "vcs.modified":
						if s.Value == "true" {
							dirty = " (modified)"
						}
					}
				}
			}
			fmt.Fprintf(a.stdout, "dvcindex %s\nrevision %s%s\n%s\nschema migrations: %d\n", version, rev, dirty, goVersion, migrationCount())
			return nil
		},
	}
}

func migrationCount() int {
	ms, err := load.Migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}
