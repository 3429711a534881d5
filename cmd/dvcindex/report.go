package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/dvcindex/dvcindex/internal/ward"
	"github.com/dvcindex/dvcindex/load"
	"github.com/dvcindex/dvcindex/transform"
	"github.com/dvcindex/dvcindex/transform/report"
)

func newReportCmd(a *app) *cobra.Command {
	var period, format, out string
	cmd := &cobra.Command{
		Use:   "report --period P --format md|csv|html --out FILE",
		Short: "Write the district's report for a period",
		Long: `Writes the report the district sends the province for period P: the seven
indicators of the district and each ward with their change against the previous
period, the transparency breakdown (what the ward can act on, what is province
level, and the top causes), the simplified-procedure and interconnected-group
tables of the seed report, genuine vs proxy online submissions, and dossiers
late only in the software. Periods that have not been computed yet (P, the
previous period and the trend periods) are computed first, from the data in
ClickHouse. Formats: md (one Markdown file), csv (a zip of one UTF-8 CSV with
BOM per table), html (one self-contained file with SVG charts).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := transform.ParsePeriod(period)
			if err != nil {
				return usageError{err}
			}
			if reportFormats[format] == nil {
				return usagef("--format must be md, csv or html")
			}
			if out == "" {
				return usagef("--out is required")
			}
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close()
			d, err := a.reportData(ctx, store, p)
			if err != nil {
				return err
			}
			if err := writeReport(d, format, out); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "report %s (%s) written to %s\n", p.Code, format, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&period, "period", "", "period: 2024, 2024-Q2 or 2024-07 (required)")
	cmd.Flags().StringVar(&format, "format", "md", "md, csv (a zip of CSV files) or html")
	cmd.Flags().StringVar(&out, "out", "", "output file (required)")
	_ = cmd.MarkFlagRequired("period")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// reportFormats render the report; csv is a zip of one file per table.
var reportFormats = map[string]func(*bytes.Buffer, report.Data) error{
	"md":   func(b *bytes.Buffer, d report.Data) error { return report.Markdown(b, d) },
	"csv":  func(b *bytes.Buffer, d report.Data) error { return report.CSV(b, d) },
	"html": func(b *bytes.Buffer, d report.Data) error { return report.HTML(b, d) },
}

// reportExt is the file extension of each format.
var reportExt = map[string]string{"md": ".md", "csv": ".zip", "html": ".html"}

// writeReport renders d in format into the file out.
func writeReport(d report.Data, format, out string) error {
	var buf bytes.Buffer
	if err := reportFormats[format](&buf, d); err != nil {
		return fmt.Errorf("render %s report: %w", format, err)
	}
	return writeFileAtomic(out, buf.Bytes())
}

// writeReports writes every format of the report of p into dir as
// report-<period>.md, .zip and .html (the scheduled report of serve).
func (a *app) writeReports(ctx context.Context, store *load.Store, p transform.Period, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report directory: %w", err)
	}
	d, err := a.reportData(ctx, store, p)
	if err != nil {
		return nil, err
	}
	var written []string
	for _, f := range []string{"md", "csv", "html"} {
		out := filepath.Join(dir, "report-"+p.Code+reportExt[f])
		if err := writeReport(d, f, out); err != nil {
			return written, err
		}
		written = append(written, out)
	}
	return written, nil
}

// trendLength is how many periods of each length the trend shows.
var trendLength = map[transform.PeriodKind]int{transform.Month: 6, transform.Quarter: 4, transform.Year: 3}

// reportData computes what is missing and gathers the report of p.
func (a *app) reportData(ctx context.Context, store *load.Store, p transform.Period) (report.Data, error) {
	eng := a.engine(false)
	var trend []transform.Period
	q := p
	for i := 0; i < trendLength[p.Kind]; i++ {
		trend = append([]transform.Period{q}, trend...)
		q = q.Previous()
	}
	for _, need := range append([]transform.Period{p.Previous()}, trend...) {
		ok, err := store.HasScores(ctx, need.Code)
		if err != nil {
			return report.Data{}, err
		}
		if !ok {
			a.log.Info().Str("period", need.Code).Msg("report: computing a period that has no figures yet")
			if err := eng.ComputeQuiet(ctx, store, need); err != nil {
				return report.Data{}, err
			}
		}
	}
	units, err := eng.Units()
	if err != nil {
		return report.Data{}, err
	}
	staff, err := a.staffAccounts()
	if err != nil {
		return report.Data{}, err
	}
	ind := a.cfg.Indicators
	d, err := store.ReportData(ctx, load.ReportRequest{
		Period: p, TrendPeriods: trend, Units: units, Settings: eng.IndicatorSettings(),
		ProxyMinOwners: ind.ProxyMinOwners, StaffAccounts: staff,
		Bands: report.Bands{Excellent: ind.BandExcellent, Good: ind.BandGood, Fair: ind.BandFair, Average: ind.BandAverage},
	})
	if err != nil {
		return d, err
	}
	return d, ward.NewStore(store, eng.IndicatorSettings()).AddToReport(ctx, &d)
}

// staffAccounts hashes the configured staff accounts with the personal-data
// key, as the accounts are stored.
func (a *app) staffAccounts() (map[string]bool, error) {
	out := map[string]bool{}
	if len(a.cfg.Indicators.StaffAccounts) == 0 {
		return out, nil
	}
	if !a.cfg.PII.Key.IsSet() {
		return nil, usagef("indicators.staff_accounts needs pii.key (DVC_PII_KEY): accounts are stored as keyed hashes")
	}
	pii, err := transform.NewPseudonymizer([]byte(a.cfg.PII.Key.Reveal()))
	if err != nil {
		return nil, err
	}
	for _, acc := range a.cfg.Indicators.StaffAccounts {
		out[pii.Hash(transform.KindAccount, acc)] = true
	}
	return out, nil
}

// writeFileAtomic writes through a temporary file so a failed run never
// leaves half a report behind.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".report-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp makes it private
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
