package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// Sources of interfaces.md, and which of them this build can sync.
func newMigrateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the ClickHouse schema (idempotent)",
		Long: `Creates the database (clickhouse.database) if needed and applies every schema
migration not yet recorded in its schema_migrations table, in order. Running it
again on a current schema applies nothing. It then refreshes the reference
units (units, unit_successors) from refdata.units_file and
refdata.agencies_file, by default the Hoài Nhơn files built into this binary
(docs/refdata.md; 'dvcindex refdata check' validates them first), and the
units' targets from refdata.targets_file (none when unset).`,
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
			summary, err := a.engine(false).RefreshReference(ctx, store)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, summary)
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

Without --once, sync runs once as well: the repeating scheduler is
'dvcindex serve'. Without --source, every enabled source: files only when
files.inbox is set, evaluation only when evaluation.root_department_id is.
Keyed sources read every period since sync.since on their first run, then the
current and previous period of each length.

Sources:
` + sourceList(),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_ = once // one pass is the only mode of sync; serve repeats it.
			return a.sync(cmd.Context(), source, dryRun, unsafeDevKey)
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "source to sync: "+strings.Join(pipeline.Names(), ", ")+" (default: every enabled source)")
	cmd.Flags().BoolVar(&once, "once", false, "run one pass and exit (the only mode of sync; 'serve' schedules repeated passes)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "extract and normalize, print the counts and the rejects, write nothing")
	cmd.Flags().BoolVar(&unsafeDevKey, "unsafe-dev-pii-key", false, "if pii.key is unset, hash personal data with a PUBLIC development key (reversible by guessing; throwaway databases only)")
	return cmd
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
	cmd.Flags().StringVar(&source, "source", "", "source to re-read: "+strings.Join(backfillable(), ", ")+" (required)")
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
		Short: "Run the scheduler daemon with /metrics, /healthz, /readyz and the units' page",
		Long: `Runs the scheduled jobs until SIGTERM or SIGINT: a sync of every implemented
source on schedule.sync, compute of the current and previous month and quarter
on schedule.compute, and the report on schedule.report (robfig/cron specs with
an optional CRON_TZ=Zone prefix, or @every 30s; "" disables a job); after each
sync round, the early warning of every unit (docs/watch-nightly.md: metrics, a
digest per unit in serve.report_dir/watch, webhooks). A job never
overlaps itself: a run due while the previous one is still running is skipped
and logged. A job that panics is logged and runs again at its next time. Each
run is limited to serve.job_timeout.

On serve.addr: /metrics (Prometheus), /healthz (the process is alive),
/readyz (ClickHouse reachable, migrations current, no source older than its
freshness.<source> limit, read from v_runs), and the units' page on every
other path (docs/web.md; basic auth with serve.web.users_file).

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
the reference data files (refdata:, loaded as every run loads them),
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

// sync runs one pass of a source, or of every enabled one.
func (a *app) sync(ctx context.Context, source string, dryRun, unsafeDevKey bool) error {
	sources := []string{source}
	if source == "" {
		sources = pipeline.EnabledNames(a.cfg)
	} else if src, ok := pipeline.Lookup(source); !ok {
		return pipeline.UnknownSource(source)
	} else if src.Check != nil {
		if err := src.Check(a.cfg); err != nil {
			return err // before any connection
		}
	}
	if err := pipeline.CheckPIIKeyLength(a.cfg.PII.Key.Reveal()); err != nil {
		return err
	}
	store, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	e := a.engine(unsafeDevKey)
	var errs []error
	for _, src := range sources {
		errs = append(errs, e.Sync(ctx, store, src, dryRun))
	}
	return errors.Join(errs...)
}

// backfillable lists the sources backfill can re-read.
func backfillable() []string {
	var out []string
	for _, s := range pipeline.Sources() {
		if s.NoBackfill == "" {
			out = append(out, s.Name)
		}
	}
	return out
}

// sourceList is one line per registered source, for --help.
func sourceList() string {
	var b strings.Builder
	for _, s := range pipeline.Sources() {
		fmt.Fprintf(&b, "  %-11s %-9s %s\n", s.Name, s.Kind, s.Summary)
	}
	return b.String()
}
