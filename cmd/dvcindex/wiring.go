package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	// progressbar draws the backfill's progress on a terminal (a redrawn
	// line with rate and ETA); off a terminal plain lines are written instead.
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/dvcindex/dvcindex/extract"
	"github.com/dvcindex/dvcindex/internal/pipeline"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
)

// openStore connects to the configured ClickHouse.
func (a *app) openStore(ctx context.Context) (*load.Store, error) {
	opts, err := a.storeOptions()
	if err != nil {
		return nil, err
	}
	return load.Open(ctx, opts)
}

// storeOptions are the configured ClickHouse connection's options.
func (a *app) storeOptions() (load.Options, error) {
	c := a.cfg.ClickHouse
	tlsCfg, err := c.TLSConfig()
	if err != nil {
		return load.Options{}, err
	}
	return load.Options{
		Addrs: c.Addr, Database: c.Database, Username: c.Username, Password: c.Password.Reveal(),
		DialTimeout: c.DialTimeout.D(), ReadTimeout: c.ReadTimeout.D(), BatchRows: c.BatchRows,
		Retries: c.MaxRetries, RetryWait: c.RetryWait.D(), Logger: a.log, TLS: tlsCfg,
		Cluster: c.Cluster, ShardingKey: c.ShardingKey, DDLTimeout: c.DDLTimeout.D(),
	}, nil
}

// engine is the run engine of this command, printing every run's result.
func (a *app) engine(unsafeDevKey bool) *pipeline.Engine {
	return pipeline.New(a.pipelineOptions(unsafeDevKey))
}

// pipelineOptions are the engine's options of this command.
func (a *app) pipelineOptions(unsafeDevKey bool) pipeline.Options {
	return pipeline.Options{Config: a.cfg, Log: a.log, Now: a.now, Locks: a.locks,
		UnsafeDevKey: unsafeDevKey, Report: a.printResult, OpenTable: a.openTable, Hook: a.hook}
}

// printResult prints a run: its note, one line per dropped file, the run's
// counts and, in a dry run, its first rejects.
func (a *app) printResult(res pipeline.Result) {
	if res.Note != "" {
		fmt.Fprintln(a.stdout, res.Note)
	}
	for _, o := range res.Files {
		switch o.Status {
		case pipeline.FileDuplicate:
			fmt.Fprintf(a.stdout, "file %q: already loaded (as %q), nothing to do\n", o.Name, o.DuplicateOf)
		case pipeline.FileUnsettled:
			fmt.Fprintf(a.stdout, "file %q: still being written, left for the next run\n", o.Name)
		case load.FileFailed:
			fmt.Fprintf(a.stdout, "file %q: FAILED — %s\n", o.Name, o.Reason)
		default:
			fmt.Fprintf(a.stdout, "file %q: %d rows, loaded %d, rejected %d\n", o.Name, o.Rows, o.Loaded, o.Rejected)
		}
	}
	r := res.Run
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
	if len(res.Rejects) > 0 {
		tw := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REJECTED RECORD\tFIELD\tREASON")
		for _, rj := range res.Rejects {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", rj.RecordKey, rj.Field, rj.Reason)
		}
		_ = tw.Flush()
	}
}

// progress shows a long command's steps (backfill's windows, reprocess's
// archived runs): a bar on a terminal, plain lines otherwise (logs and CI
// keep one line per step).
type progress struct {
	w     io.Writer
	label string // "backfill dossiers"
	unit  string // "window", "archived run"
	bar   *progressbar.ProgressBar
	start time.Time
}

func newProgress(w io.Writer, label, unit string) *progress {
	return &progress{w: w, label: label, unit: unit, start: time.Now()}
}

// step reports done of total steps; what describes the last one.
func (p *progress) step(done, total int, what string) {
	if f, ok := p.w.(*os.File); ok && p.bar == nil && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(p.label),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString(p.unit+"s"),
			progressbar.OptionShowIts(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
		)
	}
	if p.bar != nil {
		_ = p.bar.Set(done)
		return
	}
	fmt.Fprintf(p.w, "%s: %s %d/%d %s (%.0f%%, %s elapsed)\n", p.label, p.unit, done, total, what,
		100*float64(done)/float64(max(total, 1)), time.Since(p.start).Round(time.Second))
}

// windowStep is step for a backfill's windows.
func (p *progress) windowStep(done, total int, w extract.Window) {
	loc := transform.HoChiMinh()
	p.step(done, total, fmt.Sprintf("[%s, %s) loaded", w.From.In(loc).Format("2006-01-02 15:04"), w.To.In(loc).Format("2006-01-02 15:04")))
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
