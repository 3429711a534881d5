package pipeline

import (
	"io"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// Observer is told what the engine did. It keeps extract, transform and
// load free of any metrics library: serve's metrics implement it.
type Observer interface {
	// RunFinished is called once per recorded run, after its final state
	// was written to v_runs, with the number of records that passed
	// normalization.
	RunFinished(r load.Run, normalized uint64)
	// Retried is called before each retry of a portal request, with the
	// source whose endpoint was requested (SourceOfPath).
	Retried(source string)
}

// Options configure an Engine.
type Options struct {
	Config config.Config
	Log    zerolog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Observer, if set, is told about every run and portal retry.
	Observer Observer
	// Locks, if set, keeps runs of one process from fetching one source at
	// once (serve); nil locks nothing.
	Locks *Locks
	// UnsafeDevKey lets dossier sources hash personal data with a public
	// development key when pii.key is unset (throwaway databases only).
	UnsafeDevKey bool
	// Report, if set, is given the result of every finished run and every
	// note (nothing to read, backfill complete), for the caller to print.
	Report func(Result)
	// OpenTable opens a dropped export (default extract.OpenTable; tests
	// substitute a parser that panics).
	OpenTable TableOpener
	// Hook, if set, is called in every stage of a windowed run ("fetch"
	// once per window, "normalize" and "load" once per page). Tests only:
	// it may block or panic.
	Hook func(stage string)
}

// TableOpener opens a file export for streaming (extract.OpenTable).
type TableOpener func(name string, r io.ReaderAt, size int64, lim extract.TableLimits) (extract.RowReader, error)

func (o *Options) setDefaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.OpenTable == nil {
		o.OpenTable = extract.OpenTable
	}
}

// Engine runs syncs, backfills and computes. It is safe for concurrent
// use: every call builds its own run.
type Engine struct {
	opts Options
	cfg  config.Config
	log  zerolog.Logger
	now  func() time.Time
	// refData loads the reference data of cfg (LoadRefData) on first use
	// and returns the same result to every later call.
	refData func() (*RefData, error)
}

// New returns an engine for the configuration in opts.
func New(opts Options) *Engine {
	opts.setDefaults()
	return &Engine{opts: opts, cfg: opts.Config, log: opts.Log, now: opts.Now,
		refData: sync.OnceValues(func() (*RefData, error) { return LoadRefData(opts.Config.RefData) })}
}

// RefData is the reference data of the configuration (refdata:), read on
// first use and then shared by every run of the engine; a file that cannot
// be loaded is the same error on every call.
func (e *Engine) RefData() (*RefData, error) { return e.refData() }

// Units are the reference units of RefData, with their agencies.
func (e *Engine) Units() (*transform.Units, error) {
	rd, err := e.refData()
	if err != nil {
		return nil, err
	}
	return rd.Units, nil
}

// Config is the engine's configuration.
func (e *Engine) Config() config.Config { return e.cfg }

// report hands a result to Options.Report.
func (e *Engine) report(r Result) {
	if e.opts.Report != nil {
		e.opts.Report(r)
	}
}
