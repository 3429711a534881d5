package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"

	"github.com/dvcindex/dvcindex/config"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/load"
)

// Options is what a Doctor checks and where it prints.
type Options struct {
	// Config is the configuration to check, as config.Load returned it
	// (with the command line's log overrides): it need not validate.
	Config config.Config
	// ConfigPath is the file Config was read from; "" means built-in
	// defaults and DVC_* variables only.
	ConfigPath string
	// LoadErr is config.Load's error, if any: its problems are listed with
	// those Validate finds.
	LoadErr error
	// Out receives the report; default io.Discard.
	Out io.Writer
	// Log is the logger of the clients doctor builds (ClickHouse, portal,
	// national API).
	Log zerolog.Logger
	// Now is the clock of the schedules, the probes and the freshness
	// checks; default time.Now.
	Now func() time.Time
	// StoreOptions returns the configured ClickHouse connection's options,
	// or the error of a CA file that cannot be read. Doctor shortens its
	// timeouts and drops its retries for the connection check. Default:
	// an error saying it is not set.
	StoreOptions func() (load.Options, error)
}

func (o *Options) setDefaults() {
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.StoreOptions == nil {
		o.StoreOptions = func() (load.Options, error) {
			return load.Options{}, errors.New("doctor: no ClickHouse options given (Options.StoreOptions)")
		}
	}
}

// Doctor runs the checks of `dvcindex doctor`. It is safe to Run more than
// once; each Run prints a report of its own.
type Doctor struct {
	opts Options
	cfg  config.Config
}

// New returns a Doctor over opts, with defaults for the fields left zero.
func New(opts Options) *Doctor {
	opts.setDefaults()
	return &Doctor{opts: opts, cfg: opts.Config}
}

// Problems is Run's error: how many problems the report printed.
type Problems int

func (p Problems) Error() string {
	return fmt.Sprintf("doctor found %d problem(s); the fixes are printed above", int(p))
}

// Run checks the configuration, then either the ClickHouse self-test
// (selfTest) or the reference data, the schedules, the personal-data key, ClickHouse with the
// freshness of every source, the portal and the national API. It prints
// each check to Out as it runs, then the number of problems, and returns
// Problems if there was any, nil otherwise.
func (d *Doctor) Run(ctx context.Context, selfTest bool) error {
	r := &report{w: d.opts.Out}
	d.checkConfig(r)
	if selfTest {
		d.checkSelfTest(ctx, r)
	} else {
		rd := d.checkRefData(r)
		d.checkSchedules(r)
		d.checkPIIKey(r)
		d.checkClickHouse(ctx, r)
		d.checkPortal(ctx, r, rd)
		for _, src := range pipeline.Sources() {
			if src.Host == pipeline.NationalHost {
				d.checkOfficial(ctx, r, src)
			}
		}
	}
	r.summary()
	if r.problems > 0 {
		return Problems(r.problems)
	}
	return nil
}

// sources are the sources doctor checks: those the configuration enables,
// as serve schedules them.
func (d *Doctor) sources() []string { return pipeline.EnabledNames(d.cfg) }

// origin says in words where a key's value comes from.
func (d *Doctor) origin(key string) string {
	o := d.cfg.Origin(key)
	if o == "default" {
		return "default; set it in the config file or " + config.EnvName(key)
	}
	return "from " + o
}
