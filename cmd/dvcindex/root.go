package main

import (
	"io"
	"os"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/pipeline"
)

// app is what every command gets: the loaded configuration, a logger and the
// output streams.
type app struct {
	cfg      config.Config
	log      zerolog.Logger
	stdout   io.Writer
	stderr   io.Writer
	environ  []string
	now      func() time.Time
	cfgPath  string
	logFmt   string
	logLevel string
	// locks, if set, keeps runs from fetching one source twice at once
	// (tests; serve makes its own); nil for commands run once.
	locks *pipeline.Locks
	// openTable and hook are the engine's test seams (pipeline.Options);
	// nil on the command line.
	openTable pipeline.TableOpener
	hook      func(stage string)
}

func newRootCmd(stdout, stderr io.Writer, environ []string) *cobra.Command {
	a := &app{stdout: stdout, stderr: stderr, environ: environ, now: time.Now}
	root := &cobra.Command{
		Use:   "dvcindex",
		Short: "Recompute the 766 service index of Vietnamese local government from portal dossier data",
		Long: `dvcindex pulls dossier data from the provincial one-stop portal, normalizes it,
loads ClickHouse and recomputes the seven indicators of Quyết định 766/QĐ-TTg per
ward and period, down to the metric, procedure and dossier that lost the points.

Configuration: --config FILE, else $DVC_CONFIG, else ./dvcindex.yaml if present,
else built-in defaults; every key can be overridden by DVC_* variables
(clickhouse.addr → DVC_CLICKHOUSE_ADDR). Logs go to stderr, results to stdout.
Exit codes: 0 success, 1 failure, 2 usage error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Name() == "version" || cmd.Name() == "help" {
				return nil
			}
			return a.init()
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.PersistentFlags().StringVar(&a.cfgPath, "config", "", "configuration file (YAML); default $DVC_CONFIG or ./dvcindex.yaml")
	root.PersistentFlags().StringVar(&a.logFmt, "log-format", "", "log format: auto (console on a terminal, else JSON), console or json; overrides log.format")
	root.PersistentFlags().StringVar(&a.logLevel, "log-level", "", "log level: trace, debug, info, warn or error; overrides log.level")
	root.AddCommand(
		newMigrateCmd(a),
		newSyncCmd(a),
		newBackfillCmd(a),
		newReprocessCmd(a),
		newComputeCmd(a),
		newExplainCmd(a),
		newWatchCmd(a),
		newReportCmd(a),
		newServeCmd(a),
		newWebCmd(a),
		newDoctorCmd(a),
		newRefDataCmd(a),
		newVersionCmd(a),
	)
	return root
}

// init loads the configuration and sets up logging.
func (a *app) init() error {
	cfg, err := a.loadConfig(a.configPath())
	if err != nil {
		// A configuration the operator must correct is a usage error (exit 2).
		return usageError{err}
	}
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	a.cfg = cfg
	a.log = newLogger(a.stderr, cfg.Log)
	return nil
}

// loadConfig loads the configuration at path with --log-format and
// --log-level applied over it, also when Load fails (doctor lists what it
// read).
func (a *app) loadConfig(path string) (config.Config, error) {
	cfg, err := config.Load(path, a.environ)
	if a.logFmt != "" {
		cfg.Log.Format = a.logFmt
	}
	if a.logLevel != "" {
		cfg.Log.Level = a.logLevel
	}
	return cfg, err
}

// configPath is --config, else $DVC_CONFIG, else ./dvcindex.yaml if present,
// else "" (defaults and DVC_* variables only).
func (a *app) configPath() string {
	path := a.cfgPath
	if path == "" {
		path = getenv(a.environ, "DVC_CONFIG")
	}
	if path == "" {
		if _, err := os.Stat("dvcindex.yaml"); err == nil {
			path = "dvcindex.yaml"
		}
	}
	return path
}

func getenv(environ []string, name string) string {
	for _, kv := range environ {
		if len(kv) > len(name) && kv[:len(name)] == name && kv[len(name)] == '=' {
			return kv[len(name)+1:]
		}
	}
	return ""
}

// newLogger writes human-readable lines on a terminal and JSON otherwise.
func newLogger(w io.Writer, c config.Log) zerolog.Logger {
	level, err := zerolog.ParseLevel(c.Level)
	if err != nil {
		level = zerolog.InfoLevel
	}
	console := c.Format == "console"
	if c.Format == "auto" {
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			console = true
		}
	}
	if console {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: "15:04:05"}
	}
	// The pipeline logs from several goroutines at once (the fetcher's
	// retries, the loader's rejects): one line is written whole at a time,
	// whatever the writer.
	w = zerolog.SyncWriter(w)
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}
